package procure

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/money"
)

// Location is a site that orders. Every order belongs to exactly one, and is
// priced in its currency.
type Location struct {
	ID       int64
	Code     string
	Name     string
	Currency money.Currency
	Active   bool
	Version  int64
	Address  string // where deliveries go, printed on its POs
}

// LocationInput is what the owner's location form submits.
type LocationInput struct {
	Code     string
	Name     string
	Currency string
	Address  string
	Active   bool
	Version  int64
}

var locationCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,15}$`)

// Validate checks a location form and returns the parsed currency.
func (in LocationInput) Validate() (money.Currency, FieldErrors) {
	fe := FieldErrors{}
	if !locationCode.MatchString(in.Code) {
		fe.Add("code", "Use 2 to 16 capital letters, digits or dashes, like MUC or BER-2.")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n == 0 || n > 120 {
		fe.Add("name", "Enter a name of at most 120 characters.")
	}
	cur, err := money.ParseCurrency(in.Currency)
	if err != nil {
		fe.Add("currency", "Choose an ISO 4217 currency, like EUR or USD.")
	}
	if utf8.RuneCountInString(in.Address) > 500 {
		fe.Add("address", "Enter an address of at most 500 characters.")
	}
	return cur, fe
}

// Organisation is the buyer printed on every PO.
type Organisation struct {
	Name    string
	Address string
	Version int64
}

// OrganisationInput is what the owner's organisation form submits.
type OrganisationInput struct {
	Name    string
	Address string
	Version int64
}

// Validate checks the organisation form.
func (in OrganisationInput) Validate() FieldErrors {
	fe := FieldErrors{}
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 200 {
		fe.Add("org_name", "Enter the organisation's name (at most 200 characters).")
	}
	if utf8.RuneCountInString(in.Address) > 500 {
		fe.Add("org_address", "Enter an address of at most 500 characters.")
	}
	return fe
}
