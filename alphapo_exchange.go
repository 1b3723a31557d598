package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// Exchanges between the merchant's balances.

// AlphaPoQuoteParams asks for the price of an exchange. Give exactly one
// of SenderAmount (what you pay) and ReceiverAmount (what you get).
type AlphaPoQuoteParams struct {
	SenderCurrency   string   `json:"sender_currency"`           // exchange from, e.g. "BTC"; required
	ReceiverCurrency string   `json:"receiver_currency"`         // exchange to, e.g. "EUR"; required
	SenderAmount     *Decimal `json:"sender_amount,omitempty"`   // in whole units of SenderCurrency
	ReceiverAmount   *Decimal `json:"receiver_amount,omitempty"` // in whole units of ReceiverCurrency
	// PricePrecision is the number of decimal places of the price; zero
	// leaves the server's default.
	PricePrecision int `json:"price_precision,omitempty"`
}

// body checks p and returns it as the body of CalculateExchange.
func (p *AlphaPoQuoteParams) body() (any, error) { return p, p.check() }

func (p *AlphaPoQuoteParams) check() error {
	if p == nil {
		return invalid("sender_currency", "is required")
	}
	return firstError(
		required("sender_currency", p.SenderCurrency),
		required("receiver_currency", p.ReceiverCurrency),
		oneAmount(p.SenderAmount, p.ReceiverAmount),
	)
}

// AlphaPoQuote is the price of an exchange, fixed from FixedAt until
// ReleaseAt (FixPeriod seconds, usually 60). ExchangeFixed honours it
// within that time when given the same amount and Price.
type AlphaPoQuote struct {
	SenderCurrency   string  `json:"sender_currency"`
	SenderAmount     Decimal `json:"sender_amount"`
	ReceiverCurrency string  `json:"receiver_currency"`
	ReceiverAmount   Decimal `json:"receiver_amount"`
	FeeCurrency      string  `json:"fee_currency"`
	FeeAmount        Decimal `json:"fee_amount"`
	// Price is the quoted rate, as the provider states it; pass it back
	// unchanged to ExchangeFixed (FixedParams does). The amounts above are
	// what the exchange will move.
	Price     Decimal  `json:"price"`
	FixedAt   UnixTime `json:"ts_fixed"`
	ReleaseAt UnixTime `json:"ts_release"`
	FixPeriod int64    `json:"fix_period"` // seconds
}

// UnmarshalJSON decodes the quote, taking fix_period as a number or a
// string.
func (q *AlphaPoQuote) UnmarshalJSON(b []byte) error {
	type fields AlphaPoQuote // without this method
	var w struct {
		fields
		FixPeriod lenientInt `json:"fix_period"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*q = AlphaPoQuote(w.fields) // replaced whole, and untouched on an error
	q.FixPeriod = int64(w.FixPeriod)
	return nil
}

// FixedParams returns the parameters that carry out this quote with
// ExchangeFixed: the same currencies, the amount the quote was asked for
// in p) and the quoted price. foreignID is your unique id for the
// exchange. A nil p gives parameters that ExchangeFixed refuses.
func (q *AlphaPoQuote) FixedParams(p *AlphaPoQuoteParams, foreignID string) *AlphaPoExchangeParams {
	if p == nil {
		p = &AlphaPoQuoteParams{}
	}
	price := q.Price
	return &AlphaPoExchangeParams{
		SenderCurrency: p.SenderCurrency, ReceiverCurrency: p.ReceiverCurrency,
		SenderAmount: p.SenderAmount, ReceiverAmount: p.ReceiverAmount,
		ForeignID: foreignID, Price: &price,
	}
}

// CalculateExchange returns the price of an exchange without making it.
// The API allows 30 such requests a minute from one IP address; beyond
// that it answers 429 (ErrRateLimited) for a minute.
//
// POST /v2/exchange/calculate
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/exchange-calculate
func (c *AlphaPoClient) CalculateExchange(ctx context.Context, p *AlphaPoQuoteParams) (*AlphaPoQuote, error) {
	ep := c.endpoint(http.MethodPost, "/v2/exchange/calculate")
	ep.withBody(p.body())
	return call[*AlphaPoQuote](ctx, &c.backend, ep)
}

// AlphaPoExchangeParams describes an exchange. Give exactly one of SenderAmount
// and ReceiverAmount.
type AlphaPoExchangeParams struct {
	SenderCurrency   string   `json:"sender_currency"`           // exchange from, e.g. "BTC"; required
	ReceiverCurrency string   `json:"receiver_currency"`         // exchange to, e.g. "EUR"; required
	SenderAmount     *Decimal `json:"sender_amount,omitempty"`   // in whole units of SenderCurrency
	ReceiverAmount   *Decimal `json:"receiver_amount,omitempty"` // in whole units of ReceiverCurrency
	// ForeignID is your unique id for this exchange (at most 255
	// characters, no personal data). Required. Store it before calling: it
	// is how you find the exchange with TransactionInfo.
	ForeignID string `json:"foreign_id"`
	// Price is the quoted price from CalculateExchange: required by
	// ExchangeFixed, refused by ExchangeNow.
	Price *Decimal `json:"price,omitempty"`
}

// body checks p and returns it as the body of ExchangeFixed (wantPrice) or
// ExchangeNow.
func (p *AlphaPoExchangeParams) body(wantPrice bool) (any, error) { return p, p.check(wantPrice) }

func (p *AlphaPoExchangeParams) check(wantPrice bool) error {
	if p == nil {
		return invalid("sender_currency", "is required")
	}
	var priceErr error
	switch {
	case wantPrice && p.Price == nil:
		priceErr = invalid("price", "is required: the price quoted by CalculateExchange")
	case wantPrice:
		priceErr = positive("price", *p.Price)
	case p.Price != nil:
		priceErr = invalid("price", "is only for ExchangeFixed")
	}
	return firstError(
		required("sender_currency", p.SenderCurrency),
		required("receiver_currency", p.ReceiverCurrency),
		oneAmount(p.SenderAmount, p.ReceiverAmount),
		checkForeignID(p.ForeignID),
		priceErr,
	)
}

// AlphaPoExchange is an exchange the provider accepted. Its final state
// comes later, in a callback or from TransactionInfo.
type AlphaPoExchange struct {
	ID               int64   `json:"id"`
	ForeignID        string  `json:"foreign_id"`
	Type             string  `json:"type"`   // "exchange"
	Status           string  `json:"status"` // e.g. "processing"
	SenderCurrency   string  `json:"sender_currency"`
	SenderAmount     Decimal `json:"sender_amount"`
	ReceiverCurrency string  `json:"receiver_currency"`
	ReceiverAmount   Decimal `json:"receiver_amount"`
	FeeCurrency      string  `json:"fee_currency"`
	FeeAmount        Decimal `json:"fee_amount"`
	Price            Decimal `json:"price"`
}

// UnmarshalJSON decodes the exchange, taking the id as a number or a
// string and your id as a string, a number or null.
func (e *AlphaPoExchange) UnmarshalJSON(b []byte) error {
	type fields AlphaPoExchange // without this method
	var w struct {
		fields
		ID        lenientInt    `json:"id"`
		ForeignID lenientString `json:"foreign_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = AlphaPoExchange(w.fields) // replaced whole, and untouched on an error
	e.ID, e.ForeignID = int64(w.ID), string(w.ForeignID)
	return nil
}

// ExchangeFixed exchanges at the price of a quote from CalculateExchange,
// before the quote's ReleaseAt, with the quote's amount and Price
// (AlphaPoQuote.FixedParams builds them).
//
// It moves money: on an error matching [ErrOutcomeUnknown], look it up
// with [AlphaPoClient.TransactionInfo] by its ForeignID before trying again.
//
// POST /v2/exchange/fixed
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/exchange-fixed
func (c *AlphaPoClient) ExchangeFixed(ctx context.Context, p *AlphaPoExchangeParams) (*AlphaPoExchange, error) {
	return c.exchange(ctx, "/v2/exchange/fixed", p, true)
}

// ExchangeNow exchanges at the current market price; p.Price must be nil.
//
// It moves money: on an error matching [ErrOutcomeUnknown], look it up
// with [AlphaPoClient.TransactionInfo] by its ForeignID before trying again.
//
// POST /v2/exchange/now
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/exchange
func (c *AlphaPoClient) ExchangeNow(ctx context.Context, p *AlphaPoExchangeParams) (*AlphaPoExchange, error) {
	return c.exchange(ctx, "/v2/exchange/now", p, false)
}

func (c *AlphaPoClient) exchange(ctx context.Context, route string, p *AlphaPoExchangeParams, fixed bool) (*AlphaPoExchange, error) {
	ep := c.endpoint(http.MethodPost, route)
	ep.moneyMoving = true
	ep.withBody(p.body(fixed))
	return call[*AlphaPoExchange](ctx, &c.backend, ep)
}
