package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// AlphaPoInvoiceParams describes an invoice page for a customer. Fields as
// in docs.cryptoprocessing.com/api-documentation/invoices and
// docs.cryptoprocessing.com/api-reference/endpoints/invoices-create.
type AlphaPoInvoiceParams struct {
	// Timer fixes the rate for 15 minutes: the invoice must be paid within
	// that time. Always sent.
	Timer bool `json:"timer"`
	// Title is shown to the customer: 1 to 50 characters. Required.
	Title string `json:"title"`
	// Description is shown to the customer: at most 1000 characters.
	Description string `json:"description,omitempty"`
	// Type is "good_until_expired" for an invoice that may be paid in
	// parts, or "fill_or_kill" (the default when empty) for a standard one.
	Type string `json:"type,omitempty"`
	// Currency is what you receive, e.g. "EUR". Required.
	Currency string `json:"currency"`
	// SenderCurrency preselects what the customer pays in, e.g. "BTC".
	SenderCurrency string `json:"sender_currency,omitempty"`
	// Amount is what you receive, in whole units of Currency. Required,
	// positive.
	Amount Decimal `json:"amount"`
	// ForeignID is your unique id for the invoice (at most 255 characters,
	// no personal data). Required.
	ForeignID string `json:"foreign_id"`
	// EndUserReference is a permanent id of the customer, no personal data.
	// Required (docs.alphapo.net/api-reference/endpoints/invoices-create).
	EndUserReference string `json:"end_user_reference"`
	// URLSuccess and URLFailed are where the customer is sent after paying
	// or failing to pay; https URLs with a domain name. Both still
	// required (same page).
	URLSuccess string `json:"url_success"`
	URLFailed  string `json:"url_failed"`
	// EmailUser is the customer's e-mail, for refund instructions when the
	// amount paid is wrong; when empty the invoice page asks for it.
	EmailUser string `json:"email_user,omitempty"`
	// SenderType (AlphaPoNaturalPerson or AlphaPoLegalEntity) and
	// SenderData describe the customer, for regulated (MiCA) set-ups; both
	// or neither. CryptoProcessing requires them for an invoice with Timer
	// and SenderCurrency; without them its invoice page asks the customer.
	// See AlphaPoUserData.
	SenderType string           `json:"sender_type,omitempty"`
	SenderData *AlphaPoUserData `json:"sender_data,omitempty"`
}

const (
	maxInvoiceTitle       = 50
	maxInvoiceDescription = 1000
)

// body checks p and returns it as the body of CreateInvoice.
func (p *AlphaPoInvoiceParams) body() (any, error) { return p, p.check() }

func (p *AlphaPoInvoiceParams) check() error {
	if p == nil {
		return invalid("title", "is required")
	}
	return firstError(
		required("title", p.Title),
		maxLength("title", p.Title, maxInvoiceTitle),
		maxLength("description", p.Description, maxInvoiceDescription),
		required("currency", p.Currency),
		positive("amount", p.Amount),
		checkForeignID(p.ForeignID),
		required("end_user_reference", p.EndUserReference),
		required("url_success", p.URLSuccess),
		required("url_failed", p.URLFailed),
		checkUserData("sender", p.SenderType, p.SenderData, false),
	)
}

// AlphaPoInvoice is a created invoice: send the customer to URL.
type AlphaPoInvoice struct {
	ID               int64   `json:"id"`
	URL              string  `json:"url"` // the invoice page
	ForeignID        string  `json:"foreign_id"`
	EndUserReference string  `json:"end_user_reference"`
	Address          string  `json:"address"` // the deposit address, once there is one
	Title            string  `json:"title"`
	Name             string  `json:"name"`   // the title, as older API versions call it
	Status           string  `json:"status"` // e.g. "created"
	Currency         string  `json:"currency"`
	Amount           Decimal `json:"amount"`
	SenderCurrency   string  `json:"sender_currency"`
	// SenderAmount is what the customer pays, nil until the rate is fixed.
	SenderAmount *Decimal `json:"sender_amount"`
	// FixedAt and ReleaseAt bound the time the rate is fixed; zero when
	// it is not.
	FixedAt     UnixTime `json:"fixed_at"`
	ReleaseAt   UnixTime `json:"release_at"`
	SecondsLeft int64    `json:"seconds_left"` // 0 when there is no timer
}

// UnmarshalJSON decodes the invoice, taking the id and seconds_left as
// numbers or strings and your ids as strings, numbers or null.
func (inv *AlphaPoInvoice) UnmarshalJSON(b []byte) error {
	type fields AlphaPoInvoice // without this method
	var w struct {
		fields
		ID               lenientInt    `json:"id"`
		ForeignID        lenientString `json:"foreign_id"`
		EndUserReference lenientString `json:"end_user_reference"`
		SecondsLeft      lenientInt    `json:"seconds_left"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*inv = AlphaPoInvoice(w.fields) // replaced whole, and untouched on an error
	inv.ID, inv.ForeignID, inv.EndUserReference = int64(w.ID), string(w.ForeignID), string(w.EndUserReference)
	inv.SecondsLeft = int64(w.SecondsLeft)
	return nil
}

// CreateInvoice creates an invoice page where a customer pays Amount of
// Currency in the cryptocurrency they choose. It moves no money itself;
// the payment arrives later with an "invoice" callback. A ForeignID that
// was used before is refused ([ErrBadRequest], "The foreign id has already
// been taken.").
//
// POST /v2/invoices/create
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/invoices-create
func (c *AlphaPoClient) CreateInvoice(ctx context.Context, p *AlphaPoInvoiceParams) (*AlphaPoInvoice, error) {
	ep := c.endpoint(http.MethodPost, "/v2/invoices/create")
	ep.withBody(p.body())
	return call[*AlphaPoInvoice](ctx, &c.backend, ep)
}
