package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/contracts"
)

var contractSorts = map[string]bool{"": true, "number": true, "end": true, "vendor": true, "cap_used": true}

func (s *Server) listContracts(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	f := store.ContractFilter{Status: q.str("status"), VendorID: q.int("vendor", 0), LocationID: q.int("location", 0),
		EndsWithin: int(q.int("ends_within", 0)), Sort: q.str("sort"), Desc: q.str("dir") == "desc", Today: s.todayDate(),
		Offset: int(q.int("offset", 0)), Limit: 50}
	if !contractSorts[f.Sort] {
		q.Errors.Add("sort", "Choose a column to sort by.")
	}
	switch f.Status {
	case "", "draft", "active", "suspended", "terminated", "expired":
	default:
		q.Errors.Add("status", "Choose a status from the list.")
	}
	if f.EndsWithin > 3650 {
		q.Errors.Add("ends_within", "Enter at most 3650 days.")
	}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.Store.Contracts(r.Context(), f)
	if err != nil {
		return err
	}
	vendorList, err := s.Store.VendorOptions(r.Context())
	if err != nil {
		return err
	}
	locs, err := s.Store.Locations(r.Context(), procure.Scope{})
	if err != nil {
		return err
	}
	view := contracts.Filter{Status: f.Status, VendorID: f.VendorID, LocationID: f.LocationID, EndsWithin: f.EndsWithin,
		Sort: f.Sort, Desc: f.Desc, Today: f.Today, Offset: f.Offset, Limit: f.Limit}
	return render(w, r, http.StatusOK, contracts.ListPage(contracts.ListProps{Contracts: list, Filter: view, Vendors: vendorList,
		Locations: locs, HasMore: len(list) == f.Limit, CanEdit: currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)}))
}

func (s *Server) showContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	p, err := s.contractPage(r, id)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, contracts.ShowPage(p))
}

// contractPage gathers everything the contract page shows.
func (s *Server) contractPage(r *http.Request, id int64) (contracts.ShowProps, error) {
	ctx := r.Context()
	c, err := s.Store.ContractByID(ctx, id)
	if err != nil {
		return contracts.ShowProps{}, err
	}
	prices, err := s.Store.PriceRows(ctx, id)
	if err != nil {
		return contracts.ShowProps{}, err
	}
	history, err := s.Store.AuditEvents(ctx, store.AuditFilter{Entity: "contract", EntityID: id, Limit: 200})
	if err != nil {
		return contracts.ShowProps{}, err
	}
	p := contracts.ShowProps{Contract: c, Prices: prices, History: history, Today: s.todayDate(),
		CanEdit: currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)}
	if p.Milestones, err = s.Store.Milestones(ctx, id); err != nil {
		return p, err
	}
	if p.Documents, err = s.Store.Documents(ctx, id); err != nil {
		return p, err
	}
	if p.CanEdit {
		if p.Users, err = s.Store.Users(ctx); err != nil {
			return p, err
		}
		p.Users = slices.DeleteFunc(p.Users, func(u procure.User) bool { return !u.Active })
	}
	return p, nil
}

func parseContractForm(f *form) procure.ContractInput {
	return procure.ContractInput{VendorID: f.int("vendor_id", 0), Number: f.str("number"), Title: f.str("title"),
		Currency: f.str("currency"), Start: f.str("start"), End: f.str("end"), PaymentTermsDays: f.str("payment_terms_days"),
		Cap: f.str("cap"), Tolerance: f.str("tolerance"), RenewalNoticeDays: f.str("renewal_notice_days"),
		OwnerID: f.int("owner_id", 0), Terms: f.str("terms"), Locations: f.ids("locations"), Version: f.int("version", 0)}
}

func (s *Server) renderContractForm(w http.ResponseWriter, r *http.Request, status int, p contracts.FormProps) error {
	ctx := r.Context()
	vendorList, err := s.Store.VendorOptions(ctx)
	if err != nil {
		return err
	}
	locs, err := s.Store.Locations(ctx, procure.Scope{})
	if err != nil {
		return err
	}
	users, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Active && u.Has(procure.RoleProcurement, procure.RoleOwner) {
			p.Owners = append(p.Owners, u)
		}
	}
	p.Vendors, p.Locations = vendorList, locs
	return render(w, r, status, contracts.FormPage(p))
}

func (s *Server) newContractForm(w http.ResponseWriter, r *http.Request) error {
	today := s.todayDate()
	number, err := s.Store.SuggestContractNumber(r.Context(), today.Time().Year())
	if err != nil {
		return err
	}
	in := procure.ContractInput{Number: number, Currency: "EUR", Start: today.String(), End: today.AddDays(364).String(),
		PaymentTermsDays: "30", Tolerance: "0", RenewalNoticeDays: "60", OwnerID: currentUser(r).ID, VendorID: query(r).int("vendor", 0)}
	return s.renderContractForm(w, r, http.StatusOK, contracts.FormProps{Input: in})
}

func (s *Server) createContract(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseContractForm(f)
	v, err := in.Parse()
	if err == nil {
		err = f.err()
	}
	if err != nil {
		return s.renderContractForm(w, r, http.StatusUnprocessableEntity, contracts.FormProps{Input: in, Errors: mergeFields(f, err), Message: procure.MessageOf(err)})
	}
	id, err := s.Store.CreateContract(r.Context(), currentUser(r).ID, v)
	if status, ok := formStatus(err); ok {
		return s.renderContractForm(w, r, status, contracts.FormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Draft contract "+v.Number+" created. Add its prices, then activate it.")
	redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10))
	return nil
}

// mergeFields puts the form's own problems (repeated fields) first.
func mergeFields(f *form, err error) map[string]string {
	fe := procure.FieldErrors{}
	for k, v := range f.Errors {
		fe.Add(k, v)
	}
	for k, v := range procure.FieldsOf(err) {
		fe.Add(k, v)
	}
	return fe
}

func (s *Server) editContractForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return err
	}
	in := procure.ContractInput{VendorID: c.VendorID, Number: c.Number, Title: c.Title, Currency: c.Currency.Code(),
		Start: c.Start.String(), End: c.End.String(), PaymentTermsDays: strconv.Itoa(c.PaymentTermsDays),
		Tolerance: c.Tolerance.String(), RenewalNoticeDays: strconv.Itoa(c.RenewalNoticeDays), OwnerID: c.OwnerID,
		Terms: c.Terms, Locations: c.Locations, Version: c.Version}
	if c.Cap != nil {
		in.Cap = c.Cap.String()
	}
	return s.renderContractForm(w, r, http.StatusOK, contracts.FormProps{ID: id, Input: in, Status: c.Status})
}

func (s *Server) updateContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseContractForm(f)
	v, err := in.Parse()
	if err == nil {
		err = f.err()
	}
	if err != nil {
		return s.renderContractForm(w, r, http.StatusUnprocessableEntity, contracts.FormProps{ID: id, Status: c.Status, Input: in,
			Errors: mergeFields(f, err), Message: procure.MessageOf(err)})
	}
	err = s.Store.UpdateContract(r.Context(), currentUser(r).ID, id, v)
	if status, ok := formStatus(err); ok {
		return s.renderContractForm(w, r, status, contracts.FormProps{ID: id, Status: c.Status, Input: in,
			Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Contract "+v.Number+" saved.")
	redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10))
	return nil
}

var contractTargets = map[string]procure.ContractStatus{
	"active": procure.ContractActive, "suspended": procure.ContractSuspended, "terminated": procure.ContractTerminated,
}

func (s *Server) moveContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	to, ok := contractTargets[f.str("to")]
	if !ok || f.err() != nil {
		return procure.Errorf(procure.KindInvalid, "Choose activate, suspend or terminate.")
	}
	err = s.Store.MoveContract(r.Context(), currentUser(r).ID, id, to, s.todayDate())
	if k := procure.KindOf(err); err != nil && (k == procure.KindInvalid || k == procure.KindConflict) {
		s.flash(r, "error", procure.MessageOf(err))
		redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10))
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "The contract is now "+string(to)+".")
	redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10))
	return nil
}

func parsePriceForm(f *form) procure.PriceInput {
	in := procure.PriceInput{SKU: f.str("sku"), VendorSKU: f.str("vendor_sku"), MaxQty: f.str("max_qty"),
		ValidFrom: f.str("valid_from"), ValidTo: f.str("valid_to"), Preferred: f.bool("preferred"), Baseline: f.str("baseline")}
	for i := 1; i <= procure.MaxTiers; i++ {
		in.MinQty = append(in.MinQty, f.str(fmt.Sprintf("min_qty_%d", i)))
		in.Price = append(in.Price, f.str(fmt.Sprintf("price_%d", i)))
	}
	return in
}

// addPrice adds a price row to a draft contract. htmx gets the price
// section back (with the form's errors inline); a plain form is redirected.
func (s *Server) addPrice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parsePriceForm(f)
	v, err := in.Parse(c)
	if err == nil {
		err = f.err()
	}
	if err == nil {
		_, err = s.Store.AddPriceRow(r.Context(), currentUser(r).ID, id, v)
	}
	if status, ok := formStatus(err); ok {
		p, perr := s.contractPage(r, id)
		if perr != nil {
			return perr
		}
		p.PriceForm = contracts.PriceFormProps{Input: in, Errors: mergeFields(f, err), Message: procure.MessageOf(err)}
		if isHTMX(r) {
			return render(w, r, status, contracts.PriceSection(p))
		}
		return render(w, r, status, contracts.ShowPage(p))
	}
	if err != nil {
		return err
	}
	return s.pricesChanged(w, r, id, "Price row for "+v.SKU+" added.")
}

// pricesChanged answers a successful price change: the fresh price section
// for htmx, a redirect otherwise.
func (s *Server) pricesChanged(w http.ResponseWriter, r *http.Request, id int64, msg string) error {
	if isHTMX(r) {
		p, err := s.contractPage(r, id)
		if err != nil {
			return err
		}
		p.PriceMessage = msg
		return render(w, r, http.StatusOK, contracts.PriceSection(p))
	}
	s.flash(r, "ok", msg)
	redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10)+"#prices")
	return nil
}

func (s *Server) removePrice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	priceID, err := pathID(r, "priceID")
	if err != nil {
		return err
	}
	if err := s.Store.RemovePriceRow(r.Context(), currentUser(r).ID, id, priceID); err != nil {
		return err
	}
	return s.pricesChanged(w, r, id, "Price row removed.")
}

// amendContext loads the contract and the price row an amendment is about.
func (s *Server) amendContext(r *http.Request) (procure.Contract, procure.PriceRow, error) {
	id, err := pathID(r, "contractID")
	if err != nil {
		return procure.Contract{}, procure.PriceRow{}, err
	}
	priceID, err := pathID(r, "priceID")
	if err != nil {
		return procure.Contract{}, procure.PriceRow{}, err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return procure.Contract{}, procure.PriceRow{}, err
	}
	rows, err := s.Store.PriceRows(r.Context(), id)
	if err != nil {
		return procure.Contract{}, procure.PriceRow{}, err
	}
	for _, row := range rows {
		if row.ID == priceID {
			return c, row, nil
		}
	}
	return procure.Contract{}, procure.PriceRow{}, procure.Errorf(procure.KindNotFound, "Price row %d does not exist on this contract.", priceID)
}

func (s *Server) amendPriceForm(w http.ResponseWriter, r *http.Request) error {
	c, row, err := s.amendContext(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, contracts.AmendPage(contracts.AmendProps{Contract: c, Row: row, Form: contracts.AmendDefaults(row, s.todayDate())}))
}

func (s *Server) amendPrice(w http.ResponseWriter, r *http.Request) error {
	c, row, err := s.amendContext(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parsePriceForm(f)
	v, err := in.ParseAmendment(c)
	if err == nil {
		err = f.err()
	}
	if err == nil {
		_, err = s.Store.AmendPrice(r.Context(), currentUser(r).ID, c.ID, row.ID, v, s.todayDate())
	}
	if status, ok := formStatus(err); ok {
		return render(w, r, status, contracts.AmendPage(contracts.AmendProps{Contract: c, Row: row,
			Form: contracts.PriceFormProps{Input: in, Errors: mergeFields(f, err), Message: procure.MessageOf(err)}}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Amendment recorded: the new price of "+row.ItemSKU+" applies from "+v.ValidFrom.String()+".")
	redirect(w, r, "/contracts/"+strconv.FormatInt(c.ID, 10)+"#prices")
	return nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, contracts.ImportPage(contracts.ImportProps{Contract: c}))
}

// importPrices takes a CSV upload (at most procure.PriceListMaxBytes; more
// is 413) and imports it all or not at all.
func (s *Server) importPrices(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	c, err := s.Store.ContractByID(r.Context(), id)
	if err != nil {
		return err
	}
	up, err := readUpload(r, procure.PriceListMaxBytes, "a CSV file")
	if err != nil {
		return err
	}
	if up.Status != 0 {
		return render(w, r, up.Status, contracts.ImportPage(contracts.ImportProps{Contract: c, Message: up.Message}))
	}
	data := up.Data
	if looksCompressed(data) {
		return render(w, r, http.StatusUnsupportedMediaType, contracts.ImportPage(contracts.ImportProps{Contract: c,
			Message: "This looks like an Excel workbook or a compressed file. Save the sheet as \"CSV UTF-8\" and upload that."}))
	}
	create := r.FormValue("create_items") == "on"
	res, err := s.App.ImportPriceList(r.Context(), currentUser(r).ID, id, data, create)
	if k := procure.KindOf(err); err != nil && (k == procure.KindInvalid || k == procure.KindConflict) {
		return render(w, r, http.StatusUnprocessableEntity, contracts.ImportPage(contracts.ImportProps{Contract: c, Result: res,
			Message: procure.MessageOf(err), CreateItems: create}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", fmt.Sprintf("Imported %d price rows (%d tiers)%s.", res.PriceRows, res.Tiers, createdText(res.ItemsCreated)))
	redirect(w, r, "/contracts/"+strconv.FormatInt(id, 10)+"#prices")
	return nil
}

func createdText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" and created %d new items", n)
}

// looksCompressed spots zip (xlsx), gzip, 7z and bzip2 signatures.
func looksCompressed(b []byte) bool {
	for _, magic := range [][]byte{{'P', 'K', 3, 4}, {0x1f, 0x8b}, {'7', 'z', 0xbc, 0xaf}, {'B', 'Z', 'h'}} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return false
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="price-list-template.csv"`)
	_, err := io.Copy(w, strings.NewReader(procure.PriceListTemplate))
	return err
}
