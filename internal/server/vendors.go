package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/vendors"
)

func (s *Server) listVendors(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	f := store.VendorFilter{Q: q.str("q"), Status: q.str("status"), AfterName: q.str("after_name"), AfterID: q.int("after", 0), Limit: 50}
	if f.Status != "" && f.Status != string(procure.VendorApproved) && f.Status != string(procure.VendorPending) && f.Status != string(procure.VendorBlocked) {
		q.Errors.Add("status", "Choose a status from the list.")
	}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.Store.Vendors(r.Context(), f)
	if err != nil {
		return err
	}
	p := vendors.ListProps{Vendors: list, Q: f.Q, Status: f.Status, CanEdit: currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)}
	if len(list) == f.Limit {
		last := list[len(list)-1]
		v := url.Values{"q": {f.Q}, "status": {f.Status}, "after": {strconv.FormatInt(last.ID, 10)}, "after_name": {last.Name}}
		p.Next = "/vendors?" + v.Encode()
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "vendor-results" {
		return render(w, r, http.StatusOK, vendors.Results(p))
	}
	return render(w, r, http.StatusOK, vendors.ListPage(p))
}

func (s *Server) showVendor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "vendorID")
	if err != nil {
		return err
	}
	v, err := s.Store.VendorByID(r.Context(), id)
	if err != nil {
		return err
	}
	contracts, err := s.Store.Contracts(r.Context(), store.ContractFilter{VendorID: id, Today: s.todayDate(), Limit: 200})
	if err != nil {
		return err
	}
	spend, err := s.Store.VendorSpend(r.Context(), id)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, vendors.ShowPage(vendors.ShowProps{Vendor: v, Contracts: contracts, Spend: spend,
		Today: s.todayDate(), CanEdit: currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)}))
}

func (s *Server) newVendorForm(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, vendors.FormPage(vendors.FormProps{}))
}

func parseVendorForm(f *form) procure.VendorInput {
	return procure.VendorInput{Name: f.str("name"), TaxID: f.str("tax_id"), Email: f.str("email"), Phone: f.str("phone"),
		Address: f.str("address"), Categories: procure.SplitList(f.str("categories")), Notes: f.str("notes"), Version: f.int("version", 0)}
}

func (s *Server) createVendor(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseVendorForm(f)
	fe := f.Errors
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if err := fe.Err(); err != nil {
		return render(w, r, http.StatusUnprocessableEntity, vendors.FormPage(vendors.FormProps{Input: in, Errors: fe, Message: procure.MessageOf(err)}))
	}
	id, err := s.Store.CreateVendor(r.Context(), currentUser(r).ID, in)
	if status, ok := formStatus(err); ok {
		return render(w, r, status, vendors.FormPage(vendors.FormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Vendor "+in.Name+" created as pending approval.")
	redirect(w, r, "/vendors/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) editVendorForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "vendorID")
	if err != nil {
		return err
	}
	v, err := s.Store.VendorByID(r.Context(), id)
	if err != nil {
		return err
	}
	in := procure.VendorInput{Name: v.Name, TaxID: v.TaxID, Email: v.Email, Phone: v.Phone, Address: v.Address,
		Categories: v.Categories, Notes: v.Notes, Version: v.Version}
	return render(w, r, http.StatusOK, vendors.FormPage(vendors.FormProps{ID: id, Input: in}))
}

func (s *Server) updateVendor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "vendorID")
	if err != nil {
		return err
	}
	if _, err := s.Store.VendorByID(r.Context(), id); err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseVendorForm(f)
	fe := f.Errors
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if err := fe.Err(); err != nil {
		return render(w, r, http.StatusUnprocessableEntity, vendors.FormPage(vendors.FormProps{ID: id, Input: in, Errors: fe, Message: procure.MessageOf(err)}))
	}
	err = s.Store.UpdateVendor(r.Context(), currentUser(r).ID, id, in)
	if status, ok := formStatus(err); ok {
		return render(w, r, status, vendors.FormPage(vendors.FormProps{ID: id, Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Vendor saved.")
	redirect(w, r, "/vendors/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) setVendorStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "vendorID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	to, reason := procure.VendorStatus(f.str("status")), f.str("reason")
	if err := f.err(); err != nil {
		return err
	}
	if err := s.Store.SetVendorStatus(r.Context(), currentUser(r).ID, id, to, reason); err != nil {
		return err
	}
	s.flash(r, "ok", "Vendor is now "+string(to)+".")
	redirect(w, r, "/vendors/"+strconv.FormatInt(id, 10))
	return nil
}

// listSuppliers is the approved-supplier directory every signed-in user may
// browse, by category and location.
func (s *Server) listSuppliers(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	f := store.SupplierFilter{Category: q.str("category"), LocationID: q.int("location", 0), Today: s.todayDate().Time(),
		AfterName: q.str("after_name"), AfterID: q.int("after", 0), Limit: 100}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.Store.Suppliers(r.Context(), f)
	if err != nil {
		return err
	}
	var next string
	if len(list) == f.Limit {
		last := list[len(list)-1].Vendor
		v := url.Values{"category": {f.Category}, "after": {strconv.FormatInt(last.ID, 10)}, "after_name": {last.Name}}
		if f.LocationID != 0 {
			v.Set("location", strconv.FormatInt(f.LocationID, 10))
		}
		next = "/suppliers?" + v.Encode()
	}
	locs, err := s.Store.Locations(r.Context(), procure.Scope{})
	if err != nil {
		return err
	}
	cats, err := s.Store.ItemCategories(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, vendors.DirectoryPage(vendors.DirectoryProps{Suppliers: list, Locations: locs,
		Categories: cats, Category: f.Category, LocationID: f.LocationID, Next: next}))
}

// todayDate is the calendar day in the configured time zone.
func (s *Server) todayDate() pricing.Date { return pricing.DateOf(s.Now().In(s.Options.TimeZone)) }
