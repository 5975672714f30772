package procure

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// InvoiceCSVColumns are the columns of an invoice import. po_number and
// po_line (the PO's line number) are empty for a line with no PO.
var InvoiceCSVColumns = []string{"vendor", "invoice_number", "invoice_date", "currency", "po_number", "po_line", "description", "qty", "unit_price"}

// InvoiceCSVTemplate is the downloadable template.
const InvoiceCSVTemplate = "vendor,invoice_number,invoice_date,currency,po_number,po_line,description,qty,unit_price\r\n" +
	"Papyrus Office Supplies,INV-1001,2026-11-20,EUR,PO-2026-000001,1,,10,4.20\r\n" +
	"Papyrus Office Supplies,INV-1001,2026-11-20,EUR,,,Freight,1,9.90\r\n"

// InvoiceCSVLine is one parsed line of an invoice import.
type InvoiceCSVLine struct {
	Line     int // in the file
	PONumber string
	POLine   int
	Input    InvoiceLineInput
}

// InvoiceCSV is one invoice of an import, with its lines.
type InvoiceCSV struct {
	Vendor string
	Input  InvoiceInput // Lines are filled by the caller once PO lines are looked up
	Lines  []InvoiceCSVLine
}

// ParseInvoiceCSV reads an invoice import: every line checked, every
// problem reported with its line and column. Lines with the same vendor and
// invoice number form one invoice; their date and currency must agree.
func ParseInvoiceCSV(data []byte) ([]InvoiceCSV, []ImportProblem) {
	data, problem := csvText(data)
	if problem != nil {
		return nil, []ImportProblem{*problem}
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, []ImportProblem{{Line: 1, Message: "the file is empty or not CSV"}}
	}
	col := map[string]int{}
	var problems []ImportProblem
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(InvoiceCSVColumns, h) {
			problems = append(problems, ImportProblem{Line: 1, Column: h, Message: "unknown column; the columns are " + strings.Join(InvoiceCSVColumns, ", ")})
			continue
		}
		col[h] = i
	}
	for _, c := range InvoiceCSVColumns {
		if _, ok := col[c]; !ok {
			problems = append(problems, ImportProblem{Line: 1, Column: c, Message: "required column is missing"})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	byKey := map[string]*InvoiceCSV{}
	var order []string
	for n := 0; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var line int
		if err == nil || len(rec) > 0 {
			line, _ = r.FieldPos(0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			problems = append(problems, ImportProblem{Line: line, Message: "not valid CSV: " + csvReason(err)})
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue
			}
			break
		}
		if n >= PriceListMaxRows {
			problems = append(problems, ImportProblem{Line: line, Message: fmt.Sprintf("the file has more than %d lines; split it", PriceListMaxRows)})
			break
		}
		get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		if strings.Join(rec, "") == "" {
			continue
		}
		add := func(c, msg string) { problems = append(problems, ImportProblem{Line: line, Column: c, Message: msg}) }
		vendor, number := get("vendor"), get("invoice_number")
		if vendor == "" {
			add("vendor", "enter the vendor's name as in the vendor list")
		}
		if number == "" || utf8.RuneCountInString(number) > 60 {
			add("invoice_number", "enter the invoice number (at most 60 characters)")
		}
		key := strings.ToLower(vendor) + "\x00" + number
		inv, seen := byKey[key]
		if !seen {
			inv = &InvoiceCSV{Vendor: vendor, Input: InvoiceInput{Number: number, Date: get("invoice_date"), Currency: get("currency")}}
			byKey[key] = inv
			order = append(order, key)
		} else {
			if get("invoice_date") != inv.Input.Date {
				add("invoice_date", fmt.Sprintf("differs from line %d of the same invoice", inv.Lines[0].Line))
			}
			if get("currency") != inv.Input.Currency {
				add("currency", fmt.Sprintf("differs from line %d of the same invoice", inv.Lines[0].Line))
			}
		}
		cl := InvoiceCSVLine{Line: line, PONumber: get("po_number"),
			Input: InvoiceLineInput{Description: get("description"), Qty: get("qty"), UnitPrice: get("unit_price")}}
		if s := get("po_line"); s != "" {
			if _, err := fmt.Sscanf(s, "%d", &cl.POLine); err != nil || cl.POLine <= 0 || fmt.Sprint(cl.POLine) != s {
				add("po_line", fmt.Sprintf("%q is not a line number", s))
			}
		}
		if (cl.PONumber == "") != (cl.POLine == 0) {
			add("po_line", "give both po_number and po_line, or neither for a line with no PO")
		}
		inv.Lines = append(inv.Lines, cl)
	}
	out := make([]InvoiceCSV, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	if len(out) == 0 && len(problems) == 0 {
		problems = append(problems, ImportProblem{Line: 2, Message: "the file has a header but no invoice lines"})
	}
	return out, problems
}
