package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// Currencies and exchange pairs.

// AlphaPoCurrenciesParams filters the currency list.
type AlphaPoCurrenciesParams struct {
	// Visible, when set, asks for the currencies that are enabled (true)
	// or disabled (false) for the merchant; nil asks for all.
	Visible *bool `json:"visible,omitempty"`
}

// AlphaPoCurrency is a currency the processing supports, with its limits
// and fees.
type AlphaPoCurrency struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`     // "crypto" or "fiat"
	Currency string `json:"currency"` // e.g. "BTC"
	// MinimumAmount is the smallest amount accepted, in whole units.
	MinimumAmount        Decimal `json:"minimum_amount"`
	DepositFeePercent    Decimal `json:"deposit_fee_percent"`    // e.g. "0.99" for 0.99 %
	WithdrawalFeePercent Decimal `json:"withdrawal_fee_percent"` // e.g. "0" for none
	// Precision is the number of decimal places, e.g. 8 for BTC. The
	// current docs' example omits it (then 0).
	Precision int64 `json:"precision"`
}

// UnmarshalJSON decodes the currency, taking the id and precision as
// numbers or strings.
func (c *AlphaPoCurrency) UnmarshalJSON(b []byte) error {
	type fields AlphaPoCurrency // without this method
	var w struct {
		fields
		ID        lenientInt `json:"id"`
		Precision lenientInt `json:"precision"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = AlphaPoCurrency(w.fields) // replaced whole, and untouched on an error
	c.ID, c.Precision = int64(w.ID), int64(w.Precision)
	return nil
}

// Currencies returns the supported currencies. A nil p sends {}.
//
// POST /v2/currencies/list
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/api-reference
func (c *AlphaPoClient) Currencies(ctx context.Context, p *AlphaPoCurrenciesParams) ([]AlphaPoCurrency, error) {
	ep := c.endpoint(http.MethodPost, "/v2/currencies/list")
	ep.withBody(p.body())
	return call[[]AlphaPoCurrency](ctx, &c.backend, ep)
}

// AlphaPoPairsParams picks exchange pairs by the currency exchanged from
// and the currency received.
type AlphaPoPairsParams struct {
	CurrencyFrom string `json:"currency_from,omitempty"` // e.g. "BTC"
	CurrencyTo   string `json:"currency_to,omitempty"`   // e.g. "EUR"
}

// AlphaPoPair is an exchangeable pair with the provider's reference rates,
// exactly as sent. The provider's examples quote both directions of a
// crypto/fiat pair in fiat per coin (EUR→BTC with rate_to "8885.72951839"),
// so read the rates with that in mind rather than as a ratio of the two
// currencies; the sender and receiver amounts of CalculateExchange are the
// figures to rely on.
type AlphaPoPair struct {
	CurrencyFrom AlphaPoPairCurrency `json:"currency_from"`
	CurrencyTo   AlphaPoPairCurrency `json:"currency_to"`
	RateFrom     Decimal             `json:"rate_from"` // e.g. "1"
	RateTo       Decimal             `json:"rate_to"`   // e.g. "8795.80000000"
}

// AlphaPoPairCurrency is one side of an AlphaPoPair. The minimums are sent
// for the CurrencyFrom side only.
type AlphaPoPairCurrency struct {
	Currency string `json:"currency"`
	Type     string `json:"type"` // "crypto" or "fiat"
	// MinAmount is the smallest amount that can be exchanged.
	MinAmount Decimal `json:"min_amount"`
	// MinAmountDepositWithExchange is the smallest deposit converted on
	// arrival (addresses taken with ConvertTo); crypto only.
	MinAmountDepositWithExchange Decimal `json:"min_amount_deposit_with_exchange"`
}

// CurrencyPairs returns the pairs that can be exchanged, filtered by p; a
// nil p (or empty fields) lists them all.
//
// POST /v2/currencies/pairs
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/api-reference
func (c *AlphaPoClient) CurrencyPairs(ctx context.Context, p *AlphaPoPairsParams) ([]AlphaPoPair, error) {
	ep := c.endpoint(http.MethodPost, "/v2/currencies/pairs")
	ep.withBody(p.body())
	return call[[]AlphaPoPair](ctx, &c.backend, ep)
}

// CurrencyRates returns the reference rate of one pair; both currencies
// are required. The rate is an estimate, not a quote: use
// CalculateExchange for a price that ExchangeFixed will honour
// (docs.cryptoprocessing.com/api-reference/currencies/list-of-currency-rates).
//
// POST /v2/currencies/rates
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/api-reference
func (c *AlphaPoClient) CurrencyRates(ctx context.Context, p *AlphaPoPairsParams) ([]AlphaPoPair, error) {
	ep := c.endpoint(http.MethodPost, "/v2/currencies/rates")
	ep.withBody(p.rateBody())
	return call[[]AlphaPoPair](ctx, &c.backend, ep)
}

// body returns p as the body of CurrencyPairs; nil sends {}.
func (p *AlphaPoPairsParams) body() (any, error) { return optionalBody(p), nil }

// rateBody checks p and returns it as the body of CurrencyRates, which
// needs both currencies.
func (p *AlphaPoPairsParams) rateBody() (any, error) {
	if p == nil {
		return nil, invalid("currency_from", "is required")
	}
	return p, firstError(required("currency_from", p.CurrencyFrom), required("currency_to", p.CurrencyTo))
}

// body returns p as the body of Currencies; nil sends {}.
func (p *AlphaPoCurrenciesParams) body() (any, error) { return optionalBody(p), nil }
