package cryptopay

import (
	"encoding/json"
	"strings"

	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCurrencySpecDecimals: the units factors of currencies.json (see the
// Client.ServiceInfo row of apironeWire) give their decimals; others none.
func TestCurrencySpecDecimals(t *testing.T) {
	for factor, want := range map[string]int{"0.00000001": 8, "0.000000000000000001": 18, "0.000001": 6} {
		d, ok := CurrencySpec{UnitsFactor: MustDecimal(factor)}.Decimals()
		assert.True(t, ok, factor)
		assert.Equal(t, want, d, factor)
	}
	for _, factor := range []string{"0.5", "0.02"} {
		_, ok := CurrencySpec{UnitsFactor: MustDecimal(factor)}.Decimals()
		assert.False(t, ok, factor)
	}
}

func TestTickerFlatAnswerForSeveralCurrenciesIsAnError(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, ApironeBaseURL+"/v2/ticker", 200, `{"usd": 1}`)
	_, err := w.apirone().Ticker(context.Background(), []string{"btc", "ltc"})
	assert.ErrorContains(t, err, "flat rates")
}

func TestFormatAndParseUnits(t *testing.T) {
	for _, tc := range []struct {
		units    string
		decimals int
		coins    string
	}{
		{"12345", 8, "0.00012345"},
		{"100000000", 8, "1.00000000"},
		{"-250000000", 8, "-2.50000000"},
		{"0", 8, "0.00000000"},
		{"123456789012345678901234", 18, "123456.789012345678901234"},
		{"42", 0, "42"},
	} {
		a := MustAmount(tc.units)
		assert.Equal(t, tc.coins, FormatUnits(a, tc.decimals))
		back, err := ParseUnits(tc.coins, tc.decimals)
		require.NoError(t, err)
		assert.Equal(t, 0, back.Cmp(a), tc.coins)
	}
	a, err := ParseUnits("0.5", 8)
	require.NoError(t, err)
	assert.Equal(t, NewAmount(50000000), a)

	_, err = ParseUnits("0.000000001", 8)
	assert.ErrorContains(t, err, "more than 8 decimal places")
	_, err = ParseUnits("1e-8", 8)
	assert.Error(t, err)
}

func TestCurrencyDecimalsWithinAmountDecimalRange(t *testing.T) {
	d, ok := CurrencySpec{UnitsFactor: MustDecimal("0." + strings.Repeat("0", 254) + "1")}.Decimals()
	assert.True(t, ok)
	assert.Equal(t, 255, d)
	// More fraction digits than ParseDecimal accepts; Decimals refuses it all the same.
	_, ok = CurrencySpec{UnitsFactor: Decimal{text: "0." + strings.Repeat("0", 255) + "1"}}.Decimals()
	assert.False(t, ok, "Amount.Decimal would panic on 256")
}

// TestCryptoQuoteDecodesLeniently: an err that is not a string keeps its
// JSON text, so a quote with an error never passes for a price.
func TestCryptoQuoteDecodesLeniently(t *testing.T) {
	var q []CryptoQuote
	require.NoError(t, json.Unmarshal([]byte(`[{"currency":"btc","err":{"code":7}},{"currency":"ltc","min":"12","fee":null,"err":null}]`), &q))
	assert.Equal(t, []CryptoQuote{{Currency: "btc", Err: `{"code":7}`}, {Currency: "ltc", Min: NewAmount(12)}}, q)
	assert.Error(t, json.Unmarshal([]byte(`[{"min":"1.5"}]`), &q), "min is minor units")
}
