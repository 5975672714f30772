package app

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

var lineField = regexp.MustCompile(`^(qty|unit_price|description)_(\d+)$`)

// ImportInvoices records every invoice of a CSV file, all or nothing: any
// bad line (parse, unknown vendor or PO line, another vendor's PO, a
// duplicate number, an amount out of range) means nothing is written, and
// every problem is reported with its line number. It returns how many
// invoices were recorded and how many of them have exceptions.
func (a *App) ImportInvoices(ctx context.Context, actorID int64, data []byte) (recorded, exceptions int, problems []procure.ImportProblem, err error) {
	invoices, problems := procure.ParseInvoiceCSV(data)
	if len(problems) > 0 {
		return 0, 0, problems, procure.Errorf(procure.KindInvalid, "Nothing was imported: the file has %d problems.", len(problems))
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		recorded, exceptions, problems = 0, 0, nil
		vendors, err := tx.VendorOptions(ctx)
		if err != nil {
			return err
		}
		for _, inv := range invoices {
			vi := slices.IndexFunc(vendors, func(v procure.Vendor) bool { return strings.EqualFold(v.Name, inv.Vendor) })
			if vi < 0 {
				problems = append(problems, procure.ImportProblem{Line: inv.Lines[0].Line, Column: "vendor", Message: fmt.Sprintf("no vendor is named %q", inv.Vendor)})
				continue
			}
			in := inv.Input
			in.VendorID = vendors[vi].ID
			bad := false
			for _, l := range inv.Lines {
				li := l.Input
				if l.PONumber != "" {
					id, err := tx.POLineByNumber(ctx, l.PONumber, l.POLine)
					if procure.KindOf(err) == procure.KindNotFound {
						problems = append(problems, procure.ImportProblem{Line: l.Line, Column: "po_line", Message: fmt.Sprintf("%s has no line %d", l.PONumber, l.POLine)})
						bad = true
						continue
					}
					if err != nil {
						return err
					}
					li.POLineID = id
				}
				in.Lines = append(in.Lines, li)
			}
			if bad {
				continue
			}
			v, err := in.Parse()
			if err == nil {
				var status procure.InvoiceStatus
				_, status, err = a.recordInvoice(ctx, tx, actorID, v)
				if status == procure.InvoiceException {
					exceptions++
				}
			}
			if procure.KindOf(err) == procure.KindInvalid {
				problems = append(problems, fieldProblems(inv, err)...)
				continue
			}
			if err != nil {
				return err
			}
			recorded++
		}
		if len(problems) > 0 {
			slices.SortStableFunc(problems, func(x, y procure.ImportProblem) int { return x.Line - y.Line })
			return procure.Errorf(procure.KindInvalid, "Nothing was imported: the file has %d problems.", len(problems))
		}
		return nil
	})
	if err != nil {
		return 0, 0, problems, err
	}
	return recorded, exceptions, nil, nil
}

// fieldProblems maps an invoice's field errors back to the file's lines.
func fieldProblems(inv procure.InvoiceCSV, err error) []procure.ImportProblem {
	fields := procure.FieldsOf(err)
	if len(fields) == 0 {
		return []procure.ImportProblem{{Line: inv.Lines[0].Line, Message: procure.MessageOf(err)}}
	}
	var out []procure.ImportProblem
	for f, msg := range fields {
		line, column := inv.Lines[0].Line, f
		if m := lineField.FindStringSubmatch(f); m != nil {
			if n, _ := strconv.Atoi(m[2]); n >= 1 && n <= len(inv.Lines) {
				line, column = inv.Lines[n-1].Line, m[1]
			}
		}
		if column == "number" {
			column = "invoice_number"
		}
		if column == "date" {
			column = "invoice_date"
		}
		out = append(out, procure.ImportProblem{Line: line, Column: column, Message: msg})
	}
	return out
}
