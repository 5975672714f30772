package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/webtest"
)

// TestDemoPagesLabelledAndLinked walks the pages each demo role reaches
// from its home page and the records they list, and checks that every
// form field a person fills in (input, select, textarea) has a label (a
// <label for> naming its id, a <label> around it, or an aria-label: a
// screen reader announces nothing useful for a field without one), that
// no page uses an id twice, and that no link shown to a person leads to
// "not found", "not allowed" or a server error.
func TestDemoPagesLabelledAndLinked(t *testing.T) {
	t.Parallel()
	app := webtest.StartDemo(t)
	pages := 0
	for _, email := range demoRoles {
		c := signInDemo(t, app, email)
		linkedFrom := map[string]link{} // href → where the app (or, failing that, a help page) shows it
		walkDemo(t, app, c, func(path string, doc *html.Node) {
			pages++
			for _, f := range unlabelled(doc) {
				t.Errorf("%s as %s: %s has no label", path, email, f)
			}
			for _, id := range duplicateIDs(doc) {
				t.Errorf("%s as %s: id %q is used more than once", path, email, id)
			}
			for _, l := range links(doc) {
				if u, err := url.Parse(l.href); err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") {
					if prev, ok := linkedFrom[l.href]; !ok || prev.authored && !l.authored {
						linkedFrom[l.href] = link{href: path, authored: l.authored}
					}
				}
			}
		})
		// Every link on those pages leads somewhere for the person shown it;
		// one in text people wrote (a help page) may lead to a page for
		// another role, which then says whose it is.
		for href, on := range linkedFrom {
			r := app.Get(t, c, href)
			if r.StatusCode == http.StatusNotFound || r.StatusCode >= 500 || r.StatusCode == http.StatusForbidden && !on.authored {
				t.Errorf("%s as %s links to %s: %d", on.href, email, href, r.StatusCode)
			}
		}
	}
	if pages < 40 {
		t.Errorf("only %d pages checked: the walk no longer reaches the app", pages)
	}
	t.Logf("%d pages checked", pages)
}

// TestDemoFormsRefuseGarbage sends every kind of form the demo roles are
// shown (posted forms and GET filters): posted ones twice at once, then
// each once as rendered and with every field left empty or typed wrong, as
// a person trying to break the app would: no answer is a server error.
func TestDemoFormsRefuseGarbage(t *testing.T) {
	t.Parallel()
	app := webtest.StartDemo(t)
	sent, statuses := 0, map[int]int{}
	for _, email := range demoRoles {
		c := signInDemo(t, app, email)
		var found []form
		seen := map[string]bool{}
		walkDemo(t, app, c, func(path string, doc *html.Node) {
			for _, f := range forms(doc) {
				// One of each kind of form: the same action on another record
				// is the same handler.
				kind := f.method + " " + linkKind(f.action)
				if linkKind(f.action) == "" || seen[kind] || endsTheWalk(kind) {
					continue
				}
				seen[kind] = true
				f.page = path
				found = append(found, f)
			}
		})
		for _, f := range found {
			if f.method != "post" {
				continue
			}
			// Sent twice at once, as rendered (a double click, two tabs): the
			// second gets an answer, not a server error, whichever wins.
			codes := postTwiceAtOnce(app, c, f)
			for _, code := range codes {
				sent++
				statuses[code]++
				if code >= 500 || code < 0 {
					t.Errorf("%s as %s: the form to %s sent twice at once answers %v", f.page, email, f.action, codes)
				}
			}
		}
		for _, f := range found {
			// The form as rendered, then every field but its key and version
			// set to each kind of garbage.
			for i, garbage := range []string{"", "", "1e3", "-1", "99999999999999999999999", "<script>x</script>", "\x00"} {
				v := url.Values{}
				for name, val := range f.fields {
					if i > 0 && name != "key" && name != "version" {
						val = garbage
					}
					v.Set(name, val)
				}
				var r webtest.Response
				if f.method == "get" {
					r = app.Get(t, c, f.action+"?"+v.Encode())
				} else {
					r = app.PostForm(t, c, f.action, v)
				}
				sent++
				statuses[r.StatusCode]++
				if r.StatusCode >= 500 {
					t.Errorf("%s as %s: the form to %s with %q answers %d", f.page, email, f.action, garbage, r.StatusCode)
				}
			}
		}
	}
	if sent < 100 {
		t.Errorf("only %d forms sent: the walk no longer reaches the app's forms", sent)
	}
	t.Logf("%d forms sent; answers by status: %v", sent, statuses)
}

// endsTheWalk reports whether a kind of form would sign the walking user
// out or take their role away (sign-out, ending sessions, a new password,
// editing a user: the owner's own roles among them).
func endsTheWalk(kind string) bool {
	return kind == "post /logout" || strings.HasSuffix(kind, "/sessions/end") || strings.HasSuffix(kind, "/password") ||
		kind == "post /admin/users/{id}"
}

// postTwiceAtOnce sends f as rendered twice at the same time and returns
// both statuses (-1 for a request that got no answer).
func postTwiceAtOnce(app *webtest.App, c *http.Client, f form) []int {
	v := url.Values{}
	for name, val := range f.fields {
		v.Set(name, val)
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Go(func() {
			codes[i] = -1
			req, _ := http.NewRequest(http.MethodPost, app.URL+f.action, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if resp, err := c.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}
		})
	}
	wg.Wait()
	return codes
}

// demoRoles signs in as each demo role.
var demoRoles = []string{"office@demo.test", "procurement@demo.test", "finance@demo.test", "owner@demo.test"}

func signInDemo(t *testing.T, app *webtest.App, email string) *http.Client {
	t.Helper()
	c := app.Client(t)
	if r := app.PostForm(t, c, "/login", url.Values{"email": {email}, "password": {demo.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, r.StatusCode)
	}
	return c
}

// walkDemo visits, as c, the pages linked from the home page and the
// navigation, then the first couple of records each list links to (at
// most 80 pages), and hands visit each HTML page.
func walkDemo(t *testing.T, app *webtest.App, c *http.Client, visit func(path string, doc *html.Node)) {
	t.Helper()
	seen := map[string]bool{}
	queue := []string{"/"}
	for len(queue) > 0 && len(seen) < 80 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		r := app.Get(t, c, path)
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		doc, err := html.Parse(strings.NewReader(r.Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		visit(path, doc)
		perList := map[string]int{}
		for _, l := range links(doc) {
			if kind := linkKind(l.href); kind != "" && perList[kind] < 2 && !seen[l.href] {
				perList[kind]++
				queue = append(queue, l.href)
			}
		}
	}
}

// form is a form on a page with the values it would send as rendered.
type form struct {
	page, action, method string
	fields               map[string]string
}

func forms(doc *html.Node) []form {
	var out []form
	for d := range doc.Descendants() {
		if d.Type != html.ElementNode || d.Data != "form" {
			continue
		}
		f := form{action: attr(d, "action"), method: strings.ToLower(attr(d, "method")), fields: map[string]string{}}
		for e := range d.Descendants() {
			if e.Type != html.ElementNode || attr(e, "name") == "" {
				continue
			}
			name := attr(e, "name")
			switch e.Data {
			case "input":
				if typ := attr(e, "type"); (typ == "checkbox" || typ == "radio") && !hasAttr(e, "checked") {
					continue
				}
				f.fields[name] = attr(e, "value")
			case "textarea":
				if e.FirstChild != nil {
					f.fields[name] = e.FirstChild.Data
				} else {
					f.fields[name] = ""
				}
			case "select":
				f.fields[name] = ""
				for o := range e.Descendants() {
					if o.Type == html.ElementNode && o.Data == "option" && (hasAttr(o, "selected") || f.fields[name] == "") {
						f.fields[name] = attr(o, "value")
					}
				}
			}
		}
		out = append(out, f)
	}
	return out
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// The checkers themselves: what counts as labelled, and as a duplicate id.
func TestUnlabelled(t *testing.T) {
	for _, tt := range []struct {
		page string
		want int
	}{
		{`<label for="q">Search</label><input id="q" name="q">`, 0},
		{`<label>Search <input name="q"></label>`, 0},
		{`<input name="q" aria-label="Search">`, 0},
		{`<input type="hidden" name="key"><button type="submit">Go</button><input type="submit" value="Go">`, 0},
		{`<input name="q">`, 1},
		{`<label for="other">Search</label><input id="q" name="q"><select name="s"></select><textarea name="t"></textarea>`, 3},
		{`<label for="">Search</label><input name="q">`, 1},
	} {
		doc, err := html.Parse(strings.NewReader(tt.page))
		if err != nil {
			t.Fatal(err)
		}
		if got := unlabelled(doc); len(got) != tt.want {
			t.Errorf("%s: unlabelled %v, want %d", tt.page, got, tt.want)
		}
	}
	doc, _ := html.Parse(strings.NewReader(`<p id="a"></p><div id="b"><span id="a"></span><i id="a"></i></div>`))
	if got := duplicateIDs(doc); len(got) != 1 || got[0] != "a" {
		t.Errorf("duplicate ids %v, want [a]", got)
	}
}

// linkKind groups the links the walk follows (a page, or one kind of
// record), so that it takes a couple of each; "" for links it leaves
// alone: files, sign-out, other sites, another page of the same list.
func linkKind(href string) string {
	u, err := url.Parse(href)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, ".") ||
		strings.HasSuffix(u.Path, "/pdf") || u.Query().Has("before") || u.Query().Has("after") {
		return ""
	}
	return recordID.ReplaceAllString(u.Path, "/{id}")
}

var recordID = regexp.MustCompile(`/\d+`)

// link is an <a href> on a page; authored when it is in text people wrote
// (a help page's Markdown), which may point at pages for other roles.
type link struct {
	href     string
	authored bool
}

func links(n *html.Node) []link {
	var out []link
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == "a" {
			if href := attr(d, "href"); href != "" {
				out = append(out, link{href: href, authored: inside(d, "div", "markdown")})
			}
		}
	}
	return out
}

// duplicateIDs lists the ids doc uses more than once (a label, a link to
// a fragment or aria-describedby then points at the wrong element).
func duplicateIDs(doc *html.Node) []string {
	seen := map[string]int{}
	var out []string
	for d := range doc.Descendants() {
		if d.Type != html.ElementNode {
			continue
		}
		if id := attr(d, "id"); id != "" {
			if seen[id]++; seen[id] == 2 {
				out = append(out, id)
			}
		}
	}
	return out
}

func insideTag(n *html.Node, tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return true
		}
	}
	return false
}

// inside reports whether n is within an element tag of class class.
func inside(n *html.Node, tag, class string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag && slices.Contains(strings.Fields(attr(p, "class")), class) {
			return true
		}
	}
	return false
}

// unlabelled describes the fields in doc a person fills in that have no
// label.
func unlabelled(doc *html.Node) []string {
	labelled := map[string]bool{}
	for d := range doc.Descendants() {
		if d.Type == html.ElementNode && d.Data == "label" && attr(d, "for") != "" {
			labelled[attr(d, "for")] = true
		}
	}
	var out []string
	for d := range doc.Descendants() {
		if d.Type != html.ElementNode || (d.Data != "input" && d.Data != "select" && d.Data != "textarea") {
			continue
		}
		switch attr(d, "type") {
		case "hidden", "submit", "button", "reset", "image":
			continue
		}
		if labelled[attr(d, "id")] && attr(d, "id") != "" || attr(d, "aria-label") != "" || attr(d, "aria-labelledby") != "" || insideTag(d, "label") {
			continue
		}
		out = append(out, fmt.Sprintf("<%s name=%q id=%q>", d.Data, attr(d, "name"), attr(d, "id")))
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
