// Package static holds the CSS and the vendored htmx, embedded in the
// binary and served under content-hashed names (cache for a year; a new
// build changes the names). Nothing is loaded from a CDN.
package static

import (
	"embed"
	"net/http"

	"github.com/benbjohnson/hashfs"
)

//go:embed app.css favicon.svg vendor/htmx.min.js vendor/pico.min.css
var files embed.FS

// Assets is the hashed file system and the URL of each file pages link to.
type Assets struct {
	FS   *hashfs.FS
	Pico string
	App  string
	HTMX string
	Icon string
}

// New builds the hashed file system; the server mounts FS under /static/.
func New() *Assets {
	fsys := hashfs.NewFS(files)
	url := func(name string) string { return "/static/" + fsys.HashName(name) }
	return &Assets{FS: fsys, Pico: url("vendor/pico.min.css"), App: url("app.css"), HTMX: url("vendor/htmx.min.js"), Icon: url("favicon.svg")}
}

// FileServer serves a's files: hashed names with a one-year immutable cache
// lifetime and an ETag.
func FileServer(a *Assets) http.Handler { return hashfs.FileServer(a.FS) }
