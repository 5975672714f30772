package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/testkit"
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
	app := webtest.Start(t)
	hasher, _ := testkit.Hasher(t)
	if err := demo.Seed(t.Context(), app.Store, hasher, slog.New(slog.NewTextHandler(io.Discard, nil)), pricing.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	pages := 0
	linkedFrom := map[string]map[string]link{} // href → who saw it → where (the first page, or one where the app put it)
	for _, email := range []string{"office@demo.test", "procurement@demo.test", "finance@demo.test", "owner@demo.test"} {
		c := app.Client(t)
		if r := app.PostForm(t, c, "/login", url.Values{"email": {email}, "password": {demo.Password}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d", email, r.StatusCode)
		}
		// The pages linked from the navigation and the home page, then the
		// first few records each list links to.
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
			pages++
			doc, err := html.Parse(strings.NewReader(r.Body))
			if err != nil {
				t.Fatalf("%s as %s: %v", path, email, err)
			}
			for _, f := range unlabelled(doc) {
				t.Errorf("%s as %s: %s has no label", path, email, f)
			}
			for _, id := range duplicateIDs(doc) {
				t.Errorf("%s as %s: id %q is used more than once", path, email, id)
			}
			perList := map[string]int{}
			for _, l := range links(doc) {
				href := l.href
				if u, err := url.Parse(href); err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") {
					if linkedFrom[href] == nil {
						linkedFrom[href] = map[string]link{}
					}
					if prev, ok := linkedFrom[href][email]; !ok || prev.authored && !l.authored {
						linkedFrom[href][email] = link{href: path, authored: l.authored}
					}
				}
				if kind := linkKind(href); kind != "" && perList[kind] < 2 && !seen[href] {
					perList[kind]++
					queue = append(queue, href)
				}
			}
		}
		// Every link on those pages leads somewhere for the person shown it;
		// one in text people wrote (a help page) may lead to a page for
		// another role, which then says whose it is.
		for href, from := range linkedFrom {
			if on, ok := from[email]; ok {
				r := app.Get(t, c, href)
				if r.StatusCode == http.StatusNotFound || r.StatusCode >= 500 || r.StatusCode == http.StatusForbidden && !on.authored {
					t.Errorf("%s as %s links to %s: %d", on.href, email, href, r.StatusCode)
				}
			}
		}
	}
	if pages < 40 {
		t.Errorf("only %d pages checked: the walk no longer reaches the app", pages)
	}
	t.Logf("%d pages checked", pages)
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
