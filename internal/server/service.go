package server

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/reports"
	"github.com/procure-app/procure/web/service"
)

// staff reports whether u answers help requests and edits help pages.
func staff(u procure.User) bool { return u.Has(procure.RoleProcurement) }

// --- Notifications ---

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	before := query(r).int("before", 0)
	const page = 50
	items, err := s.Store.Notifications(r.Context(), u.ID, before, page+1)
	if err != nil {
		return err
	}
	unread, err := s.Store.UnreadCount(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p := service.NotificationsProps{Items: items, Unread: unread}
	if len(items) > page {
		p.Items = items[:page]
		p.Older = "/notifications?before=" + strconv.FormatInt(p.Items[page-1].ID, 10)
	}
	return render(w, r, http.StatusOK, service.NotificationsPage(p))
}

// readNotification marks one of the user's notifications read and goes to
// what it is about. Someone else's id is "not found".
func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "notificationID")
	if err != nil {
		return err
	}
	link, err := s.Store.MarkRead(r.Context(), currentUser(r).ID, id)
	if err != nil {
		return err
	}
	if link == "" || !safeLocalPath(link) {
		link = "/notifications"
	}
	redirect(w, r, link)
	return nil
}

// safeLocalPath accepts only a path inside this app (no scheme, no host, no
// "//evil.example"), so a notification cannot redirect elsewhere.
func safeLocalPath(p string) bool {
	return len(p) > 0 && p[0] == '/' && (len(p) == 1 || (p[1] != '/' && p[1] != '\\'))
}

func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.MarkAllRead(r.Context(), currentUser(r).ID); err != nil {
		return err
	}
	s.flash(r, "ok", "All notifications marked as read.")
	redirect(w, r, "/notifications")
	return nil
}

func (s *Server) notificationSettings(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	prefs, err := s.Store.EmailPrefs(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, service.SettingsPage(service.SettingsProps{Kinds: procure.NotificationKindsFor(u.Roles),
		Email: prefs, EmailOn: s.App.Email}))
}

func (s *Server) saveNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	shown := procure.NotificationKindsFor(u.Roles)
	checked := map[procure.NotificationKind]bool{}
	for _, v := range f.strs("email") {
		k := procure.NotificationKind(v)
		if !slices.ContainsFunc(shown, func(i procure.NotificationKindInfo) bool { return i.Kind == k }) {
			return procure.Errorf(procure.KindInvalid, "Choose from the list of notifications.")
		}
		checked[k] = true
	}
	// The kinds on the page take the form's answer; others keep theirs.
	on, err := s.Store.EmailPrefs(r.Context(), u.ID)
	if err != nil {
		return err
	}
	for _, k := range shown {
		on[k.Kind] = checked[k.Kind]
	}
	if err := s.Store.SetEmailPrefs(r.Context(), u.ID, on); err != nil {
		return err
	}
	s.flash(r, "ok", "Notification settings saved.")
	redirect(w, r, "/settings/notifications")
	return nil
}

// --- Help pages ---

func (s *Server) helpIndex(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	search := q.str("q")
	if r := []rune(search); len(r) > 200 {
		search = string(r[:200]) // whole characters: a cut rune would be invalid UTF-8 to Postgres
	}
	pages, err := s.Store.HelpPages(r.Context(), search)
	if err != nil {
		return err
	}
	p := service.HelpIndexProps{Search: search, Staff: staff(currentUser(r))}
	for _, pg := range pages {
		i := slices.IndexFunc(p.Topics, func(t service.HelpTopic) bool { return t.Name == pg.Topic })
		if i < 0 {
			p.Topics = append(p.Topics, service.HelpTopic{Name: pg.Topic})
			i = len(p.Topics) - 1
		}
		p.Topics[i].Pages = append(p.Topics[i].Pages, pg)
	}
	return render(w, r, http.StatusOK, service.HelpIndexPage(p))
}

func (s *Server) showHelpPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Store.HelpPageBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, service.HelpPageView(service.HelpPageProps{Page: pg, Staff: staff(currentUser(r))}))
}

func (s *Server) newHelpPageForm(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, service.HelpFormPage(service.HelpFormProps{}))
}

func (s *Server) editHelpPageForm(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Store.HelpPageBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, service.HelpFormPage(service.HelpFormProps{Slug: pg.Slug,
		Input: procure.HelpPageInput{Slug: pg.Slug, Topic: pg.Topic, Title: pg.Title, Body: pg.Body, Version: pg.Version}}))
}

// saveHelpPage creates (no slug in the path) or updates a help page.
func (s *Server) saveHelpPage(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.HelpPageInput{Slug: f.str("slug"), Topic: f.str("topic"), Title: f.str("title"), Body: f.raw("body"), Version: f.int("version", 0)}
	current := chi.URLParam(r, "slug")
	var id int64
	if current != "" {
		pg, err := s.Store.HelpPageBySlug(r.Context(), current)
		if err != nil {
			return err
		}
		id = pg.ID
	}
	fe := f.Errors
	err = in.Validate()
	for k, v := range procure.FieldsOf(err) {
		fe.Add(k, v)
	}
	if err = fe.Err(); err == nil {
		var slug string
		slug, err = s.Store.SaveHelpPage(r.Context(), currentUser(r).ID, id, in)
		if err == nil {
			s.flash(r, "ok", "Help page saved.")
			redirect(w, r, "/help/"+slug)
			return nil
		}
	}
	if status, ok := formStatus(err); ok {
		return render(w, r, status, service.HelpFormPage(service.HelpFormProps{Slug: current, Input: in,
			Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	return err
}

// --- Help requests ---

func (s *Server) listHelpRequests(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	q := query(r)
	p := service.RequestsProps{Staff: staff(u), Status: q.str("status")}
	if p.Status != "" && !slices.Contains([]procure.HelpStatus{procure.HelpOpen, procure.HelpAnswered, procure.HelpResolved}, procure.HelpStatus(p.Status)) {
		return procure.Errorf(procure.KindInvalid, "Choose a status from the list.")
	}
	f := store.HelpFilter{UserID: u.ID, Status: p.Status, Before: q.int("before", 0), Limit: 51}
	if p.Staff {
		f.UserID = 0
	}
	items, err := s.Store.HelpRequests(r.Context(), f)
	if err != nil {
		return err
	}
	p.Items = items
	if len(items) > 50 {
		p.Items = items[:50]
		p.Older = fmt.Sprintf("/help/requests?status=%s&before=%d", p.Status, p.Items[49].ID)
	}
	if p.Staff {
		now := s.Now()
		n, first, resol, err := s.Store.HelpTimes(r.Context(), now.AddDate(0, 0, -90), now)
		if err != nil {
			return err
		}
		p.Count, p.FirstMedian, p.ResolMedian = n, medianText(first), medianText(resol)
	}
	return render(w, r, http.StatusOK, service.RequestsPage(p))
}

func medianText(d *time.Duration) string {
	if d == nil {
		return "–"
	}
	return reports.Duration(*d)
}

func (s *Server) newHelpRequestForm(w http.ResponseWriter, r *http.Request) error {
	q := query(r)
	in := procure.HelpRequestInput{Subject: q.str("subject"), Link: q.str("link")}
	return render(w, r, http.StatusOK, service.NewRequestPage(service.NewRequestProps{Input: in, Key: procure.NewFormKey()}))
}

func (s *Server) createHelpRequest(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.HelpRequestInput{Subject: f.str("subject"), Text: f.str("text"), Link: f.str("link")}
	key := f.str("key")
	fe := f.Errors
	for k, v := range procure.FieldsOf(in.Validate()) {
		fe.Add(k, v)
	}
	err = fe.Err()
	var id int64
	if err == nil {
		id, err = s.Store.CreateHelpRequest(r.Context(), currentUser(r).ID, in, formKey(key), s.App.Email)
	}
	if procure.KindOf(err) == procure.KindInvalid {
		return render(w, r, http.StatusUnprocessableEntity, service.NewRequestPage(service.NewRequestProps{Input: in, Key: reissue(key),
			Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Sent to procurement. You will be notified when they reply.")
	redirect(w, r, fmt.Sprintf("/help/requests/%d", id))
	return nil
}

// helpRequestProps loads a request the user may see (its asker or
// procurement; anyone else gets 404) with what the page needs.
func (s *Server) helpRequestProps(r *http.Request, id int64) (service.RequestProps, error) {
	u := currentUser(r)
	req, err := s.Store.HelpRequestByID(r.Context(), u.ID, staff(u), id)
	if err != nil {
		return service.RequestProps{}, err
	}
	p := service.RequestProps{Req: req, Staff: staff(u), Key: procure.NewFormKey()}
	if p.Staff {
		if p.Assignees, err = s.Store.UsersWithRole(r.Context(), procure.RoleProcurement); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (s *Server) showHelpRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	p, err := s.helpRequestProps(r, id)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, service.RequestPage(p))
}

func (s *Server) replyHelpRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	raw, key := f.str("text"), f.str("key")
	text, err := procure.CheckMessage(raw)
	if err == nil && len(f.Errors) > 0 {
		err = f.Errors.Err()
	}
	if err == nil {
		err = s.Store.ReplyHelp(r.Context(), u.ID, staff(u), id, text, formKey(key), s.App.Email)
	}
	if procure.KindOf(err) == procure.KindInvalid {
		p, perr := s.helpRequestProps(r, id)
		if perr != nil {
			return perr
		}
		p.Reply, p.ReplyError, p.Key = raw, procure.MessageOf(err), reissue(key)
		return render(w, r, http.StatusUnprocessableEntity, service.RequestPage(p))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Reply sent.")
	redirect(w, r, fmt.Sprintf("/help/requests/%d", id))
	return nil
}

func (s *Server) assignHelpRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	assignee := f.int("assignee_id", 0)
	if assignee == 0 || len(f.Errors) > 0 {
		return procure.Errorf(procure.KindInvalid, "Choose someone in procurement to assign the request to.")
	}
	if err := s.Store.AssignHelp(r.Context(), currentUser(r).ID, id, assignee); err != nil {
		return err
	}
	s.flash(r, "ok", "Request assigned.")
	redirect(w, r, fmt.Sprintf("/help/requests/%d", id))
	return nil
}

func (s *Server) resolveHelpRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "requestID")
	if err != nil {
		return err
	}
	u := currentUser(r)
	if err := s.Store.ResolveHelp(r.Context(), u.ID, staff(u), id); err != nil {
		return err
	}
	s.flash(r, "ok", "Request marked as resolved.")
	redirect(w, r, fmt.Sprintf("/help/requests/%d", id))
	return nil
}

// --- Announcements ---

func (s *Server) newAnnouncementForm(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, service.AnnouncementFormPage(service.AnnouncementFormProps{Key: procure.NewFormKey()}))
}

func (s *Server) createAnnouncement(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.AnnouncementInput{Title: f.str("title"), Body: f.raw("body"), EndsOn: f.str("ends_on")}
	key := f.str("key")
	title, body, endsOn, err := in.Parse(s.todayDate())
	fe := f.Errors
	for k, v := range procure.FieldsOf(err) {
		fe.Add(k, v)
	}
	err = fe.Err()
	if err == nil {
		_, err = s.Store.CreateAnnouncement(r.Context(), currentUser(r).ID, title, body, endsOn, formKey(key))
	}
	if procure.KindOf(err) == procure.KindInvalid {
		return render(w, r, http.StatusUnprocessableEntity, service.AnnouncementFormPage(service.AnnouncementFormProps{Input: in, Key: reissue(key),
			Errors: procure.FieldsOf(err), Message: procure.MessageOf(err)}))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Announcement posted to everyone's home page.")
	redirect(w, r, "/")
	return nil
}

func (s *Server) dismissAnnouncement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "announcementID")
	if err != nil {
		return err
	}
	if err := s.Store.DismissAnnouncement(r.Context(), currentUser(r).ID, id); err != nil {
		return err
	}
	redirect(w, r, "/")
	return nil
}

// formKey is the idempotency key a form came back with, or a value the
// database refuses (so a form without one is told to reload, rather than
// recorded with a fresh key a double click would repeat).
func formKey(key string) string {
	if key == "" {
		return "-"
	}
	return key
}

// reissue is the key a re-shown form carries: the same one, so that the
// corrected form still records once, or a fresh one if it was not ours.
func reissue(key string) string {
	if !formKeyRe.MatchString(key) {
		return procure.NewFormKey()
	}
	return key
}

// formKeyRe is the shape of a key this site issues (the database checks the
// same shape on every row).
var formKeyRe = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
