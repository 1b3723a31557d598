package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// InvoiceStatus is the state of an invoice.
type InvoiceStatus string

// Invoice statuses. Values the server sends that are not listed here are
// kept as they are.
const (
	InvoiceCreated   InvoiceStatus = "created"   // waiting for payment
	InvoicePartPaid  InvoiceStatus = "partpaid"  // less than the amount arrived
	InvoicePaid      InvoiceStatus = "paid"      // the amount arrived, not yet confirmed
	InvoiceOverpaid  InvoiceStatus = "overpaid"  // more than the amount arrived
	InvoiceCompleted InvoiceStatus = "completed" // paid and confirmed: final
	InvoiceExpired   InvoiceStatus = "expired"   // not paid in time: final
)

// IsFinal reports whether the status can no longer change (completed or
// expired).
func (s InvoiceStatus) IsFinal() bool { return s == InvoiceCompleted || s == InvoiceExpired }

// IsPaid reports whether the full amount (or more) has arrived: paid,
// overpaid or completed. Ship goods on InvoiceCompleted only.
func (s InvoiceStatus) IsPaid() bool {
	return s == InvoicePaid || s == InvoiceOverpaid || s == InvoiceCompleted
}

// InvoiceParams describes a new invoice.
type InvoiceParams struct {
	Currency string // required
	// Amount in minor units; the zero Amount makes an open-amount invoice
	// that accepts any payment.
	Amount Amount
	// Lifetime is how long the invoice can be paid (whole seconds on the
	// wire); zero leaves the server's default.
	Lifetime time.Duration
	// Expire is when the invoice expires; it wins over Lifetime.
	Expire time.Time
	// CallbackURL receives invoice status callbacks (see InvoiceCallback).
	CallbackURL string
	// Linkback is where the payer is sent after paying.
	Linkback string
	// UserData is shown on the invoice page.
	UserData *InvoiceUserData
}

// InvoiceUserData is what the invoice page shows besides the amount.
type InvoiceUserData struct {
	Title    string         `json:"title,omitempty"`
	Merchant string         `json:"merchant,omitempty"`
	URL      string         `json:"url,omitempty"`
	Price    string         `json:"price,omitempty"`     // e.g. "$25.00"
	SubPrice string         `json:"sub-price,omitempty"` // shown under the price
	Items    []InvoiceItem  `json:"items,omitempty"`
	Extras   []InvoiceExtra `json:"extras,omitempty"`
}

// InvoiceItem is one order line on the invoice page (display text).
type InvoiceItem struct {
	Name  string `json:"name"`
	Cost  string `json:"cost"`
	Qty   int    `json:"qty"`
	Total string `json:"total"`
}

// InvoiceExtra is an extra line such as shipping or tax (display text).
type InvoiceExtra struct {
	Name  string `json:"name"`
	Price string `json:"price"`
}

// UnmarshalJSON decodes the user data, taking Price and SubPrice as any
// JSON value: Apirone's clients have sent prices both as strings and as
// objects ({"currency": "usd", "amount": 100}), and an object or number
// becomes its compact JSON text.
func (u *InvoiceUserData) UnmarshalJSON(b []byte) error {
	type plain InvoiceUserData
	return json.Unmarshal(b, &struct {
		*plain
		Price    displayText `json:"price"`
		SubPrice displayText `json:"sub-price"`
	}{(*plain)(u), displayText{&u.Price}, displayText{&u.SubPrice}})
}

// displayText decodes text the invoice page shows into the string p points
// at: a JSON string as it is, any other value as its compact JSON text;
// null leaves it unchanged.
type displayText struct{ p *string }

// UnmarshalJSON accepts a string, or any other JSON value as its text.
func (t *displayText) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, t.p)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return err
	}
	if buf.String() != "null" {
		*t.p = buf.String()
	}
	return nil
}

// invoiceBody is the JSON body of CreateInvoice.
type invoiceBody struct {
	Currency    string           `json:"currency"`
	Amount      *Amount          `json:"amount,omitempty"`
	Lifetime    int64            `json:"lifetime,omitempty"`
	Expire      *Time            `json:"expire,omitempty"`
	CallbackURL string           `json:"callback-url,omitempty"`
	Linkback    string           `json:"linkback,omitempty"`
	UserData    *InvoiceUserData `json:"user-data,omitempty"`
}

// Format prints p as fmt prints any struct, with the verb and flags given,
// but with the query of CallbackURL replaced by "?REDACTED": a shared
// callback secret may live there (see WithCallbackSecret).
func (p InvoiceParams) Format(f fmt.State, verb rune) {
	type redactedInvoiceParams InvoiceParams // %#v shows this name; it has no Format method
	c := redactedInvoiceParams(p)
	c.CallbackURL = redactURL(c.CallbackURL)
	fmt.Fprintf(f, fmt.FormatString(f, verb), c)
}

func (p *InvoiceParams) body() (*invoiceBody, error) {
	if p == nil || p.Currency == "" {
		return nil, invalid("currency", "is required")
	}
	b := &invoiceBody{Currency: p.Currency, Linkback: p.Linkback, UserData: p.UserData, CallbackURL: p.CallbackURL}
	switch sign := p.Amount.Sign(); {
	case sign < 0:
		return nil, invalid("amount", "must be positive, got %s", p.Amount)
	case sign > 0:
		b.Amount = &p.Amount
	}
	if p.Lifetime < 0 || p.Lifetime%time.Second != 0 {
		return nil, invalid("lifetime", "must be a positive number of whole seconds, got %s", p.Lifetime)
	}
	b.Lifetime = int64(p.Lifetime / time.Second)
	if !p.Expire.IsZero() {
		b.Expire = &Time{p.Expire}
	}
	if p.CallbackURL != "" {
		if err := (&Callback{URL: p.CallbackURL}).check(); err != nil {
			return nil, invalid("callback-url", "want an absolute http(s) URL under %d characters", maxCallbackURL+1)
		}
	}
	return b, nil
}

// Invoice is an invoice as the API reports it. The private view (from
// Account.Invoice and Account.Invoices) adds Account and CallbackURL.
type Invoice struct {
	Account     string           `json:"account"`
	ID          string           `json:"invoice"` // the invoice id
	Created     Time             `json:"created"`
	Currency    string           `json:"currency"`
	Address     string           `json:"address"` // where the payer sends money
	Expire      Time             `json:"expire"`
	Amount      Amount           `json:"amount"` // minor units; 0 for an open amount
	UserData    *InvoiceUserData `json:"user-data"`
	Status      InvoiceStatus    `json:"status"`
	History     []InvoiceEvent   `json:"history"`
	Linkback    string           `json:"linkback"`
	CallbackURL string           `json:"callback-url"`
	InvoiceURL  string           `json:"invoice-url"` // the payment page
}

// Format prints inv as fmt prints any struct, with the verb and flags
// given, but with the query of CallbackURL replaced by "?REDACTED": a
// shared callback secret may live there (see WithCallbackSecret).
func (inv Invoice) Format(f fmt.State, verb rune) {
	type redactedInvoice Invoice // %#v shows this name; it has no Format method
	c := redactedInvoice(inv)
	c.CallbackURL = redactURL(c.CallbackURL)
	fmt.Fprintf(f, fmt.FormatString(f, verb), c)
}

// InvoiceEvent is one status change of an invoice.
type InvoiceEvent struct {
	Date   Time          `json:"date"`
	Status InvoiceStatus `json:"status"`
	TxID   string        `json:"txid"`   // the payment that caused it, if any
	Amount Amount        `json:"amount"` // minor units received in it, if any
}

// CreateInvoice creates an invoice in the account. It needs no transfer key.
// Each call makes a new invoice, so it is not resent once the request may
// have left.
//
// POST /v2/accounts/{account}/invoices
//
// API docs: https://apirone.com/docs/invoices/#create-invoice
func (a *Account) CreateInvoice(ctx context.Context, p *InvoiceParams) (*Invoice, error) {
	ep := a.endpoint(http.MethodPost, "/invoices")
	ep.withBody(p.body())
	return call[*Invoice](ctx, &a.client.backend, ep)
}

// Invoice returns the public view of an invoice: what the payer sees. It
// needs no account.
//
// GET /v2/invoices/{invoice}
//
// API docs: https://apirone.com/docs/invoices/#public-invoice-info
func (c *Client) Invoice(ctx context.Context, id string) (*Invoice, error) {
	return call[*Invoice](ctx, &c.backend, newEndpoint(http.MethodGet, "/v2/invoices/{invoice}", id))
}

// Invoice returns the private view of one of the account's invoices. It
// needs the transfer key or tokens from Login.
//
// GET /v2/accounts/{account}/invoices/{invoice}
//
// API docs: https://apirone.com/docs/invoices/#private-invoice-info
func (a *Account) Invoice(ctx context.Context, id string) (*Invoice, error) {
	return call[*Invoice](ctx, &a.client.backend, a.protected(http.MethodGet, "/invoices/{invoice}", id))
}

// InvoicePage is one page of the account's invoices.
type InvoicePage struct {
	Account    string     `json:"account"`
	Invoices   []Invoice  `json:"invoices"`
	Pagination Pagination `json:"pagination"`
}

// Invoices returns one page of the account's invoices. It needs the
// transfer key or tokens from Login. A nil p means the first page.
//
// GET /v2/accounts/{account}/invoices
//
// API docs: https://apirone.com/docs/invoices/#invoices-list
func (a *Account) Invoices(ctx context.Context, p *PageParams) (*InvoicePage, error) {
	ep := a.protected(http.MethodGet, "/invoices")
	ep.withQuery(p.query())
	return call[*InvoicePage](ctx, &a.client.backend, ep)
}

// AllInvoices ranges over all the account's invoices, fetching pages of
// p.Limit (default 100) as the loop asks for them. A failed page yields its
// error once and ends the loop.
func (a *Account) AllInvoices(ctx context.Context, p *PageParams) iter.Seq2[Invoice, error] {
	start := PageParams{}
	if p != nil {
		start = *p
	}
	return paginate(start.Limit, start.Offset, func(limit, offset int) ([]Invoice, Pagination, error) {
		list, err := a.Invoices(ctx, &PageParams{Limit: limit, Offset: offset})
		if err != nil {
			return nil, Pagination{}, err
		}
		return list.Invoices, list.Pagination, nil
	})
}

// Received returns how much the invoice has received so far, in minor
// units, from its History: Apirone adds an event with the payment's txid
// and amount each time a payment arrives (partpaid, paid or overpaid).
// Each txid counts once, with the amount of its first event, so a payment
// that a later event repeats is not counted twice; an event with an amount
// and no txid counts on its own. Received counts unconfirmed payments too:
// ship on InvoiceCompleted.
func (inv *Invoice) Received() Amount {
	var total Amount
	seen := make(map[string]bool)
	for _, e := range inv.History {
		if e.Amount.Sign() <= 0 || seen[e.TxID] {
			continue
		}
		if e.TxID != "" {
			seen[e.TxID] = true
		}
		total = total.Add(e.Amount)
	}
	return total
}

// Remaining returns how much the payer still has to send, in minor units:
// Amount minus Received, and never below zero. It is zero for an
// open-amount invoice (Amount 0) and for an overpaid one; Overpaid tells
// how much too much arrived.
func (inv *Invoice) Remaining() Amount {
	if inv.Amount.Sign() <= 0 {
		return Amount{}
	}
	return maxAmount(inv.Amount.Sub(inv.Received()), Amount{})
}

// Overpaid returns how much more than Amount the invoice received, in
// minor units: zero unless Received exceeds a fixed Amount. The extra is
// in the merchant's account; refunding it is up to the merchant.
func (inv *Invoice) Overpaid() Amount {
	if inv.Amount.Sign() <= 0 {
		return Amount{}
	}
	return maxAmount(inv.Received().Sub(inv.Amount), Amount{})
}

// maxAmount returns the larger of a and b.
func maxAmount(a, b Amount) Amount {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}
