package server

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/finance"
)

// InvoiceImportMaxBytes bounds an invoice CSV upload.
const InvoiceImportMaxBytes = 4 << 20

// extraInvoiceLines is how many blank lines (freight, extras) the form offers.
const extraInvoiceLines = 3

func validInvoiceStatus(s string) bool {
	return s == "" || slices.Contains(procure.InvoiceStatuses, procure.InvoiceStatus(s))
}

func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	f := store.InvoiceFilter{Status: q.str("status"), VendorID: q.int("vendor", 0), From: parseDay(q, "from"),
		Before: q.int("before", 0), Limit: 50}
	if to := parseDay(q, "to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !validInvoiceStatus(f.Status) {
		q.Errors.Add("status", "Choose a status from the list.")
	}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.Store.Invoices(r.Context(), f)
	if err != nil {
		return err
	}
	vendorList, err := s.Store.VendorOptions(r.Context())
	if err != nil {
		return err
	}
	p := finance.InvoicesProps{Invoices: list, Vendors: vendorList, Status: f.Status, VendorID: f.VendorID, From: q.str("from"), To: q.str("to")}
	if len(list) == f.Limit {
		v := url.Values{}
		for k, val := range map[string]string{"vendor": q.str("vendor"), "status": f.Status, "from": p.From, "to": p.To} {
			if val != "" && val != "0" {
				v.Set(k, val)
			}
		}
		v.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		p.Next = "/invoices?" + v.Encode()
	}
	return render(w, r, http.StatusOK, finance.InvoicesPage(p))
}

// newInvoiceForm is the entry form: empty with a PO lookup, or prefilled
// from one or more POs of one vendor (?po=12&po=13 or ?po_number=...).
func (s *Server) newInvoiceForm(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	ctx := r.Context()
	poIDs := q.ids("po")
	lookup := q.str("po_number")
	p := finance.FormProps{Lookup: lookup, Typed: url.Values{}}
	if lookup != "" {
		id, err := s.Store.PONumberID(ctx, lookup)
		switch {
		case procure.KindOf(err) == procure.KindNotFound:
			p.Errors = map[string]string{"po_number": "No purchase order has the number " + lookup + "."}
		case err != nil:
			return err
		case !slices.Contains(poIDs, id):
			poIDs = append(poIDs, id)
		}
	}
	if len(poIDs) > 10 {
		q.Errors.Add("po", "Record at most 10 POs on one invoice here; import a CSV for more.")
	}
	if err := q.err(); err != nil {
		return err
	}
	p.Typed.Set("date", s.todayDate().String())
	if err := s.fillInvoiceForm(r, &p, poIDs, true); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, finance.FormPage(p))
}

// fillInvoiceForm loads the POs behind the form and lays out its lines:
// one per PO line, then blank ones. With prefill, quantities default to
// what was received and not yet invoiced, prices to the PO's price.
func (s *Server) fillInvoiceForm(r *http.Request, p *finance.FormProps, poIDs []int64, prefill bool) error {
	ctx := r.Context()
	vendorList, err := s.Store.VendorOptions(ctx)
	if err != nil {
		return err
	}
	p.Vendors, p.POIDs = vendorList, poIDs
	n := 0
	for _, id := range poIDs {
		po, invoiced, err := s.Store.POLinesForInvoice(ctx, id)
		if err != nil {
			return err
		}
		if prefill && n == 0 {
			p.Typed.Set("vendor_id", strconv.FormatInt(po.VendorID, 10))
			p.Typed.Set("currency", po.Currency.Code())
		}
		p.POs = append(p.POs, po)
		for _, l := range po.Lines {
			n++
			fl := finance.FormLine{N: n, POLineID: l.ID, POID: po.ID, PONumber: po.Number, LineNo: l.LineNo, Description: l.Description,
				Unit: l.Unit, Ordered: l.Qty, Received: l.Received, Invoiced: invoiced[l.ID], Price: l.UnitPrice, Currency: po.Currency}
			if prefill {
				if open := l.Received - invoiced[l.ID]; open > 0 {
					p.Typed.Set(fmt.Sprintf("qty_%d", n), open.String())
					p.Typed.Set(fmt.Sprintf("unit_price_%d", n), l.UnitPrice.Format(2))
				}
			}
			p.Lines = append(p.Lines, fl)
		}
	}
	for range extraInvoiceLines {
		n++
		p.Lines = append(p.Lines, finance.FormLine{N: n})
	}
	return nil
}

// createInvoice records an invoice from the form. The PO lines come from
// hidden fields, so every one is checked again on the server (exists, the
// invoice's vendor, its currency); the match is computed there too.
func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.InvoiceInput{VendorID: f.int("vendor_id", 0), Number: f.str("number"), Date: f.str("date"),
		Currency: f.str("currency"), Note: f.str("note")}
	count := f.int("lines", 0)
	if count > procure.MaxInvoiceLines+extraInvoiceLines {
		f.Errors.Add("lines", fmt.Sprintf("An invoice has at most %d lines.", procure.MaxInvoiceLines))
		count = 0
	}
	for i := 1; i <= int(count); i++ {
		in.Lines = append(in.Lines, procure.InvoiceLineInput{POLineID: f.int(fmt.Sprintf("po_line_%d", i), 0),
			Description: f.str(fmt.Sprintf("description_%d", i)), Qty: f.str(fmt.Sprintf("qty_%d", i)), UnitPrice: f.str(fmt.Sprintf("unit_price_%d", i))})
	}
	poIDs := f.ids("po")
	if len(poIDs) > 10 {
		f.Errors.Add("po", "Record at most 10 POs on one invoice here; import a CSV for more.")
		poIDs = poIDs[:10]
	}
	rerender := func(status int, fields map[string]string, msg string) error {
		p := finance.FormProps{Typed: f.v, Errors: fields, Message: msg}
		if err := s.fillInvoiceForm(r, &p, poIDs, false); err != nil {
			return err
		}
		// Lines typed beyond the PO lines the form knows (tampering, or a PO
		// that no longer loads) still show with their values.
		return render(w, r, status, finance.FormPage(p))
	}
	v, perr := in.Parse()
	if err := f.err(); err != nil || perr != nil {
		fe := procure.FieldErrors{}
		for k, m := range f.Errors {
			fe.Add(k, m)
		}
		for k, m := range procure.FieldsOf(perr) {
			fe.Add(k, m)
		}
		return rerender(http.StatusUnprocessableEntity, fe, "The invoice was not recorded: please correct the fields marked below.")
	}
	id, status, err := s.App.RecordInvoice(r.Context(), currentUser(r).ID, v)
	if st, ok := formStatus(err); ok {
		return rerender(st, procure.FieldsOf(err), "The invoice was not recorded: "+procure.MessageOf(err))
	}
	if err != nil {
		return err
	}
	if status == procure.InvoiceMatched {
		s.flash(r, "ok", "Invoice "+v.Number+" recorded: every line matches.")
	} else {
		s.flash(r, "error", "Invoice "+v.Number+" recorded with exceptions: review them below.")
	}
	redirect(w, r, "/invoices/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) invoiceProps(r *http.Request) (finance.InvoiceProps, error) {
	id, err := pathID(r, "invoiceID")
	if err != nil {
		return finance.InvoiceProps{}, err
	}
	inv, err := s.Store.InvoiceByID(r.Context(), id)
	if err != nil {
		return finance.InvoiceProps{}, err
	}
	history, err := s.Store.AuditEvents(r.Context(), store.AuditFilter{Entity: "invoice", EntityID: id, Limit: 50})
	if err != nil {
		return finance.InvoiceProps{}, err
	}
	canApprove, needsNote := inv.Status.CanApprove()
	return finance.InvoiceProps{Invoice: inv, History: history, CanApprove: canApprove, ApproveNeedsNote: needsNote,
		CanDispute: inv.Status.CanDispute()}, nil
}

func (s *Server) showInvoice(w http.ResponseWriter, r *http.Request) error {
	p, err := s.invoiceProps(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, finance.InvoicePage(p))
}

// resolveInvoice approves (accepting any variance, with a comment) or
// disputes (with a reason) an invoice. The version makes a double click or
// a colleague's decision in between a conflict, not a second decision.
func (s *Server) resolveInvoice(w http.ResponseWriter, r *http.Request) error {
	p, err := s.invoiceProps(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	action, note, version := f.str("action"), f.str("note"), f.int("version", 0)
	if len([]rune(note)) > 2000 {
		f.Errors.Add("note", "Use at most 2000 characters.")
	}
	var to procure.InvoiceStatus
	switch action {
	case "approve":
		to = procure.InvoiceApproved
	case "dispute":
		to = procure.InvoiceDisputed
	default:
		f.Errors.Add("action", "Approve or dispute.")
	}
	err = f.err()
	if err == nil {
		err = s.Store.ResolveInvoice(r.Context(), currentUser(r).ID, p.Invoice.ID, version, to, note)
	}
	if st, ok := formStatus(err); ok {
		p.Errors, p.Message, p.Note, p.Action = procure.FieldsOf(err), procure.MessageOf(err), note, action
		return render(w, r, st, finance.InvoicePage(p))
	}
	if err != nil {
		return err
	}
	if to == procure.InvoiceApproved {
		s.flash(r, "ok", "Invoice "+p.Invoice.Number+" approved for payment.")
	} else {
		s.flash(r, "ok", "Invoice "+p.Invoice.Number+" disputed and held.")
	}
	redirect(w, r, "/invoices/"+strconv.FormatInt(p.Invoice.ID, 10))
	return nil
}

func (s *Server) importInvoicesForm(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, finance.ImportPage(finance.ImportProps{}))
}

func (s *Server) importInvoices(w http.ResponseWriter, r *http.Request) error {
	up, err := readUpload(r, InvoiceImportMaxBytes, "a CSV file")
	if err != nil {
		return err
	}
	if up.Status != 0 {
		return render(w, r, up.Status, finance.ImportPage(finance.ImportProps{Message: up.Message}))
	}
	data := up.Data
	if looksCompressed(data) {
		return render(w, r, http.StatusUnsupportedMediaType, finance.ImportPage(finance.ImportProps{
			Message: "This looks like an Excel workbook or a compressed file. Save the sheet as \"CSV UTF-8\" and upload that."}))
	}
	recorded, exceptions, problems, err := s.App.ImportInvoices(r.Context(), currentUser(r).ID, data)
	if st, ok := formStatus(err); ok {
		return render(w, r, st, finance.ImportPage(finance.ImportProps{Message: procure.MessageOf(err), Problems: problems}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", fmt.Sprintf("Imported %d invoices; %d with exceptions.", recorded, exceptions))
	target := "/invoices"
	if exceptions > 0 {
		target = "/invoices?status=exception"
	}
	redirect(w, r, target)
	return nil
}

func (s *Server) invoiceTemplate(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="invoice-import-template.csv"`)
	_, err := io.Copy(w, strings.NewReader(procure.InvoiceCSVTemplate))
	return err
}

// paymentExport streams the approved invoices, ready for payment, as CSV.
func (s *Server) paymentExport(w http.ResponseWriter, r *http.Request) error {
	out := startCSV(w, "invoices-for-payment-"+s.todayDate().String()+".csv")
	err := out.row("vendor", "invoice_number", "invoice_date", "currency", "total", "approved_by", "approved_at", "note")
	if err == nil {
		err = s.Store.ApprovedForPayment(r.Context(), func(inv procure.Invoice) error {
			approved := ""
			if inv.ResolvedAt != nil {
				approved = inv.ResolvedAt.UTC().Format("2006-01-02 15:04")
			}
			return out.row(inv.VendorName, inv.Number, inv.Date.String(), inv.Currency.Code(), inv.Total.String(), inv.ResolvedBy, approved, inv.ResolutionNote)
		})
	}
	if err == nil {
		err = out.end()
	}
	if err != nil {
		return out.fail(err)
	}
	return nil
}
