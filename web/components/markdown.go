package components

import (
	"bytes"
	"context"
	"io"

	"github.com/a-h/templ"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders CommonMark plus GitHub tables, strikethrough and
// autolinks. goldmark's safe default is kept on purpose: raw HTML in the
// source (script, iframes, event-handler attributes) is dropped, not
// passed through, and dangerous link schemes (javascript:, vbscript:,
// file:, data: except images) are emptied. Help pages are written by
// procurement but read by everyone, so nothing they type runs in a reader's
// browser (the CSP would stop inline script too; this stops it earlier).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// RenderMarkdown returns the safe HTML of src.
func RenderMarkdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Markdown is src rendered safely, as a component.
func Markdown(src string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		out, err := RenderMarkdown(src)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, `<div class="markdown">`+out+`</div>`)
		return err
	})
}
