package cryptopay

import (
	"math"

	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAmountHugeExact(t *testing.T) {
	const wei = "123456789012345678901234"
	for _, in := range []string{wei, `"` + wei + `"`} {
		var a Amount
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		assert.Equal(t, wei, a.String())
		_, fits := a.Int64()
		assert.False(t, fits)
		want, _ := new(big.Int).SetString(wei, 10)
		assert.Equal(t, 0, a.BigInt().Cmp(want))
		out, err := json.Marshal(a)
		require.NoError(t, err)
		assert.Equal(t, wei, string(out))
	}
}

func TestAmountSmall(t *testing.T) {
	var a Amount
	require.NoError(t, json.Unmarshal([]byte(`-10000`), &a))
	n, ok := a.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(-10000), n)
	assert.Equal(t, -1, a.Sign())
	assert.Equal(t, NewAmount(-10000), a)
	assert.Equal(t, NewAmount(0), AmountFromBig(big.NewInt(0)))
	assert.Equal(t, "9223372036854775808", NewAmount(9223372036854775807).Add(NewAmount(1)).String())
	assert.Equal(t, NewAmount(5), MustAmount("9223372036854775812").Sub(MustAmount("9223372036854775807")))
	assert.Equal(t, 1, MustAmount("99999999999999999999").Cmp(NewAmount(3)))
	assert.Equal(t, 0, NewAmount(3).Cmp(NewAmount(3)))
}

func TestAmountRejects(t *testing.T) {
	for _, in := range []string{`1.5`, `1e3`, `"abc"`, `""`, `"+5"`, `true`, `{}`, `[]`, `"1 000"`} {
		var a Amount
		assert.Error(t, json.Unmarshal([]byte(in), &a), in)
	}
	var a Amount
	require.NoError(t, json.Unmarshal([]byte(`null`), &a))
	assert.Equal(t, "0", a.String())
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{
		`"0.01000000"`: "0.01000000",
		`0.01000000`:   "0.01000000",
		`"12"`:         "12",
		`-0.5`:         "-0.5",
	} {
		var d Decimal
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, d.String())
		out, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, `"`+want+`"`, string(out))
	}
	for _, in := range []string{`"1."`, `".5"`, `"1e5"`, `"abc"`, `true`, `"1,5"`} {
		var d Decimal
		assert.Error(t, json.Unmarshal([]byte(in), &d), in)
	}
	assert.Equal(t, 0, MustDecimal("1.50").Cmp(MustDecimal("1.5")))
	assert.Equal(t, "0", Decimal{}.String())
	assert.Equal(t, 1, MustDecimal("0.00000001").Sign())
}

func TestTimeRoundTrip(t *testing.T) {
	const in = `"2021-11-03T11:03:55.083199"`
	var tm Time
	require.NoError(t, json.Unmarshal([]byte(in), &tm))
	assert.Equal(t, time.Date(2021, 11, 3, 11, 3, 55, 83199000, time.UTC), tm.Time)
	assert.Equal(t, time.UTC, tm.Location())
	out, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.Equal(t, in, string(out))

	require.NoError(t, json.Unmarshal([]byte(`"2022-10-13T00:00:01"`), &tm))
	assert.Equal(t, time.Date(2022, 10, 13, 0, 0, 1, 0, time.UTC), tm.Time)
	for _, s := range []string{"2021-11-03T11:03:55.083199", "2022-10-13T00:00:01"} {
		_, ok := parseUTCTime([]byte(s))
		assert.True(t, ok, "Apirone's form %s is read without time.Parse", s)
	}

	require.NoError(t, json.Unmarshal([]byte(`"2022-10-15T00:00:01+04:00"`), &tm))
	assert.Equal(t, time.Date(2022, 10, 14, 20, 0, 1, 0, time.UTC), tm.UTC())

	var zero Time
	require.NoError(t, json.Unmarshal([]byte(`null`), &zero))
	assert.True(t, zero.IsZero())
	out, _ = json.Marshal(zero)
	assert.Equal(t, "null", string(out))
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &zero))

	// 9999-12-31T23:00:00-05:00 is in the year 10000 in UTC: no form to write.
	require.NoError(t, json.Unmarshal([]byte(`"9999-12-31T23:00:00-05:00"`), &tm))
	_, err = json.Marshal(tm)
	assert.ErrorContains(t, err, "year outside 0 to 9999")
}

func TestLenientIDAndTag(t *testing.T) {
	var a TakenAddress
	require.NoError(t, json.Unmarshal([]byte(`{"id":"12","tag":12}`), &a))
	assert.Equal(t, int64(12), a.ID)
	assert.Equal(t, "12", a.Tag)
	require.NoError(t, json.Unmarshal([]byte(`{"id":3,"tag":null}`), &a))
	assert.Equal(t, int64(3), a.ID)
	assert.Equal(t, "", a.Tag)
	assert.Error(t, json.Unmarshal([]byte(`{"id":"x"}`), &a))
	out, _ := json.Marshal(a)
	assert.Equal(t, `{"id":3,"currency":"","address":"","foreign_id":"","end_user_reference":"","tag":null}`, string(out),
		"an empty tag is written null and an empty convert_to left out, as AlphaPo writes them")

	// The public fields are plain Go types: merchants compare and pass them as such.
	var minConfirmations int64 = 2
	entry := AlphaPoTxEntry{Confirmations: 1}
	assert.True(t, entry.Confirmations < minConfirmations)
	_ = AlphaPoTransactionInfoParams{ID: a.ID}
}

func FuzzAmount(f *testing.F) {
	for _, s := range []string{`0`, `-1`, `"123456789012345678901234"`, `1.5`, `null`, `"-"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Amount
		if json.Unmarshal(data, &a) != nil {
			return
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var b Amount
		if err := json.Unmarshal(out, &b); err != nil || b.Cmp(a) != 0 {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, b, err)
		}
	})
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{`"0.01000000"`, `12`, `-0.5`, `"1e5"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Decimal
		if json.Unmarshal(data, &d) != nil {
			return
		}
		out, _ := json.Marshal(d)
		var e Decimal
		if err := json.Unmarshal(out, &e); err != nil || e.String() != d.String() {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, e, err)
		}
	})
}

func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2021-11-03T11:03:55.083199"`, `"2022-10-15T00:00:01+04:00"`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tm Time
		if json.Unmarshal(data, &tm) != nil {
			return
		}
		out, err := json.Marshal(tm)
		if y := tm.UTC().Year(); y < 0 || y > 9999 {
			if err == nil {
				t.Fatalf("%s: year %d encoded as %s", data, y, out)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var back Time
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(tm.Truncate(time.Microsecond)) {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
	})
}

func TestDecimalExponentNumbers(t *testing.T) {
	for in, want := range map[string]string{
		`1e-08`:   "0.00000001",
		`1E-8`:    "0.00000001",
		`1.5e-3`:  "0.0015",
		`-2.5e2`:  "-250",
		`12.34e1`: "123.4",
		`0e0`:     "0",
		`1e0`:     "1",
	} {
		var d Decimal
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, d.String(), in)
	}
	var d Decimal
	assert.Error(t, json.Unmarshal([]byte(`"1e-8"`), &d), "strings stay plain decimals")
	assert.Error(t, json.Unmarshal([]byte(`1e999`), &d), "exponent out of range")
}

func TestLenientString(t *testing.T) {
	for in, want := range map[string]string{
		`"withdrawal:823188"`:     "withdrawal:823188",
		`164`:                     "164",
		`7.854431205445763e+76`:   "7.854431205445763e+76", // a txid in a documented example
		`null`:                    "",
		`"3950ad8149421a850d01d"`: "3950ad8149421a850d01d",
	} {
		var s string
		require.NoError(t, json.Unmarshal([]byte(in), (*lenientString)(&s)), in)
		assert.Equal(t, want, s, in)
	}
	var s string
	assert.Error(t, json.Unmarshal([]byte(`{"a":1}`), (*lenientString)(&s)))
	assert.Error(t, json.Unmarshal([]byte(`true`), (*lenientString)(&s)))
}

func TestUnixTime(t *testing.T) {
	want := time.Date(2019, 7, 28, 5, 52, 39, 0, time.UTC)
	for _, in := range []string{`1564293159`, `"1564293159"`} {
		var u UnixTime
		require.NoError(t, json.Unmarshal([]byte(in), &u), in)
		assert.True(t, u.Equal(want), in)
		assert.Equal(t, time.UTC, u.Location())
	}
	var u UnixTime
	require.NoError(t, json.Unmarshal([]byte(`null`), &u))
	require.NoError(t, json.Unmarshal([]byte(`""`), &u))
	assert.True(t, u.IsZero())
	assert.Error(t, json.Unmarshal([]byte(`1564293159.5`), &u))
	assert.Error(t, json.Unmarshal([]byte(`"soon"`), &u))

	out, _ := json.Marshal(UnixTime{want})
	assert.Equal(t, `1564293159`, string(out))
	out, _ = json.Marshal(UnixTime{})
	assert.Equal(t, `null`, string(out))
}

func FuzzUnixTime(f *testing.F) {
	for _, s := range []string{`1564293159`, `"1564293159"`, `null`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u UnixTime
		if json.Unmarshal(data, &u) != nil {
			return
		}
		out, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var back UnixTime
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(u.Time) {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
	})
}

// uint256Max is 2^256-1, the largest amount an EVM token can hold: 78 digits.
const uint256Max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

func TestDigitCaps(t *testing.T) {
	digits := func(n int) string { return strings.Repeat("9", n) }
	decoders := map[string]func() json.Unmarshaler{
		"Amount":            func() json.Unmarshaler { return new(Amount) },
		"Decimal":           func() json.Unmarshaler { return new(Decimal) },
		"lenientInt":        func() json.Unmarshaler { return new(lenientInt) },
		"UnixTime":          func() json.Unmarshaler { return new(UnixTime) },
		"DestinationAmount": func() json.Unmarshaler { return new(DestinationAmount) },
	}
	tests := []struct {
		decoder string
		in      string
		ok      bool
	}{
		{"Amount", uint256Max, true},
		{"Amount", `"-` + uint256Max + `"`, true},
		{"Amount", "1" + uint256Max, false},
		{"Amount", `"` + digits(1_500_000) + `"`, false},
		{"Decimal", uint256Max, true},
		{"Decimal", "-" + uint256Max + "." + digits(255), true},
		{"Decimal", digits(79), false},
		{"Decimal", "0." + digits(256), false},
		{"Decimal", `"` + digits(1_500_000) + `"`, false},
		{"Decimal", "0." + digits(255) + "e1", true},
		{"Decimal", "0." + digits(256) + "e1", false},
		{"Decimal", "1e-100", true},
		{"Decimal", digits(78) + "e1", false},
		{"Decimal", "1e1000000000", false},
		{"lenientInt", `"` + strings.Repeat("0", 77) + `1"`, true},
		{"lenientInt", `"` + strings.Repeat("0", 78) + `1"`, false},
		{"UnixTime", strings.Repeat("0", 77) + "1", true},
		{"UnixTime", strings.Repeat("0", 78) + "1", false},
		{"DestinationAmount", uint256Max, true},
		{"DestinationAmount", "1" + uint256Max, false},
		{"DestinationAmount", `"1.` + digits(255) + `%"`, true},
		{"DestinationAmount", `"1.` + digits(256) + `%"`, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %.30s (%d bytes)", tt.decoder, tt.in, len(tt.in))
		err := decoders[tt.decoder]().UnmarshalJSON([]byte(tt.in))
		if !tt.ok {
			if assert.Error(t, err, name) {
				assert.Less(t, len(err.Error()), 200, "%s: the error does not quote the whole number", name)
			}
			continue
		}
		assert.NoError(t, err, name)
	}

	var a Amount
	require.NoError(t, json.Unmarshal([]byte(uint256Max), &a))
	out, err := json.Marshal(a)
	require.NoError(t, err)
	assert.Equal(t, uint256Max, string(out), "uint256 max round-trips")

	for _, decimals := range []int{0, maxDecimals} { // every Decimal an Amount converts to decodes again
		d := a.Decimal(decimals)
		out, err := json.Marshal(d)
		require.NoError(t, err)
		var back Decimal
		require.NoError(t, json.Unmarshal(out, &back), "%d decimals", decimals)
		assert.Equal(t, d, back)
	}
}

func TestAmountCmp(t *testing.T) {
	huge := MustAmount("100000000000000000000") // 10^20, beyond int64
	negHuge := MustAmount("-100000000000000000000")
	tests := []struct {
		a, b Amount
		want int
	}{
		{NewAmount(5), huge, -1},
		{huge, NewAmount(5), 1},
		{NewAmount(-5), negHuge, 1},
		{negHuge, NewAmount(-5), -1},
		{NewAmount(5), negHuge, 1},
		{negHuge, NewAmount(5), -1},
		{NewAmount(-5), huge, -1},
		{huge, NewAmount(-5), 1},
		{NewAmount(5), NewAmount(10), -1},
		{NewAmount(10), NewAmount(5), 1},
		{NewAmount(-10), NewAmount(5), -1},
		{NewAmount(5), NewAmount(5), 0},
		{huge, MustAmount("100000000000000000000"), 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.a.Cmp(tt.b), "%s vs %s", tt.a, tt.b)
	}
}

// TestNullAndEmpty pins what null and "" decode to, as the doc comments say:
// a new value stays zero, a set one unchanged, except where "" is an error.
func TestNullAndEmpty(t *testing.T) {
	when := time.Date(2021, 11, 3, 11, 3, 55, 0, time.UTC)
	tests := []struct {
		name string
		v    json.Unmarshaler
		in   string
		want any // the value after decoding; nil: an error
	}{
		{"Amount null", ptr(NewAmount(7)), `null`, NewAmount(7)},
		{"Amount empty", ptr(NewAmount(7)), `""`, nil},
		{"Decimal null", ptr(MustDecimal("1.5")), `null`, MustDecimal("1.5")},
		{"Decimal null, new", new(Decimal), `null`, Decimal{}},
		{"Decimal empty", new(Decimal), `""`, nil},
		{"Time null", &Time{when}, `null`, Time{when}},
		{"Time empty", &Time{when}, `""`, Time{when}},
		{"Time empty, new", new(Time), `""`, Time{}},
		{"lenientInt null", ptr(lenientInt(7)), `null`, lenientInt(7)},
		{"lenientInt empty", ptr(lenientInt(7)), `""`, lenientInt(7)},
		{"lenientInt empty, new", new(lenientInt), `""`, lenientInt(0)},
		{"UnixTime empty", &UnixTime{when}, `""`, UnixTime{when}},
		{"UnixTime empty, new", new(UnixTime), `""`, UnixTime{}},
		{"DestinationAmount empty", new(DestinationAmount), `""`, nil},
	}
	for _, tt := range tests {
		err := tt.v.UnmarshalJSON([]byte(tt.in))
		if tt.want == nil {
			assert.Error(t, err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, reflect.ValueOf(tt.v).Elem().Interface(), tt.name)
	}
}

func ptr[T any](v T) *T { return &v }

// TestParseUnitsMisuseIsInvalidParams: every way ParseUnits can be misused
// matches ErrInvalidParams, as its doc and the CHANGELOG promise (text that
// is no plain decimal used to give a bare error).
func TestParseUnitsMisuseIsInvalidParams(t *testing.T) {
	for _, tc := range []struct {
		coins    string
		decimals int
		field    string
	}{
		{"abc", 8, "amount"},
		{"1e5", 8, "amount"},
		{"+1", 8, "amount"},
		{"", 8, "amount"},
		{".5", 8, "amount"},
		{"1.", 8, "amount"},
		{"0x10", 8, "amount"},
		{" 1", 8, "amount"},
		{strings.Repeat("9", 79), 0, "amount"},
		{"0." + strings.Repeat("1", 256), 255, "amount"},
		{"0.000000001", 8, "amount"},
		{"1", -1, "decimals"},
		{"1", 256, "decimals"},
	} {
		a, err := ParseUnits(tc.coins, tc.decimals)
		require.ErrorIs(t, err, ErrInvalidParams, "%.20q, %d", tc.coins, tc.decimals)
		var pe *ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, tc.field, pe.Field, err.Error())
		assert.True(t, a.IsZero())
	}
}

// TestFormatUnitsDecimalsRange: FormatUnits takes the decimals
// Amount.Decimal takes and, like it, panics outside 0 to 255 (a negative
// count used to be read as 0, and 1<<24 allocated megabytes of zeros).
func TestFormatUnitsDecimalsRange(t *testing.T) {
	assert.Equal(t, "12345", FormatUnits(NewAmount(12345), 0))
	assert.Equal(t, "0."+strings.Repeat("0", 254)+"1", FormatUnits(NewAmount(1), 255))
	for _, decimals := range []int{-2, -1, 256, 1 << 24} {
		assert.PanicsWithValue(t, fmt.Sprintf("cryptopay: FormatUnits: decimals %d outside 0 to 255", decimals),
			func() { FormatUnits(NewAmount(12345), decimals) })
	}
}

const wei = "123456789012345678901234" // beyond int64

func TestDecimalAddSub(t *testing.T) {
	for _, tc := range []struct {
		d, e      Decimal
		sum, diff string
	}{
		{MustDecimal("0.1"), MustDecimal("0.2"), "0.3", "-0.1"}, // a float64 sum would be 0.30000000000000004
		{MustDecimal("0.10"), MustDecimal("0.2"), "0.30", "-0.10"},
		{MustDecimal("0.00020000"), MustDecimal("0.00010000"), "0.00030000", "0.00010000"},
		{MustDecimal("1.50"), MustDecimal("1.5"), "3.00", "0.00"},
		{MustDecimal("-1.5"), MustDecimal("0.25"), "-1.25", "-1.75"},
		{MustDecimal("-0.00001"), MustDecimal("-0.00001"), "-0.00002", "0.00000"},
		{MustDecimal("007.5"), MustDecimal("0"), "7.5", "7.5"},
		{Decimal{}, MustDecimal("1.5"), "1.5", "-1.5"},
		{MustDecimal("-2"), Decimal{}, "-2", "-2"},
		{Decimal{}, Decimal{}, "0", "0"},
		{MustDecimal(wei), MustDecimal("1"), "123456789012345678901235", "123456789012345678901233"},
		{MustDecimal("123456.789012345678901234"), MustDecimal("0.000000000000000001"),
			"123456.789012345678901235", "123456.789012345678901233"},
		{MustDecimal("-" + wei), MustDecimal(wei + ".5"), "0.5", "-246913578024691357802468.5"},
	} {
		name := tc.d.String() + " and " + tc.e.String()
		assert.Equal(t, tc.sum, tc.d.Add(tc.e).String(), name)
		assert.Equal(t, tc.sum, tc.e.Add(tc.d).String(), name)
		assert.Equal(t, tc.diff, tc.d.Sub(tc.e).String(), name)
		assert.Equal(t, tc.diff, tc.d.Add(tc.e.Neg()).String(), name)
	}
}

func TestDecimalNegIsZero(t *testing.T) {
	for _, tc := range []struct {
		d      Decimal
		neg    string
		isZero bool
	}{
		{MustDecimal("1.50"), "-1.50", false},
		{MustDecimal("-2"), "2", false},
		{MustDecimal("0.00000001"), "-0.00000001", false},
		{MustDecimal(wei), "-" + wei, false},
		{Decimal{}, "0", true},
		{MustDecimal("0"), "0", true},
		{MustDecimal("0.00"), "0.00", true},
		{MustDecimal("-0.00"), "0.00", true},
	} {
		assert.Equal(t, tc.neg, tc.d.Neg().String(), tc.d.String())
		assert.Equal(t, tc.isZero, tc.d.IsZero(), tc.d.String())
		assert.Equal(t, tc.isZero, tc.d.Neg().IsZero(), tc.d.String())
	}
}

func TestDecimalResultEncodesAsString(t *testing.T) {
	b, err := json.Marshal(MustDecimal("0.10").Add(MustDecimal("0.2")))
	require.NoError(t, err)
	assert.Equal(t, `"0.30"`, string(b))
}

func TestAmountNegIsZero(t *testing.T) {
	for _, tc := range []struct {
		a      Amount
		neg    string
		isZero bool
	}{
		{NewAmount(5), "-5", false},
		{NewAmount(-5), "5", false},
		{NewAmount(math.MinInt64), "9223372036854775808", false},
		{MustAmount(wei), "-" + wei, false},
		{MustAmount("-9223372036854775808").Sub(NewAmount(1)), "9223372036854775809", false},
		{Amount{}, "0", true},
		{NewAmount(0), "0", true},
		{MustAmount(wei).Sub(MustAmount(wei)), "0", true},
	} {
		assert.Equal(t, tc.neg, tc.a.Neg().String(), tc.a.String())
		assert.Equal(t, 0, tc.a.Neg().Neg().Cmp(tc.a), tc.a.String())
		assert.Equal(t, tc.isZero, tc.a.IsZero(), tc.a.String())
	}
	huge := MustAmount(wei)
	huge.Neg()
	assert.Equal(t, wei, huge.String(), "Neg leaves its operand alone")
}

func TestAmountDecimal(t *testing.T) {
	for _, tc := range []struct {
		units    Amount
		decimals int
		coins    string
	}{
		{NewAmount(12345), 8, "0.00012345"},
		{NewAmount(150000), 8, "0.00150000"},
		{NewAmount(-250000000), 8, "-2.50000000"},
		{NewAmount(0), 8, "0.00000000"},
		{Amount{}, 0, "0"},
		{NewAmount(42), 0, "42"},
		{NewAmount(42), 2, "0.42"},
		{NewAmount(-1), 18, "-0.000000000000000001"},
		{MustAmount(wei), 18, "123456.789012345678901234"},
		{MustAmount("-" + wei), 2, "-1234567890123456789012.34"},
		{NewAmount(1), 255, "0." + strings.Repeat("0", 254) + "1"},
	} {
		d := tc.units.Decimal(tc.decimals)
		assert.Equal(t, tc.coins, d.String())
		back, err := d.Units(tc.decimals)
		require.NoError(t, err, tc.coins)
		assert.Equal(t, 0, back.Cmp(tc.units), tc.coins)
	}
	for _, decimals := range []int{-1, 256, math.MaxInt} {
		assert.Panics(t, func() { NewAmount(1).Decimal(decimals) }, "decimals %d", decimals)
	}
}

func TestAmountDecimalRoundTrip(t *testing.T) {
	amounts := []Amount{
		{}, NewAmount(1), NewAmount(-1), NewAmount(12345), NewAmount(math.MaxInt64),
		NewAmount(math.MinInt64), MustAmount(wei), MustAmount("-" + wei),
	}
	for _, decimals := range []int{0, 2, 8, 18} {
		for _, a := range amounts {
			d := a.Decimal(decimals)
			back, err := d.Units(decimals)
			require.NoError(t, err)
			assert.Equal(t, a.String(), back.String(), "%s at %d decimals", d, decimals)
			assert.Equal(t, d.String(), back.Decimal(decimals).String())
			assert.Equal(t, a.Sign(), d.Sign())
		}
	}
}

func TestDecimalUnits(t *testing.T) {
	for _, tc := range []struct {
		d        Decimal
		decimals int
		units    string
	}{
		{MustDecimal("0.5"), 8, "50000000"},
		{MustDecimal("0.50000000000"), 8, "50000000"}, // zeros past the last place are fine
		{MustDecimal("-0.00000001"), 8, "-1"},
		{MustDecimal("1"), 0, "1"},
		{MustDecimal("1.000"), 0, "1"},
		{MustDecimal("0.42"), 2, "42"},
		{Decimal{}, 8, "0"},
		{MustDecimal("-0.000"), 18, "0"},
		{MustDecimal("123456.789012345678901234"), 18, wei},
		{MustDecimal(wei), 0, wei},
		{MustDecimal("92233720368.54775808"), 8, "9223372036854775808"},
	} {
		a, err := tc.d.Units(tc.decimals)
		require.NoError(t, err, tc.d.String())
		assert.Equal(t, tc.units, a.String(), tc.d.String())
	}
	for _, tc := range []struct {
		d        Decimal
		decimals int
		problem  string
	}{
		{MustDecimal("0.000000001"), 8, "amount: 0.000000001 has more than 8 decimal places"},
		{MustDecimal("-0.000000001"), 8, "more than 8 decimal places"},
		{MustDecimal("1.5"), 0, "more than 0 decimal places"},
		{MustDecimal("123456.7890123456789012345"), 18, "more than 18 decimal places"},
		{MustDecimal("1"), -1, "decimals: -1 is outside 0 to 255"},
		{MustDecimal("1"), 256, "decimals: 256 is outside 0 to 255"},
		{MustDecimal("1"), math.MaxInt, "is outside 0 to 255"},
	} {
		a, err := tc.d.Units(tc.decimals)
		assert.ErrorIs(t, err, ErrInvalidParams, tc.d.String())
		assert.ErrorContains(t, err, tc.problem)
		assert.True(t, a.IsZero())
	}
}

func TestParseUnitsChecksLikeUnits(t *testing.T) {
	_, err := ParseUnits("0.000000001", 8)
	assert.ErrorIs(t, err, ErrInvalidParams)
	_, err = ParseUnits("5", -2) // used to be read as 0 decimals: 5 units
	assert.ErrorIs(t, err, ErrInvalidParams)
}

// FuzzLenientInt checks that an integer lenientInt accepts encodes as a
// JSON number that decodes to the same value.
func FuzzLenientInt(f *testing.F) {
	for _, s := range []string{`12`, `"12"`, `-9223372036854775808`, `""`, `null`, `1.5`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v int64
		if json.Unmarshal(data, (*lenientInt)(&v)) != nil {
			return
		}
		out, _ := json.Marshal(v)
		var back int64
		if err := json.Unmarshal(out, (*lenientInt)(&back)); err != nil || back != v {
			t.Fatalf("%s -> %s -> %d (%v)", data, out, back, err)
		}
	})
}

// FuzzLenientString checks that text lenientString accepts (a tag, an id
// sent as a number) encodes, as a tag is sent, to JSON that decodes to the
// same text.
func FuzzLenientString(f *testing.F) {
	for _, s := range []string{`"12345"`, `12345`, `null`, `"memo text"`, `1e3`, `true`, `""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s string
		if json.Unmarshal(data, (*lenientString)(&s)) != nil {
			return
		}
		out, _ := json.Marshal(lenientString(s))
		var back string
		if err := json.Unmarshal(out, (*lenientString)(&back)); err != nil || back != s {
			t.Fatalf("%s -> %s -> %q (%v)", data, out, back, err)
		}
	})
}

// FuzzParseUTCTime: whatever parseUTCTime reads, time.Parse reads the same
// way, to the nanosecond and in UTC.
func FuzzParseUTCTime(f *testing.F) {
	for _, s := range []string{"2021-11-03T11:03:55.083199", "2022-10-13T00:00:01", "2024-02-29T23:59:59.999999999",
		"2023-02-29T00:00:00", "2021-11-03T24:00:00", "2021-11-03T1:03:55", "2021-11-03T11:03:55.", "0000-01-01T00:00:00.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTCTime([]byte(s))
		if !ok {
			return
		}
		want, err := time.Parse(utcLayout, s)
		if err != nil || !got.Equal(want) || got != want {
			t.Fatalf("%q: parseUTCTime gives %v, time.Parse %v (%v)", s, got, want, err)
		}
	})
}
