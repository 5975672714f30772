package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/home"
)

// home is each user's start page: one panel per role they hold.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	p := home.Props{Name: u.Name}
	news, err := s.Store.Announcements(r.Context(), u.ID, s.todayDate().Time())
	if err != nil {
		return err
	}
	p.Announcements = news
	if u.Has(procure.RoleOrderer) {
		locs, err := s.Store.Locations(r.Context(), u.OrderScope())
		if err != nil {
			return err
		}
		panel := home.Panel{Title: "Office admin", Text: "Order from the catalogue of each location you order for:"}
		for _, l := range locs {
			panel.Links = append(panel.Links, home.Link{Label: "Catalogue for " + l.Name + " (" + l.Currency.Code() + ")",
				Href: fmt.Sprintf("/catalogue?location=%d", l.ID)})
		}
		panel.Links = append(panel.Links, home.Link{Label: "Your cart", Href: "/cart"}, home.Link{Label: "Orders and receipts", Href: "/pos"},
			home.Link{Label: "Requests", Href: "/requests"}, home.Link{Label: "Approved suppliers", Href: "/suppliers"},
			home.Link{Label: "How to buy (help)", Href: "/help"}, home.Link{Label: "Ask procurement a question", Href: "/help/requests/new"})
		p.Panels = append(p.Panels, panel)
	}
	if u.Has(procure.RoleProcurement) {
		waiting, _, err := s.Store.PendingOffContractCount(r.Context(), 0)
		if err != nil {
			return err
		}
		p.Panels = append(p.Panels, home.Panel{Title: "Procurement", Text: "Vendors, items and contracts that fix prices upfront.",
			Figures: []home.Figure{{Label: "Off-contract lines waiting", Value: fmt.Sprint(waiting), Href: "/approvals"}}, Links: []home.Link{
				{Label: "Contracts ending within 30 days", Href: "/contracts?ends_within=30&sort=end"},
				{Label: "Draft contracts", Href: "/contracts?status=draft"},
				{Label: "Vendors pending approval", Href: "/vendors?status=pending"},
				{Label: "New contract", Href: "/contracts/new"},
				{Label: "Help requests waiting for a reply", Href: "/help/requests?status=open"},
				{Label: "Post an announcement", Href: "/announcements/new"},
				{Label: "The value procurement delivers", Href: "/reports/value"},
			}})
	}
	if u.Has(procure.RoleFinance) {
		panel, err := s.financePanel(r)
		if err != nil {
			return err
		}
		p.Panels = append(p.Panels, panel)
	}
	if u.Has(procure.RoleOwner) {
		p.Panels = append(p.Panels, home.Panel{Title: "Owner", Text: "People, roles, locations and the audit trail.", Links: []home.Link{
			{Label: "Users", Href: "/admin/users"}, {Label: "Locations", Href: "/admin/locations"}, {Label: "Audit log", Href: "/admin/audit"},
		}})
	}
	return render(w, r, http.StatusOK, home.Page(p))
}

// financePanel is the headline of each reconciliation report, this month,
// each linking to its report.
func (s *Server) financePanel(r *http.Request) (home.Panel, error) {
	ctx := r.Context()
	today := s.todayDate()
	month, err := procure.ParsePeriod(procure.PeriodThisMonth, "", "", today)
	if err != nil {
		return home.Panel{}, err
	}
	f := procure.ReportFilter{Period: month, Today: today}
	exceptions, disputed, err := s.Store.OpenInvoiceExceptions(ctx)
	if err != nil {
		return home.Panel{}, err
	}
	var variance, compliance, drift []string
	_, err = s.Store.PriceVariance(ctx, procure.ReportFilter{Period: month, By: procure.ByVendor}, -1, func(row procure.PriceVarianceRow) error {
		if row.Total {
			variance = append(variance, row.Net().Display())
		}
		return nil
	})
	if err != nil {
		return home.Panel{}, err
	}
	err = s.Store.Compliance(ctx, procure.ReportFilter{Period: month, By: procure.ByLocation}, s.Options.TimeZone, func(row procure.ComplianceRow) error {
		if row.Total {
			if pct, ok := row.Rate(); ok {
				compliance = append(compliance, pct.String()+" % ("+row.Currency.Code()+")")
			}
		}
		return nil
	})
	if err != nil {
		return home.Panel{}, err
	}
	sum, err := s.Store.Drift(ctx, f, -1, func(procure.DriftRow) error { return nil })
	if err != nil {
		return home.Panel{}, err
	}
	for _, c := range sum.Costs {
		drift = append(drift, c.Display())
	}
	ending, err := s.Store.ContractsEndingWithin(ctx, today, 30)
	if err != nil {
		return home.Panel{}, err
	}
	orNone := func(s []string) string {
		if len(s) == 0 {
			return "none this month"
		}
		return strings.Join(s, " · ")
	}
	return home.Panel{Title: "Finance", Text: "Invoices matched three ways, and where the money went this month.",
		Figures: []home.Figure{
			{Label: "Invoices waiting for finance", Value: fmt.Sprintf("%d exceptions · %d disputed", exceptions, disputed), Href: "/invoices?status=exception"},
			{Label: "Net price variance this month", Value: orNone(variance), Href: "/reports/price-variance?period=this_month"},
			{Label: "Compliance rate this month", Value: orNone(compliance), Href: "/reports/compliance?period=this_month"},
			{Label: "Pricing drift cost this month", Value: orNone(drift), Href: "/reports/drift?period=this_month"},
			{Label: "Contracts ending within 30 days", Value: fmt.Sprint(ending), Href: "/reports/utilisation"},
		},
		Links: []home.Link{{Label: "Record an invoice", Href: "/invoices/new"}, {Label: "Import invoices", Href: "/invoices/import"},
			{Label: "Approved for payment", Href: "/invoices?status=approved"}, {Label: "Reports", Href: "/reports"}},
	}, nil
}
