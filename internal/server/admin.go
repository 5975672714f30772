package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/admin"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	locs, err := s.Store.Locations(r.Context(), procure.Scope{})
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, l := range locs {
		names[l.ID] = l.Name
	}
	return render(w, r, http.StatusOK, admin.UsersPage(admin.UsersProps{Users: users, LocationNames: names}))
}

func (s *Server) newUserForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderUserForm(w, r, http.StatusOK, admin.UserFormProps{Input: procure.UserInput{Active: true}})
}

func (s *Server) renderUserForm(w http.ResponseWriter, r *http.Request, status int, p admin.UserFormProps) error {
	locs, err := s.Store.Locations(r.Context(), procure.Scope{})
	if err != nil {
		return err
	}
	p.Locations = locs
	return render(w, r, status, admin.UserFormPage(p))
}

// parseUserForm reads the user form into a per-action struct: only the
// fields the form may set (no mass assignment).
func parseUserForm(f *form) procure.UserInput {
	in := procure.UserInput{
		Email:     procure.NormalizeEmail(f.str("email")),
		Name:      f.str("name"),
		Password:  f.raw("password"),
		Locations: f.ids("locations"),
		Active:    f.bool("active"),
		Version:   f.int("version", 0),
	}
	for _, role := range f.strs("roles") {
		in.Roles = append(in.Roles, procure.Role(role))
	}
	return in
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseUserForm(f)
	fe := f.Errors // "sent more than once" beats what validation says of the empty value
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if msg := s.Hasher.Policy(in.Password, in.Email, in.Name); msg != "" {
		fe.Add("password", msg)
	}
	if err := fe.Err(); err != nil {
		return s.renderUserForm(w, r, http.StatusUnprocessableEntity, admin.UserFormProps{Input: in, Errors: fe, Message: procure.MessageOf(err)})
	}
	hash, err := s.Hasher.Hash(r.Context(), in.Password)
	if err != nil {
		return err
	}
	id, err := s.Store.CreateUser(r.Context(), currentUser(r).ID, in, hash)
	if procure.KindOf(err) == procure.KindInvalid {
		return s.renderUserForm(w, r, http.StatusUnprocessableEntity, admin.UserFormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "User "+in.Email+" created.")
	redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) editUserForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	u, err := s.Store.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	in := procure.UserInput{Email: u.Email, Name: u.Name, Roles: u.Roles, Locations: u.Locations, Active: u.Active, Version: u.Version}
	return s.renderUserForm(w, r, http.StatusOK, admin.UserFormProps{ID: id, Input: in, Self: id == currentUser(r).ID})
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	current, err := s.Store.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseUserForm(f)
	in.Email = current.Email // the email is the sign-in name; it is not edited here
	fe := f.Errors           // "sent more than once" beats what validation says of the empty value
	for k, v := range in.Validate() {
		fe.Add(k, v)
	}
	if err := fe.Err(); err != nil {
		return s.renderUserForm(w, r, http.StatusUnprocessableEntity, admin.UserFormProps{ID: id, Input: in, Errors: fe, Message: procure.MessageOf(err)})
	}
	err = s.Store.UpdateUser(r.Context(), currentUser(r).ID, id, in)
	if status, ok := formStatus(err); ok {
		return s.renderUserForm(w, r, status, admin.UserFormProps{ID: id, Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Saved "+in.Name+".")
	redirect(w, r, "/admin/users")
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	u, err := s.Store.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	pw := f.raw("password")
	if msg := s.Hasher.Policy(pw, u.Email, u.Name); msg != "" || f.err() != nil {
		in := procure.UserInput{Email: u.Email, Name: u.Name, Roles: u.Roles, Locations: u.Locations, Active: u.Active, Version: u.Version}
		if msg == "" {
			msg = "Enter the new password once."
		}
		return s.renderUserForm(w, r, http.StatusUnprocessableEntity, admin.UserFormProps{ID: id, Input: in,
			Errors: map[string]string{"new_password": msg}, Message: "The password was not changed: " + msg})
	}
	hash, err := s.Hasher.Hash(r.Context(), pw)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(r.Context(), currentUser(r).ID, id, hash); err != nil {
		return err
	}
	s.flash(r, "ok", "Password changed; "+u.Name+" is signed out everywhere.")
	redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) endSessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	if err := s.Store.EndSessions(r.Context(), currentUser(r).ID, id); err != nil {
		return err
	}
	s.flash(r, "ok", "Every session of that user has ended.")
	redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) listLocations(w http.ResponseWriter, r *http.Request) error {
	return s.renderLocations(w, r, http.StatusOK, admin.LocationFormProps{Input: procure.LocationInput{Active: true}}, nil)
}

// renderLocations shows the locations with the new-location form, and the
// organisation's form: as stored, or as typed when org is not nil.
func (s *Server) renderLocations(w http.ResponseWriter, r *http.Request, status int, form admin.LocationFormProps, org *admin.OrganisationFormProps) error {
	locs, err := s.Store.Locations(r.Context(), procure.Scope{})
	if err != nil {
		return err
	}
	p := admin.LocationsProps{Locations: locs, Form: form}
	if org != nil {
		p.Org = *org
	} else {
		o, err := s.Store.Organisation(r.Context())
		if err != nil {
			return err
		}
		p.Org.Input = procure.OrganisationInput(o)
	}
	return render(w, r, status, admin.LocationsPage(p))
}

// multiline is a textarea's text with the browser's CRLF line ends as LF,
// trimmed.
func multiline(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.OrganisationInput{Name: strings.TrimSpace(f.str("org_name")), Address: multiline(f.str("org_address")), Version: f.int("version", 0)}
	if err = f.err(); err == nil {
		err = s.Store.UpdateOrganisation(r.Context(), currentUser(r).ID, in)
	}
	if status, ok := formStatus(err); ok {
		return s.renderLocations(w, r, status, admin.LocationFormProps{Input: procure.LocationInput{Active: true}},
			&admin.OrganisationFormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Organisation saved; purchase orders show it as the buyer.")
	redirect(w, r, "/admin/locations")
	return nil
}

func parseLocationForm(f *form) procure.LocationInput {
	return procure.LocationInput{
		Code: f.str("code"), Name: f.str("name"), Currency: f.str("currency"), Address: multiline(f.str("address")),
		Active: f.bool("active"), Version: f.int("version", 0),
	}
}

func (s *Server) createLocation(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseLocationForm(f)
	if err := f.err(); err != nil {
		return s.renderLocations(w, r, http.StatusUnprocessableEntity, admin.LocationFormProps{Input: in, Errors: f.Errors, Message: procure.MessageOf(err)}, nil)
	}
	_, err = s.Store.CreateLocation(r.Context(), currentUser(r).ID, in)
	if procure.KindOf(err) == procure.KindInvalid {
		return s.renderLocations(w, r, http.StatusUnprocessableEntity, admin.LocationFormProps{Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}, nil)
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Location "+in.Code+" created.")
	redirect(w, r, "/admin/locations")
	return nil
}

func (s *Server) editLocationForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "locationID")
	if err != nil {
		return err
	}
	l, err := s.Store.LocationByID(r.Context(), procure.Scope{}, id)
	if err != nil {
		return err
	}
	in := procure.LocationInput{Code: l.Code, Name: l.Name, Currency: l.Currency.Code(), Address: l.Address, Active: l.Active, Version: l.Version}
	return render(w, r, http.StatusOK, admin.LocationPage(admin.LocationFormProps{ID: id, Input: in}))
}

func (s *Server) updateLocation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "locationID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := parseLocationForm(f)
	if err := f.err(); err != nil {
		return render(w, r, http.StatusUnprocessableEntity, admin.LocationPage(admin.LocationFormProps{ID: id, Input: in, Errors: f.Errors, Message: procure.MessageOf(err)}))
	}
	err = s.Store.UpdateLocation(r.Context(), currentUser(r).ID, id, in)
	if status, ok := formStatus(err); ok {
		return render(w, r, status, admin.LocationPage(admin.LocationFormProps{ID: id, Input: in, Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Location "+in.Code+" saved.")
	redirect(w, r, "/admin/locations")
	return nil
}

// auditEntities are the record types the audit filter offers.
var auditEntities = []string{"user", "location", "organisation", "vendor", "item", "contract", "purchase_request", "purchase_order", "invoice"}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	p := admin.AuditProps{Entity: q.str("entity"), EntityID: q.str("entity_id"), Action: q.str("action"), Actor: q.str("actor"), Entities: auditEntities}
	filter := store.AuditFilter{Entity: p.Entity, EntityID: q.int("entity_id", 0), ActorID: q.int("actor", 0),
		Action: p.Action, Before: q.int("before", 0), Limit: 50}
	if err := q.err(); err != nil {
		return err
	}
	events, err := s.Store.AuditEvents(r.Context(), filter)
	if err != nil {
		return err
	}
	if len(events) == filter.Limit {
		p.Next = events[len(events)-1].ID
	}
	p.Events = events
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	p.Users = users
	return render(w, r, http.StatusOK, admin.AuditPage(p))
}
