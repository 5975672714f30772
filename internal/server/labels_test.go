package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/testkit"
	"github.com/procure-app/procure/internal/webtest"
)

// TestEveryFormFieldHasALabel walks the pages each demo role reaches from
// its home page and the records they list, and checks that every form
// field a person fills in (input, select, textarea) has a label: a <label
// for> naming its id, a <label> around it, or an aria-label. A screen
// reader announces nothing useful for a field without one.
func TestEveryFormFieldHasALabel(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	hasher, _ := testkit.Hasher(t)
	if err := demo.Seed(t.Context(), app.Store, hasher, slog.New(slog.NewTextHandler(io.Discard, nil)), pricing.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	pages := 0
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
			perList := map[string]int{}
			for _, href := range links(doc) {
				if kind := linkKind(href); kind != "" && perList[kind] < 2 && !seen[href] {
					perList[kind]++
					queue = append(queue, href)
				}
			}
		}
	}
	if pages < 40 {
		t.Errorf("only %d pages checked: the walk no longer reaches the app", pages)
	}
	t.Logf("%d pages checked", pages)
}

// The checker itself: what counts as labelled.
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

func links(n *html.Node) []string {
	var out []string
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == "a" {
			if href := attr(d, "href"); href != "" {
				out = append(out, href)
			}
		}
	}
	return out
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
		if labelled[attr(d, "id")] && attr(d, "id") != "" || attr(d, "aria-label") != "" || attr(d, "aria-labelledby") != "" || insideLabel(d) {
			continue
		}
		out = append(out, fmt.Sprintf("<%s name=%q id=%q>", d.Data, attr(d, "name"), attr(d, "id")))
	}
	return out
}

func insideLabel(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "label" {
			return true
		}
	}
	return false
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
