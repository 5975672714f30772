// Package money owns exact decimal arithmetic for prices, quantities and
// amounts: no float64 anywhere.
//
//   - UnitPrice: four decimals, stored as int64 ten-thousandths.
//   - Quantity: three decimals, stored as int64 thousandths.
//   - Amount: an ISO 4217 Currency plus a count of its minor unit.
//   - LineTotal: price × quantity, computed exactly in 128 bits and rounded
//     once, half away from zero, to the minor unit; overflow is an error.
//
// Parsers are strict (no sign, exponent, NaN, separators or spaces) and say
// in a sentence fragment what was wrong. Amounts of different currencies are
// never added: Add returns an error.
//
// int64 scaled integers were chosen over a decimal library because every
// value here has a fixed scale, the hot path (pricing.Resolve) needs zero
// allocations, and math/bits gives exact 128-bit products for the overflow
// checks DESIGN.md demands.
//
// It imports only the standard library.
package money
