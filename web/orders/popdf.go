package orders

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"github.com/procure-app/procure/internal/procure"
)

// PaymentTerms is what the PO tells the vendor about payment: the terms of
// each contract its lines were ordered on, in line order, or the standard
// terms for a PO with no contract line (an approved off-contract line).
func PaymentTerms(po procure.PurchaseOrder) string {
	var terms []string
	seen := map[string]bool{}
	for _, l := range po.Lines {
		if l.ContractNumber == "" || seen[l.ContractNumber] {
			continue
		}
		seen[l.ContractNumber] = true
		terms = append(terms, fmt.Sprintf("net %d days (contract %s)", l.PaymentTerms, l.ContractNumber))
	}
	if len(terms) == 0 {
		return "net 30 days (standard terms: no contract)"
	}
	return strings.Join(terms, "; ")
}

// DeliverTo is where the order goes, as printed on it: the location with
// its code, then its delivery address when one is recorded.
func DeliverTo(po procure.PurchaseOrder) string {
	return joinLines(po.LocationName+" ("+po.LocationCode+")", po.LocationAddress)
}

// Buyer is who orders, as printed on the order: the organisation's name
// and address, "" when neither is recorded.
func Buyer(po procure.PurchaseOrder) string {
	return joinLines(po.BuyerName, po.BuyerAddress)
}

// Addressee is whom the order is for, as printed on it: the vendor, its
// address when one is recorded, and its email.
func Addressee(po procure.PurchaseOrder) string {
	return joinLines(po.VendorName, po.VendorAddress, po.VendorEmail)
}

// joinLines joins the non-empty parts, one per line, each part's own line
// breaks kept (without blank lines or trailing spaces).
func joinLines(parts ...string) string {
	var out []string
	for _, p := range parts {
		for l := range strings.Lines(strings.ReplaceAll(p, "\r\n", "\n")) {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}

// VendorNote is the PO's closing line to the vendor: where its prices come
// from and what to quote on the invoice.
func VendorNote(po procure.PurchaseOrder) string {
	basis := "Prices as agreed with our procurement team."
	for _, l := range po.Lines {
		if l.ContractNumber != "" {
			basis = "Prices as agreed in the contracts named on the lines."
			break
		}
	}
	return basis + " Please quote " + po.Number + " on your invoice."
}

// NotForVendor is the warning a printed or downloaded PO carries when it is
// not an order the vendor should act on; "" for one that is.
func NotForVendor(po procure.PurchaseOrder) string {
	switch po.Status {
	case procure.POCancelled:
		return strings.TrimSpace("Cancelled: do not deliver. " + po.CancelReason)
	case procure.PORejected:
		return "Rejected: not an order. Do not deliver."
	case procure.POPendingApproval:
		return "Awaiting approval: not an order yet. Do not deliver."
	}
	return ""
}

// A4 portrait, in millimetres.
const (
	pdfMargin = 15.0
	pdfWidth  = 210.0 - 2*pdfMargin
	pdfLine   = 5.0 // height of one text line at the table's size
)

// pdfColumns are the line table's columns: what the printable view shows.
var pdfColumns = []struct {
	title string
	width float64
	align string
}{
	{"#", 8, "R"}, {"Your SKU", 26, "L"}, {"Description", 56, "L"}, {"Contract", 24, "L"},
	{"Quantity", 24, "R"}, {"Unit price", 20, "R"}, {"Total", 22, "R"},
}

// WritePOPDF writes po as a PDF to send to the vendor: the same content as
// the printable view (POPrint), with page numbers and the table's header
// repeated on every page. Nothing reaches w unless the whole document was
// built.
func WritePOPDF(w io.Writer, po procure.PurchaseOrder) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.AddUTF8FontFromBytes("sans", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("sans", "B", liberationsansbold.TTF)
	pdf.SetTitle("Purchase order "+po.Number, true)
	pdf.SetCreator("Procure", true)
	pdf.AliasNbPages("{pages}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin)
		pdf.SetFont("sans", "", 8)
		pdf.CellFormat(pdfWidth, 4, fmt.Sprintf("%s · page %d of {pages}", po.Number, pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont("sans", "B", 16)
	pdf.CellFormat(pdfWidth, 9, "Purchase order "+po.Number, "", 1, "L", false, 0, "")
	if warning := NotForVendor(po); warning != "" {
		pdf.SetTextColor(160, 20, 20)
		pdf.SetFont("sans", "B", 12)
		pdf.MultiCell(pdfWidth, 6, warning, "", "L", false)
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(3)

	// Two columns of facts, as on the printable view.
	facts := [][2][2]string{
		{{"From", Buyer(po)}, {"Date", issued(po)}},
		{{"To", Addressee(po)}, {"Payment terms", PaymentTerms(po)}},
		{{"Deliver to", DeliverTo(po)}, {"Currency", po.Currency.Code()}},
	}
	half := pdfWidth / 2
	for _, row := range facts {
		top := pdf.GetY()
		bottom := top
		for i, f := range row {
			if f[1] == "" { // nothing recorded (the buyer's name, say)
				continue
			}
			pdf.SetXY(pdfMargin+float64(i)*half, top)
			pdf.SetFont("sans", "B", 9)
			pdf.CellFormat(half, 5, f[0], "", 2, "L", false, 0, "")
			pdf.SetFont("sans", "", 10)
			pdf.MultiCell(half-4, 5, f[1], "", "L", false)
			bottom = max(bottom, pdf.GetY())
		}
		pdf.SetXY(pdfMargin, bottom+2)
	}
	pdf.Ln(3)

	header := func() {
		pdf.SetFont("sans", "B", 9)
		pdf.SetFillColor(235, 235, 235)
		for _, c := range pdfColumns {
			pdf.CellFormat(c.width, 7, c.title, "B", 0, c.align, true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("sans", "", 9)
	}
	header()
	_, pageHeight := pdf.GetPageSize()
	limit := pageHeight - pdfMargin - 8 // room for the footer
	for _, l := range po.Lines {
		cells := []string{fmt.Sprint(l.LineNo), l.VendorSKU, l.Description, l.ContractNumber,
			l.Qty.String() + " " + l.Unit, l.UnitPrice.Format(po.Currency.Exponent()), l.Total.String()}
		// Long text wraps within its column; the row is as tall as its
		// tallest cell.
		wrapped := make([][]string, len(cells))
		rows := 1
		for i, c := range cells {
			wrapped[i] = splitText(pdf, c, pdfColumns[i].width-2)
			rows = max(rows, len(wrapped[i]))
		}
		height := float64(rows)*pdfLine + 2
		if pdf.GetY()+height > limit {
			pdf.AddPage()
			header()
		}
		top := pdf.GetY()
		x := pdfMargin
		for i, c := range pdfColumns {
			for j, text := range wrapped[i] {
				pdf.SetXY(x, top+1+float64(j)*pdfLine)
				pdf.CellFormat(c.width, pdfLine, text, "", 0, c.align, false, 0, "")
			}
			x += c.width
		}
		pdf.SetXY(pdfMargin, top+height)
		pdf.Line(pdfMargin, top+height, pdfMargin+pdfWidth, top+height)
	}
	if pdf.GetY()+20 > limit {
		pdf.AddPage()
	}
	pdf.SetFont("sans", "B", 10)
	totalWidth := pdfColumns[len(pdfColumns)-1].width
	pdf.CellFormat(pdfWidth-totalWidth, 8, "Total "+po.Currency.Code(), "", 0, "L", false, 0, "")
	pdf.CellFormat(totalWidth, 8, po.Total.String(), "", 1, "R", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("sans", "", 9)
	pdf.MultiCell(pdfWidth, 5, VendorNote(po), "", "L", false)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("PO %s as PDF: %w", po.Number, err)
	}
	return pdf.Output(w)
}

// splitText wraps s to lines no wider than width at the current font; an
// empty s is one empty line.
func splitText(pdf *fpdf.Fpdf, s string, width float64) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, pdf.SplitText(para, width)...)
	}
	return out
}
