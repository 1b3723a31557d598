package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The service-info fixtures are built from the shapes in API-NOTES.md (the
// reference pages do not show them).

func TestServiceInfo(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodOptions, ApironeBaseURL+"/v2/accounts", 200, fixture(t, "apirone/currencies.json"))

	got, err := w.apirone().ServiceInfo(context.Background())
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "OPTIONS", req.Method)
	assert.Equal(t, "/api/v2/accounts", req.Path)
	assert.Equal(t, &ServiceInfo{Currencies: []CurrencySpec{
		{Name: "Bitcoin", Abbr: "btc", Units: "satoshi", UnitsFactor: MustDecimal("0.00000001"), DustRate: NewAmount(1000)},
		{Name: "Ethereum", Abbr: "eth", Units: "wei", UnitsFactor: MustDecimal("0.000000000000000001"), DustRate: MustAmount("100000000000000")},
		{Name: "Tether (Tron)", Abbr: "usdt@trx", Units: "sun", UnitsFactor: MustDecimal("0.000001"), DustRate: NewAmount(0)},
	}}, got)

	for i, want := range []int{8, 18, 6} {
		d, ok := got.Currencies[i].Decimals()
		assert.True(t, ok)
		assert.Equal(t, want, d)
	}
	_, ok := CurrencySpec{UnitsFactor: MustDecimal("0.5")}.Decimals()
	assert.False(t, ok)
	_, ok = CurrencySpec{UnitsFactor: MustDecimal("0.02")}.Decimals()
	assert.False(t, ok)
}

func TestNetworkFees(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, ApironeBaseURL+"/v2/networks/usdt@trx/fee", 200, fixture(t, "apirone/network_fee.json"))

	got, err := w.apirone().NetworkFees(context.Background(), "usdt@trx")
	require.NoError(t, err)
	assert.Equal(t, "/api/v2/networks/usdt@trx/fee", w.only().Path)
	assert.Equal(t, []NetworkFeeRate{
		{Strategy: FeeNormal, Rate: MustDecimal("1")},
		{Strategy: FeePriority, Rate: MustDecimal("2.5")},
	}, got)

	_, err = w.apirone().NetworkFees(context.Background(), "../btc")
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Equal(t, 1, w.count())
}

func TestTickerOneCurrency(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, ApironeBaseURL+"/v2/ticker", 200, `{"usd": 56716.86, "eur": 50000.1}`)

	got, err := w.apirone().Ticker(context.Background(), []string{"btc"}, "usd", "eur")
	require.NoError(t, err)
	assert.Equal(t, "currency=btc&fiat=usd%2Ceur", w.only().RawQuery)
	assert.Equal(t, Rates{"btc": {"usd": MustDecimal("56716.86"), "eur": MustDecimal("50000.1")}}, got)
}

func TestTickerSeveralCurrencies(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, ApironeBaseURL+"/v2/ticker", 200, `{"btc": {"usd": 56716.86}, "ltc": {"usd": "70.5"}}`)

	got, err := w.apirone().Ticker(context.Background(), nil, "usd")
	require.NoError(t, err)
	assert.Equal(t, "fiat=usd", w.only().RawQuery)
	assert.Equal(t, Rates{"btc": {"usd": MustDecimal("56716.86")}, "ltc": {"usd": MustDecimal("70.5")}}, got)
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
