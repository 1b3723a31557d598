package cryptopay

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestCurrencyDecimalsWithinAmountDecimalRange(t *testing.T) {
	d, ok := CurrencySpec{UnitsFactor: MustDecimal("0." + strings.Repeat("0", 254) + "1")}.Decimals()
	assert.True(t, ok)
	assert.Equal(t, 255, d)
	// More fraction digits than ParseDecimal accepts; Decimals refuses it all the same.
	_, ok = CurrencySpec{UnitsFactor: Decimal{text: "0." + strings.Repeat("0", 255) + "1"}}.Decimals()
	assert.False(t, ok, "Amount.Decimal would panic on 256")
}
