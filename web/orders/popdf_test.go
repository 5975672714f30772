package orders_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/orders"
)

func TestPaymentTerms(t *testing.T) {
	line := func(contract string, days int) procure.POLine {
		return procure.POLine{ContractNumber: contract, PaymentTerms: days}
	}
	for _, tc := range []struct {
		name  string
		lines []procure.POLine
		want  string
	}{
		{"one contract", []procure.POLine{line("C-1", 45), line("C-1", 45)}, "net 45 days (contract C-1)"},
		{"two contracts, in line order", []procure.POLine{line("C-2", 60), line("C-1", 30), line("C-2", 60)},
			"net 60 days (contract C-2); net 30 days (contract C-1)"},
		{"an approved off-contract line beside a contract line", []procure.POLine{line("", 0), line("C-1", 14)}, "net 14 days (contract C-1)"},
		{"no contract line", []procure.POLine{line("", 0)}, "net 30 days (standard terms: no contract)"},
	} {
		if got := orders.PaymentTerms(procure.PurchaseOrder{Lines: tc.lines}); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestVendorNote(t *testing.T) {
	po := procure.PurchaseOrder{Number: "PO-2026-000001", Lines: []procure.POLine{{ContractNumber: ""}}}
	if got, want := orders.VendorNote(po), "Prices as agreed with our procurement team. Please quote PO-2026-000001 on your invoice."; got != want {
		t.Errorf("an off-contract PO: %q, want %q", got, want)
	}
	po.Lines = append(po.Lines, procure.POLine{ContractNumber: "C-1"})
	if got, want := orders.VendorNote(po), "Prices as agreed in the contracts named on the lines. Please quote PO-2026-000001 on your invoice."; got != want {
		t.Errorf("a PO with a contract line: %q, want %q", got, want)
	}
}

func testPO(t *testing.T, lines int) procure.PurchaseOrder {
	t.Helper()
	eur := money.MustCurrency("EUR")
	issued := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	po := procure.PurchaseOrder{ID: 7, Number: "PO-2026-000123", LocationName: "Łódź Office", LocationCode: "LDZ",
		VendorName: "Papyrus Office Supplies", VendorEmail: "orders@papyrus.example", Currency: eur,
		LocationAddress: "Goods receiving, ul. Piotrkowska 12\n90-001 Łódź", VendorAddress: "Papierweg 3, 10115 Berlin",
		BuyerName: "Procure Demo GmbH", BuyerAddress: "Leopoldstraße 120, 80802 München",
		Status: procure.POIssued, SubmittedAt: issued, IssuedAt: &issued}
	total := money.Zero(eur)
	for i := 1; i <= lines; i++ {
		qty, _ := money.ParseQuantity("12")
		price, _ := money.ParseUnitPrice("0.7250")
		amount, err := money.ParseAmount(eur, "8.70")
		if err != nil {
			t.Fatal(err)
		}
		if total, err = total.Add(amount); err != nil {
			t.Fatal(err)
		}
		contract, days := "C-2026-001", 30
		if i%2 == 0 {
			contract, days = "C-2026-009", 45
		}
		po.Lines = append(po.Lines, procure.POLine{LineNo: i, VendorSKU: fmt.Sprintf("V-%03d", i),
			Description: fmt.Sprintf("Zeichenblock A4 „extra weiß“, line %d, a description long enough to wrap within its column", i),
			Unit:        "each", Qty: qty, UnitPrice: price, Total: amount, ContractNumber: contract, PaymentTerms: days})
	}
	po.Total = total
	return po
}

func TestDeliverToAndAddressee(t *testing.T) {
	for _, tt := range []struct {
		address, want string
	}{
		{"", "Munich HQ (MUC)"},
		{"Leopoldstraße 120\n80802 München", "Munich HQ (MUC)\nLeopoldstraße 120\n80802 München"},
		{"  Leopoldstraße 120 \r\n\r\n 80802 München\n", "Munich HQ (MUC)\nLeopoldstraße 120\n80802 München"}, // typed in a textarea
	} {
		po := procure.PurchaseOrder{LocationName: "Munich HQ", LocationCode: "MUC", LocationAddress: tt.address}
		if got := orders.DeliverTo(po); got != tt.want {
			t.Errorf("DeliverTo with address %q = %q, want %q", tt.address, got, tt.want)
		}
	}
	po := procure.PurchaseOrder{VendorName: "Papyrus", VendorEmail: "orders@papyrus.example"}
	if got, want := orders.Addressee(po), "Papyrus\norders@papyrus.example"; got != want {
		t.Errorf("Addressee without an address = %q, want %q", got, want)
	}
}

func TestWritePOPDF(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := orders.WritePOPDF(&buf, testPO(t, 2)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Purchase order PO-2026-000123", "Papyrus Office Supplies", "orders@papyrus.example",
		"From", "Procure Demo GmbH", "Leopoldstraße 120, 80802 München", "Łódź Office (LDZ)", "ul. Piotrkowska 12", "90-001 Łódź", "Papierweg 3, 10115 Berlin", "2026-11-20", "net 30 days (contract C-2026-001); net 45 days (contract C-2026-009)",
		"V-001", "V-002", "C-2026-009", "12 each", "0.725", "8.70", "Total EUR", "17.40", "„extra weiß“",
		"Prices as agreed in the contracts named on the lines. Please quote PO-2026-000123 on your invoice.", "PO-2026-000123 · page 1 of 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "do not deliver") {
		t.Errorf("an issued PO carries a warning")
	}
}

func TestWritePOPDFOfACancelledPO(t *testing.T) {
	t.Parallel()
	po := testPO(t, 1)
	po.Status, po.CancelReason = procure.POCancelled, "Ordered twice by mistake."
	var buf bytes.Buffer
	if err := orders.WritePOPDF(&buf, po); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "Cancelled: do not deliver. Ordered twice by mistake.") {
		t.Errorf("the cancelled PO's PDF does not say so")
	}
}

// A long PO runs over several pages, each with the table's header and its
// page number.
func TestWritePOPDFOverSeveralPages(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := orders.WritePOPDF(&buf, testPO(t, 60)); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	pages := regexp.MustCompile(`page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) < 3 {
		t.Fatalf("60 wrapped lines on %d pages", len(pages))
	}
	for i, p := range pages {
		if p[1] != fmt.Sprint(i+1) || p[2] != fmt.Sprint(len(pages)) {
			t.Errorf("page footer %d reads %q", i+1, p[0])
		}
	}
	if n := strings.Count(text, "Your SKU"); n != len(pages) {
		t.Errorf("the table header is on %d of %d pages", n, len(pages))
	}
	for _, want := range []string{"V-001", "V-060", "Total EUR", "522.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

// pdfText is the text a PDF shows, as fpdf writes it: every (...)Tj string
// of every content stream (inflated), in UTF-16BE as for every Unicode
// font, joined with spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1)
	for _, s := range streams {
		data := s[1]
		if z, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			if inflated, err := io.ReadAll(z); err == nil {
				data = inflated
			}
		}
		for _, m := range regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`).FindAllSubmatch(data, -1) {
			raw := unescapePDF(m[1])
			if len(raw)%2 != 0 {
				t.Fatalf("a string that is not UTF-16BE, as fpdf writes text in a Unicode font: %q", raw)
			}
			u := make([]uint16, len(raw)/2)
			for i := range u {
				u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
			}
			out.WriteString(string(utf16.Decode(u)))
			out.WriteByte('\n')
		}
	}
	// Wrapped cells are several strings: join a cell's lines back up.
	return strings.ReplaceAll(out.String(), "\n", " ")
}

func unescapePDF(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch c := b[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				v, n := 0, 0
				for n < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7' {
					v = v*8 + int(b[i]-'0')
					i++
					n++
				}
				i--
				out = append(out, byte(v))
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestNotForVendor(t *testing.T) {
	for _, tc := range []struct {
		status procure.POStatus
		reason string
		want   string
	}{
		{procure.POIssued, "", ""},
		{procure.POPartiallyReceived, "", ""},
		{procure.POReceived, "", ""},
		{procure.POClosed, "", ""},
		{procure.POCancelled, "Ordered twice.", "Cancelled: do not deliver. Ordered twice."},
		{procure.POCancelled, "", "Cancelled: do not deliver."},
		{procure.PORejected, "", "Rejected: not an order. Do not deliver."},
		{procure.POPendingApproval, "", "Awaiting approval: not an order yet. Do not deliver."},
	} {
		if got := orders.NotForVendor(procure.PurchaseOrder{Status: tc.status, CancelReason: tc.reason}); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.status, tc.reason, got, tc.want)
		}
	}
}
