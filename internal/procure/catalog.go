package procure

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
	"github.com/procure-app/procure/internal/pricing"
)

// VendorStatus is pricing's: only approved vendors resolve.
type VendorStatus = pricing.VendorStatus

// Vendor statuses.
const (
	VendorApproved = pricing.VendorApproved
	VendorPending  = pricing.VendorPending
	VendorBlocked  = pricing.VendorBlocked
)

// VendorStatuses lists the statuses in display order.
var VendorStatuses = []VendorStatus{VendorApproved, VendorPending, VendorBlocked}

// Vendor is a supplier.
type Vendor struct {
	ID              int64
	Name            string
	TaxID           string
	Email           string
	Phone           string
	Address         string
	Categories      []string
	Status          VendorStatus
	StatusReason    string
	StatusChangedBy string
	StatusChangedAt time.Time
	Notes           string
	Version         int64
}

// VendorInput is what the vendor form submits. Status changes go through
// their own action, with a reason.
type VendorInput struct {
	Name       string
	TaxID      string
	Email      string
	Phone      string
	Address    string
	Categories []string
	Notes      string
	Version    int64
}

var phoneChars = regexp.MustCompile(`^[0-9 +()./-]{0,40}$`)

// Validate checks a vendor form.
func (in VendorInput) Validate() FieldErrors {
	fe := FieldErrors{}
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 160 {
		fe.Add("name", "Enter the vendor's name (at most 160 characters).")
	}
	if utf8.RuneCountInString(in.TaxID) > 40 {
		fe.Add("tax_id", "Use at most 40 characters.")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			fe.Add("email", "Enter an email address like orders@vendor.example.")
		}
	}
	if !phoneChars.MatchString(in.Phone) {
		fe.Add("phone", "Use digits, spaces and + ( ) . / - only.")
	}
	if utf8.RuneCountInString(in.Address) > 500 || utf8.RuneCountInString(in.Notes) > 4000 {
		fe.Add("notes", "The address or notes are too long.")
	}
	for _, c := range in.Categories {
		if utf8.RuneCountInString(c) > 80 {
			fe.Add("categories", "Each category has at most 80 characters.")
		}
	}
	return fe
}

// SplitList turns "Paper, Toner ,paper" into ["Paper", "Toner"]: trimmed,
// de-duplicated case-insensitively, in order.
func SplitList(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" || seen[strings.ToLower(part)] {
			continue
		}
		seen[strings.ToLower(part)] = true
		out = append(out, part)
	}
	return out
}

// CheckVendorStatus checks a status change: a known status, and a reason
// when blocking.
func CheckVendorStatus(to VendorStatus, reason string) error {
	if !slices.Contains(VendorStatuses, to) {
		return Errorf(KindInvalid, "Choose approved, pending or blocked.")
	}
	if to == VendorBlocked && strings.TrimSpace(reason) == "" {
		return &Error{Kind: KindInvalid, Message: "Say why the vendor is blocked.", Fields: map[string]string{"reason": "Say why the vendor is blocked."}}
	}
	return nil
}

// Item is our own catalogue item. The same item can be on several
// contracts: that is how prices are compared across vendors and locations.
type Item struct {
	ID            int64
	SKU           string
	Name          string
	Description   string
	Category      string
	Unit          string
	QuantityScale int // decimals a quantity may have (0 = whole units)
	Version       int64
}

// ItemInput is what the item form submits.
type ItemInput struct {
	SKU           string
	Name          string
	Description   string
	Category      string
	Unit          string
	QuantityScale int
	Version       int64
}

// SKUPattern is the allowed shape of SKUs and contract numbers.
var SKUPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$`)

// Validate checks an item form.
func (in ItemInput) Validate() FieldErrors {
	fe := FieldErrors{}
	if !SKUPattern.MatchString(in.SKU) {
		fe.Add("sku", "Use 1 to 40 letters, digits, dots, dashes or slashes, like PAP-A4-80.")
	}
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 200 {
		fe.Add("name", "Enter a name of at most 200 characters.")
	}
	if n := utf8.RuneCountInString(in.Category); n == 0 || n > 80 {
		fe.Add("category", "Enter a category of at most 80 characters.")
	}
	if n := utf8.RuneCountInString(in.Unit); n == 0 || n > 20 {
		fe.Add("unit", "Enter a unit of measure, like each, box, ream or kg.")
	}
	if in.QuantityScale < 0 || in.QuantityScale > 3 {
		fe.Add("quantity_scale", "Choose 0 to 3 decimals.")
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		fe.Add("description", "Use at most 2000 characters.")
	}
	return fe
}

// CheckQuantity refuses a quantity with more decimals than the item allows
// ("0.5 of a chair").
func (it Item) CheckQuantity(q money.Quantity) string {
	step := money.Quantity(1)
	for range 3 - it.QuantityScale {
		step *= 10
	}
	if q%step != 0 {
		if it.QuantityScale == 0 {
			return "This item is ordered in whole " + it.Unit + "; enter a whole number."
		}
		return "This item allows at most " + string(rune('0'+it.QuantityScale)) + " decimals."
	}
	return ""
}

// Supplier is an approved vendor in the directory, with what it supplies
// under active contracts.
type Supplier struct {
	Vendor     Vendor
	Categories []string // item categories on its active contracts
	Contracts  int
	Locations  []string // location names its active contracts cover ("all locations" when one covers all)
}
