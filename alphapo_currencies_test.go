package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoBalancesAcceptNumbers(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/accounts/list", 200, `{"data":[{"currency":"BTC","type":"crypto","balance":0.04},{"currency":"ETH","type":"crypto","balance":1e-8}]}`)
	got, err := w.alphapo().Balances(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "0.04", got[0].Balance.String())
	assert.Equal(t, "0.00000001", got[1].Balance.String())
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
