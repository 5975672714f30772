package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/layout"
	"github.com/procure-app/procure/web/orders"
)

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	u := currentUser(r)
	f := store.RequestFilter{LocationID: q.int("location", 0), Before: q.int("before", 0), Limit: 50}
	if err := q.err(); err != nil {
		return err
	}
	if f.LocationID != 0 {
		locs, err := s.Store.Locations(r.Context(), u.OrderScope())
		if err != nil {
			return err
		}
		if !hasLocation(locs, f.LocationID) {
			q.Errors.Add("location", "Choose a location from the list.")
			return q.err()
		}
	}
	list, err := s.Store.PurchaseRequests(r.Context(), u.OrderScope(), f)
	if err != nil {
		return err
	}
	p := orders.RequestsProps{Requests: list}
	if len(list) == f.Limit {
		p.Next = fmt.Sprintf("/requests?before=%d&location=%d", list[len(list)-1].ID, f.LocationID)
	}
	return render(w, r, http.StatusOK, orders.RequestsPage(p))
}

// hasLocation reports whether id is one of locs (a filter's choices).
func hasLocation(locs []procure.Location, id int64) bool {
	return slices.ContainsFunc(locs, func(l procure.Location) bool { return l.ID == id })
}

func (s *Server) showRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	u := currentUser(r)
	req, err := s.Store.PurchaseRequestByID(r.Context(), u.OrderScope(), id)
	if err != nil {
		return err
	}
	if req.UserID == u.ID {
		if msg := submittedMessage(req, r.URL.Query().Get("submitted")); msg != "" {
			c := layout.ChromeFrom(r.Context())
			c.Flash = layout.Flash{Kind: "ok", Text: msg}
			r = r.WithContext(layout.WithChrome(r.Context(), c))
		}
	}
	return render(w, r, http.StatusOK, orders.RequestPage(orders.RequestProps{Request: req, CanReorder: u.InLocation(req.LocationID)}))
}

func validPOStatus(s string) bool {
	return s == "" || slices.Contains(procure.POStatuses, procure.POStatus(s))
}

func parseDay(f *form, name string) time.Time {
	s := f.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		f.Errors.Add(name, "Enter the date as YYYY-MM-DD.")
	}
	return t
}

func (s *Server) listPOs(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	u := currentUser(r)
	f := store.POFilter{LocationID: q.int("location", 0), VendorID: q.int("vendor", 0), Status: q.str("status"),
		From: parseDay(q, "from"), Category: q.str("category"), Contract: q.str("contract"), Before: q.int("before", 0), Limit: 50}
	if to := parseDay(q, "to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the "to" day is included
	}
	if !validPOStatus(f.Status) {
		q.Errors.Add("status", "Choose a status from the list.")
	}
	if f.Contract != "" && f.Contract != "on" && f.Contract != "off" {
		q.Errors.Add("contract", "Choose on or off contract.")
	}
	if len([]rune(f.Category)) > 100 {
		q.Errors.Add("category", "Use at most 100 characters.")
	}
	scope := u.OrderScope()
	locs, err := s.Store.Locations(r.Context(), scope)
	if err != nil {
		return err
	}
	vendors, err := s.Store.VendorOptions(r.Context())
	if err != nil {
		return err
	}
	// A made-up (or another site's) id is refused, not shown as an empty
	// list under a filter that reads "all".
	if f.LocationID != 0 && !hasLocation(locs, f.LocationID) {
		q.Errors.Add("location", "Choose a location from the list.")
	}
	if f.VendorID != 0 && !slices.ContainsFunc(vendors, func(v procure.Vendor) bool { return v.ID == f.VendorID }) {
		q.Errors.Add("vendor", "Choose a vendor from the list.")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		q.Errors.Add("to", "The last day is before the first day.")
	}
	p := orders.POsProps{Locations: locs, Vendors: vendors, LocationID: f.LocationID, VendorID: f.VendorID,
		Status: f.Status, From: q.str("from"), To: q.str("to"), Category: f.Category, Contract: f.Contract}
	if err := q.err(); err != nil { // the filters again, with what to correct, and no list
		p.Errors, p.Message = procure.FieldsOf(err), procure.MessageOf(err)
		return render(w, r, http.StatusUnprocessableEntity, orders.POsPage(p))
	}
	list, err := s.Store.PurchaseOrders(r.Context(), scope, f)
	if err != nil {
		return err
	}
	p.Orders = list
	if len(list) == f.Limit {
		v := url.Values{}
		for k, val := range map[string]string{"location": q.str("location"), "vendor": q.str("vendor"), "status": f.Status, "from": p.From, "to": p.To,
			"category": f.Category, "contract": f.Contract} {
			if val != "" && val != "0" {
				v.Set(k, val)
			}
		}
		v.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		p.Next = "/pos?" + v.Encode()
	}
	return render(w, r, http.StatusOK, orders.POsPage(p))
}

func (s *Server) poProps(r *http.Request) (orders.POProps, error) {
	id, err := pathID(r, "poID")
	if err != nil {
		return orders.POProps{}, err
	}
	u := currentUser(r)
	po, err := s.Store.PurchaseOrderByID(r.Context(), u.OrderScope(), id)
	if err != nil {
		return orders.POProps{}, err
	}
	return orders.POProps{PO: po, Key: procure.NewFormKey(),
		CanReceive: u.Has(procure.RoleOrderer) && u.InLocation(po.LocationID) && po.Status.CanReceive(),
		CanCancel:  po.Status == procure.POIssued && !po.Received() && (u.InLocation(po.LocationID) || u.Has(procure.RoleProcurement, procure.RoleOwner)),
	}, nil
}

func (s *Server) showPO(w http.ResponseWriter, r *http.Request) error {
	p, err := s.poProps(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, orders.POPage(p))
}

func (s *Server) printPO(w http.ResponseWriter, r *http.Request) error {
	p, err := s.poProps(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, orders.POPrint(p))
}

// pdfPO downloads the PO as a PDF to send to the vendor. It is built in
// full before anything is written, so a failure is a clean error page.
func (s *Server) pdfPO(w http.ResponseWriter, r *http.Request) error {
	p, err := s.poProps(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := orders.WritePOPDF(&buf, p.PO); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", p.PO.Number+".pdf"))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}

func (s *Server) receivePO(w http.ResponseWriter, r *http.Request) error {
	p, err := s.poProps(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	qty := map[int64]money.Quantity{}
	for _, l := range p.PO.Lines {
		field := fmt.Sprintf("qty_%d", l.ID)
		raw := f.str(field)
		if raw == "" || raw == "0" {
			continue
		}
		q, err := money.ParseQuantity(raw)
		if err != nil {
			f.Errors.Add(field, "The quantity "+err.Error()+".")
			continue
		}
		qty[l.ID] = q
	}
	key := f.str("key")
	var repeated bool
	if err = f.err(); err == nil {
		repeated, err = s.App.ReceiveGoods(r.Context(), currentUser(r), p.PO.ID, formKey(key), qty, f.str("note"))
	}
	if status, ok := formStatus(err); ok {
		p.Errors, p.Message, p.Typed, p.Key = procure.FieldsOf(err), procure.MessageOf(err), f.v, reissue(key)
		return render(w, r, status, orders.POPage(p))
	}
	if err != nil {
		return err
	}
	if repeated {
		s.flash(r, "ok", "This receipt was already recorded; nothing was booked twice.")
	} else {
		s.flash(r, "ok", "Receipt recorded.")
	}
	redirect(w, r, fmt.Sprintf("/pos/%d", p.PO.ID))
	return nil
}

func (s *Server) cancelPO(w http.ResponseWriter, r *http.Request) error {
	p, err := s.poProps(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err = f.err(); err == nil {
		err = s.App.CancelPO(r.Context(), currentUser(r), p.PO.ID, f.str("reason"))
	}
	if status, ok := formStatus(err); ok {
		p.Errors, p.Message = procure.FieldsOf(err), procure.MessageOf(err)
		return render(w, r, status, orders.POPage(p))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", p.PO.Number+" cancelled; its committed spend is released.")
	redirect(w, r, fmt.Sprintf("/pos/%d", p.PO.ID))
	return nil
}

func (s *Server) approvalsPage(w http.ResponseWriter, r *http.Request, status int, p orders.ApprovalsProps) error {
	ctx := r.Context()
	var err error
	if p.Pending, err = s.Store.PendingOffContract(ctx, p.After, approvalsPageSize+1); err != nil {
		return err
	}
	if len(p.Pending) > approvalsPageSize {
		p.Pending = p.Pending[:approvalsPageSize]
		p.Next = fmt.Sprintf("/approvals?after=%d", p.Pending[approvalsPageSize-1].ID)
	}
	if p.Waiting, p.Before, err = s.Store.PendingOffContractCount(ctx, p.After); err != nil {
		return err
	}
	if p.Recurring, err = s.Store.RecurringOffContractItems(ctx); err != nil {
		return err
	}
	vendors, err := s.Store.VendorOptions(ctx)
	if err != nil {
		return err
	}
	for _, v := range vendors {
		if v.Status == procure.VendorApproved {
			p.Vendors = append(p.Vendors, v)
		}
	}
	return render(w, r, status, orders.ApprovalsPage(p))
}

// approvalsPageSize is how many waiting lines the queue shows at once.
const approvalsPageSize = 25

func (s *Server) listApprovals(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	after := q.int("after", 0)
	if err := q.err(); err != nil {
		return err
	}
	return s.approvalsPage(w, r, http.StatusOK, orders.ApprovalsProps{After: after})
}

func (s *Server) decideLine(w http.ResponseWriter, r *http.Request) error {
	lineID, err := pathID(r, "lineID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	in := procure.ApprovalInput{VendorID: f.int("vendor_id", 0), UnitPrice: f.str("unit_price"), Note: f.str("note")}
	decision := f.str("decision")
	after := f.int("after", 0) // the queue's page the form was on, to go back to
	if err := f.err(); err != nil {
		return err
	}
	var msg string
	switch decision {
	case "approve":
		var number string
		number, err = s.App.ApproveOffContract(r.Context(), u.ID, lineID, in)
		msg = "Approved: " + number + " issued."
	case "reject":
		err = s.App.RejectOffContract(r.Context(), u.ID, lineID, f.str("reason"))
		msg = "Line rejected; the requester sees the reason."
	default:
		return procure.Errorf(procure.KindInvalid, "Choose approve or reject.")
	}
	if k := procure.KindOf(err); err != nil && (k == procure.KindInvalid || k == procure.KindConflict) {
		status, _ := formStatus(err)
		return s.approvalsPage(w, r, status, orders.ApprovalsProps{After: after, FailedLine: lineID, Errors: procure.FieldsOf(err),
			Message: procure.MessageOf(err), Typed: in, Reason: f.str("reason")})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", strings.TrimSpace(msg))
	back := "/approvals"
	if after > 0 {
		back = fmt.Sprintf("/approvals?after=%d", after)
	}
	redirect(w, r, back)
	return nil
}
