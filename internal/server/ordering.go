package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/orders"
)

// orderLocation is the location an office admin is ordering for: the
// ?location= (or form field) if it is one of theirs, else their first.
// Another location's id is "not found", never a switch.
func (s *Server) orderLocation(r *http.Request, raw string) (procure.Location, []procure.Location, error) {
	u := currentUser(r)
	locs, err := s.Store.Locations(r.Context(), procure.Scope{ActorID: u.ID, Locations: u.Locations})
	if err != nil {
		return procure.Location{}, nil, err
	}
	return pickLocation(locs, raw)
}

// pickLocation is orderLocation's choice among the user's locations.
func pickLocation(locs []procure.Location, raw string) (procure.Location, []procure.Location, error) {
	if len(locs) == 0 {
		return procure.Location{}, nil, procure.Errorf(procure.KindForbidden, "You are not an office admin of any location yet. Ask an owner to add you to one.")
	}
	if raw == "" {
		return locs[0], locs, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return procure.Location{}, nil, procure.Errorf(procure.KindNotFound, "That location does not exist.")
	}
	for _, l := range locs {
		if l.ID == id {
			return l, locs, nil
		}
	}
	return procure.Location{}, nil, procure.Errorf(procure.KindNotFound, "Location %d does not exist.", id)
}

func (s *Server) line(loc procure.Location, itemID int64, qty money.Quantity) pricing.Line {
	return pricing.Line{ItemID: itemID, Qty: qty, LocationID: loc.ID, LocationName: loc.Name, Currency: loc.Currency, Date: s.todayDate()}
}

// offerQty is the quantity a catalogue row is priced at: the minimum order
// quantity of the offer the catalogue query chose (one unit when unknown).
func offerQty(row store.CatalogueRow, cands []pricing.Candidate) money.Quantity {
	for _, c := range cands {
		if c.VendorID == row.VendorID && len(c.Tiers) > 0 {
			if t, ok := pricing.TierFor(c.Tiers, pricing.MinOrderQty(c.Tiers)); ok && t.Price == row.FromPrice {
				return pricing.MinOrderQty(c.Tiers)
			}
		}
	}
	return money.QuantityScale
}

// maxSearchLen bounds a catalogue search term (bytes): no product name
// is longer, and a page is kept in memory under its search term.
const maxSearchLen = 200

var catalogueSorts = map[string]bool{"": true, "name": true, "price": true}

func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	u := currentUser(r)
	ctx := r.Context()
	// The version is read before the page is looked up or computed, so no
	// page is older than the version it is kept under.
	all, version, err := s.Store.LocationsAtCatalogueVersion(ctx, procure.Scope{ActorID: u.ID, Locations: u.Locations})
	if err != nil {
		return err
	}
	loc, locs, err := pickLocation(all, q.str("location"))
	if err != nil {
		return err
	}
	f := store.CatalogueFilter{LocationID: loc.ID, Currency: loc.Currency, Today: s.todayDate(), Q: q.str("q"), Category: q.str("category"),
		VendorID: q.int("vendor", 0), UserID: u.ID, FavouritesOnly: q.bool("fav"), Sort: q.str("sort"),
		AfterName: q.str("after_name"), AfterID: q.int("after", 0), Limit: 25}
	if len(f.Q) > maxSearchLen {
		q.Errors.Add("q", fmt.Sprintf("Search for at most %d characters.", maxSearchLen))
	}
	if !catalogueSorts[f.Sort] {
		q.Errors.Add("sort", "Sort by name or price.")
	}
	if ap := q.str("after_price"); ap != "" {
		if f.AfterPrice, err = money.ParseUnitPrice(ap); err != nil {
			q.Errors.Add("after_price", "Invalid page cursor.")
		}
	}
	if err := q.err(); err != nil {
		return err
	}
	page, err := s.cataloguePage(r, version, f)
	if err != nil {
		return err
	}
	rows, next := slices.Clone(page.rows), page.next
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.Item.ID
	}
	fresh, err := s.Store.CatalogueFresh(ctx, u.ID, loc.ID, page.cappedContracts(), ids)
	if err != nil {
		return err
	}
	cands := page.withCapsLeft(fresh.CapsLeft)
	for i := range rows {
		rows[i].Favourite = fresh.Favourites[rows[i].Item.ID]
	}
	p := orders.CatalogueProps{Location: loc, Locations: locs, Q: f.Q, Category: f.Category, VendorID: f.VendorID, Sort: f.Sort,
		Favourites: f.FavouritesOnly}
	for _, row := range rows {
		res := pricing.Resolve(s.line(loc, row.Item.ID, offerQty(row, cands[row.Item.ID])), cands[row.Item.ID])
		entry := orders.CatalogueEntry{Item: row.Item, Favourite: row.Favourite, Record: res.Record()}
		if win, ok := res.Winner(); ok {
			c := res.Cand(win)
			entry.Price, entry.ContractNumber, entry.VendorName, entry.Tiers = win.Tier.Price, c.ContractNumber, c.VendorName, c.Tiers
			entry.MOQ, entry.Preferred = pricing.MinOrderQty(c.Tiers), c.Preferred
		}
		p.Entries = append(p.Entries, entry)
	}
	if next.AfterID != 0 {
		v := catalogueQuery(p)
		v.Set("after", strconv.FormatInt(next.AfterID, 10))
		v.Set("after_name", next.AfterName)
		v.Set("after_price", next.AfterPrice.Format(4))
		p.Next = "/catalogue?" + v.Encode()
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "catalogue-results" {
		return render(w, r, http.StatusOK, orders.CatalogueResults(p)) // the filters around it stay as they are
	}
	lk := listsKey{location: loc.ID, currency: loc.Currency.Code(), today: f.Today}
	lists, ok := s.pages.filterLists(version, lk)
	if !ok {
		lists = &catalogueLists{}
		if lists.categories, err = s.Store.ItemCategories(ctx); err != nil {
			return err
		}
		if lists.vendors, err = s.Store.CatalogueVendors(ctx, loc.ID, loc.Currency, f.Today); err != nil {
			return err
		}
		s.pages.putLists(version, lk, lists)
	}
	p.Categories, p.Vendors, p.CartCount = lists.categories, lists.vendors, fresh.CartLines
	if f.VendorID != 0 && !slices.ContainsFunc(p.Vendors, func(v procure.Vendor) bool { return v.ID == f.VendorID }) {
		// A bookmarked filter for a vendor with nothing here any more: the
		// select still says which vendor the (empty) page is for.
		v, err := s.Store.VendorByID(ctx, f.VendorID)
		if err != nil {
			return err
		}
		p.Vendors = append([]procure.Vendor{v}, p.Vendors...)
	}
	return render(w, r, http.StatusOK, orders.CataloguePage(p))
}

// cataloguePage is the page of the catalogue f asks for, with its items'
// candidates, from the cache when it holds the page at version, else from
// Postgres (and then kept). Favourites-only pages are the viewer's own and
// are never cached; other pages are computed without anyone's favourites.
func (s *Server) cataloguePage(r *http.Request, version int64, f store.CatalogueFilter) (*cataloguePage, error) {
	key, shared := keyOf(f)
	if shared {
		if p, ok := s.pages.page(version, key); ok {
			return p, nil
		}
		f.UserID = 0
	}
	ctx := r.Context()
	rows, next, err := s.Store.Catalogue(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.Item.ID
	}
	cands, err := s.Store.Candidates(ctx, ids, f.Today)
	if err != nil {
		return nil, err
	}
	p := &cataloguePage{rows: rows, next: next, cands: cands}
	if shared {
		s.pages.putPage(version, key, p)
	}
	return p, nil
}

func catalogueQuery(p orders.CatalogueProps) url.Values {
	v := url.Values{"location": {strconv.FormatInt(p.Location.ID, 10)}}
	for k, val := range map[string]string{"q": p.Q, "category": p.Category, "sort": p.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if p.VendorID != 0 {
		v.Set("vendor", strconv.FormatInt(p.VendorID, 10))
	}
	if p.Favourites {
		v.Set("fav", "1")
	}
	return v
}

// checkOrderable resolves qty of item at loc and refuses, with the reason,
// a line that no contract would take: not offered there, below the
// minimum, above the maximum, past a cap.
func (s *Server) checkOrderable(r *http.Request, loc procure.Location, it procure.Item, qty money.Quantity) error {
	cands, err := s.Store.Candidates(r.Context(), []int64{it.ID}, s.todayDate())
	if err != nil {
		return err
	}
	res := pricing.Resolve(s.line(loc, it.ID, qty), cands[it.ID])
	if _, ok := res.Winner(); ok {
		return nil
	}
	reason := fmt.Sprintf("%s is not offered at %s.", it.Name, loc.Name)
	for _, o := range res.Options {
		if o.Code >= pricing.BelowMinimum { // offered here, but not at this quantity
			reason = fmt.Sprintf("%s cannot be ordered at %s %s: %s.", it.Name, qty, it.Unit, res.Reason(o))
			break
		}
	}
	return &procure.Error{Kind: procure.KindInvalid, Message: reason + " Use an off-contract request if you need it anyway.",
		Fields: map[string]string{"qty": reason}}
}

func (s *Server) addToCart(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	loc, _, err := s.orderLocation(r, f.str("location"))
	if err != nil {
		return err
	}
	itemID := f.int("item_id", 0)
	back := f.str("back")
	if !strings.HasPrefix(back, "/catalogue") {
		back = "/catalogue?location=" + strconv.FormatInt(loc.ID, 10)
	}
	var it procure.Item
	var qty money.Quantity
	switch {
	case procure.FieldsOf(f.err())["item_id"] != "": // the hidden item id, sent altered
		err = procure.Errorf(procure.KindInvalid, "That item does not exist.")
	case f.err() != nil:
		err = procure.Errorf(procure.KindInvalid, "The form could not be read; add the item again from the catalogue.")
	case itemID == 0:
		err = procure.Errorf(procure.KindInvalid, "Choose an item from the catalogue.")
	default:
		if it, err = s.Store.ItemByID(r.Context(), itemID); procure.KindOf(err) == procure.KindNotFound {
			err = procure.Errorf(procure.KindInvalid, "That item does not exist.")
		}
	}
	if err == nil {
		var msg string
		if qty, msg = procure.ParseQuantityFor(f.str("qty"), &it); msg != "" {
			err = &procure.Error{Kind: procure.KindInvalid, Message: it.Name + ": " + msg, Fields: map[string]string{"qty": msg}}
		}
	}
	if err == nil {
		err = s.checkOrderable(r, loc, it, qty)
	}
	var inCart money.Quantity
	if err == nil {
		inCart, err = s.Store.AddToCart(r.Context(), currentUser(r).ID, loc.ID, it.ID, qty)
	}
	if procure.KindOf(err) == procure.KindInvalid {
		if isHTMX(r) {
			return render(w, r, http.StatusUnprocessableEntity, orders.AddedMessage(itemID, procure.MessageOf(err), false))
		}
		s.flash(r, "error", procure.MessageOf(err))
		redirect(w, r, back)
		return nil
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Added %s %s of %s to the cart.", qty, it.Unit, it.Name)
	if inCart != qty { // added to a line already there (or a second click): say what it holds now
		msg = fmt.Sprintf("Added %s %s of %s: %s %s in the cart now.", qty, it.Unit, it.Name, inCart, it.Unit)
	}
	if isHTMX(r) {
		return render(w, r, http.StatusOK, orders.AddedMessage(it.ID, msg, true))
	}
	s.flash(r, "ok", msg)
	redirect(w, r, back)
	return nil
}

func (s *Server) toggleFavourite(w http.ResponseWriter, r *http.Request) error {
	itemID, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if _, err := s.Store.ItemByID(r.Context(), itemID); err != nil {
		return err
	}
	on := f.bool("on")
	if err := s.Store.SetFavourite(r.Context(), currentUser(r).ID, itemID, on); err != nil {
		return err
	}
	if isHTMX(r) {
		return render(w, r, http.StatusOK, orders.FavouriteButton(itemID, on))
	}
	back := f.str("back")
	if !strings.HasPrefix(back, "/catalogue") {
		back = "/catalogue"
	}
	redirect(w, r, back)
	return nil
}

// cartProps resolves the cart as it would be submitted now: lines in order,
// later lines seeing the cap earlier ones use.
func (s *Server) cartProps(r *http.Request, loc procure.Location, locs []procure.Location) (orders.CartProps, error) {
	ctx := r.Context()
	u := currentUser(r)
	lines, err := s.Store.CartLines(ctx, u.ID, loc.ID)
	if err != nil {
		return orders.CartProps{}, err
	}
	var ids []int64
	for _, l := range lines {
		if l.Item != nil {
			ids = append(ids, l.Item.ID)
		}
	}
	cands, err := s.Store.Candidates(ctx, ids, s.todayDate())
	if err != nil {
		return orders.CartProps{}, err
	}
	var ol []pricing.OrderLine
	for _, l := range lines {
		if l.Item != nil {
			ol = append(ol, pricing.OrderLine{Line: s.line(loc, l.Item.ID, l.Qty), Candidates: cands[l.Item.ID]})
		}
	}
	ord, err := pricing.ResolveOrder(ol)
	if err != nil {
		return orders.CartProps{}, procure.Wrap(procure.KindInvalid, err, "The cart total is too large; lower a quantity.")
	}
	p := orders.CartProps{Location: loc, Locations: locs, Key: procure.NewFormKey(), Total: money.Zero(loc.Currency)}
	i := 0
	for _, l := range lines {
		cl := orders.CartEntry{Line: l}
		if l.Item != nil {
			res := ord.Results[i]
			i++
			cl.Record = res.Record()
			if win, ok := res.Winner(); ok {
				c := res.Cand(win)
				cl.OnContract, cl.Price, cl.Total, cl.ContractNumber, cl.VendorName = true, win.Tier.Price, win.Total, c.ContractNumber, c.VendorName
				if p.Total, err = p.Total.Add(win.Total); err != nil {
					return orders.CartProps{}, procure.Wrap(procure.KindInvalid, err, "The cart total is too large.")
				}
			}
		}
		p.Entries = append(p.Entries, cl)
	}
	for _, g := range ord.Groups {
		p.Vendors = append(p.Vendors, g.VendorName)
	}
	vendors, err := s.Store.VendorOptions(ctx)
	if err != nil {
		return orders.CartProps{}, err
	}
	for _, v := range vendors {
		if v.Status == procure.VendorApproved {
			p.Suppliers = append(p.Suppliers, v)
		}
	}
	return p, nil
}

func (s *Server) showCart(w http.ResponseWriter, r *http.Request) error {
	loc, locs, err := s.orderLocation(r, query(r).str("location"))
	if err != nil {
		return err
	}
	p, err := s.cartProps(r, loc, locs)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, orders.CartPage(p))
}

func cartURL(locationID int64) string { return "/cart?location=" + strconv.FormatInt(locationID, 10) }

// cartLineAction loads the signed-in user's cart line (another user's line
// is "not found") and its location.
func (s *Server) cartLineAction(r *http.Request) (procure.CartLine, procure.Location, *form, error) {
	id, err := pathID(r, "lineID")
	if err != nil {
		return procure.CartLine{}, procure.Location{}, nil, err
	}
	l, err := s.Store.CartLine(r.Context(), currentUser(r).ID, id)
	if err != nil {
		return procure.CartLine{}, procure.Location{}, nil, err
	}
	loc, _, err := s.orderLocation(r, strconv.FormatInt(l.LocationID, 10))
	if err != nil {
		return procure.CartLine{}, procure.Location{}, nil, err
	}
	f, err := parseForm(r)
	return l, loc, f, err
}

// cartChanged answers a cart change: the whole cart re-resolved for htmx
// (with an error message, if any), a redirect otherwise.
func (s *Server) cartChanged(w http.ResponseWriter, r *http.Request, loc procure.Location, problem error) error {
	if isHTMX(r) {
		_, locs, err := s.orderLocation(r, strconv.FormatInt(loc.ID, 10))
		if err != nil {
			return err
		}
		p, err := s.cartProps(r, loc, locs)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if problem != nil {
			p.Message, status = procure.MessageOf(problem), http.StatusUnprocessableEntity
		}
		return render(w, r, status, orders.CartSection(p))
	}
	if problem != nil {
		s.flash(r, "error", procure.MessageOf(problem))
	}
	redirect(w, r, cartURL(loc.ID))
	return nil
}

func (s *Server) setCartQty(w http.ResponseWriter, r *http.Request) error {
	l, loc, f, err := s.cartLineAction(r)
	if err != nil {
		return err
	}
	qty, msg := procure.ParseQuantityFor(f.str("qty"), l.Item)
	var problem error
	switch {
	case f.err() != nil:
		problem = f.err()
	case msg != "":
		problem = procure.Errorf(procure.KindInvalid, "%s", lineName(l)+": "+msg)
	case l.Item != nil:
		problem = s.checkOrderable(r, loc, *l.Item, qty)
	}
	if problem == nil {
		if err := s.Store.SetCartQty(r.Context(), currentUser(r).ID, l.ID, qty); err != nil {
			return err
		}
	} else if procure.KindOf(problem) != procure.KindInvalid {
		return problem
	}
	return s.cartChanged(w, r, loc, problem)
}

func lineName(l procure.CartLine) string {
	if l.Item != nil {
		return l.Item.Name
	}
	return l.Description
}

func (s *Server) removeCartLine(w http.ResponseWriter, r *http.Request) error {
	l, loc, _, err := s.cartLineAction(r)
	if err != nil {
		return err
	}
	if err := s.Store.RemoveCartLine(r.Context(), currentUser(r).ID, l.ID); err != nil {
		return err
	}
	return s.cartChanged(w, r, loc, nil)
}

func (s *Server) addOffContract(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	loc, locs, err := s.orderLocation(r, f.str("location"))
	if err != nil {
		return err
	}
	in := procure.OffContractInput{Description: f.str("description"), Qty: f.str("qty"), Unit: f.str("unit"), EstPrice: f.str("est_price"),
		SuggestedVendorID: f.int("suggested_vendor_id", 0), SuggestedVendorName: f.str("suggested_vendor_name"), Reason: f.str("reason")}
	qty, oc, err := in.Parse()
	if err == nil {
		err = f.err()
	}
	if err == nil && oc.SuggestedVendorID != 0 {
		if v, verr := s.Store.VendorByID(r.Context(), oc.SuggestedVendorID); verr != nil || v.Status != procure.VendorApproved {
			err = &procure.Error{Kind: procure.KindInvalid, Message: "Choose a supplier from the directory, or type a name.",
				Fields: map[string]string{"suggested_vendor_id": "Choose an approved supplier, or type a name."}}
		} else if oc.SuggestedVendorName == "" {
			oc.SuggestedVendorName = v.Name
		}
	}
	if err == nil {
		err = s.Store.AddOffContractLine(r.Context(), currentUser(r).ID, loc.ID, qty, oc)
	}
	if procure.KindOf(err) == procure.KindInvalid {
		p, perr := s.cartProps(r, loc, locs)
		if perr != nil {
			return perr
		}
		p.OffForm = orders.OffContractForm{Input: in, Errors: mergeFields(f, err), Message: procure.MessageOf(err)}
		if isHTMX(r) {
			return render(w, r, http.StatusUnprocessableEntity, orders.CartSection(p))
		}
		return render(w, r, http.StatusUnprocessableEntity, orders.CartPage(p))
	}
	if err != nil {
		return err
	}
	return s.cartChanged(w, r, loc, nil)
}

func (s *Server) submitCart(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	// A location of the user's is taken as it is: the submission reads it
	// again, in the user's scope, inside its transaction. Anything else gets
	// orderLocation's answer (the default location, or not found).
	locID, err := strconv.ParseInt(f.str("location"), 10, 64)
	if err != nil || !currentUser(r).InLocation(locID) {
		loc, _, err := s.orderLocation(r, f.str("location"))
		if err != nil {
			return err
		}
		locID = loc.ID
	}
	key := f.str("key")
	if err := f.err(); err != nil {
		return err
	}
	// What the cart showed, only to say what changed: prices are resolved
	// again on the server and the browser's figures are never used.
	seen := map[int64]money.UnitPrice{}
	for name, vals := range f.v {
		if id, ok := strings.CutPrefix(name, "seen_"); ok && len(vals) == 1 {
			lineID, err1 := strconv.ParseInt(id, 10, 64)
			p, err2 := money.ParseUnitPrice(vals[0])
			if err1 == nil && err2 == nil {
				seen[lineID] = p
			}
		}
	}
	res, err := s.App.SubmitRequest(r.Context(), currentUser(r), locID, key, seen)
	if procure.KindOf(err) == procure.KindInvalid {
		s.flash(r, "error", procure.MessageOf(err))
		redirect(w, r, cartURL(locID))
		return nil
	}
	if err != nil {
		return err
	}
	// The request's page says what the submission did (submittedMessage),
	// from the request itself and the notes kept with it: a message through
	// the session would cost a session write now and another when the page
	// took it out.
	outcome := "1"
	if res.Duplicate {
		outcome = "again"
	}
	redirect(w, r, fmt.Sprintf("/requests/%d?submitted=%s", res.RequestID, outcome))
	return nil
}

// submittedMessage is what the request page tells its submitter after a
// submission (outcome "1") or a repeated one ("again"): the POs issued at
// once and the lines waiting for procurement, pointing to the
// submission's notes, which the page lists. Any other outcome says
// nothing.
func submittedMessage(req procure.PurchaseRequest, outcome string) string {
	if outcome == "again" {
		return "This cart was already submitted; here is the request it created."
	}
	if outcome != "1" {
		return ""
	}
	var numbers []string
	for _, po := range req.Orders {
		if !po.OffContract {
			numbers = append(numbers, po.Number)
		}
	}
	slices.Sort(numbers)
	msg := "Request submitted."
	if len(numbers) > 0 {
		msg = fmt.Sprintf("Request submitted: %s issued to the vendors.", strings.Join(numbers, ", "))
	}
	waiting := 0
	for _, l := range req.Lines {
		if l.Status == procure.LinePending {
			waiting++
		}
	}
	if waiting > 0 {
		msg += fmt.Sprintf(" %d off-contract line(s) wait for procurement.", waiting)
	}
	if len(req.SubmitNotes) > 0 {
		msg += " See the notes below."
	}
	return msg
}

// reorder puts the catalogue lines of an earlier request back into the
// cart, to be resolved at today's prices ("order again").
func (s *Server) reorder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	u := currentUser(r)
	req, err := s.Store.PurchaseRequestByID(r.Context(), procure.Scope{ActorID: u.ID, Locations: nonNilIDs(u.Locations)}, id)
	if err != nil {
		return err
	}
	loc, _, err := s.orderLocation(r, strconv.FormatInt(req.LocationID, 10))
	if err != nil {
		return err
	}
	added, skipped := 0, []string{}
	for _, l := range req.Lines {
		if l.ItemID == 0 {
			continue
		}
		it, err := s.Store.ItemByID(r.Context(), l.ItemID)
		if err != nil {
			return err
		}
		if err := s.checkOrderable(r, loc, it, l.Qty); err != nil {
			if procure.KindOf(err) != procure.KindInvalid {
				return err
			}
			skipped = append(skipped, it.Name)
			continue
		}
		if _, err := s.Store.AddToCart(r.Context(), u.ID, loc.ID, it.ID, l.Qty); err != nil {
			if procure.KindOf(err) != procure.KindInvalid {
				return err
			}
			skipped = append(skipped, it.Name)
			continue
		}
		added++
	}
	msg := fmt.Sprintf("%d line(s) added to the cart at today's contract prices.", added)
	if len(skipped) > 0 {
		msg += " Not available any more: " + strings.Join(skipped, ", ") + "."
	}
	s.flash(r, "ok", msg)
	redirect(w, r, cartURL(loc.ID))
	return nil
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
