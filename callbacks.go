package cryptopay

import (
	"context"
	"net/http"
	"net/url"
)

// PaymentCallback is what Apirone sends to an address's callback URL when
// a payment arrives: first at 0 confirmations, then on every new block until
// the merchant answers 200 "*ok*" (API-NOTES.md, "Callbacks Apirone sends").
type PaymentCallback struct {
	Value                Amount            `json:"value"` // minor units received
	InputAddress         string            `json:"input_address"`
	Confirmations        FlexInt           `json:"confirmations"`
	InputTransactionHash string            `json:"input_transaction_hash"`
	Data                 map[string]string `json:"data,omitempty"` // the callback's data, echoed
	Account              string            `json:"account"`
	Currency             string            `json:"currency"`
	TransactionHash      string            `json:"transaction_hash,omitempty"` // forwarding transaction, if any
	Payment              string            `json:"payment,omitempty"`          // history item id
	Destinations         []AddressAmount   `json:"destinations,omitempty"`     // forwarding destinations
}

// AccountCallback is the callback saved for one currency of the account.
type AccountCallback struct {
	Account  string    `json:"account"`
	Currency string    `json:"currency"`
	Callback *Callback `json:"callback"`
}

// CallbackInfo returns the account's saved callback for currency. It needs
// the transfer key, which it sends in the query, or tokens from Login.
//
// GET /v2/accounts/{account}/callback
func (a *Account) CallbackInfo(ctx context.Context, currency string) (*AccountCallback, error) {
	ep := a.endpoint(http.MethodGet, "/callback")
	ep.check(required("currency", currency))
	ep.query = optionalQuery("currency", currency)
	return callProtected[AccountCallback](ctx, a, ep)
}

// AddressCallback is the callback saved for one address.
type AddressCallback struct {
	Account  string    `json:"account"`
	Currency string    `json:"currency"`
	Address  string    `json:"address"`
	Callback *Callback `json:"callback"`
}

// AddressCallbackInfo returns the callback saved for address. It needs the
// transfer key, which it sends in the query, or tokens from Login.
//
// GET /v2/accounts/{account}/addresses/{address}/callback
func (a *Account) AddressCallbackInfo(ctx context.Context, address string) (*AddressCallback, error) {
	return callProtected[AddressCallback](ctx, a, a.addressEndpoint(http.MethodGet, address, "/callback"))
}

// CallbackLog is one page of the callbacks Apirone sent for an address and
// the answers it got: a debugging aid.
type CallbackLog struct {
	Account    string             `json:"account"`
	Currency   string             `json:"currency"`
	Address    string             `json:"address"`
	Log        []CallbackLogEntry `json:"log"`
	Pagination Pagination         `json:"pagination"`
}

// CallbackLogEntry is one callback delivery attempt.
type CallbackLogEntry struct {
	Date     Time                `json:"date"`
	Request  CallbackLogRequest  `json:"request"`
	Response CallbackLogResponse `json:"response"`
}

// CallbackLogRequest is what Apirone sent.
type CallbackLogRequest struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Args   PaymentCallback `json:"args"`
}

// CallbackLogResponse is what the merchant's server answered.
type CallbackLogResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Content string            `json:"content"` // the first 4096 bytes of the body
}

// AddressCallbackLog returns one page of the callback log of address. It
// needs the transfer key, which it sends in the query, or tokens from Login.
// A nil p means the first page.
//
// GET /v2/accounts/{account}/addresses/{address}/callback-log
func (a *Account) AddressCallbackLog(ctx context.Context, address string, p *PageParams) (*CallbackLog, error) {
	ep := a.addressEndpoint(http.MethodGet, address, "/callback-log")
	ep.query = url.Values{}
	ep.check(p.addTo(ep.query))
	return callProtected[CallbackLog](ctx, a, ep)
}
