package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustDec is MustDecimal, short for expected values.

func TestAlphaPoBalances(t *testing.T) {
	// Response example: coinspaid/docs api-documentation/api-reference.md, /v2/accounts/list.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/accounts/list", 200, fixture(t, "alphapo/accounts_list.json"))

	got, err := w.alphapo().Balances(context.Background())
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/accounts/list", `{}`)
	assert.Equal(t, []AlphaPoBalance{
		{Currency: "DOGE", Type: "crypto", Balance: dec("13234.91276375")},
		{Currency: "ADA", Type: "crypto", Balance: dec("7272.36400468")},
		{Currency: "EUR", Type: "fiat", Balance: dec("5973.97568920")},
		{Currency: "USDT", Type: "crypto", Balance: dec("0.00000000")},
	}, got)
}

func TestAlphaPoBalancesAcceptNumbers(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/accounts/list", 200, `{"data":[{"currency":"BTC","type":"crypto","balance":0.04},{"currency":"ETH","type":"crypto","balance":1e-8}]}`)
	got, err := w.alphapo().Balances(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "0.04", got[0].Balance.String())
	assert.Equal(t, "0.00000001", got[1].Balance.String())
}

func TestAlphaPoCurrencies(t *testing.T) {
	// Response example: coinspaid/docs api-documentation/api-reference.md, /v2/currencies/list.
	want := []AlphaPoCurrency{{
		ID: 1, Type: "crypto", Currency: "BTC", MinimumAmount: dec("0.001"),
		DepositFeePercent: dec("0.99"), WithdrawalFeePercent: dec("0"), Precision: 8,
	}}
	visible := true
	for body, p := range map[string]*AlphaPoCurrenciesParams{
		`{}`:                nil,
		`{"visible":true}`:  {Visible: &visible},
		`{"visible":false}`: {Visible: new(bool)},
	} {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/currencies/list", 200, fixture(t, "alphapo/currencies_list.json"))
		got, err := w.alphapo().Currencies(context.Background(), p)
		require.NoError(t, err)
		assertSigned(t, w.only(), "POST", "/v2/currencies/list", body)
		assert.Equal(t, want, got)
	}
}

func TestCurrencyPairs(t *testing.T) {
	// Response example: coinspaid/docs api-documentation/api-reference.md, /v2/currencies/pairs.
	cases := []struct {
		p    *AlphaPoPairsParams
		body string
	}{
		{nil, `{}`},
		{&AlphaPoPairsParams{}, `{}`},
		{&AlphaPoPairsParams{CurrencyFrom: "BTC"}, `{"currency_from":"BTC"}`},
		{&AlphaPoPairsParams{CurrencyTo: "EUR"}, `{"currency_to":"EUR"}`},
		{&AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"}, `{"currency_from":"BTC","currency_to":"EUR"}`},
	}
	for _, tc := range cases {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/currencies/pairs", 200, fixture(t, "alphapo/currencies_pairs.json"))
		got, err := w.alphapo().CurrencyPairs(context.Background(), tc.p)
		require.NoError(t, err)
		assertSigned(t, w.only(), "POST", "/v2/currencies/pairs", tc.body)
		require.Len(t, got, 4)
		assert.Equal(t, AlphaPoPair{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "BTC", Type: "crypto", MinAmount: dec("0.00300000"), MinAmountDepositWithExchange: dec("0.00010000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "EUR", Type: "fiat"},
			RateFrom:     dec("1"), RateTo: dec("8795.80000000"),
		}, got[0])
		assert.Equal(t, AlphaPoPair{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "USD", Type: "fiat", MinAmount: dec("30.00000000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "BCH", Type: "crypto"},
			RateFrom:     dec("1"), RateTo: dec("335.94361522"),
		}, got[3])
	}
}

func TestCurrencyRates(t *testing.T) {
	// Response example: docs.cryptoprocessing.com/api-reference/currencies/list-of-currency-rates
	// (its "description" fields are ignored).
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/currencies/rates", 200, fixture(t, "alphapo/currencies_rates.json"))
	got, err := w.alphapo().CurrencyRates(context.Background(), &AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
	require.NoError(t, err)
	assertSigned(t, w.only(), "POST", "/v2/currencies/rates", `{"currency_from":"BTC","currency_to":"EUR"}`)
	assert.Equal(t, []AlphaPoPair{{
		CurrencyFrom: AlphaPoPairCurrency{Currency: "BTC", Type: "crypto", MinAmount: dec("0.00010000"), MinAmountDepositWithExchange: dec("0.00010000")},
		CurrencyTo:   AlphaPoPairCurrency{Currency: "EUR", Type: "fiat"},
		RateFrom:     dec("1"), RateTo: dec("20693.84879354"),
	}}, got)
}

func TestCurrencyRatesNeedsBothCurrencies(t *testing.T) {
	cases := []struct {
		p     *AlphaPoPairsParams
		field string
	}{
		{nil, "currency_from"},
		{&AlphaPoPairsParams{CurrencyTo: "EUR"}, "currency_from"},
		{&AlphaPoPairsParams{CurrencyFrom: "BTC"}, "currency_to"},
	}
	for _, tc := range cases {
		w := newWire(t)
		_, err := w.alphapo().CurrencyRates(context.Background(), tc.p)
		rejected(t, w, err, tc.field)
	}
}

func TestCurrencyListErrors(t *testing.T) {
	// 400 example: coinspaid/docs api-documentation/api-reference.md, /v2/currencies/pairs.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/currencies/pairs", 400,
		`{"errors":{"currency_from":"The selected currency from is invalid.","currency_to":"The selected currency to is invalid."}}`)
	_, err := w.alphapo().CurrencyPairs(context.Background(), &AlphaPoPairsParams{CurrencyFrom: "XXX", CurrencyTo: "YYY"})
	assert.ErrorIs(t, err, ErrBadRequest)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, map[string]string{
		"currency_from": "The selected currency from is invalid.",
		"currency_to":   "The selected currency to is invalid.",
	}, apiErr.Fields)
}
