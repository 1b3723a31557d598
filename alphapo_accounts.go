package cryptopay

import (
	"context"
	"net/http"
)

// AlphaPoBalance is what the merchant account holds in one currency.
type AlphaPoBalance struct {
	Currency string  `json:"currency"` // e.g. "BTC", "EUR"
	Type     string  `json:"type"`     // "crypto" or "fiat"
	Balance  Decimal `json:"balance"`  // in whole units, e.g. "0.04"
}

// Balances returns the account's balance in every currency, zero balances
// included. It sends and signs the body {}.
//
// POST /v2/accounts/list
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/api-reference
func (c *AlphaPoClient) Balances(ctx context.Context) ([]AlphaPoBalance, error) {
	return call[[]AlphaPoBalance](ctx, &c.backend, c.endpoint(http.MethodPost, "/v2/accounts/list"))
}
