// Package components holds reusable templ pieces: labelled form fields with
// their error messages, status badges, money and quantity cells, pagers.
// Components are pure functions of their props and do no I/O.
//
// Imports: procure, money, pricing (display only), templ.
package components

// Field describes one labelled form control. Every input has a label
// (accessibility) and shows its error beneath, linked by aria-describedby.
type Field struct {
	ID       string // defaults to Name
	Name     string
	Label    string
	Type     string // text, email, password, number, date…; default text
	Value    string
	Error    string
	Hint     string
	Required bool
	Attrs    map[string]any // extra attributes (inputmode, autocomplete, hx-*)
}

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

func (f Field) typ() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func (f Field) describedBy() string {
	switch {
	case f.Error != "" && f.Hint != "":
		return f.id() + "-error " + f.id() + "-hint"
	case f.Error != "":
		return f.id() + "-error"
	case f.Hint != "":
		return f.id() + "-hint"
	}
	return ""
}

func (f Field) attrs() map[string]any {
	a := map[string]any{}
	for k, v := range f.Attrs {
		a[k] = v
	}
	if d := f.describedBy(); d != "" {
		a["aria-describedby"] = d
	}
	if f.Error != "" {
		a["aria-invalid"] = "true"
	}
	return a
}

// Option is one choice of a Select or a checkbox group.
type Option struct {
	Value    string
	Label    string
	Selected bool
}
