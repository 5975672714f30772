package procure

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// MaxCartLines bounds a cart (and so a purchase request).
const MaxCartLines = 200

// CartLine is one line of a user's server-side cart for a location: a
// catalogue item with a quantity, or an off-contract request.
type CartLine struct {
	ID         int64
	LocationID int64
	Item       *Item // nil for an off-contract line
	Qty        money.Quantity
	OffContract
}

// OffContract is what an off-contract line carries: what is wanted, an
// estimate, a suggested vendor and why the catalogue does not serve.
type OffContract struct {
	Description         string
	Unit                string
	EstPrice            money.UnitPrice // 0 = no estimate
	SuggestedVendorID   int64
	SuggestedVendorName string
	Reason              string
}

// ParseQuantityFor reads a quantity typed for item (nil for off-contract):
// a plain positive decimal with no more decimals than the item allows.
func ParseQuantityFor(s string, item *Item) (money.Quantity, string) {
	q, err := money.ParseQuantity(strings.TrimSpace(s))
	if err != nil {
		return 0, "The quantity " + err.Error() + "."
	}
	if q == 0 {
		return 0, "The quantity must be more than zero; remove the line instead."
	}
	if item != nil {
		if msg := item.CheckQuantity(q); msg != "" {
			return 0, msg
		}
	}
	return q, ""
}

// OffContractInput is the off-contract line form as typed.
type OffContractInput struct {
	Description         string
	Qty                 string
	Unit                string
	EstPrice            string
	SuggestedVendorID   int64
	SuggestedVendorName string
	Reason              string
}

// Parse validates an off-contract line.
func (in OffContractInput) Parse() (money.Quantity, OffContract, error) {
	fe := FieldErrors{}
	oc := OffContract{Description: strings.TrimSpace(in.Description), Unit: strings.TrimSpace(in.Unit),
		SuggestedVendorID: in.SuggestedVendorID, SuggestedVendorName: strings.TrimSpace(in.SuggestedVendorName), Reason: strings.TrimSpace(in.Reason)}
	if n := utf8.RuneCountInString(oc.Description); n == 0 || n > 300 {
		fe.Add("description", "Describe what you need (at most 300 characters).")
	}
	q, msg := ParseQuantityFor(in.Qty, nil)
	if msg != "" {
		fe.Add("qty", msg)
	}
	if n := utf8.RuneCountInString(oc.Unit); n == 0 || n > 20 {
		fe.Add("unit", "Enter a unit, like each, box or hour.")
	}
	if s := strings.TrimSpace(in.EstPrice); s != "" {
		p, err := money.ParseUnitPrice(s)
		switch {
		case err != nil:
			fe.Add("est_price", "The estimated price "+err.Error()+".")
		case p == 0:
			fe.Add("est_price", "The estimate must be more than zero, or left empty.")
		default:
			oc.EstPrice = p
		}
	}
	if utf8.RuneCountInString(oc.SuggestedVendorName) > 160 {
		fe.Add("suggested_vendor_name", "Use at most 160 characters.")
	}
	if n := utf8.RuneCountInString(oc.Reason); n == 0 || n > 1000 {
		fe.Add("reason", "Say why the catalogue does not serve (at most 1000 characters).")
	}
	return q, oc, fe.Err()
}

// POStatus is a purchase order's state.
type POStatus string

// PO statuses.
const (
	POPendingApproval   POStatus = "pending_approval"
	POIssued            POStatus = "issued"
	POPartiallyReceived POStatus = "partially_received"
	POReceived          POStatus = "received"
	POClosed            POStatus = "closed"
	PORejected          POStatus = "rejected"
	POCancelled         POStatus = "cancelled"
)

// POStatuses lists the statuses for filters.
var POStatuses = []POStatus{POPendingApproval, POIssued, POPartiallyReceived, POReceived, POClosed, PORejected, POCancelled}

// CanReceive reports whether goods can be booked against a PO.
func (s POStatus) CanReceive() bool { return s == POIssued || s == POPartiallyReceived }

// PurchaseOrder is one order to one vendor for one location.
type PurchaseOrder struct {
	ID           int64
	Number       string
	RequestID    int64
	LocationID   int64
	LocationName string
	LocationCode string
	VendorID     int64
	VendorName   string
	VendorEmail  string
	Currency     money.Currency
	Status       POStatus
	Total        money.Amount
	OffContract  bool
	SubmittedAt  time.Time
	IssuedAt     *time.Time
	RequestedBy  string
	CancelReason string
	// who orders, where the vendor delivers and where the vendor is, as
	// printed on the order ("" when not recorded)
	BuyerName       string
	BuyerAddress    string
	LocationAddress string
	VendorAddress   string
	Lines           []POLine
}

// CycleTime is submit → issue, or ok=false while not issued.
func (po PurchaseOrder) CycleTime() (time.Duration, bool) {
	if po.IssuedAt == nil {
		return 0, false
	}
	return po.IssuedAt.Sub(po.SubmittedAt), true
}

// Received reports whether any goods were booked on the PO.
func (po PurchaseOrder) Received() bool {
	for _, l := range po.Lines {
		if l.Received > 0 {
			return true
		}
	}
	return false
}

// POLine is one line of a PO with its frozen resolution.
type POLine struct {
	ID             int64
	LineNo         int
	ItemID         int64
	SKU            string
	Description    string
	Unit           string
	VendorSKU      string
	Qty            money.Quantity
	UnitPrice      money.UnitPrice
	Total          money.Amount
	ContractID     int64
	ContractNumber string
	PaymentTerms   int
	TierMin        money.Quantity
	Received       money.Quantity
	QuantityScale  int // decimals the item is ordered and received in (3 for free-text lines)
	Resolution     *pricing.Record
}

// Outstanding is what is still to be received.
func (l POLine) Outstanding() money.Quantity { return l.Qty - l.Received }

// RequestLineStatus says what became of a requested line.
type RequestLineStatus string

// Request line statuses.
const (
	LineOrdered  RequestLineStatus = "ordered"  // on contract, in a PO at once
	LinePending  RequestLineStatus = "pending"  // off-contract, waiting for procurement
	LineApproved RequestLineStatus = "approved" // off-contract, approved into a PO
	LineRejected RequestLineStatus = "rejected"
)

// PurchaseRequest is what an office admin submitted from a cart.
type PurchaseRequest struct {
	ID           int64
	UserID       int64
	UserName     string
	LocationID   int64
	LocationName string
	Currency     money.Currency
	SubmittedAt  time.Time
	SubmitNotes  []string // what the submission told its submitter besides its POs (a changed price, a line left to procurement)
	Lines        []RequestLine
	Orders       []PurchaseOrder // without lines
}

// RequestLine is one requested line and its outcome.
type RequestLine struct {
	ID           int64
	RequestID    int64
	LineNo       int
	ItemID       int64
	SKU          string
	Category     string // the item's, for catalogue items
	Description  string
	Unit         string
	Qty          money.Quantity
	OffContract  OffContract
	Status       RequestLineStatus
	PONumber     string
	POID         int64
	DecidedBy    string
	DecidedAt    *time.Time
	DecisionNote string
	Resolution   *pricing.Record
	// for the approvals queue
	LocationID   int64
	LocationName string
	Currency     money.Currency
	RequestedBy  string
	SubmittedAt  time.Time
}

// ApprovalInput is procurement's approval of an off-contract line.
type ApprovalInput struct {
	VendorID  int64
	UnitPrice string
	Note      string
}

// Parse validates an approval.
func (in ApprovalInput) Parse() (money.UnitPrice, error) {
	fe := FieldErrors{}
	if in.VendorID <= 0 {
		fe.Add("vendor_id", "Choose the vendor to order from.")
	}
	p, err := money.ParseUnitPrice(strings.TrimSpace(in.UnitPrice))
	switch {
	case err != nil:
		fe.Add("unit_price", "The unit price "+err.Error()+".")
	case p == 0:
		fe.Add("unit_price", "The unit price must be more than zero.")
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		fe.Add("note", "Use at most 1000 characters.")
	}
	return p, fe.Err()
}

// NewFormKey is a fresh 128-bit idempotency key for a form (a cart, a goods
// receipt, a help request): a form sent twice with it records once.
func NewFormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// PONumber formats the n-th PO of a year: PO-2026-000123.
func PONumber(year int, n int64) string { return fmt.Sprintf("PO-%d-%06d", year, n) }

// RecurringOffContract groups off-contract requests by what was asked for
// (the description, case-insensitively) and suggested vendor: the items
// that recur are candidates for a new contract.
type RecurringOffContract struct {
	Description string
	Vendor      string
	Requests    int
	Locations   int
	Currency    money.Currency
	Spend       money.Amount // estimated or approved spend
	LastAsked   time.Time
}
