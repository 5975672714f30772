package procure

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// Price-list import limits (documented on the import page).
const (
	PriceListMaxBytes = 10 << 20 // 10 MiB
	PriceListMaxRows  = 50_000
)

// PriceListColumns are the template's columns, in order. The last three are
// optional and only used to create items for unknown SKUs.
var PriceListColumns = []string{"sku", "vendor_sku", "min_qty", "unit_price", "max_qty", "valid_from", "valid_to", "preferred",
	"item_name", "category", "unit"}

var requiredColumns = PriceListColumns[:8]

// ImportProblem is one thing wrong with an uploaded file, where a person
// can find it: line 1 is the header.
type ImportProblem struct {
	Line    int
	Column  string
	Message string
}

func (p ImportProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.Message)
}

// ImportResult says what an import did, or why it did nothing.
type ImportResult struct {
	PriceRows    int
	Tiers        int
	ItemsCreated int
	Problems     []ImportProblem
	UnknownSKUs  []string // SKUs with no item (created when asked to)
}

// PriceListRow is one price row of a parsed list (several lines with the
// same SKU and validity window are the tiers of one row).
type PriceListRow struct {
	Values PriceValues
	Lines  []int // the file lines it came from
	Item   ItemInput
}

// csvText drops Excel's UTF-8 byte order mark and checks that the file is
// text Postgres can store: UTF-8 without NUL characters (a NUL would be a
// database error at import, not a problem on the line that holds it).
func csvText(data []byte) ([]byte, *ImportProblem) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &ImportProblem{Line: 1, Message: "the file is not UTF-8 text; save it as \"CSV UTF-8\""}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &ImportProblem{Line: 1 + bytes.Count(data[:i], []byte("\n")), Message: "the line holds a NUL character; save the file as \"CSV UTF-8\""}
	}
	return data, nil
}

// ParsePriceList reads a CSV price list for contract c. It checks every
// line and returns every problem found (never only the first); the rows are
// only meaningful when there are no problems. SKUs are not looked up here.
func ParsePriceList(data []byte, c Contract) ([]PriceListRow, []ImportProblem) {
	data, problem := csvText(data)
	if problem != nil {
		return nil, []ImportProblem{*problem}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, []ImportProblem{{Line: 1, Message: "the file is empty or not CSV"}}
	}
	col := map[string]int{}
	var problems []ImportProblem
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(PriceListColumns, h) {
			problems = append(problems, ImportProblem{Line: 1, Column: h, Message: "unknown column; the columns are " + strings.Join(PriceListColumns, ", ")})
			continue
		}
		if _, dup := col[h]; dup {
			problems = append(problems, ImportProblem{Line: 1, Column: h, Message: "column appears twice"})
		}
		col[h] = i
	}
	for _, req := range requiredColumns {
		if _, ok := col[req]; !ok {
			problems = append(problems, ImportProblem{Line: 1, Column: req, Message: "required column is missing"})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	type key struct {
		sku      string
		from, to string
	}
	groups := map[key]*PriceListRow{}
	var order []key
	for n := 0; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var line int
		if err == nil || len(rec) > 0 {
			line, _ = r.FieldPos(0) // FieldPos panics when the failed read kept no field
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			problems = append(problems, ImportProblem{Line: line, Message: "not valid CSV: " + csvReason(err)})
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue
			}
			break
		}
		if n >= PriceListMaxRows {
			problems = append(problems, ImportProblem{Line: line, Message: fmt.Sprintf("the file has more than %d lines; split it", PriceListMaxRows)})
			break
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue // blank line
		}
		add := func(column, msg string) {
			problems = append(problems, ImportProblem{Line: line, Column: column, Message: msg})
		}
		sku := get("sku")
		if !SKUPattern.MatchString(sku) {
			add("sku", fmt.Sprintf("%q is not a SKU (letters, digits, . _ / -, at most 40)", sku))
		}
		minQty, err := money.ParseQuantity(get("min_qty"))
		if err != nil {
			add("min_qty", fmt.Sprintf("%q %s", get("min_qty"), err))
		} else if minQty == 0 {
			add("min_qty", "must be more than zero")
		}
		price, err := money.ParseUnitPrice(get("unit_price"))
		if err != nil {
			add("unit_price", fmt.Sprintf("%q %s", get("unit_price"), err))
		} else if price == 0 {
			add("unit_price", "must be more than zero")
		}
		var maxQty money.Quantity
		if s := get("max_qty"); s != "" {
			if maxQty, err = money.ParseQuantity(s); err != nil {
				add("max_qty", fmt.Sprintf("%q %s", s, err))
			} else if maxQty == 0 {
				add("max_qty", "must be more than zero, or empty for none")
			}
		}
		from := importDate(get("valid_from"), "valid_from", c, add)
		to := importDate(get("valid_to"), "valid_to", c, add)
		if from != nil && to != nil && *to < *from {
			add("valid_to", "is before valid_from")
		}
		preferred, ok := parseBool(get("preferred"))
		if !ok {
			add("preferred", fmt.Sprintf("%q is not yes/no (true, false, yes, no, 1, 0 or empty)", get("preferred")))
		}
		if utf8.RuneCountInString(get("vendor_sku")) > 60 {
			add("vendor_sku", "is longer than 60 characters")
		}
		k := key{sku, get("valid_from"), get("valid_to")}
		g, seen := groups[k]
		if !seen {
			g = &PriceListRow{Values: PriceValues{SKU: sku, VendorSKU: get("vendor_sku"), MaxQty: maxQty, ValidFrom: from, ValidTo: to, Preferred: preferred},
				Item: ItemInput{SKU: sku, Name: orDefault(get("item_name"), sku), Category: orDefault(get("category"), "Uncategorised"),
					Unit: orDefault(get("unit"), "each")}}
			groups[k] = g
			order = append(order, k)
		} else {
			if g.Values.VendorSKU != get("vendor_sku") {
				add("vendor_sku", fmt.Sprintf("differs from line %d for the same SKU and validity", g.Lines[0]))
			}
			if g.Values.MaxQty != maxQty {
				add("max_qty", fmt.Sprintf("differs from line %d for the same SKU and validity", g.Lines[0]))
			}
			if g.Values.Preferred != preferred {
				add("preferred", fmt.Sprintf("differs from line %d for the same SKU and validity", g.Lines[0]))
			}
		}
		for i, t := range g.Values.Tiers {
			if t.MinQty == minQty {
				add("min_qty", fmt.Sprintf("tier from %s already given on line %d", minQty, g.Lines[i]))
			}
		}
		g.Lines = append(g.Lines, line)
		g.Values.Tiers = append(g.Values.Tiers, pricing.Tier{MinQty: minQty, Price: price})
	}
	rows := make([]PriceListRow, 0, len(order))
	for _, k := range order {
		g := groups[k]
		sortTiers(g)
		if v := g.Values; v.MaxQty > 0 && len(v.Tiers) > 0 && v.MaxQty < v.Tiers[0].MinQty {
			problems = append(problems, ImportProblem{Line: g.Lines[0], Column: "max_qty",
				Message: fmt.Sprintf("%s is below the minimum order quantity %s", v.MaxQty, v.Tiers[0].MinQty)})
		}
		rows = append(rows, *g)
	}
	problems = append(problems, overlapsWithin(rows)...)
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, ImportProblem{Line: 2, Message: "the file has a header but no price lines"})
	}
	slices.SortStableFunc(problems, func(a, b ImportProblem) int { return a.Line - b.Line })
	return rows, problems
}

// sortTiers orders a row's tiers (and their line numbers) by minimum.
func sortTiers(g *PriceListRow) {
	idx := make([]int, len(g.Values.Tiers))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(g.Values.Tiers[a].MinQty - g.Values.Tiers[b].MinQty) })
	tiers := make([]pricing.Tier, len(idx))
	lines := make([]int, len(idx))
	for i, j := range idx {
		tiers[i], lines[i] = g.Values.Tiers[j], g.Lines[j]
	}
	g.Values.Tiers, g.Lines = tiers, lines
}

// Window is a validity window, inclusive; nil ends are open.
type Window struct{ From, To *pricing.Date }

// Overlaps reports whether two windows share a day.
func (w Window) Overlaps(o Window) bool {
	lo := func(d *pricing.Date) pricing.Date {
		if d == nil {
			return pricing.Date(-1 << 30)
		}
		return *d
	}
	hi := func(d *pricing.Date) pricing.Date {
		if d == nil {
			return pricing.Date(1 << 30)
		}
		return *d
	}
	return lo(w.From) <= hi(o.To) && lo(o.From) <= hi(w.To)
}

func overlapsWithin(rows []PriceListRow) []ImportProblem {
	var out []ImportProblem
	bySKU := map[string][]int{}
	for i, r := range rows {
		for _, j := range bySKU[r.Values.SKU] {
			a, b := rows[j].Values, r.Values
			if (Window{a.ValidFrom, a.ValidTo}).Overlaps(Window{b.ValidFrom, b.ValidTo}) {
				out = append(out, ImportProblem{Line: r.Lines[0], Column: "valid_from",
					Message: fmt.Sprintf("the validity of %s overlaps line %d; one price per item per day", r.Values.SKU, rows[j].Lines[0])})
			}
		}
		bySKU[r.Values.SKU] = append(bySKU[r.Values.SKU], i)
	}
	return out
}

func importDate(s, column string, c Contract, add func(string, string)) *pricing.Date {
	if s == "" {
		return nil
	}
	d, err := pricing.ParseDate(s)
	if err != nil {
		add(column, fmt.Sprintf("%q is not a date like 2026-11-23", s))
		return nil
	}
	if d < c.Start || d > c.End {
		add(column, fmt.Sprintf("%s is outside the contract (%s to %s)", d, c.Start, c.End))
	}
	return &d
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "", "false", "no", "0", "n":
		return false, true
	case "true", "yes", "1", "y":
		return true, true
	}
	return false, false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// PriceListTemplate is the downloadable template: the header and two
// example lines (one item, two tiers).
const PriceListTemplate = "sku,vendor_sku,min_qty,unit_price,max_qty,valid_from,valid_to,preferred,item_name,category,unit\r\n" +
	"PAP-A4-80,V-100234,1,4.20,,,,no,Copy paper A4 80 g (ream),Paper,ream\r\n" +
	"PAP-A4-80,V-100234,100,3.95,,,,no,Copy paper A4 80 g (ream),Paper,ream\r\n"
