package components

import (
	"strings"
	"testing"
)

func TestMarkdownIsSanitised(t *testing.T) {
	for _, c := range []struct{ src, mustNot, must string }{
		{"Hello <script>alert(1)</script>", "<script", "Hello"},
		{`<img src=x onerror="alert(1)">`, "onerror", ""},
		{`<a href="#" onclick="steal()">x</a>`, "onclick", ""},
		{"[click](javascript:alert(1))", "javascript:", "click"},
		{"[click](JaVaScRiPt:alert(1))", "avascript", "click"},
		{"[data](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html", "data"},
		{`<iframe src="https://evil.example"></iframe>`, "<iframe", ""},
		{"**bold** and a [link](https://example.com/a?b=1)", "", `<a href="https://example.com/a?b=1">link</a>`},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "", "<table>"},
		{"Title with \"quotes\" & <angle>", "<angle>", "&quot;quotes&quot; &amp;"},
	} {
		out, err := RenderMarkdown(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if c.mustNot != "" && strings.Contains(strings.ToLower(out), strings.ToLower(c.mustNot)) {
			t.Errorf("%q rendered %q (contains %q)", c.src, out, c.mustNot)
		}
		if c.must != "" && !strings.Contains(out, c.must) {
			t.Errorf("%q rendered %q (lacks %q)", c.src, out, c.must)
		}
	}
}
