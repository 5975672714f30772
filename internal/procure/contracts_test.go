package procure_test

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
)

func validContract() procure.ContractInput {
	return procure.ContractInput{VendorID: 1, Number: "C-2026-014", Title: "Paper", Currency: "EUR", Start: "2026-01-01", End: "2026-12-31",
		PaymentTermsDays: "30", Cap: "1500.50", Tolerance: "2.5", RenewalNoticeDays: "60"}
}

func TestContractInputParse(t *testing.T) {
	t.Parallel()
	v, err := validContract().Parse()
	if err != nil {
		t.Fatal(err)
	}
	if v.Cap == nil || v.Cap.String() != "1500.50" || v.Tolerance != 250 || v.End.String() != "2026-12-31" || v.PaymentTermsDays != 30 {
		t.Errorf("parsed %+v", v)
	}
	tests := []struct {
		name  string
		mod   func(*procure.ContractInput)
		field string
	}{
		{"no vendor", func(c *procure.ContractInput) { c.VendorID = 0 }, "vendor_id"},
		{"number with spaces", func(c *procure.ContractInput) { c.Number = "C 1" }, "number"},
		{"not ISO 4217", func(c *procure.ContractInput) { c.Currency = "EURO" }, "currency"},
		{"end before start", func(c *procure.ContractInput) { c.End = "2025-12-31" }, "end"},
		{"bad date", func(c *procure.ContractInput) { c.Start = "31.12.2026" }, "start"},
		{"cap with three decimals in EUR", func(c *procure.ContractInput) { c.Cap = "10.001" }, "cap"},
		{"zero cap", func(c *procure.ContractInput) { c.Cap = "0" }, "cap"},
		{"negative cap", func(c *procure.ContractInput) { c.Cap = "-5" }, "cap"},
		{"NaN cap", func(c *procure.ContractInput) { c.Cap = "NaN" }, "cap"},
		{"tolerance over 100", func(c *procure.ContractInput) { c.Tolerance = "101" }, "tolerance"},
		{"payment terms words", func(c *procure.ContractInput) { c.PaymentTermsDays = "thirty" }, "payment_terms_days"},
		{"renewal beyond 730", func(c *procure.ContractInput) { c.RenewalNoticeDays = "999" }, "renewal_notice_days"},
	}
	for _, tt := range tests {
		in := validContract()
		tt.mod(&in)
		_, err := in.Parse()
		if procure.FieldsOf(err)[tt.field] == "" {
			t.Errorf("%s: no message on %s (%v)", tt.name, tt.field, procure.FieldsOf(err))
		}
	}
	in := validContract()
	in.Cap = ""
	if v, err := in.Parse(); err != nil || v.Cap != nil {
		t.Errorf("empty cap: %v %v", v.Cap, err)
	}
}

func TestCheckContractMove(t *testing.T) {
	t.Parallel()
	ok := procure.ActivationFacts{PriceRows: 3, VendorStatus: procure.VendorApproved,
		Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31"), Today: pricing.MustDate("2026-06-01")}
	tests := []struct {
		from, to procure.ContractStatus
		facts    procure.ActivationFacts
		want     procure.Kind // KindInternal = allowed
		reason   string
	}{
		{procure.ContractDraft, procure.ContractActive, ok, procure.KindInternal, ""},
		{procure.ContractActive, procure.ContractSuspended, ok, procure.KindInternal, ""},
		{procure.ContractSuspended, procure.ContractActive, ok, procure.KindInternal, ""},
		{procure.ContractActive, procure.ContractTerminated, ok, procure.KindInternal, ""},
		{procure.ContractDraft, procure.ContractTerminated, ok, procure.KindInternal, ""},
		{procure.ContractDraft, procure.ContractSuspended, ok, procure.KindConflict, "cannot become"},
		{procure.ContractTerminated, procure.ContractActive, ok, procure.KindConflict, "cannot become"},
		{procure.ContractActive, procure.ContractActive, ok, procure.KindConflict, "cannot become"},
		{procure.ContractDraft, procure.ContractActive, procure.ActivationFacts{VendorStatus: procure.VendorBlocked, Start: ok.Start, End: ok.End, Today: ok.Today},
			procure.KindInvalid, "it has no price rows; its vendor is blocked, not approved"},
		{procure.ContractDraft, procure.ContractActive, procure.ActivationFacts{PriceRows: 1, VendorStatus: procure.VendorApproved, Start: ok.Start, End: ok.End, Today: pricing.MustDate("2027-01-01")},
			procure.KindInvalid, "it ended on 2026-12-31"},
	}
	for _, tt := range tests {
		err := procure.CheckContractMove(tt.from, tt.to, tt.facts)
		if tt.want == procure.KindInternal {
			if err != nil {
				t.Errorf("%s → %s refused: %v", tt.from, tt.to, err)
			}
			continue
		}
		if procure.KindOf(err) != tt.want || !strings.Contains(procure.MessageOf(err), tt.reason) {
			t.Errorf("%s → %s: %v, want %v mentioning %q", tt.from, tt.to, err, tt.want, tt.reason)
		}
	}
}

func TestDisplayStatusAndCap(t *testing.T) {
	t.Parallel()
	eur := money.MustCurrency("EUR")
	capAmt, _ := money.ParseAmount(eur, "200")
	committed, _ := money.ParseAmount(eur, "50")
	c := procure.Contract{Status: procure.ContractActive, Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31"),
		Cap: &capAmt, Committed: committed, RenewalNoticeDays: 60}
	if got := c.DisplayStatus(pricing.MustDate("2026-12-31")); got != procure.ContractActive {
		t.Errorf("on its last day: %s", got)
	}
	if got := c.DisplayStatus(pricing.MustDate("2027-01-01")); got != procure.ContractExpired {
		t.Errorf("the day after: %s", got)
	}
	// 50 of 200 = 25 %
	if used, ok := c.CapUsed(); !ok || used != 2_500 {
		t.Errorf("cap used %s", used)
	}
	if left, _ := c.CapLeft(); left.String() != "150.00" {
		t.Errorf("cap left %s", left)
	}
	// 2026-12-31 − 60 days = 2026-11-01
	if c.RenewalNoticeDate().String() != "2026-11-01" {
		t.Errorf("notice date %s", c.RenewalNoticeDate())
	}
}

func TestPriceInputParse(t *testing.T) {
	t.Parallel()
	c := procure.Contract{Start: pricing.MustDate("2026-01-01"), End: pricing.MustDate("2026-12-31")}
	base := procure.PriceInput{SKU: "PAP-1", MinQty: []string{"1", "100"}, Price: []string{"5", "4.5"}}
	v, err := base.Parse(c)
	if err != nil || len(v.Tiers) != 2 || v.Tiers[1].MinQty != 100_000 || v.Tiers[1].Price != 45_000 {
		t.Fatalf("parsed %+v, %v", v, err)
	}
	tests := []struct {
		name  string
		mod   func(*procure.PriceInput)
		field string
		msg   string
	}{
		{"no tiers", func(p *procure.PriceInput) { p.MinQty, p.Price = nil, nil }, "tier1", "at least one tier"},
		{"decreasing minimums", func(p *procure.PriceInput) { p.MinQty = []string{"100", "10"} }, "tier2", "must increase"},
		{"equal minimums", func(p *procure.PriceInput) { p.MinQty = []string{"10", "10"} }, "tier2", "must increase"},
		{"zero price", func(p *procure.PriceInput) { p.Price = []string{"0", "4"} }, "tier1", "more than zero"},
		{"negative price", func(p *procure.PriceInput) { p.Price = []string{"-5", "4"} }, "tier1", "negative"},
		{"five decimals", func(p *procure.PriceInput) { p.Price = []string{"5.00001", "4"} }, "tier1", "more than 4 decimal places"},
		{"exponent quantity", func(p *procure.PriceInput) { p.MinQty = []string{"1e3", "2000"} }, "tier1", "exponent"},
		{"max below MOQ", func(p *procure.PriceInput) { p.MaxQty = "0.5" }, "max_qty", "below the minimum order quantity 1"},
		{"window outside contract", func(p *procure.PriceInput) { p.ValidFrom = "2025-12-31" }, "valid_from", "within the contract"},
		{"window reversed", func(p *procure.PriceInput) { p.ValidFrom, p.ValidTo = "2026-06-01", "2026-05-01" }, "valid_to", "not be before"},
		{"no SKU", func(p *procure.PriceInput) { p.SKU = "" }, "sku", "SKU"},
	}
	for _, tt := range tests {
		in := base
		in.MinQty = append([]string(nil), base.MinQty...)
		in.Price = append([]string(nil), base.Price...)
		tt.mod(&in)
		_, err := in.Parse(c)
		if msg := procure.FieldsOf(err)[tt.field]; !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %s = %q, want %q (all: %v)", tt.name, tt.field, msg, tt.msg, procure.FieldsOf(err))
		}
	}
	if _, err := (procure.PriceInput{MinQty: []string{"1"}, Price: []string{"2"}, ValidFrom: "2026-02-01"}).ParseAmendment(c); err != nil {
		t.Errorf("amendment needs no SKU: %v", err)
	}
}

func TestItemCheckQuantity(t *testing.T) {
	t.Parallel()
	chair := procure.Item{Unit: "each", QuantityScale: 0}
	if chair.CheckQuantity(1_500) == "" {
		t.Error("1.5 chairs accepted")
	}
	if chair.CheckQuantity(2_000) != "" {
		t.Error("2 chairs refused")
	}
	coffee := procure.Item{Unit: "kg", QuantityScale: 1}
	if coffee.CheckQuantity(1_500) != "" || coffee.CheckQuantity(1_250) == "" {
		t.Error("one-decimal item checks wrong")
	}
}

func TestVendorInputValidate(t *testing.T) {
	t.Parallel()
	if fe := (procure.VendorInput{Name: "Acme", Email: "a@b.example", Phone: "+49 (89) 123-45"}).Validate(); len(fe) != 0 {
		t.Errorf("valid vendor: %v", fe)
	}
	fe := procure.VendorInput{Name: "", Email: "not an email", Phone: "call me"}.Validate()
	for _, f := range []string{"name", "email", "phone"} {
		if fe[f] == "" {
			t.Errorf("no message on %s", f)
		}
	}
	if got := procure.SplitList(" Paper, toner ,paper,, Toner "); strings.Join(got, "|") != "Paper|toner" {
		t.Errorf("SplitList = %q", got)
	}
	if procure.CheckVendorStatus(procure.VendorBlocked, " ") == nil {
		t.Error("blocking without a reason accepted")
	}
	if procure.CheckVendorStatus("retired", "x") == nil {
		t.Error("unknown status accepted")
	}
}
