package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
