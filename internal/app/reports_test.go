package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/testkit"
)

// TestReports builds a small June 2026, built through the real flows, whose
// every report figure is worked out by hand in the tests below.
//
// Contracts: C-T (Tolco, TOL-1 at 10.00 EUR, 2 % tolerance, cap 1000.00),
// C-A (Acme, paper 5.00 EUR, no tolerance), C-G (Gbco, TOL-1 at 8.00 GBP).
// Orders on 1 June: Munich TOL-1 ×10 (100.00), Berlin TOL-1 ×10 (100.00),
// Munich paper ×10 (50.00), Munich TOL-1 ×1 (10.00), London TOL-1 ×5
// (40.00 GBP), Munich pens ×5 cancelled (6.00), and an off-contract
// standing desk for Munich at 450.00, approved on 3 June.
// Invoices: I1 Tolco 10 June, Munich line 10 @ 10.10; I2 Tolco 15 June,
// Berlin line 10 @ 10.50; I3 Acme 20 June, paper 10 @ 4.90 + freight
// 1 @ 7.00; I4 Gbco 12 June, London 5 @ 8.40 GBP; I5 Tolco 2 July, Munich
// TOL-1 ×1 @ 12.00 (outside June).
func TestReports(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	st, ctx := w.st, t.Context()
	w.tolco = testkit.MustVendor(t, st, "Tolco Capped", procure.VendorApproved)
	tolBaseline := money.UnitPrice(120_000) // 12.00 paid before the contract: the value report's savings
	// C-TC is preferred over C-T, so TOL-1 orders go to the capped one.
	w.tol = testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-TC", VendorID: w.tolco, Status: procure.ContractActive, Cap: "1000.00",
		Tolerance: money.Percent(200), Prices: []procure.PriceValues{{SKU: "TOL-1", VendorSKU: "TC-1", Tiers: testkit.Tiers("1", "10.00"), Preferred: true,
			Baseline: &tolBaseline}}})
	gbco := testkit.MustVendor(t, st, "Gbco", procure.VendorApproved)
	testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-G", VendorID: gbco, Status: procure.ContractActive, Currency: "GBP",
		Prices: []procure.PriceValues{{SKU: "TOL-1", VendorSKU: "G-1", Tiers: testkit.Tiers("1", "8.00")}}})
	berOffice := testkit.MustUser(t, st, "ber@example.test", testkit.Roles(procure.RoleOrderer), w.ber, w.lon)
	proc := testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))

	orderAt := func(u procure.User, loc, item int64, q string) procure.POLine {
		t.Helper()
		if _, err := st.AddToCart(ctx, u.ID, loc, item, qty(q)); err != nil {
			t.Fatal(err)
		}
		res, err := w.a.SubmitRequest(ctx, u, loc, fmt.Sprintf("report-test-key-%016d", keyN.Add(1)), nil)
		if err != nil || len(res.POs) != 1 {
			t.Fatalf("submit: %+v %v", res, err)
		}
		req, _ := st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
		po, err := st.PurchaseOrderByID(ctx, procure.Scope{}, req.Lines[0].POID)
		if err != nil {
			t.Fatal(err)
		}
		return po.Lines[0]
	}
	mucTol := orderAt(w.office, w.muc, w.tolItem, "10")
	berTol := orderAt(berOffice, w.ber, w.tolItem, "10")
	mucPaper := orderAt(w.office, w.muc, w.paper, "10")
	mucTolJuly := orderAt(w.office, w.muc, w.tolItem, "1")
	lonTol := orderAt(berOffice, w.lon, w.tolItem, "5")
	pens := orderAt(w.office, w.muc, w.pens, "5")
	if err := w.a.CancelPO(ctx, w.office, w.poOf(t, pens).ID, "ordered twice"); err != nil {
		t.Fatal(err)
	}
	// The standing desk: requested 1 June, approved 3 June (48 hours).
	if err := st.AddOffContractLine(ctx, w.office.ID, w.muc, qty("1"), procure.OffContract{Description: "Standing desk", Unit: "each",
		EstPrice: 4_500_000, SuggestedVendorName: "Desks Inc", Reason: "Not in the catalogue"}); err != nil {
		t.Fatal(err)
	}
	res, err := w.a.SubmitRequest(ctx, w.office, w.muc, fmt.Sprintf("report-test-key-%016d", keyN.Add(1)), nil)
	if err != nil || res.OffContract != 1 {
		t.Fatalf("desk: %+v %v", res, err)
	}
	req, _ := st.PurchaseRequestByID(ctx, procure.Scope{}, res.RequestID)
	later := app.New(st, at(june.Add(48*time.Hour)), time.UTC)
	if _, err := later.ApproveOffContract(ctx, proc.ID, req.Lines[0].ID, procure.ApprovalInput{VendorID: w.acme, UnitPrice: "450.00"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []procure.POLine{mucTol, mucPaper, mucTolJuly} {
		w.receive(t, l, l.Qty.String())
	}
	for _, l := range []procure.POLine{berTol, lonTol} {
		if _, err := w.a.ReceiveGoods(ctx, berOffice, w.poOf(t, l).ID, "", map[int64]money.Quantity{l.ID: l.Qty}, ""); err != nil {
			t.Fatal(err)
		}
	}
	w.invoice(t, invoiceValues(w.tolco, "I1", "2026-06-10", "EUR", invLine{poLine: mucTol.ID, qty: "10", price: "10.10"}))
	w.invoice(t, invoiceValues(w.tolco, "I2", "2026-06-15", "EUR", invLine{poLine: berTol.ID, qty: "10", price: "10.50"}))
	w.invoice(t, invoiceValues(w.acme, "I3", "2026-06-20", "EUR", invLine{poLine: mucPaper.ID, qty: "10", price: "4.90"}, invLine{desc: "Freight", qty: "1", price: "7.00"}))
	w.invoice(t, invoiceValues(gbco, "I4", "2026-06-12", "GBP", invLine{poLine: lonTol.ID, qty: "5", price: "8.40"}))
	w.invoice(t, invoiceValues(w.tolco, "I5", "2026-07-02", "EUR", invLine{poLine: mucTolJuly.ID, qty: "1", price: "12.00"}))

	june26 := procure.Period{Preset: procure.PeriodCustom, From: pricing.MustDate("2026-06-01"), To: pricing.MustDate("2026-06-30")}
	today := pricing.MustDate("2026-06-30")
	filter := func(by string, loc int64) procure.ReportFilter {
		return procure.ReportFilter{Period: june26, By: by, LocationID: loc, Today: today}
	}

	t.Run("price variance", func(t *testing.T) {
		pvLimit := func(f procure.ReportFilter, limit int) ([]string, int64) {
			var out []string
			groups, err := st.PriceVariance(ctx, f, limit, func(r procure.PriceVarianceRow) error {
				out = append(out, fmt.Sprintf("%s %s lines=%d invoiced=%s over=%s under=%s net=%s beyond=%d", r.Label, r.Currency, r.Lines,
					r.Invoiced, r.Overbilled, r.Underbilled, r.Net(), r.Beyond))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out, groups
		}
		pv := func(f procure.ReportFilter) []string {
			out, _ := pvLimit(f, 0)
			return out
		}
		// EUR: I1 10 × 10.10 = 101.00 (+1.00, within 2 %), I2 10 × 10.50 =
		// 105.00 (+5.00, beyond), I3 10 × 4.90 = 49.00 (−1.00, beyond: C-A
		// has no tolerance); freight has no PO price and is left out; I5 is
		// July. GBP: I4 5 × 8.40 = 42.00 (+2.00, beyond).
		wantSlice(t, pv(filter(procure.ByVendor, 0)), []string{
			"Total EUR lines=3 invoiced=255.00 over=6.00 under=1.00 net=5.00 beyond=2",
			"Total GBP lines=1 invoiced=42.00 over=2.00 under=0.00 net=2.00 beyond=1",
			"Tolco Capped EUR lines=2 invoiced=206.00 over=6.00 under=0.00 net=6.00 beyond=1",
			"Acme EUR lines=1 invoiced=49.00 over=0.00 under=1.00 net=-1.00 beyond=1",
			"Gbco GBP lines=1 invoiced=42.00 over=2.00 under=0.00 net=2.00 beyond=1",
		})
		wantSlice(t, pv(filter(procure.ByLocation, 0)), []string{
			"Total EUR lines=3 invoiced=255.00 over=6.00 under=1.00 net=5.00 beyond=2",
			"Total GBP lines=1 invoiced=42.00 over=2.00 under=0.00 net=2.00 beyond=1",
			"BER office EUR lines=1 invoiced=105.00 over=5.00 under=0.00 net=5.00 beyond=1",
			"MUC office EUR lines=2 invoiced=150.00 over=1.00 under=1.00 net=0.00 beyond=1",
			"LON office GBP lines=1 invoiced=42.00 over=2.00 under=0.00 net=2.00 beyond=1",
		})
		wantSlice(t, pv(filter(procure.ByItem, w.ber)), []string{
			"Total EUR lines=1 invoiced=105.00 over=5.00 under=0.00 net=5.00 beyond=1",
			"TOL-1 Item TOL-1 EUR lines=1 invoiced=105.00 over=5.00 under=0.00 net=5.00 beyond=1",
		})
		// A page of two groups: the totals are still of all three, and the
		// count says one more group exists; a negative limit gives totals only.
		page, groups := pvLimit(filter(procure.ByLocation, 0), 2)
		wantSlice(t, page, []string{
			"Total EUR lines=3 invoiced=255.00 over=6.00 under=1.00 net=5.00 beyond=2",
			"Total GBP lines=1 invoiced=42.00 over=2.00 under=0.00 net=2.00 beyond=1",
			"BER office EUR lines=1 invoiced=105.00 over=5.00 under=0.00 net=5.00 beyond=1",
			"MUC office EUR lines=2 invoiced=150.00 over=1.00 under=1.00 net=0.00 beyond=1",
		})
		if groups != 3 {
			t.Errorf("groups %d, want 3", groups)
		}
		if totals, _ := pvLimit(filter(procure.ByLocation, 0), -1); len(totals) != 2 {
			t.Errorf("totals only: %q", totals)
		}
	})

	t.Run("compliance", func(t *testing.T) {
		var got []string
		if err := st.Compliance(ctx, filter(procure.ByLocation, 0), time.UTC, func(r procure.ComplianceRow) error {
			rate, ok := r.Rate()
			label := r.Label
			if r.Total {
				label = "Total"
			}
			if r.Month != 0 {
				label = r.Month.String()
			}
			got = append(got, fmt.Sprintf("%s %s on=%s off=%s rate=%s/%v", label, r.Currency, r.On, r.Off, rate, ok))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Munich: 100.00 + 50.00 + 10.00 on contract, the desk 450.00 off,
		// the cancelled pens left out: 160 / 610 = 26.229… % → 26.23 %.
		// EUR: 260 / 710 = 36.619… % → 36.62 %. London: 40.00 GBP, all on.
		wantSlice(t, got, []string{
			"Total EUR on=260.00 off=450.00 rate=36.62/true",
			"Total GBP on=40.00 off=0.00 rate=100/true",
			"2026-06-01 EUR on=260.00 off=450.00 rate=36.62/true",
			"2026-06-01 GBP on=40.00 off=0.00 rate=100/true",
			"MUC office EUR on=160.00 off=450.00 rate=26.23/true",
			"BER office EUR on=100.00 off=0.00 rate=100/true",
			"LON office GBP on=40.00 off=0.00 rate=100/true",
		})
		top, err := st.TopOffContract(ctx, filter("", 0), time.UTC, 10)
		if err != nil || len(top) != 1 || top[0].Description != "Standing desk" || top[0].Spend.String() != "450.00" {
			t.Fatalf("top off-contract %+v %v", top, err)
		}
	})

	t.Run("value", func(t *testing.T) {
		var got []string
		if err := st.Value(ctx, filter("", 0), time.UTC, func(r procure.ValueRow) error {
			label := r.Group + " " + r.Label
			if r.Month != 0 {
				label = r.Group + " " + r.Month.String()
			}
			rate, ok := r.SavingsRate()
			comp, cok := r.Compliance()
			got = append(got, fmt.Sprintf("%s %s saved=%s rate=%s/%v on=%s off=%s compliance=%s/%v", label, r.Currency, r.Savings, rate, ok,
				r.On, r.Off, comp, cok))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Only C-TC's TOL-1 row has a baseline (12.00, contract 10.00):
		// Munich 10 + Berlin 10 + Munich 1 = 21 ordered → 21 × 2.00 = 42.00
		// saved on 210.00 spent; rate 42 / (210 + 42) = 16.666… → 16.67 %.
		// Spend and compliance as in the compliance report: EUR 260.00 on
		// (210.00 C-TC + 50.00 paper on C-A), 450.00 off (the desk);
		// the cancelled pens are left out. GBP: 40.00 on C-G, no baseline.
		wantSlice(t, got, []string{
			"total  EUR saved=42.00 rate=16.67/true on=260.00 off=450.00 compliance=36.62/true",
			"total  GBP saved=0.00 rate=0/false on=40.00 off=0.00 compliance=100/true",
			"month 2026-06-01 EUR saved=42.00 rate=16.67/true on=260.00 off=450.00 compliance=36.62/true",
			"month 2026-06-01 GBP saved=0.00 rate=0/false on=40.00 off=0.00 compliance=100/true",
			"category Toner EUR saved=42.00 rate=16.67/true on=210.00 off=0.00 compliance=100/true",
			"category Paper EUR saved=0.00 rate=0/false on=50.00 off=0.00 compliance=100/true",
			"category Off-catalogue EUR saved=0.00 rate=0/false on=0.00 off=450.00 compliance=0/true",
			"category Toner GBP saved=0.00 rate=0/false on=40.00 off=0.00 compliance=100/true",
			"contract C-TC Contract C-TC EUR saved=42.00 rate=16.67/true on=210.00 off=0.00 compliance=100/true",
			"contract C-A Contract C-A EUR saved=0.00 rate=0/false on=50.00 off=0.00 compliance=100/true",
			"contract C-G Contract C-G GBP saved=0.00 rate=0/false on=40.00 off=0.00 compliance=100/true",
		})
	})

	t.Run("drift", func(t *testing.T) {
		var got []string
		sum, err := st.Drift(ctx, filter("", 0), 0, func(d procure.DriftRow) error {
			s := fmt.Sprintf("%s %s lo=%s hi=%s spread=%s qty=%s cost=%s", d.SKU, d.Currency, d.Lowest.Format(2), d.Highest.Format(2),
				d.Spread().Format(2), d.Qty, d.Cost)
			for _, l := range d.Locations {
				s += fmt.Sprintf(" | %s %s-%s qty=%s cost=%s", l.Location, l.Lowest.Format(2), l.Highest.Format(2), l.Qty, l.Cost)
			}
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// TOL-1 in EUR: Munich paid 10.10 for 10, Berlin 10.50 for 10.
		// Cost = 101.00 + 105.00 − 10.10 × 20 = 4.00, all of it Berlin's.
		// Paper and TOL-1 in GBP were paid at one price: no drift.
		wantSlice(t, got, []string{"TOL-1 EUR lo=10.10 hi=10.50 spread=0.40 qty=20 cost=4.00 | BER office 10.50-10.50 qty=10 cost=4.00 | MUC office 10.10-10.10 qty=10 cost=0.00"})
		if sum.Items != 1 || len(sum.Costs) != 1 || sum.Costs[0].Display() != "4.00 EUR" {
			t.Errorf("summary %+v", sum)
		}
		// Periods with ragged edges: whole months come from the monthly
		// sums, the other days from the lines themselves.
		for _, tc := range []struct{ from, to, want string }{
			// 15 June Berlin 10 @ 10.50, 2 July Munich 1 @ 12.00 (no whole
			// month): 105.00 + 12.00 − 10.50 × 11 = 1.50, Munich's.
			{"2026-06-12", "2026-07-02", "TOL-1 EUR lo=10.50 hi=12.00 spread=1.50 qty=11 cost=1.50 | MUC office 12.00-12.00 qty=1 cost=1.50 | BER office 10.50-10.50 qty=10 cost=0.00"},
			// All of June plus 2 July: 101.00 + 105.00 + 12.00 − 10.10 × 21
			// = 5.90; Berlin 105.00 − 101.00 = 4.00, Munich 113.00 − 111.10 = 1.90.
			{"2026-06-01", "2026-07-02", "TOL-1 EUR lo=10.10 hi=12.00 spread=1.90 qty=21 cost=5.90 | BER office 10.50-10.50 qty=10 cost=4.00 | MUC office 10.10-12.00 qty=11 cost=1.90"},
		} {
			f := filter("", 0)
			f.Period = procure.Period{Preset: procure.PeriodCustom, From: pricing.MustDate(tc.from), To: pricing.MustDate(tc.to)}
			var got []string
			if _, err := st.Drift(ctx, f, 0, func(d procure.DriftRow) error {
				s := fmt.Sprintf("%s %s lo=%s hi=%s spread=%s qty=%s cost=%s", d.SKU, d.Currency, d.Lowest.Format(2), d.Highest.Format(2),
					d.Spread().Format(2), d.Qty, d.Cost)
				for _, l := range d.Locations {
					s += fmt.Sprintf(" | %s %s-%s qty=%s cost=%s", l.Location, l.Lowest.Format(2), l.Highest.Format(2), l.Qty, l.Cost)
				}
				got = append(got, s)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			wantSlice(t, got, []string{tc.want})
		}
		// Totals only: no items streamed, the same summary.
		n := 0
		if again, err := st.Drift(ctx, filter("", 0), -1, func(procure.DriftRow) error { n++; return nil }); err != nil || n != 0 ||
			again.Items != 1 || again.Costs[0].String() != "4.00" {
			t.Errorf("totals only: %d items streamed, %+v, %v", n, again, err)
		}
	})

	t.Run("utilisation", func(t *testing.T) {
		rows, err := st.Utilisation(ctx, filter("", 0), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var tc, pensContract *procure.UtilisationRow
		for i := range rows {
			switch rows[i].ContractID {
			case w.tol:
				tc = &rows[i]
			case pens.ContractID:
				pensContract = &rows[i]
			}
		}
		// The pens' only PO was cancelled: nothing committed, no burn.
		if pensContract == nil || pensContract.PeriodSpend.String() != "0.00" || pensContract.Committed.String() != "0.00" {
			t.Errorf("pens' contract %+v", pensContract)
		}
		if tc == nil {
			t.Fatalf("C-TC missing from %+v", rows)
		}
		// Committed 100 + 100 + 10 = 210.00 of 1000.00 = 21 %; invoiced
		// 101.00 + 105.00 + 12.00 (July's too: all time) = 218.00. Burn:
		// 210.00 in 30 days; 790.00 left lasts ceil(790 × 30 / 210) = 113
		// days from 30 June: 21 October.
		used, _ := tc.Used()
		if tc.Committed.String() != "210.00" || used.String() != "21" || tc.Invoiced.String() != "218.00" || tc.PeriodSpend.String() != "210.00" ||
			tc.Exhaustion == nil || tc.Exhaustion.String() != "2026-10-21" {
			t.Errorf("C-TC %+v used %s exhaustion %v", *tc, used, tc.Exhaustion)
		}
		if tc.NoticeDate().String() != "2026-11-01" { // 31 Dec − 60 days
			t.Errorf("notice %s", tc.NoticeDate())
		}
	})

	t.Run("cycle time", func(t *testing.T) {
		rows, err := st.CycleTimes(ctx, filter("", 0), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			if r.Total {
				got = append(got, fmt.Sprintf("total off=%v pos=%d p50=%s p90=%s", r.OffContract, r.POs, r.Median, r.P90))
			}
		}
		// Six on-contract POs issued at submission (the cancelled one was
		// issued too); the desk's PO was issued 48 hours after submission.
		wantSlice(t, got, []string{"total off=false pos=6 p50=0s p90=0s", "total off=true pos=1 p50=48h0m0s p90=48h0m0s"})
	})

	t.Run("drill-down lines", func(t *testing.T) {
		lines, err := st.ReportInvoiceLines(ctx, procure.InvoiceLineFilter{ReportFilter: filter("", 0), Only: "beyond"})
		if err != nil || len(lines) != 3 {
			t.Fatalf("beyond lines %d %v", len(lines), err)
		}
		lines, err = st.ReportInvoiceLines(ctx, procure.InvoiceLineFilter{ReportFilter: filter("", w.ber)})
		if err != nil || len(lines) != 1 || lines[0].InvoiceNumber != "I2" || lines[0].TotalVariance.String() != "5.00" {
			t.Fatalf("Berlin lines %+v %v", lines, err)
		}
	})
}

func wantSlice(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// TestPriceVarianceOrdersByAmount: groups come by amount overbilled, as
// numbers (12.00 before 9.00), on the page and in the export alike.
func TestPriceVarianceOrdersByAmount(t *testing.T) {
	t.Parallel()
	w := newFinWorld(t)
	paper := w.order(t, w.paper, "10")   // Acme, 5.00
	toner := w.order(t, w.tolItem, "10") // Tolco, 10.00
	w.receive(t, paper, "10")
	w.receive(t, toner, "10")
	w.invoice(t, invoiceValues(w.acme, "A-1", "2026-06-05", "EUR", invLine{poLine: paper.ID, qty: "10", price: "5.90"}))   // +9.00
	w.invoice(t, invoiceValues(w.tolco, "T-1", "2026-06-05", "EUR", invLine{poLine: toner.ID, qty: "10", price: "11.20"})) // +12.00
	f := procure.ReportFilter{Period: procure.Period{From: pricing.MustDate("2026-06-01"), To: pricing.MustDate("2026-06-30")}, By: procure.ByVendor}
	for _, limit := range []int{0, 2} {
		var got []string
		if _, err := w.st.PriceVariance(t.Context(), f, limit, func(r procure.PriceVarianceRow) error {
			got = append(got, r.Label+" "+r.Overbilled.String())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		wantSlice(t, got, []string{"Total 21.00", "Tolco 12.00", "Acme 9.00"})
	}
}
