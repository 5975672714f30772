package procure

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// InvoiceStatus is where an invoice is: matched or exception after
// recording, then approved (ready for payment) or disputed (held).
type InvoiceStatus string

// Invoice statuses.
const (
	InvoiceMatched   InvoiceStatus = "matched"
	InvoiceException InvoiceStatus = "exception"
	InvoiceApproved  InvoiceStatus = "approved"
	InvoiceDisputed  InvoiceStatus = "disputed"
)

// InvoiceStatuses lists the statuses for filters.
var InvoiceStatuses = []InvoiceStatus{InvoiceMatched, InvoiceException, InvoiceApproved, InvoiceDisputed}

// Exception kinds of an invoice line.
const (
	ExceptionPrice    = "price"    // beyond the contract's tolerance
	ExceptionQuantity = "quantity" // invoiced more than received
	ExceptionDate     = "date"     // invoice dated outside the contract
	ExceptionNoPO     = "no_po"    // a line with no PO line (freight, extras)
)

// Invoice is a vendor's invoice and its match.
type Invoice struct {
	ID             int64
	VendorID       int64
	VendorName     string
	Number         string
	Date           pricing.Date
	Currency       money.Currency
	Status         InvoiceStatus
	Total          money.Amount
	Note           string
	ResolutionNote string
	ResolvedBy     string
	ResolvedAt     *time.Time
	CreatedBy      string
	CreatedAt      time.Time
	Version        int64
	Lines          []InvoiceLine
	Exceptions     int // lines in exception (lists)
}

// InvoiceLine is one invoiced line and how it matched.
type InvoiceLine struct {
	ID              int64
	LineNo          int
	POLineID        int64 // 0: no PO line
	PONumber        string
	POID            int64
	Description     string
	Qty             money.Quantity
	UnitPrice       money.UnitPrice
	Total           money.Amount
	Status          string // matched | exception
	Exceptions      []string
	Explanation     string
	ContractPrice   money.UnitPrice // 0 when there is no PO line
	UnitVariance    money.UnitPrice
	TotalVariance   money.Amount
	BeyondTolerance bool
	QtyVariance     money.Quantity
	ContractNumber  string
}

// InvoiceLineInput is one line of the invoice form as typed.
type InvoiceLineInput struct {
	POLineID    int64 // 0 for a line with no PO (freight, extras)
	Description string
	Qty         string
	UnitPrice   string
}

// InvoiceInput is the invoice form as typed.
type InvoiceInput struct {
	VendorID int64
	Number   string
	Date     string
	Currency string
	Note     string
	Lines    []InvoiceLineInput
}

// InvoiceLineValues is a parsed invoice line.
type InvoiceLineValues struct {
	POLineID    int64
	Description string
	Qty         money.Quantity
	UnitPrice   money.UnitPrice
}

// InvoiceValues is a parsed invoice.
type InvoiceValues struct {
	VendorID int64
	Number   string
	Date     pricing.Date
	Currency money.Currency
	Note     string
	Lines    []InvoiceLineValues
}

// MaxInvoiceLines bounds one invoice.
const MaxInvoiceLines = 500

// Parse validates an invoice form. Lines left entirely empty are skipped;
// field errors are keyed "qty_3", "unit_price_3", "description_3" by line.
func (in InvoiceInput) Parse() (InvoiceValues, error) {
	fe := FieldErrors{}
	v := InvoiceValues{VendorID: in.VendorID, Number: strings.TrimSpace(in.Number), Note: strings.TrimSpace(in.Note)}
	if in.VendorID <= 0 {
		fe.Add("vendor_id", "Choose the vendor.")
	}
	if n := utf8.RuneCountInString(v.Number); n == 0 || n > 60 {
		fe.Add("number", "Enter the vendor's invoice number (at most 60 characters).")
	}
	var err error
	if v.Date, err = pricing.ParseDate(strings.TrimSpace(in.Date)); err != nil {
		fe.Add("date", "Enter the invoice date as YYYY-MM-DD.")
	}
	if v.Currency, err = money.ParseCurrency(strings.TrimSpace(in.Currency)); err != nil {
		fe.Add("currency", "Choose an ISO 4217 currency.")
	}
	if utf8.RuneCountInString(v.Note) > 2000 {
		fe.Add("note", "Use at most 2000 characters.")
	}
	for i, l := range in.Lines {
		if l.POLineID == 0 && strings.TrimSpace(l.Description+l.Qty+l.UnitPrice) == "" {
			continue
		}
		if l.POLineID != 0 && strings.TrimSpace(l.Qty) == "" && strings.TrimSpace(l.UnitPrice) == "" {
			continue // a PO line not invoiced this time
		}
		n := i + 1
		lv := InvoiceLineValues{POLineID: l.POLineID, Description: strings.TrimSpace(l.Description)}
		q, err := money.ParseQuantity(strings.TrimSpace(l.Qty))
		switch {
		case err != nil:
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: the quantity %s.", n, err))
		case q == 0:
			fe.Add(fmt.Sprintf("qty_%d", n), fmt.Sprintf("Line %d: the quantity must be more than zero.", n))
		}
		p, err := money.ParseUnitPrice(strings.TrimSpace(l.UnitPrice))
		if err != nil {
			fe.Add(fmt.Sprintf("unit_price_%d", n), fmt.Sprintf("Line %d: the unit price %s.", n, err))
		}
		if l.POLineID == 0 && (lv.Description == "" || utf8.RuneCountInString(lv.Description) > 300) {
			fe.Add(fmt.Sprintf("description_%d", n), fmt.Sprintf("Line %d: describe a line that has no PO (freight, extras).", n))
		}
		lv.Qty, lv.UnitPrice = q, p
		v.Lines = append(v.Lines, lv)
	}
	if len(v.Lines) == 0 && len(fe) == 0 {
		fe.Add("lines", "Enter at least one invoiced line.")
	}
	if len(v.Lines) > MaxInvoiceLines {
		fe.Add("lines", fmt.Sprintf("An invoice has at most %d lines.", MaxInvoiceLines))
	}
	return v, fe.Err()
}

// CanApprove reports whether an invoice may be approved for payment, and
// whether that needs a comment (accepting a variance or settling a dispute).
func (s InvoiceStatus) CanApprove() (ok, needsNote bool) {
	switch s {
	case InvoiceMatched:
		return true, false
	case InvoiceException, InvoiceDisputed:
		return true, true
	}
	return false, false
}

// CanDispute reports whether an invoice may be disputed (held).
func (s InvoiceStatus) CanDispute() bool { return s == InvoiceMatched || s == InvoiceException }
