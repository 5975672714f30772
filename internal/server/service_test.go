package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/server"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestHelpRequestThread: an office admin asks, procurement answers, the
// asker is notified and reads the answer; nobody else can see or touch
// the thread.
func TestHelpRequestThread(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	asker := testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, app.Store, "other@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	proc := testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	office, other, fin, pc := app.SignIn(t, "office@example.test"), app.SignIn(t, "other@example.test"),
		app.SignIn(t, "fin@example.test"), app.SignIn(t, "proc@example.test")

	// Bad input: every problem named, nothing recorded.
	r := app.PostForm(t, office, "/help/requests", url.Values{"subject": {"  "}, "text": {"x"}, "link": {"https://evil.example/pos/1"}, "key": {"question-key-0000001"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give a subject") || !strings.Contains(r.Body, "like /pos/12") {
		t.Fatalf("bad question: %d", r.StatusCode)
	}
	if list, _ := app.Store.HelpRequests(t.Context(), store.HelpFilter{}); len(list) != 0 {
		t.Fatalf("a refused question was recorded: %d", len(list))
	}
	r = app.PostForm(t, office, "/help/requests", url.Values{"subject": {"Standing desks?"}, "text": {"Can we order standing desks?"}, "link": {"/pos/7"}, "key": {"question-key-0000001"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/help/requests/") {
		t.Fatalf("ask: %d %s", r.StatusCode, r.Body)
	}
	path := r.Header.Get("Location")
	// A double click: the same form again records nothing new and lands on the same request.
	again := app.PostForm(t, office, "/help/requests", url.Values{"subject": {"Standing desks?"}, "text": {"Can we order standing desks?"},
		"link": {"/pos/7"}, "key": {"question-key-0000001"}})
	if again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != path {
		t.Errorf("double submit: %d %s", again.StatusCode, again.Header.Get("Location"))
	}
	if list, _ := app.Store.HelpRequests(t.Context(), store.HelpFilter{}); len(list) != 1 {
		t.Errorf("a double submit recorded %d requests", len(list))
	}
	// A form without its key (not issued here) is refused, nothing recorded.
	if r := app.PostForm(t, office, "/help/requests", url.Values{"subject": {"S"}, "text": {"T"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Reload the page") || !strings.Contains(r.Body, `name="key"`) {
		t.Errorf("no key: %d", r.StatusCode)
	}
	// Procurement hears of it; the queue lists it.
	if n, _ := app.Store.UnreadCount(t.Context(), proc.ID); n != 1 {
		t.Errorf("procurement unread %d", n)
	}
	if r := app.Get(t, pc, "/help/requests"); !strings.Contains(r.Body, "Standing desks?") || !strings.Contains(r.Body, "User office") {
		t.Errorf("queue lacks the request")
	}
	// Others: 404 for reading, replying and resolving; their list is empty.
	for _, c := range []*http.Client{other, fin} {
		if r := app.Get(t, c, path); r.StatusCode != http.StatusNotFound {
			t.Errorf("someone else read the thread: %d", r.StatusCode)
		}
		if r := app.PostForm(t, c, path+"/reply", url.Values{"text": {"hijack"}, "key": {"hijack-key-000000001"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("someone else replied: %d", r.StatusCode)
		}
		if r := app.PostForm(t, c, path+"/resolve", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("someone else resolved: %d", r.StatusCode)
		}
		if r := app.Get(t, c, "/help/requests"); strings.Contains(r.Body, "Standing desks?") {
			t.Errorf("someone else's list shows the request")
		}
	}
	// An empty reply is refused with the form shown again.
	if r := app.PostForm(t, pc, path+"/reply", url.Values{"text": {"   "}, "key": {"reply-key-0000000001"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Write a reply") {
		t.Errorf("empty reply: %d", r.StatusCode)
	}
	// Assigning to someone outside procurement is refused.
	if r := app.PostForm(t, pc, path+"/assign", url.Values{"assignee_id": {fmt.Sprint(asker.ID)}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("assign to an office admin: %d", r.StatusCode)
	}
	if r := app.PostForm(t, pc, path+"/assign", url.Values{"assignee_id": {fmt.Sprint(proc.ID)}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("assign: %d", r.StatusCode)
	}
	for range 2 { // double-clicked: one reply
		if r := app.PostForm(t, pc, path+"/reply", url.Values{"text": {"Yes: use the furniture contract, C-9."}, "key": {"reply-key-0000000001"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
		}
	}
	// The asker: bell shows 1, the notification opens the thread and is read.
	home := app.Get(t, office, "/")
	if !strings.Contains(home.Body, `aria-label="Notifications, 1 unread"`) {
		t.Errorf("bell does not show one unread")
	}
	notes, _ := app.Store.Notifications(t.Context(), asker.ID, 0, 10)
	if len(notes) != 1 || notes[0].Kind != procure.NotifyHelpReply || notes[0].Link != path {
		t.Fatalf("asker's notifications %+v", notes)
	}
	// Someone else cannot mark it read (404), the asker can.
	if r := app.PostForm(t, other, fmt.Sprintf("/notifications/%d/read", notes[0].ID), nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's notification: %d", r.StatusCode)
	}
	if r := app.PostForm(t, office, fmt.Sprintf("/notifications/%d/read", notes[0].ID), nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Errorf("open notification: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.Get(t, office, path); !strings.Contains(r.Body, "use the furniture contract") || !strings.Contains(r.Body, `aria-label="Notifications, none unread"`) {
		t.Errorf("thread after reading: reply or bell wrong")
	}
	req, _ := app.Store.HelpRequestByID(t.Context(), asker.ID, false, idFrom(t, path))
	if req.Status != procure.HelpAnswered || req.FirstResponseAt == nil || req.AssigneeID != proc.ID || len(req.Messages) != 2 {
		t.Errorf("request after reply %+v", req)
	}
	// The asker resolves it; resolving twice is a conflict.
	if r := app.PostForm(t, office, path+"/resolve", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("resolve: %d", r.StatusCode)
	}
	if r := app.PostForm(t, office, path+"/resolve", nil); r.StatusCode != http.StatusConflict {
		t.Errorf("resolve twice: %d", r.StatusCode)
	}
	// Procurement sees the times.
	if r := app.Get(t, pc, "/help/requests"); !strings.Contains(r.Body, "median first response") {
		t.Errorf("queue lacks response times")
	}
}

func idFrom(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path[strings.LastIndex(path, "/")+1:], "%d", &id); err != nil {
		t.Fatalf("no id in %s", path)
	}
	return id
}

// TestHelpPagesAreSanitisedAndSearchable: what procurement types cannot run
// in a reader's browser; pages are found by search; a stale edit is refused.
func TestHelpPagesAreSanitisedAndSearchable(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	office, pc := app.SignIn(t, "office@example.test"), app.SignIn(t, "proc@example.test")
	body := "# Ordering toner\n\nUse the **catalogue**.\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3))\n"
	r := app.PostForm(t, pc, "/help/pages", url.Values{"slug": {"ordering-toner"}, "topic": {"Ordering"}, "title": {"Ordering toner"}, "body": {body}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/help/ordering-toner" {
		t.Fatalf("create page: %d %s", r.StatusCode, r.Body)
	}
	page := app.Get(t, office, "/help/ordering-toner")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "<strong>catalogue</strong>") {
		t.Fatalf("page: %d", page.StatusCode)
	}
	for _, bad := range []string{"<script>alert", "onerror", "javascript:"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if r := app.Get(t, office, "/help?q=toner"); !strings.Contains(r.Body, `href="/help/ordering-toner"`) {
		t.Errorf("search does not find the page")
	}
	if r := app.Get(t, office, "/help?q=furniture"); strings.Contains(r.Body, `href="/help/ordering-toner"`) || !strings.Contains(r.Body, "No help page matches") {
		t.Errorf("search finds what is not there")
	}
	// Odd searches are searches, not errors: query syntax, a long
	// multi-byte term (cut at 200 characters, not bytes), bytes that are not UTF-8.
	for _, q := range []string{"%26%7C%21(%3A*", strings.Repeat("%C3%A9", 250), "%ff%fe"} {
		if r := app.Get(t, office, "/help?q="+q); r.StatusCode != http.StatusOK {
			t.Errorf("search %.40s: %d", q, r.StatusCode)
		}
	}
	// Bad input and reserved addresses.
	r = app.PostForm(t, pc, "/help/pages", url.Values{"slug": {"requests"}, "topic": {""}, "title": {"T"}, "body": {"x"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "taken by the help centre") || !strings.Contains(r.Body, "Give the topic") {
		t.Errorf("bad page: %d", r.StatusCode)
	}
	// Two editors: the second, with the old version, is told and nothing is lost.
	edit := url.Values{"slug": {"ordering-toner"}, "topic": {"Ordering"}, "title": {"Ordering toner (v2)"}, "body": {"New text"}, "version": {"1"}}
	if r := app.PostForm(t, pc, "/help/ordering-toner", edit); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	edit.Set("title", "Stale edit")
	if r := app.PostForm(t, pc, "/help/ordering-toner", edit); r.StatusCode != http.StatusConflict {
		t.Errorf("stale edit: %d", r.StatusCode)
	}
	if pg, _ := app.Store.HelpPageBySlug(t.Context(), "ordering-toner"); pg.Title != "Ordering toner (v2)" || pg.Version != 2 {
		t.Errorf("page after edits %+v", pg)
	}
}

// TestAnnouncements: procurement posts, everyone sees it on the home page
// until they dismiss it.
func TestAnnouncements(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.At(june))
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	office, fin, pc := app.SignIn(t, "office@example.test"), app.SignIn(t, "fin@example.test"), app.SignIn(t, "proc@example.test")
	r := app.PostForm(t, pc, "/announcements", url.Values{"title": {""}, "body": {"x"}, "ends_on": {"2026-05-01"}, "key": {"announce-key-0000001"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give a title") || !strings.Contains(r.Body, "in the past") {
		t.Errorf("bad announcement: %d", r.StatusCode)
	}
	for range 2 { // double-clicked: one announcement
		r = app.PostForm(t, pc, "/announcements", url.Values{"title": {"New toner contract"}, "body": {"Toner is 20 % cheaper."}, "ends_on": {"2026-06-30"}, "key": {"announce-key-0000001"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("post: %d %s", r.StatusCode, r.Body)
		}
	}
	list, _ := app.Store.Announcements(t.Context(), 0, june)
	if len(list) != 1 {
		t.Fatalf("announcements %d", len(list))
	}
	for _, c := range []*http.Client{office, fin} {
		if r := app.Get(t, c, "/"); !strings.Contains(r.Body, "New toner contract") {
			t.Errorf("home lacks the announcement")
		}
	}
	if r := app.PostForm(t, office, fmt.Sprintf("/announcements/%d/dismiss", list[0].ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("dismiss: %d", r.StatusCode)
	}
	if r := app.Get(t, office, "/"); strings.Contains(r.Body, "New toner contract") {
		t.Errorf("dismissed announcement still shown")
	}
	if r := app.Get(t, fin, "/"); !strings.Contains(r.Body, "New toner contract") {
		t.Errorf("one person's dismissal hid it for another")
	}
	if r := app.PostForm(t, office, "/announcements/999999/dismiss", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("dismiss unknown: %d", r.StatusCode)
	}
}

func uploadDoc(t *testing.T, app *webtest.App, c *http.Client, path, name string, content []byte) webtest.Response {
	t.Helper()
	return postFile(t, app, c, path, name, content, nil)
}

// TestContractDocuments: files are checked by content and size, served as
// downloads to readers of the contract only, and only under their contract.
func TestContractDocuments(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustUser(t, app.Store, "office@example.test", testkit.Roles(procure.RoleOrderer), muc)
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	vendor := testkit.MustVendor(t, app.Store, "Acme", procure.VendorApproved)
	c1 := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-1", VendorID: vendor})
	c2 := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-2", VendorID: vendor})
	office, fin, pc := app.SignIn(t, "office@example.test"), app.SignIn(t, "fin@example.test"), app.SignIn(t, "proc@example.test")
	path := fmt.Sprintf("/contracts/%d/documents", c1)

	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	r := uploadDoc(t, app, pc, path, `..\..\signed "contract".pdf`, pdf)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	// HTML named .pdf is refused; so is an empty file and one over 10 MB.
	if r := uploadDoc(t, app, pc, path, "evil.pdf", []byte("<html><script>alert(1)</script></html>")); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Attach a PDF, PNG or JPEG file.") {
		t.Errorf("html upload: %d", r.StatusCode)
	}
	if r := uploadDoc(t, app, pc, path, "empty.pdf", nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty upload: %d", r.StatusCode)
	}
	big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), procure.MaxDocumentBytes+1)...)
	if r := uploadDoc(t, app, pc, path, "big.pdf", big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("big upload: %d", r.StatusCode)
	}
	docs, _ := app.Store.Documents(t.Context(), c1)
	if len(docs) != 1 || docs[0].ContentType != "application/pdf" || strings.ContainsAny(docs[0].Filename, `"\/`) {
		t.Fatalf("documents %+v", docs)
	}
	doc := fmt.Sprintf("%s/%d", path, docs[0].ID)
	r = app.Get(t, fin, doc)
	if r.StatusCode != http.StatusOK || r.Body != string(pdf) || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", r.StatusCode, r.Header)
	}
	if r := app.Get(t, office, doc); r.StatusCode != http.StatusForbidden {
		t.Errorf("office admin downloaded a contract document: %d", r.StatusCode)
	}
	if r := app.Get(t, fin, fmt.Sprintf("/contracts/%d/documents/%d", c2, docs[0].ID)); r.StatusCode != http.StatusNotFound {
		t.Errorf("document under another contract: %d", r.StatusCode)
	}
	if r := app.Get(t, fin, fmt.Sprintf("/contracts/%d", c1)); !strings.Contains(r.Body, docs[0].Filename) {
		t.Errorf("contract page does not list the document")
	}
}

// TestRenewalAndMilestones: a renewal is a linked draft prefilled from the
// old contract; there is only one; milestones are validated.
func TestRenewalAndMilestones(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.At(june))
	muc := testkit.MustLocation(t, app.Store, "MUC", "EUR")
	testkit.MustItem(t, app.Store, "A-1", "Paper")
	proc := testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	vendor := testkit.MustVendor(t, app.Store, "Acme", procure.VendorApproved)
	baseline := money.UnitPrice(60_000) // 6.00
	old := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-OLD", VendorID: vendor, Status: procure.ContractActive,
		Start: "2026-01-01", End: "2026-06-30", Cap: "1000.00", Locations: []int64{muc},
		Prices: []procure.PriceValues{{SKU: "A-1", Tiers: testkit.Tiers("1", "5.00", "100", "4.50"), Baseline: &baseline}}})
	pc := app.SignIn(t, "proc@example.test")
	draft := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-DRAFT", VendorID: vendor})
	if r := app.PostForm(t, pc, fmt.Sprintf("/contracts/%d/renew", draft), nil); r.StatusCode != http.StatusConflict {
		t.Errorf("renew a draft: %d", r.StatusCode)
	}
	r := app.PostForm(t, pc, fmt.Sprintf("/contracts/%d/renew", old), nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("renew: %d %s", r.StatusCode, r.Body)
	}
	newID := idFrom(t, r.Header.Get("Location"))
	c, _ := app.Store.ContractByID(t.Context(), newID)
	if c.Status != procure.ContractDraft || c.Number != "C-OLD-R1" || c.PredecessorID != old || c.Start.String() != "2026-07-01" ||
		c.End.String() != "2026-12-28" || c.Cap == nil || c.Cap.String() != "1000.00" || len(c.Locations) != 1 {
		t.Errorf("renewal %+v", c)
	}
	rows, _ := app.Store.PriceRows(t.Context(), newID)
	if len(rows) != 1 || len(rows[0].Tiers) != 2 || rows[0].Baseline == nil || *rows[0].Baseline != baseline {
		t.Errorf("renewal prices %+v", rows)
	}
	if r := app.Get(t, pc, fmt.Sprintf("/contracts/%d", old)); !strings.Contains(r.Body, "Renewed by") || !strings.Contains(r.Body, "C-OLD-R1") {
		t.Errorf("old contract page does not show its successor")
	}
	if r := app.PostForm(t, pc, fmt.Sprintf("/contracts/%d/renew", old), nil); r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "C-OLD-R1") {
		t.Errorf("second renewal: %d", r.StatusCode)
	}
	// Milestones.
	mpath := fmt.Sprintf("/contracts/%d/milestones", old)
	r = app.PostForm(t, pc, mpath, url.Values{"due": {"1e3"}, "description": {""}, "owner_id": {"999999"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "YYYY-MM-DD") || !strings.Contains(r.Body, "Say what is due") {
		t.Errorf("bad milestone: %d", r.StatusCode)
	}
	r = app.PostForm(t, pc, mpath, url.Values{"due": {"2026-06-15"}, "description": {"Licence true-up"}, "owner_id": {"999999"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "active user") {
		t.Errorf("milestone for nobody: %d", r.StatusCode)
	}
	r = app.PostForm(t, pc, mpath, url.Values{"due": {"2026-06-15"}, "description": {"Licence true-up"}, "owner_id": {fmt.Sprint(proc.ID)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("milestone: %d %s", r.StatusCode, r.Body)
	}
	ms, _ := app.Store.Milestones(t.Context(), old)
	if len(ms) != 1 || ms[0].Description != "Licence true-up" {
		t.Fatalf("milestones %+v", ms)
	}
	if r := app.PostForm(t, pc, fmt.Sprintf("/contracts/%d/milestones/%d/done", draft, ms[0].ID), nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("milestone under another contract: %d", r.StatusCode)
	}
	if r := app.PostForm(t, pc, fmt.Sprintf("%s/%d/done", mpath, ms[0].ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("done: %d", r.StatusCode)
	}
	if ms, _ := app.Store.Milestones(t.Context(), old); ms[0].DoneAt == nil || ms[0].DoneBy != proc.Name {
		t.Errorf("milestone not done: %+v", ms[0])
	}
}

// TestUploadsRefusedClearly: every upload form answers a missing file with
// 422 and a file over its limit with 413, each with a message on the form.
func TestUploadsRefusedClearly(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	testkit.MustUser(t, app.Store, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	vendor := testkit.MustVendor(t, app.Store, "Acme", procure.VendorApproved)
	contract := testkit.MustContract(t, app.Store, testkit.ContractSpec{Number: "C-1", VendorID: vendor})
	pc, fin := app.SignIn(t, "proc@example.test"), app.SignIn(t, "fin@example.test")
	for _, tc := range []struct {
		c     *http.Client
		path  string
		limit int
		form  string // text only the page with the upload form has
	}{
		{pc, fmt.Sprintf("/contracts/%d/import", contract), procure.PriceListMaxBytes, "Import a price list"},
		{fin, "/invoices/import", server.InvoiceImportMaxBytes, "Import invoices"},
		{pc, fmt.Sprintf("/contracts/%d/documents", contract), procure.MaxDocumentBytes, "Documents"},
	} {
		// A form without the file field.
		r := app.PostForm(t, tc.c, tc.path, url.Values{"x": {"y"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "to upload.") {
			t.Errorf("%s without a file: %d", tc.path, r.StatusCode)
		}
		r = postFile(t, app, tc.c, tc.path, "big.csv", bytes.Repeat([]byte("a"), tc.limit+10), nil)
		if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, fmt.Sprintf("larger than %d MB", tc.limit>>20)) ||
			!strings.Contains(r.Body, tc.form) {
			t.Errorf("%s too big: %d", tc.path, r.StatusCode)
		}
	}
}

// TestNotificationSettings: each person chooses per event kind whether it
// also comes by email; an unknown kind is refused and changes nothing.
func TestNotificationSettings(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	u := testkit.MustUser(t, app.Store, "fin@example.test", testkit.Roles(procure.RoleFinance))
	c := app.SignIn(t, "fin@example.test")
	if r := app.Get(t, c, "/settings/notifications"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "not configured") ||
		!strings.Contains(r.Body, `value="invoice.exception" checked`) || strings.Contains(r.Body, "offcontract.waiting") {
		t.Errorf("settings page: %d (finance sees its kinds only)", r.StatusCode)
	}
	r := app.PostForm(t, c, "/settings/notifications", url.Values{"email": {"invoice.exception", "help.reply"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	prefs, _ := app.Store.EmailPrefs(t.Context(), u.ID)
	if !prefs[procure.NotifyInvoiceException] || !prefs[procure.NotifyHelpReply] || prefs[procure.NotifyContractEnding] {
		t.Errorf("prefs %v", prefs)
	}
	if !prefs[procure.NotifyOffContractWaiting] {
		t.Errorf("a kind finance never receives (not on the page) was switched off: %v", prefs)
	}
	for _, kind := range []string{"everything", "offcontract.waiting"} { // unknown; not one finance receives
		if r := app.PostForm(t, c, "/settings/notifications", url.Values{"email": {kind}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("kind %s: %d", kind, r.StatusCode)
		}
	}
	if again, _ := app.Store.EmailPrefs(t.Context(), u.ID); !again[procure.NotifyInvoiceException] || again[procure.NotifyContractEnding] {
		t.Errorf("a refused save changed the prefs: %v", again)
	}
}
