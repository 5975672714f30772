package money

import (
	"fmt"
	"slices"
)

// Currency is an ISO 4217 currency that can be used for trade. The zero
// value is "no currency"; every other value was accepted by ParseCurrency, so
// its minor-unit exponent is always known.
type Currency struct {
	code [3]byte // no pointers: amounts copy and compare as plain values
	exp  uint8   // copied from iso4217 so that hot paths never look it up
}

// iso4217 maps each active ISO 4217 trade currency to its minor-unit
// exponent (the number of decimals of its smallest unit). Fund codes (BOV,
// CLF, USN…), precious metals and testing codes (XAU, XTS, XXX…) are left out
// on purpose: nobody invoices office supplies in them. Read-only.
var iso4217 = map[string]uint8{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
	"BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2,
	"BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2,
	"CLP": 0, "CNY": 2, "COP": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2,
	"DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2,
	"GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2,
	"HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2,
	"JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3,
	"KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2,
	"MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2,
	"MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2,
	"NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0,
	"QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2,
	"SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2,
	"SYP": 2, "SZL": 2, "THB": 2, "TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2,
	"TWD": 2, "TZS": 2, "UAH": 2, "UGX": 0, "USD": 2, "UYU": 2, "UZS": 2, "VED": 2, "VES": 2,
	"VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0, "XPF": 0, "YER": 2,
	"ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// ParseCurrency accepts an upper-case ISO 4217 code such as "EUR".
func ParseCurrency(s string) (Currency, error) {
	exp, ok := iso4217[s]
	if !ok {
		return Currency{}, &ParseError{Input: s, Msg: fmt.Sprintf("%q is not an ISO 4217 currency code (for example EUR, USD, JPY)", s)}
	}
	return Currency{code: [3]byte{s[0], s[1], s[2]}, exp: exp}, nil
}

// MustCurrency is ParseCurrency for constants in tests and seed data; it
// panics on a code that is not ISO 4217.
func MustCurrency(s string) Currency {
	c, err := ParseCurrency(s)
	if err != nil {
		panic(err)
	}
	return c
}

// Code is the three-letter ISO code, or "" for the zero Currency.
func (c Currency) Code() string {
	if c.IsZero() {
		return ""
	}
	return string(c.code[:])
}

// String is the ISO code.
func (c Currency) String() string { return c.Code() }

// IsZero reports whether c is "no currency".
func (c Currency) IsZero() bool { return c.code == [3]byte{} }

// Exponent is the number of decimals of the currency's minor unit: 2 for
// EUR, 0 for JPY, 3 for KWD.
func (c Currency) Exponent() int { return int(c.exp) }

// Currencies lists every accepted code, for select boxes.
func Currencies() []string {
	out := make([]string, 0, len(iso4217))
	for code := range iso4217 {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}
