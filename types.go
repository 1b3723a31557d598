package cryptopay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Amount is an exact integer amount in a currency's minor units (satoshi,
// wei, sun, ...). It has no size limit: Ethereum amounts in wei do not fit
// in an int64. The zero value is 0.
//
// An Amount decodes from a JSON number or a JSON string of digits and
// encodes as a JSON number. It never passes through float64. Parsing
// refuses more than maxDigits (78) digits, enough for any uint256, before
// any big-number work, so a hostile number cannot cost much CPU.
type Amount struct {
	small int64    // the value, when big is nil
	big   *big.Int // the value, when it does not fit in an int64
}

// NewAmount returns the Amount n minor units.
func NewAmount(n int64) Amount { return Amount{small: n} }

// AmountFromBig returns an Amount equal to n. A nil n is 0.
func AmountFromBig(n *big.Int) Amount {
	if n == nil {
		return Amount{}
	}
	if n.IsInt64() {
		return Amount{small: n.Int64()}
	}
	return Amount{big: new(big.Int).Set(n)}
}

// ParseAmount parses a base-10 integer such as "-10000" or
// "123456789012345678901234". Signs, fractions and exponents other than a
// leading minus are rejected, and so are more than maxDigits (78) digits.
func ParseAmount(s string) (Amount, error) { return parseAmount(s) }

// parseAmount is ParseAmount, also on bytes, which it copies only for an
// amount beyond int64.
func parseAmount[T string | []byte](s T) (Amount, error) {
	if !isInteger(s) {
		return Amount{}, fmt.Errorf("cryptopay: amount %.40q is not an integer", s)
	}
	if err := checkDigits(s, maxDigits); err != nil {
		return Amount{}, err
	}
	if n, err := strconv.ParseInt(string(s), 10, 64); err == nil {
		return Amount{small: n}, nil
	}
	n, _ := new(big.Int).SetString(string(s), 10)
	return Amount{big: n}, nil
}

// MustAmount is ParseAmount for constants in code: it panics on a bad string.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// Int64 returns the amount as an int64 and whether it fits.
func (a Amount) Int64() (int64, bool) {
	if a.big != nil {
		return 0, false
	}
	return a.small, true
}

// BigInt returns the amount as a new *big.Int the caller may modify.
func (a Amount) BigInt() *big.Int {
	if a.big != nil {
		return new(big.Int).Set(a.big)
	}
	return big.NewInt(a.small)
}

// Sign returns -1, 0 or +1 for a negative, zero or positive amount.
func (a Amount) Sign() int {
	if a.big != nil {
		return a.big.Sign()
	}
	switch {
	case a.small < 0:
		return -1
	case a.small > 0:
		return 1
	}
	return 0
}

// Cmp compares a and b: -1 if a < b, 0 if equal, +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	if a.big == nil && b.big == nil {
		switch {
		case a.small < b.small:
			return -1
		case a.small > b.small:
			return 1
		}
		return 0
	}
	return a.BigInt().Cmp(b.BigInt())
}

// Add returns a + b, exactly.
func (a Amount) Add(b Amount) Amount {
	return AmountFromBig(new(big.Int).Add(a.BigInt(), b.BigInt()))
}

// Sub returns a - b, exactly.
func (a Amount) Sub(b Amount) Amount {
	return AmountFromBig(new(big.Int).Sub(a.BigInt(), b.BigInt()))
}

// String returns the amount in base 10, e.g. "-10000".
func (a Amount) String() string {
	if a.big != nil {
		return a.big.String()
	}
	return strconv.FormatInt(a.small, 10)
}

// MarshalJSON encodes the amount as a JSON number.
func (a Amount) MarshalJSON() ([]byte, error) {
	if a.big != nil {
		return a.big.Append(nil, 10), nil
	}
	return strconv.AppendInt(nil, a.small, 10), nil
}

// UnmarshalJSON accepts a JSON integer or a string holding one; null leaves
// the amount unchanged.
func (a *Amount) UnmarshalJSON(data []byte) error {
	s, isNull, err := scalar(data)
	if err != nil || isNull {
		return err
	}
	v, err := parseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Decimal is an exact decimal number kept as its text, e.g. "0.01000000".
// AlphaPo sends amounts this way. A Decimal decodes from a JSON number or
// string and encodes as a JSON string, digit for digit as it was given.
// The zero value is "0". Parsing refuses, before any big-number work,
// more than maxDigits (78) digits before the point or maxDecimals (255)
// after it, so a hostile number cannot cost much CPU.
type Decimal struct {
	text string // a valid decimal; "" means 0
}

// ParseDecimal parses a plain decimal such as "12", "-0.5" or "0.01000000".
// Exponents, signs other than a leading minus, and empty parts are rejected,
// and so are more than maxDigits (78) digits before the point or
// maxDecimals (255) after it.
func ParseDecimal(s string) (Decimal, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !isInteger(intPart) || (hasDot && !isDigits(frac)) {
		return Decimal{}, fmt.Errorf("cryptopay: %.40q is not a decimal number", s)
	}
	if err := checkDigits(intPart, maxDigits); err != nil {
		return Decimal{}, err
	}
	if err := checkDigits(frac, maxDecimals); err != nil {
		return Decimal{}, err
	}
	return Decimal{text: s}, nil
}

// MustDecimal is ParseDecimal for constants in code: it panics on a bad string.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String returns the decimal exactly as it was given ("0" for the zero value).
func (d Decimal) String() string {
	if d.text == "" {
		return "0"
	}
	return d.text
}

// Rat returns the exact value as a *big.Rat.
func (d Decimal) Rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

// Sign returns -1, 0 or +1 for a negative, zero or positive value.
func (d Decimal) Sign() int { return d.Rat().Sign() }

// Cmp compares the values of d and e (so "1.50" equals "1.5").
func (d Decimal) Cmp(e Decimal) int { return d.Rat().Cmp(e.Rat()) }

// MarshalJSON encodes the decimal as a JSON string.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON accepts a JSON number or string; null leaves d unchanged. A
// number in exponent form (1e-08) is written out exactly (0.00000001).
func (d *Decimal) UnmarshalJSON(data []byte) error {
	s, isNull, err := unquoteScalar(data)
	if err != nil || isNull {
		return err
	}
	if data[0] != '"' && strings.ContainsAny(s, "eE") {
		if s, err = expandExponent(s); err != nil {
			return err
		}
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// maxExponent bounds the exponents expandExponent writes out.
const maxExponent = 100

// expandExponent rewrites a number such as "1.5e-3" as "0.0015", exactly.
// The mantissa is capped (see ParseDecimal) and the exponent bounded before
// anything is written out, so the result has a few hundred bytes at most.
func expandExponent(s string) (string, error) {
	mant, expText, _ := strings.Cut(strings.ToLower(s), "e")
	exp, err := strconv.Atoi(expText)
	if err != nil || exp > maxExponent || exp < -maxExponent {
		return "", fmt.Errorf("cryptopay: %.40q is not a decimal number", s)
	}
	if _, err := ParseDecimal(mant); err != nil {
		return "", err
	}
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp
	switch {
	case point <= 0:
		digits = "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		digits += strings.Repeat("0", point-len(digits))
	default:
		digits = digits[:point] + "." + digits[point:]
	}
	if trimmed := strings.TrimLeft(digits, "0"); trimmed == "" || trimmed[0] == '.' {
		digits = "0" + trimmed
	} else {
		digits = trimmed
	}
	return sign + digits, nil
}

// timeLayout is Apirone's timestamp form: ISO-8601 with microseconds and no
// zone, meaning UTC.
const timeLayout = "2006-01-02T15:04:05.000000"

// Time is an Apirone timestamp such as "2021-11-03T11:03:55.083199": no zone,
// read as UTC. It encodes back in the same form with six fractional digits.
// A timestamp that does carry a zone (RFC 3339) is accepted too.
type Time struct {
	time.Time
}

// MarshalJSON writes the time in UTC as "2006-01-02T15:04:05.000000"; the
// zero Time is null. A year outside 0 to 9999 (in UTC) is an error, as it
// has no four-digit form.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	u := t.UTC()
	if u.Year() < 0 || u.Year() > 9999 {
		return nil, fmt.Errorf("cryptopay: time %s: year outside 0 to 9999", u.Format(time.RFC3339))
	}
	return []byte(`"` + u.Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads a zone-less timestamp as UTC, or an RFC 3339 one with
// its zone; null and "" leave t unchanged (the zero Time, in a new value).
func (t *Time) UnmarshalJSON(data []byte) error {
	text, isNull, err := scalar(data)
	if err != nil || isNull || len(text) == 0 {
		return err
	}
	v, ok := parseUTCTime(text)
	if !ok {
		if v, err = parseTime(string(text)); err != nil {
			return err
		}
	}
	t.Time = v
	return nil
}

// utcLayout is the zone-less form of Apirone's timestamps, read as UTC.
const utcLayout = "2006-01-02T15:04:05.999999999"

// parseUTCTime reads text in utcLayout's usual shape, two-digit fields and 0
// to 9 fractional digits after a '.', as time.Parse does but without a copy
// of text. ok is false for any other text, which parseTime then reads.
func parseUTCTime(text []byte) (_ time.Time, ok bool) {
	n := len(text)
	if n < 19 || n == 20 || n > 29 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
		text[13] != ':' || text[16] != ':' || (n > 19 && text[19] != '.') {
		return time.Time{}, false
	}
	digits := func(from, to int) int { // -1: not all digits
		v := 0
		for _, c := range text[from:to] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := digits(0, 4), digits(5, 7), digits(8, 10)
	hour, minute, sec := digits(11, 13), digits(14, 16), digits(17, 19)
	nsec := 0
	if n > 19 {
		nsec = digits(20, n)
		for range 29 - n { // to nanoseconds
			nsec *= 10
		}
	}
	if min(year, month, day, hour, minute, sec, nsec) < 0 || month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	v := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return v, v.Day() == day // not so for a day the month does not have
}

func parseTime(s string) (time.Time, error) {
	if v, err := time.Parse(utcLayout, s); err == nil {
		return v, nil // no zone: time.Parse returns UTC
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("cryptopay: bad timestamp %.40q", s)
	}
	return v, nil
}

// lenientInt decodes an integer that providers send sometimes as a JSON
// number and sometimes as a string ("1"): confirmations and numeric ids.
// A result's int64 field decodes through it, in a struct local to the
// result's UnmarshalJSON.
type lenientInt int64

// UnmarshalJSON accepts a JSON integer or a string holding one, of at most
// maxDigits (78) digits, leading zeros included; null and "" leave the
// value unchanged.
func (n *lenientInt) UnmarshalJSON(data []byte) error {
	s, isNull, err := scalar(data)
	if err != nil || isNull || len(s) == 0 {
		return err
	}
	v, err := parseInt64(s, "an integer")
	if err != nil {
		return err
	}
	*n = lenientInt(v)
	return nil
}

// lenientString decodes text that providers send sometimes as a JSON
// string and sometimes as a number or null: tags (XRP, XLM, EOS, ...) come
// as all three; AlphaPo sends foreign_id and end_user_reference as numbers
// in some answers, and txid as a number in one documented example. A
// number keeps its JSON text ("164"); null is "".
type lenientString string

// UnmarshalJSON accepts a string, a number or null.
func (s *lenientString) UnmarshalJSON(data []byte) error {
	text, _, err := unquoteScalar(data)
	if err != nil {
		return err
	}
	*s = lenientString(text)
	return nil
}

// MarshalJSON encodes "" as null and any other text as a string, as AlphaPo
// writes a tag.
func (s lenientString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// lenientBool decodes a flag that may come as a JSON boolean or as its
// text ("true", "false", "1", "0"), so an unexpected form never makes a
// whole callback undecodable.
type lenientBool bool

// UnmarshalJSON accepts true, false, null, or a string or number holding
// one of true, false, 1 and 0; null and "" leave the value unchanged.
func (b *lenientBool) UnmarshalJSON(data []byte) error {
	text := string(bytes.TrimSpace(data))
	if text != "true" && text != "false" {
		var err error
		if text, _, err = unquoteScalar(data); err != nil {
			return err
		}
	}
	switch text {
	case "true", "1":
		*b = true
	case "false", "0":
		*b = false
	case "":
	default:
		return fmt.Errorf("cryptopay: want a boolean, got %.20s", data)
	}
	return nil
}

// UnixTime is a time sent as whole seconds since 1970-01-01 UTC, e.g.
// AlphaPo's ts_fixed and fixed_at. It decodes a JSON number or a string of
// digits; null and "" leave it unchanged (zero, in a new value). It encodes
// a number, or null when zero.
type UnixTime struct {
	time.Time
}

// MarshalJSON writes the seconds since the epoch, or null for the zero time.
func (t UnixTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(t.Unix(), 10)), nil
}

// UnmarshalJSON accepts an integer number of seconds, as a number or a
// string; null and "" leave t unchanged.
func (t *UnixTime) UnmarshalJSON(data []byte) error {
	s, isNull, err := scalar(data)
	if err != nil || isNull || len(s) == 0 {
		return err
	}
	n, err := parseInt64(s, "a Unix time")
	if err != nil {
		return err
	}
	t.Time = time.Unix(n, 0).UTC()
	return nil
}

// unquoteScalar returns the text of a JSON string or number. Objects, arrays
// and booleans are errors.
func unquoteScalar(data []byte) (s string, isNull bool, err error) {
	text, isNull, err := scalar(data)
	return string(text), isNull, err
}

// scalar is unquoteScalar without a copy where it can: a number's bytes,
// or the bytes between the quotes of a string with no escape and only
// printable ASCII (what providers send), are returned as they are. Other
// strings are unquoted by encoding/json.
func scalar(data []byte) (text []byte, isNull bool, err error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return nil, false, errors.New("cryptopay: empty JSON value")
	case string(data) == "null":
		return nil, true, nil
	case data[0] == '"':
		if inner, ok := plainString(data); ok {
			return inner, false, nil
		}
		var s string
		err = json.Unmarshal(data, &s)
		return []byte(s), false, err
	case data[0] == '-' || (data[0] >= '0' && data[0] <= '9'):
		return data, false, nil
	}
	return nil, false, fmt.Errorf("cryptopay: want a number or a string, got %.20s", data)
}

// plainString returns what is between the quotes of a JSON string that
// holds only printable ASCII and no escape or quote, which is its text as
// it is.
func plainString(data []byte) ([]byte, bool) {
	if len(data) < 2 || data[len(data)-1] != '"' {
		return nil, false
	}
	inner := data[1 : len(data)-1]
	for _, c := range inner {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return nil, false
		}
	}
	return inner, true
}

// maxDigits is the most digits an integer may have where the SDK parses
// one (Amount, a Decimal's integer part, lenientInt, UnixTime): 78, the length
// of 2^256-1, so every uint256 fits. A Decimal's fraction may have up to
// maxDecimals digits. Longer numbers are refused before any big-number
// work: big.Int parses in quadratic time, and a million-digit number in an
// answer or a callback would cost seconds.
const maxDigits = 78

// checkDigits refuses s, digits with an optional leading minus, when it
// has more than limit digits.
func checkDigits[T string | []byte](s T, limit int) error {
	digits := len(s)
	if digits > 0 && s[0] == '-' {
		digits--
	}
	if digits > limit {
		return fmt.Errorf("cryptopay: %.20q... is too long for a number (at most %d digits)", s, limit)
	}
	return nil
}

// parseInt64 parses a base-10 int64, refusing more than maxDigits digits;
// its error says s is not what (e.g. "an integer").
func parseInt64[T string | []byte](s T, what string) (int64, error) {
	if err := checkDigits(s, maxDigits); err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(s), 10, 64) // no copy: ParseInt keeps no reference
	if err != nil {
		return 0, fmt.Errorf("cryptopay: %q is not %s", s, what)
	}
	return n, nil
}

// isInteger reports whether s is an optional '-' followed by one or more digits.
func isInteger[T string | []byte](s T) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return isDigits(s)
}

func isDigits[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Arithmetic on Amount and Decimal, and exact conversions between them.
//
// Decimal arithmetic is exact decimal arithmetic: a result has as many
// fraction digits as the operand with the most ("0.10" + "0.2" is "0.30"),
// so a sum of AlphaPo amounts keeps their eight places. Results are written
// without exponent, leading zeros or "-0".

// maxDecimals is the most decimal places Amount.Decimal and Decimal.Units
// take. ERC-20 tokens declare theirs in a uint8, so 255 covers every coin.
const maxDecimals = 255

// Neg returns -a.
func (a Amount) Neg() Amount { return AmountFromBig(new(big.Int).Neg(a.BigInt())) }

// IsZero reports whether a is 0.
func (a Amount) IsZero() bool { return a.Sign() == 0 }

// Decimal returns the amount in whole coins, exactly, when a coin is
// 10^decimals minor units: NewAmount(12345).Decimal(8) is 0.00012345. The
// result has decimals fraction digits. decimals must be 0 to 255, as
// CurrencySpec.Decimals always is; Decimal panics otherwise, as
// strconv.FormatInt does for a bad base.
func (a Amount) Decimal(decimals int) Decimal {
	mustDecimals("Amount.Decimal", decimals)
	return Decimal{text: formatUnits(a, decimals)}
}

// mustDecimals panics, naming the function fn, when decimals is outside 0
// to maxDecimals: a count of decimal places that no currency has is a
// programming error, as a bad base is for strconv.FormatInt.
func mustDecimals(fn string, decimals int) {
	if decimals < 0 || decimals > maxDecimals {
		panic(fmt.Sprintf("cryptopay: %s: decimals %d outside 0 to %d", fn, decimals, maxDecimals))
	}
}

// Add returns d + e, exactly, with the fraction digits of the longer one.
func (d Decimal) Add(e Decimal) Decimal { return d.combine(e, (*big.Int).Add) }

// Sub returns d - e, exactly, with the fraction digits of the longer one.
func (d Decimal) Sub(e Decimal) Decimal { return d.combine(e, (*big.Int).Sub) }

// Neg returns -d with the same fraction digits.
func (d Decimal) Neg() Decimal {
	n, scale := d.unscaled()
	return decimalOf(n.Neg(n), scale)
}

// IsZero reports whether d is 0 ("0.00" is).
func (d Decimal) IsZero() bool { return d.Sign() == 0 }

// Units returns d in minor units, exactly, when a coin is 10^decimals of
// them: MustDecimal("0.5").Units(8) is 50000000. It is an error matching
// ErrInvalidParams, not a rounding, when d has non-zero digits beyond
// decimals places or decimals is outside 0 to 255.
func (d Decimal) Units(decimals int) (Amount, error) {
	if decimals < 0 || decimals > maxDecimals {
		return Amount{}, invalid("decimals", "%d is outside 0 to %d", decimals, maxDecimals)
	}
	n, scale := d.unscaled()
	if scale <= decimals {
		return AmountFromBig(n.Mul(n, pow10(decimals-scale))), nil
	}
	q, r := n.QuoRem(n, pow10(scale-decimals), new(big.Int))
	if r.Sign() != 0 {
		return Amount{}, invalid("amount", "%s has more than %d decimal places", d, decimals)
	}
	return AmountFromBig(q), nil
}

// combine returns op(d, e) computed on both values scaled to the same
// number of fraction digits.
func (d Decimal) combine(e Decimal, op func(z, x, y *big.Int) *big.Int) Decimal {
	x, xScale := d.unscaled()
	y, yScale := e.unscaled()
	scale := max(xScale, yScale)
	x.Mul(x, pow10(scale-xScale))
	y.Mul(y, pow10(scale-yScale))
	return decimalOf(op(x, x, y), scale)
}

// unscaled returns d as n / 10^scale, with scale its number of fraction
// digits: "-1.50" is -150 and 2.
func (d Decimal) unscaled() (n *big.Int, scale int) {
	intPart, frac, _ := strings.Cut(d.String(), ".")
	n, _ = new(big.Int).SetString(intPart+frac, 10)
	return n, len(frac)
}

// decimalOf returns the Decimal n / 10^scale written with scale fraction digits.
func decimalOf(n *big.Int, scale int) Decimal {
	return Decimal{text: formatUnits(AmountFromBig(n), scale)}
}

// pow10 returns 10^n for n >= 0.
func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// FormatUnits renders an amount of minor units in whole coins, exactly:
// FormatUnits(NewAmount(12345), 8) is "0.00012345". decimals is the
// currency's number of decimal places (CurrencySpec.Decimals): 0 to 255,
// as for Amount.Decimal, and like it FormatUnits panics outside that range.
func FormatUnits(a Amount, decimals int) string {
	mustDecimals("FormatUnits", decimals)
	return formatUnits(a, decimals)
}

// formatUnits is FormatUnits for a decimals already known to be in range.
func formatUnits(a Amount, decimals int) string {
	s := a.BigInt().String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseUnits converts an amount in whole coins to minor units, exactly:
// ParseUnits("0.5", 8) is 50000000. It is ParseDecimal followed by
// Decimal.Units: an amount with more decimal places than the currency has is
// an error, not a rounding. Every error matches ErrInvalidParams: coins that
// ParseDecimal refuses ("1e5", "+1", ".5", "") name the field "amount", a
// decimals outside 0 to 255 the field "decimals".
func ParseUnits(coins string, decimals int) (Amount, error) {
	d, err := ParseDecimal(coins)
	if err != nil {
		return Amount{}, invalid("amount", "%s", strings.TrimPrefix(err.Error(), "cryptopay: "))
	}
	return d.Units(decimals)
}
