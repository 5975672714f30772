// Package reports renders the reconciliation reports: one page each with
// the shared filter form, per-currency totals, a server-rendered SVG chart,
// the table with drill-down links, and the CSV export link.
package reports

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/components"
)

// FilterView is the filter form of a report and the links built from it.
type FilterView struct {
	Path           string
	Filter         procure.ReportFilter
	From, To       string // as typed, for a custom period
	Vendors        []procure.Vendor
	Locations      []procure.Location
	Categories     []string
	Bys            []string
	Errors         map[string]string
	CanSeeInvoices bool // finance and owners open invoices; procurement reads reports only
}

func (f FilterView) base() url.Values {
	v := url.Values{}
	v.Set("period", f.Filter.Period.Preset)
	if f.Filter.Period.Preset == procure.PeriodCustom {
		v.Set("from", f.Filter.Period.From.String())
		v.Set("to", f.Filter.Period.To.String())
	}
	f.scope(v)
	if f.Filter.By != "" {
		v.Set("by", f.Filter.By)
	}
	return v
}

func (f FilterView) scope(v url.Values) {
	if f.Filter.VendorID != 0 {
		v.Set("vendor", strconv.FormatInt(f.Filter.VendorID, 10))
	}
	if f.Filter.LocationID != 0 {
		v.Set("location", strconv.FormatInt(f.Filter.LocationID, 10))
	}
	if f.Filter.Category != "" {
		v.Set("category", f.Filter.Category)
	}
}

func set(v url.Values, extra map[string]string) url.Values {
	for k, val := range extra {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

// Query is this report's URL with the current filters and extra ones.
func (f FilterView) Query(extra map[string]string) string {
	return f.Path + "?" + set(f.base(), extra).Encode()
}

// CSV is the export link of exactly what the page shows.
func (f FilterView) CSV() string { return f.Query(map[string]string{"format": "csv"}) }

// Lines drills down to the invoice lines behind a figure: the period as
// explicit dates, the filters, and extra (vendor, location, item…).
func (f FilterView) Lines(extra map[string]string) string {
	v := url.Values{}
	v.Set("period", procure.PeriodCustom)
	v.Set("from", f.Filter.Period.From.String())
	v.Set("to", f.Filter.Period.To.String())
	f.scope(v)
	return "/reports/invoice-lines?" + set(v, extra).Encode()
}

// POs drills down to the purchase orders behind a figure.
func (f FilterView) POs(extra map[string]string) string {
	v := url.Values{}
	v.Set("from", f.Filter.Period.From.String())
	v.Set("to", f.Filter.Period.To.String())
	f.scope(v)
	return "/pos?" + set(v, extra).Encode()
}

func (f FilterView) presetOptions() []components.Option {
	labels := map[string]string{procure.PeriodThisMonth: "This month", procure.PeriodLastMonth: "Last month",
		procure.PeriodThisQuarter: "This quarter", procure.PeriodLastQuarter: "Last quarter", procure.PeriodThisYear: "This year",
		procure.PeriodLastYear: "Last year", procure.PeriodCustom: "Custom dates"}
	var out []components.Option
	for _, p := range procure.PeriodPresets {
		out = append(out, components.Option{Value: p, Label: labels[p], Selected: p == f.Filter.Period.Preset})
	}
	return out
}

func (f FilterView) vendorOptions() []components.Option {
	out := []components.Option{{Value: "", Label: "All vendors"}}
	for _, v := range f.Vendors {
		out = append(out, components.Option{Value: fmt.Sprint(v.ID), Label: v.Name, Selected: v.ID == f.Filter.VendorID})
	}
	return out
}

func (f FilterView) locationOptions() []components.Option {
	out := []components.Option{{Value: "", Label: "All locations"}}
	for _, l := range f.Locations {
		out = append(out, components.Option{Value: fmt.Sprint(l.ID), Label: l.Name, Selected: l.ID == f.Filter.LocationID})
	}
	return out
}

func (f FilterView) categoryOptions() []components.Option {
	out := []components.Option{{Value: "", Label: "All categories"}}
	for _, c := range f.Categories {
		out = append(out, components.Option{Value: c, Label: c, Selected: c == f.Filter.Category})
	}
	return out
}

func (f FilterView) byOptions() []components.Option {
	var out []components.Option
	for _, b := range f.Bys {
		out = append(out, components.Option{Value: b, Label: components.Humanize(b), Selected: b == f.Filter.By})
	}
	return out
}

func (f FilterView) customFrom() string {
	if f.From != "" {
		return f.From
	}
	return f.Filter.Period.From.String()
}

func (f FilterView) customTo() string {
	if f.To != "" {
		return f.To
	}
	return f.Filter.Period.To.String()
}

func pct(p money.Percent, ok bool) string {
	if !ok {
		return "–"
	}
	return p.String() + " %"
}

func n(v int64) string { return money.Group(strconv.FormatInt(v, 10)) }

func id(v int64) string { return strconv.FormatInt(v, 10) }

func month(d pricing.Date) string { return d.Time().Format("Jan 2006") }

// Duration shows a cycle time in days, hours and minutes.
func Duration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int64(d.Seconds()))
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	m := (d - h*time.Hour) / time.Minute
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh %02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

// ContractStatus is a contract's status as the list shows it: an active
// contract past its end is "expired".
func ContractStatus(u procure.UtilisationRow, today pricing.Date) string {
	if u.Status == "active" && u.End < today {
		return "expired"
	}
	return u.Status
}

// currencies lists the currencies present, in order.
func currencies[T any](rows []T, cur func(T) money.Currency) []money.Currency {
	seen := map[money.Currency]bool{}
	var out []money.Currency
	for _, r := range rows {
		c := cur(r)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code() < out[j].Code() })
	return out
}

func amountFormat(c money.Currency) func(int64) string {
	return func(v int64) string {
		a, err := money.FromMinor(c, v)
		if err != nil {
			return ""
		}
		return a.Display()
	}
}

func percentFormat(v int64) string { return money.Percent(v).String() + " %" }

func durationFormat(v int64) string { return Duration(time.Duration(v) * time.Second) }

// byHeading is the grouping as a column heading.
func byHeading(by string) string {
	switch by {
	case procure.ByLocation:
		return "Location"
	case procure.ByItem:
		return "Item"
	case procure.ByCategory:
		return "Category"
	}
	return "Vendor"
}
