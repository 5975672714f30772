package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/items"
)

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	f := store.ItemFilter{Q: q.str("q"), Category: q.str("category"), AfterName: q.str("after_name"), AfterID: q.int("after", 0), Limit: 50}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.Store.Items(r.Context(), f)
	if err != nil {
		return err
	}
	cats, err := s.Store.ItemCategories(r.Context())
	if err != nil {
		return err
	}
	p := items.ListProps{Items: list, Q: f.Q, Category: f.Category, Categories: cats, CanEdit: currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)}
	if len(list) == f.Limit {
		last := list[len(list)-1]
		v := url.Values{"q": {f.Q}, "category": {f.Category}, "after": {strconv.FormatInt(last.ID, 10)}, "after_name": {last.Name}}
		p.Next = "/items?" + v.Encode()
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "item-results" {
		return render(w, r, http.StatusOK, items.Results(p))
	}
	return render(w, r, http.StatusOK, items.ListPage(p))
}

// suggestItems answers the SKU box of the price form with matching items
// (a datalist fragment for htmx).
func (s *Server) suggestItems(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	term := q.str("sku")
	var list []procure.Item
	if len(term) >= 2 {
		var err error
		if list, err = s.Store.Items(r.Context(), store.ItemFilter{Q: term, Limit: 20}); err != nil {
			return err
		}
	}
	return render(w, r, http.StatusOK, items.Suggestions(list))
}

func parseItemForm(f *form) procure.ItemInput {
	return procure.ItemInput{SKU: f.str("sku"), Name: f.str("name"), Description: f.str("description"), Category: f.str("category"),
		Unit: f.str("unit"), QuantityScale: int(f.int("quantity_scale", 0)), Version: f.int("version", 0)}
}

func (s *Server) newItemForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderItemForm(w, r, http.StatusOK, items.FormProps{Input: procure.ItemInput{Unit: "each"}})
}

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, p items.FormProps) error {
	cats, err := s.Store.ItemCategories(r.Context())
	if err != nil {
		return err
	}
	p.Categories = cats
	return render(w, r, status, items.FormPage(p))
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseItemForm(f)
	fe := f.Errors
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if err := fe.Err(); err != nil {
		return s.renderItemForm(w, r, http.StatusUnprocessableEntity, items.FormProps{Input: in, Errors: fe, Message: procure.MessageOf(err)})
	}
	_, err = s.Store.CreateItem(r.Context(), currentUser(r).ID, in)
	if status, ok := formStatus(err); ok {
		return s.renderItemForm(w, r, status, items.FormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Item "+in.SKU+" created.")
	redirect(w, r, "/items?q="+url.QueryEscape(in.SKU))
	return nil
}

func (s *Server) editItemForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	it, err := s.Store.ItemByID(r.Context(), id)
	if err != nil {
		return err
	}
	in := procure.ItemInput{SKU: it.SKU, Name: it.Name, Description: it.Description, Category: it.Category, Unit: it.Unit,
		QuantityScale: it.QuantityScale, Version: it.Version}
	return s.renderItemForm(w, r, http.StatusOK, items.FormProps{ID: id, Input: in, ReadOnly: !currentUser(r).Has(procure.RoleProcurement, procure.RoleOwner)})
}

func (s *Server) updateItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	if _, err := s.Store.ItemByID(r.Context(), id); err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseItemForm(f)
	fe := f.Errors
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if err := fe.Err(); err != nil {
		return s.renderItemForm(w, r, http.StatusUnprocessableEntity, items.FormProps{ID: id, Input: in, Errors: fe, Message: procure.MessageOf(err)})
	}
	err = s.Store.UpdateItem(r.Context(), currentUser(r).ID, id, in)
	if status, ok := formStatus(err); ok {
		return s.renderItemForm(w, r, status, items.FormProps{ID: id, Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Item "+in.SKU+" saved.")
	redirect(w, r, "/items?q="+url.QueryEscape(in.SKU))
	return nil
}
