package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Callback says where Apirone reports payments to an address: the URL, the
// HTTP method (GET or POST) and data echoed back with every callback.
//
// Data decodes as PaymentCallback.Data does: Apirone answers a value
// given as a number ("order": 123456) as a number, and it reads as its
// JSON text ("123456"); a boolean as "true" or "false", null as "".
type Callback struct {
	Method string            `json:"method,omitempty"` // "GET" or "POST"; Apirone's default is POST
	URL    string            `json:"url"`
	Data   map[string]string `json:"data,omitempty"`
}

// UnmarshalJSON decodes a callback, reading data values as described on
// Callback.
func (cb *Callback) UnmarshalJSON(b []byte) error {
	type plain Callback
	wire := struct {
		*plain
		Data json.RawMessage `json:"data"` // shadows plain.Data
	}{plain: (*plain)(cb)}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	data, err := decodeCallbackData(wire.Data)
	cb.Data = data
	return err
}

// Format prints the method, the URL without its query and the data keys
// without their values, for every verb: a shared callback secret lives in
// the data or the query (see WithCallbackSecret) and must not reach a log.
func (cb Callback) Format(f fmt.State, verb rune) {
	keys := make([]string, 0, len(cb.Data))
	for k := range cb.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(f, "cryptopay.Callback{Method:%s URL:%s DataKeys:%v}", cb.Method, redactURL(cb.URL), keys)
}

// DeliveredData returns the data a payment callback sent as cb says
// carries, as PaymentCallback.Data holds it: cb.Data for a POST callback;
// for a GET callback (Method "GET", any case) also the parameters of the
// URL's query, which come first in the URL Apirone calls and so win over
// data of the same name, less the names of the payment's own fields
// (value, input_address, ...), which a GET callback's query gives to the
// payment. It returns nil for no data, and never cb.Data itself for GET.
func (cb *Callback) DeliveredData() map[string]string {
	if !strings.EqualFold(cb.Method, http.MethodGet) {
		return cb.Data
	}
	var query url.Values
	if u, err := url.Parse(cb.URL); err == nil {
		query = u.Query()
	}
	var data map[string]string
	set := func(k, v string) {
		if _, isField := paymentQueryFields[k]; isField {
			return
		}
		if data == nil {
			data = make(map[string]string)
		}
		data[k] = v
	}
	for k, v := range cb.Data {
		set(k, v)
	}
	for k, v := range query {
		set(k, v[0])
	}
	return data
}

// maxCallbackURL is Apirone's limit on callback URL length.
const maxCallbackURL = 1023

// check validates the callback before it is sent.
func (cb *Callback) check() error {
	if cb == nil {
		return nil
	}
	u, err := url.Parse(cb.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("callback.url", "want an absolute http(s) URL")
	}
	if len(cb.URL) > maxCallbackURL {
		return invalid("callback.url", "longer than %d characters", maxCallbackURL)
	}
	if m := strings.ToUpper(cb.Method); m != "" && m != http.MethodGet && m != http.MethodPost {
		return invalid("callback.method", "want GET or POST, got %q", cb.Method)
	}
	return nil
}

// AccountCallback is the callback saved for one currency of the account,
// or for the wallet.
type AccountCallback struct {
	Account  string    `json:"account"`
	Wallet   string    `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency string    `json:"currency"`
	Callback *Callback `json:"callback"`
}

// CallbackInfo returns the account's saved callback for currency, which is
// required. It needs the transfer key, which it sends in the query, or
// tokens from Login.
//
// GET /v2/accounts/{account}/callback
//
// API docs: https://apirone.com/docs/account/#account-callback-info
func (a *Account) CallbackInfo(ctx context.Context, currency string) (*AccountCallback, error) {
	return a.callbackInfo(ctx, currency)
}

// CallbackInfo returns the wallet's saved callback. currency may be "";
// one given must be the wallet's. It needs the transfer key, which it
// sends in the query, or tokens from Login.
//
// GET /v2/wallets/{wallet}/callback
//
// API docs: https://apirone.com/docs/wallet/#wallet-callback-info
func (w *Wallet) CallbackInfo(ctx context.Context, currency string) (*AccountCallback, error) {
	return w.callbackInfo(ctx, currency)
}

// callbackInfo is CallbackInfo on o's route.
func (o *owner) callbackInfo(ctx context.Context, currency string) (*AccountCallback, error) {
	ep := o.protected(http.MethodGet, "/callback")
	cur, err := o.currency(currency, true)
	ep.withQuery(optionalQuery("currency", cur), err)
	return call[*AccountCallback](ctx, &o.client.backend, ep)
}

// AddressCallback is the callback saved for one address.
type AddressCallback struct {
	Account  string    `json:"account"`
	Wallet   string    `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency string    `json:"currency"`
	Address  string    `json:"address"`
	Callback *Callback `json:"callback"`
}

// AddressCallbackInfo returns the callback saved for an address of the
// account. It needs the transfer key, which it sends in the query, or
// tokens from Login.
//
// GET /v2/accounts/{account}/addresses/{address}/callback
//
// API docs: https://apirone.com/docs/account/#address-callback-info
func (a *Account) AddressCallbackInfo(ctx context.Context, address string) (*AddressCallback, error) {
	return a.addressCallbackInfo(ctx, address)
}

// AddressCallbackInfo returns the callback saved for an address of the
// wallet. It needs the transfer key, which it sends in the query, or
// tokens from Login.
//
// GET /v2/wallets/{wallet}/addresses/{address}/callback
//
// API docs: https://apirone.com/docs/wallet/#address-callback-info
func (w *Wallet) AddressCallbackInfo(ctx context.Context, address string) (*AddressCallback, error) {
	return w.addressCallbackInfo(ctx, address)
}

// addressCallbackInfo is AddressCallbackInfo on o's route.
func (o *owner) addressCallbackInfo(ctx context.Context, address string) (*AddressCallback, error) {
	return call[*AddressCallback](ctx, &o.client.backend, o.protected(http.MethodGet, "/addresses/{address}/callback", address))
}

// CallbackLogPage is one page of the callbacks Apirone sent for an address and
// the answers it got: a debugging aid.
type CallbackLogPage struct {
	Account    string             `json:"account"`
	Wallet     string             `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
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

// Format prints r as fmt prints any struct, with the verb and flags given,
// but with the query of URL replaced by "?REDACTED": a shared callback
// secret may live there (see WithCallbackSecret). Args hides its Data
// values the same way.
func (r CallbackLogRequest) Format(f fmt.State, verb rune) {
	type redactedCallbackLogRequest CallbackLogRequest // %#v shows this name; it has no Format method
	c := redactedCallbackLogRequest(r)
	c.URL = redactURL(c.URL)
	fmt.Fprintf(f, fmt.FormatString(f, verb), c)
}

// CallbackLogResponse is what the merchant's server answered.
type CallbackLogResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Content string            `json:"content"` // the first 4096 bytes of the body
}

// AddressCallbackLog returns one page of the callback log of an address of
// the account. It needs the transfer key, which it sends in the query, or
// tokens from Login. A nil p means the first page.
//
// GET /v2/accounts/{account}/addresses/{address}/callback-log
//
// API docs: https://apirone.com/docs/account/#address-callback-log
func (a *Account) AddressCallbackLog(ctx context.Context, address string, p *PageParams) (*CallbackLogPage, error) {
	return a.addressCallbackLog(ctx, address, p)
}

// AddressCallbackLog returns one page of the callback log of an address of
// the wallet. It needs the transfer key, which it sends in the query, or
// tokens from Login. A nil p means the first page.
//
// GET /v2/wallets/{wallet}/addresses/{address}/callback-log
//
// API docs: https://apirone.com/docs/wallet/#address-callback-log
func (w *Wallet) AddressCallbackLog(ctx context.Context, address string, p *PageParams) (*CallbackLogPage, error) {
	return w.addressCallbackLog(ctx, address, p)
}

// addressCallbackLog is AddressCallbackLog on o's route.
func (o *owner) addressCallbackLog(ctx context.Context, address string, p *PageParams) (*CallbackLogPage, error) {
	ep := o.protected(http.MethodGet, "/addresses/{address}/callback-log", address)
	ep.withQuery(p.query())
	return call[*CallbackLogPage](ctx, &o.client.backend, ep)
}

// stage is the last part of a PaymentCallback's DedupeKey: "unconfirmed"
// or "confirmed".
func (p *PaymentCallback) stage() string {
	if p.Confirmations > 0 {
		return "confirmed"
	}
	return "unconfirmed"
}
