package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/reports"
)

// reportRows is how many groups a report page shows; the CSV export has
// every one.
const reportRows = 200

// reportFilter reads a report's filters: period preset or custom range,
// vendor, location, category and grouping (one of bys, the first the
// default).
func (s *Server) reportFilter(r *http.Request, bys ...string) (procure.ReportFilter, *form, error) {
	q := query(r)
	f := procure.ReportFilter{VendorID: q.int("vendor", 0), LocationID: q.int("location", 0), Category: q.str("category"),
		By: q.str("by"), Today: s.todayDate()}
	if f.VendorID != 0 || f.LocationID != 0 {
		vendorOK, locationOK, err := s.Store.FilterIDsExist(r.Context(), f.VendorID, f.LocationID)
		if err != nil {
			return f, q, err
		}
		if !vendorOK {
			q.Errors.Add("vendor", "Choose a vendor from the list.")
			f.VendorID = 0
		}
		if !locationOK {
			q.Errors.Add("location", "Choose a location from the list.")
			f.LocationID = 0
		}
	}
	p, err := procure.ParsePeriod(q.str("period"), q.str("from"), q.str("to"), f.Today)
	for k, m := range procure.FieldsOf(err) {
		q.Errors.Add(k, m)
	}
	if err != nil {
		p, _ = procure.ParsePeriod(procure.PeriodThisQuarter, "", "", f.Today)
	}
	f.Period = p
	if len([]rune(f.Category)) > 100 {
		q.Errors.Add("category", "Use at most 100 characters.")
	}
	switch {
	case len(bys) == 0:
		f.By = ""
	case f.By == "":
		f.By = bys[0]
	case !slices.Contains(bys, f.By):
		q.Errors.Add("by", "Choose a grouping from the list.")
		f.By = bys[0]
	}
	if fm := q.str("format"); fm != "" && fm != "csv" {
		q.Errors.Add("format", "The only export format is csv.")
	}
	return f, q, nil
}

// filterView gathers the filter form's options. Bad filters are shown on
// the form (status 422) instead of a bare error page.
func (s *Server) filterView(r *http.Request, path string, f procure.ReportFilter, q *form, bys ...string) (reports.FilterView, error) {
	ctx := r.Context()
	vendorList, err := s.Store.VendorOptions(ctx)
	if err != nil {
		return reports.FilterView{}, err
	}
	locs, err := s.Store.Locations(ctx, procure.Scope{})
	if err != nil {
		return reports.FilterView{}, err
	}
	cats, err := s.Store.ItemCategories(ctx)
	if err != nil {
		return reports.FilterView{}, err
	}
	if !slices.Contains(cats, "Off-catalogue") {
		cats = append(cats, "Off-catalogue")
	}
	return reports.FilterView{Path: path, Filter: f, From: q.str("from"), To: q.str("to"), Vendors: vendorList, Locations: locs,
		Categories: cats, Bys: bys, Errors: q.Errors, CanSeeInvoices: currentUser(r).Has(procure.RoleFinance, procure.RoleOwner)}, nil
}

func badFilterStatus(q *form) int {
	if len(q.Errors) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// csvName is the export's file name: the report and its period, chosen by
// the server.
func csvName(report string, f procure.ReportFilter) string {
	return report + "-" + f.Period.From.String() + "-to-" + f.Period.To.String() + ".csv"
}

func wantsCSV(r *http.Request, q *form) bool { return q.str("format") == "csv" && len(q.Errors) == 0 }

func (s *Server) priceVarianceReport(w http.ResponseWriter, r *http.Request) error {
	bys := []string{procure.ByVendor, procure.ByLocation, procure.ByItem}
	f, q, err := s.reportFilter(r, bys...)
	if err != nil {
		return err
	}
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("price-variance", f))
		err := out.row("group", "key", "currency", "lines", "invoiced", "overbilled", "underbilled", "net_variance", "beyond_tolerance")
		if err == nil {
			_, err = s.Store.PriceVariance(r.Context(), f, 0, func(row procure.PriceVarianceRow) error {
				return out.row(row.Label, keyText(row.Total, row.Key), row.Currency.Code(), itoa(row.Lines), row.Invoiced.String(),
					row.Overbilled.String(), row.Underbilled.String(), row.Net().String(), itoa(row.Beyond))
			})
		}
		return finishCSV(out, err)
	}
	p := reports.PriceVarianceProps{}
	if p.Filter, err = s.filterView(r, "/reports/price-variance", f, q, bys...); err != nil {
		return err
	}
	if len(q.Errors) == 0 {
		groups, err := s.Store.PriceVariance(r.Context(), f, reportRows, func(row procure.PriceVarianceRow) error {
			if row.Total {
				p.Totals = append(p.Totals, row)
			} else {
				p.Rows = append(p.Rows, row)
			}
			return nil
		})
		if err != nil {
			return err
		}
		p.More = int(groups) - len(p.Rows)
	}
	return render(w, r, badFilterStatus(q), reports.PriceVariancePage(p))
}

func (s *Server) complianceReport(w http.ResponseWriter, r *http.Request) error {
	bys := []string{procure.ByLocation, procure.ByVendor, procure.ByCategory}
	f, q, err := s.reportFilter(r, bys...)
	if err != nil {
		return err
	}
	tz := s.Options.TimeZone
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("compliance", f))
		err := out.row("row", "group", "key", "month", "currency", "on_contract", "off_contract", "spend", "compliance_pct")
		if err == nil {
			err = s.Store.Compliance(r.Context(), f, tz, func(row procure.ComplianceRow) error {
				kind, month := "group", ""
				switch {
				case row.Total:
					kind = "total"
				case row.Month != 0:
					kind, month = "month", row.Month.String()[:7]
				}
				rate := ""
				if pct, ok := row.Rate(); ok {
					rate = pct.String()
				}
				key := ""
				if kind == "group" && row.Key != 0 {
					key = itoa(row.Key)
				}
				return out.row(kind, row.Label, key, month, row.Currency.Code(), row.On.String(), row.Off.String(), row.Spend().String(), rate)
			})
		}
		return finishCSV(out, err)
	}
	p := reports.ComplianceProps{}
	if p.Filter, err = s.filterView(r, "/reports/compliance", f, q, bys...); err != nil {
		return err
	}
	if len(q.Errors) == 0 {
		err = s.Store.Compliance(r.Context(), f, tz, func(row procure.ComplianceRow) error {
			switch {
			case row.Total:
				p.Totals = append(p.Totals, row)
			case row.Month != 0:
				p.Months = append(p.Months, row)
			case len(p.Rows) < reportRows:
				p.Rows = append(p.Rows, row)
			default:
				p.More++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if p.TopOff, err = s.Store.TopOffContract(r.Context(), f, tz, 10); err != nil {
			return err
		}
	}
	return render(w, r, badFilterStatus(q), reports.CompliancePage(p))
}

func (s *Server) driftReport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("pricing-drift", f))
		err := out.row("sku", "item", "currency", "item_lowest_price", "item_highest_price", "item_spread", "item_qty", "item_drift_cost",
			"location", "location_lowest_price", "location_highest_price", "location_qty", "location_lines", "location_drift_cost")
		if err == nil {
			_, err = s.Store.Drift(r.Context(), f, 0, func(d procure.DriftRow) error {
				for _, l := range d.Locations {
					if err := out.row(d.SKU, d.Name, d.Currency.Code(), d.Lowest.Format(2), d.Highest.Format(2), d.Spread().Format(2), d.Qty.String(),
						d.Cost.String(), l.Location, l.Lowest.Format(2), l.Highest.Format(2), l.Qty.String(), itoa(l.Lines), l.Cost.String()); err != nil {
						return err
					}
				}
				return nil
			})
		}
		return finishCSV(out, err)
	}
	p := reports.DriftProps{}
	if p.Filter, err = s.filterView(r, "/reports/drift", f, q); err != nil {
		return err
	}
	if len(q.Errors) == 0 {
		sum, err := s.Store.Drift(r.Context(), f, reportRows, func(d procure.DriftRow) error {
			p.Rows = append(p.Rows, d)
			return nil
		})
		if err != nil {
			return err
		}
		p.Totals, p.More = sum.Costs, int(sum.Items)-len(p.Rows)
	}
	return render(w, r, badFilterStatus(q), reports.DriftPage(p))
}

func (s *Server) utilisationReport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	var rows []procure.UtilisationRow
	if len(q.Errors) == 0 {
		if rows, err = s.Store.Utilisation(r.Context(), f, s.Options.TimeZone); err != nil {
			return err
		}
	}
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("contract-utilisation", f))
		err := out.row("contract", "title", "vendor", "status", "currency", "cap", "committed", "used_pct", "invoiced", "committed_in_period",
			"projected_exhaustion", "start", "end", "renewal_notice_date")
		for _, u := range rows {
			if err != nil {
				break
			}
			used, exhaustion := "", ""
			if pct, ok := u.Used(); ok {
				used = pct.String()
			}
			if u.Exhaustion != nil {
				exhaustion = u.Exhaustion.String()
			} else if u.ExhaustionPast {
				exhaustion = "cap reached"
			}
			err = out.row(u.Number, u.Title, u.Vendor, reports.ContractStatus(u, f.Today), u.Currency.Code(), moneyOrBlank(u.Cap), u.Committed.String(), used,
				u.Invoiced.String(), u.PeriodSpend.String(), exhaustion, u.Start.String(), u.End.String(), u.NoticeDate().String())
		}
		return finishCSV(out, err)
	}
	p := reports.UtilisationProps{Rows: rows}
	if p.Filter, err = s.filterView(r, "/reports/utilisation", f, q); err != nil {
		return err
	}
	return render(w, r, badFilterStatus(q), reports.UtilisationPage(p))
}

func (s *Server) cycleTimeReport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	var rows []procure.CycleRow
	if len(q.Errors) == 0 {
		if rows, err = s.Store.CycleTimes(r.Context(), f, s.Options.TimeZone); err != nil {
			return err
		}
	}
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("po-cycle-time", f))
		err := out.row("row", "location", "month", "contract", "pos", "median_seconds", "p90_seconds", "median", "p90")
		for _, c := range rows {
			if err != nil {
				break
			}
			kind, month := "location", ""
			switch {
			case c.Total:
				kind = "total"
			case c.Month != 0:
				kind, month = "month", c.Month.String()[:7]
			}
			contract := "on"
			if c.OffContract {
				contract = "off"
			}
			err = out.row(kind, c.Label, month, contract, itoa(c.POs), itoa(int64(c.Median.Seconds())), itoa(int64(c.P90.Seconds())),
				reports.Duration(c.Median), reports.Duration(c.P90))
		}
		return finishCSV(out, err)
	}
	p := reports.CycleProps{}
	for _, c := range rows {
		switch {
		case c.Total:
			p.Totals = append(p.Totals, c)
		case c.Month != 0:
			p.Months = append(p.Months, c)
		default:
			p.Locations = append(p.Locations, c)
		}
	}
	if p.Filter, err = s.filterView(r, "/reports/cycle-time", f, q); err != nil {
		return err
	}
	return render(w, r, badFilterStatus(q), reports.CyclePage(p))
}

// invoiceLinesReport is the drill-down behind the invoice-based figures.
func (s *Server) invoiceLinesReport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	lf := procure.InvoiceLineFilter{ReportFilter: f, ItemID: q.int("item", 0), ContractID: q.int("contract", 0), Only: q.str("only"),
		Before: q.int("before", 0), Limit: 100}
	if !slices.Contains(procure.InvoiceLineOnlyValues, lf.Only) {
		q.Errors.Add("only", "Choose which lines to show from the list.")
	}
	p := reports.InvoiceLinesProps{Item: lf.ItemID, Contract: lf.ContractID, Only: lf.Only}
	if p.Filter, err = s.filterView(r, "/reports/invoice-lines", f, q); err != nil {
		return err
	}
	if len(q.Errors) == 0 {
		if p.Lines, err = s.Store.ReportInvoiceLines(r.Context(), lf); err != nil {
			return err
		}
		if len(p.Lines) == lf.Limit {
			p.Next = p.Filter.Query(map[string]string{"item": idText(lf.ItemID), "contract": idText(lf.ContractID), "only": lf.Only,
				"before": strconv.FormatInt(p.Lines[len(p.Lines)-1].ID, 10)})
		}
	}
	return render(w, r, badFilterStatus(q), reports.InvoiceLinesPage(p))
}

func finishCSV(out *csvOut, err error) error {
	if err == nil {
		err = out.end()
	}
	if err != nil {
		return out.fail(err)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa(id)
}

func keyText(total bool, key int64) string {
	if total || key == 0 {
		return ""
	}
	return fmt.Sprint(key)
}

// moneyOrBlank formats an optional amount for CSV.
func moneyOrBlank(a *money.Amount) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// valueReport is what procurement shows its leadership: savings against
// baselines, spend under contract, compliance, PO cycle time and help
// response times for the period.
func (s *Server) valueReport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := reports.ValueProps{}
	var rows []procure.ValueRow
	var cycle []procure.CycleRow
	var helpN int64
	var helpFirst, helpResol *time.Duration
	if len(q.Errors) == 0 {
		if err := s.Store.Value(ctx, f, s.Options.TimeZone, func(v procure.ValueRow) error {
			rows = append(rows, v)
			return nil
		}); err != nil {
			return err
		}
		all, err := s.Store.CycleTimes(ctx, f, s.Options.TimeZone)
		if err != nil {
			return err
		}
		for _, c := range all {
			if c.Total {
				cycle = append(cycle, c)
			}
		}
		from, to := f.Period.Bounds(s.Options.TimeZone)
		if helpN, helpFirst, helpResol, err = s.Store.HelpTimes(ctx, from, to); err != nil {
			return err
		}
		p.Help = reports.HelpFigures{Requests: helpN, FirstResponse: medianText(helpFirst), Resolution: medianText(helpResol)}
	}
	if wantsCSV(r, q) {
		out := startCSV(w, csvName("procurement-value", f))
		err := out.row("group", "label", "month", "currency", "savings", "savings_rate_pct", "spend_on_contract", "spend_off_contract",
			"compliance_pct", "count", "median_seconds")
		pctText := func(v money.Percent, ok bool) string {
			if !ok {
				return ""
			}
			return v.String()
		}
		for _, v := range rows {
			if err != nil {
				break
			}
			m := ""
			if v.Group == "month" {
				m = v.Month.String()[:7]
			}
			err = out.row(v.Group, v.Label, m, v.Currency.Code(), v.Savings.String(), pctText(v.SavingsRate()), v.On.String(), v.Off.String(),
				pctText(v.Compliance()), "", "")
		}
		for _, c := range cycle {
			if err == nil {
				err = out.row("po_cycle_time", map[bool]string{false: "on contract", true: "off contract"}[c.OffContract], "", "", "", "", "", "", "", itoa(c.POs),
					itoa(int64(c.Median.Seconds())))
			}
		}
		if err == nil {
			err = out.row("help_first_response", "help requests", "", "", "", "", "", "", "", itoa(helpN), secondsText(helpFirst))
		}
		if err == nil {
			err = out.row("help_resolution", "help requests", "", "", "", "", "", "", "", itoa(helpN), secondsText(helpResol))
		}
		return finishCSV(out, err)
	}
	for _, v := range rows {
		switch v.Group {
		case "total":
			p.Totals = append(p.Totals, v)
		case "contract":
			p.Contracts = append(p.Contracts, v)
		case "category":
			p.Categories = append(p.Categories, v)
		case "month":
			p.Months = append(p.Months, v)
		}
	}
	p.Cycle = cycle
	if p.Filter, err = s.filterView(r, "/reports/value", f, q); err != nil {
		return err
	}
	return render(w, r, badFilterStatus(q), reports.ValuePage(p))
}

func secondsText(d *time.Duration) string {
	if d == nil {
		return ""
	}
	return itoa(int64(d.Seconds()))
}
