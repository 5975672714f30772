package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/procure"
)

// form reads a submitted form field by field. Scalar fields must appear at
// most once (quantity=5&quantity=-4 is refused, not resolved by taking the
// first: ASVS 15.3.7); values are trimmed of surrounding space once, here,
// before validation.
type form struct {
	v      url.Values
	Errors procure.FieldErrors
}

// parseForm parses the body (capped by limitBody) or, for GET, the query.
func parseForm(r *http.Request) (*form, error) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, procure.Wrap(procure.KindInvalid, err, "The form could not be read. Please submit it again.")
	}
	v := r.PostForm
	if r.Method == http.MethodGet {
		v = r.Form
	}
	return &form{v: v, Errors: procure.FieldErrors{}}, nil
}

// query reads the URL query the same way (filters, cursors).
func query(r *http.Request) *form {
	return &form{v: r.URL.Query(), Errors: procure.FieldErrors{}}
}

// str is a single trimmed value; a repeated field is an error on that field.
func (f *form) str(name string) string { return strings.TrimSpace(f.raw(name)) }

// raw is a single untrimmed value (passwords keep their spaces). A repeated
// field, or one that is not text Postgres stores (invalid UTF-8, or a NUL
// character), is an error on that field and reads as "".
func (f *form) raw(name string) string {
	vals := f.v[name]
	if len(vals) > 1 {
		f.Errors.Add(name, "This field was sent more than once.")
		return ""
	}
	if len(vals) == 0 {
		return ""
	}
	if !storableText(vals[0]) {
		f.Errors.Add(name, "This field is not valid text; type it again.")
		return ""
	}
	return vals[0]
}

// storableText reports whether Postgres can store s as text: valid UTF-8
// without NUL characters (it refuses both, which would be a server error).
func storableText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// strs is every value of a multi-valued field (checkbox groups).
func (f *form) strs(name string) []string {
	var out []string
	for _, v := range f.v[name] {
		if !storableText(v) {
			f.Errors.Add(name, "This field is not valid text; type it again.")
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ids is every value of a multi-valued id field; a non-id is a field error.
func (f *form) ids(name string) []int64 {
	var out []int64
	for _, s := range f.strs(name) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			f.Errors.Add(name, "Choose from the list.")
			continue
		}
		out = append(out, id)
	}
	return out
}

// int is an optional non-negative integer; "" gives def.
func (f *form) int(name string, def int64) int64 {
	s := f.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f.Errors.Add(name, "Enter a whole number.")
		return def
	}
	return n
}

// bool is a checkbox: present and "on"/"true"/"1" is true.
func (f *form) bool(name string) bool {
	switch f.str(name) {
	case "on", "true", "1", "yes":
		return true
	}
	return false
}

// err is the collected field errors, or nil.
func (f *form) err() error { return f.Errors.Err() }
