package cryptopay

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// GenerateAddressParams describes a new address.
type GenerateAddressParams struct {
	Currency string    `json:"currency,omitempty"`  // required on an account, e.g. "btc"; see [Wallet]
	AddrType string    `json:"addr-type,omitempty"` // e.g. "p2sh-p2wpkh"; "" = the currency's default
	Callback *Callback `json:"callback,omitempty"`  // where payments are reported
}

// Address is a newly generated address.
type Address struct {
	Account  string    `json:"account"`
	Wallet   string    `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency string    `json:"currency"`
	Address  string    `json:"address"`
	Created  Time      `json:"created"`
	Type     string    `json:"type"`
	Callback *Callback `json:"callback"`
}

// GenerateAddress creates a new address in the account. Each call makes a
// new address, so a failed call is not retried once the request may have
// left. p.Currency is required.
//
// POST /v2/accounts/{account}/addresses
//
// API docs: https://apirone.com/docs/account/#generate-address
func (a *Account) GenerateAddress(ctx context.Context, p *GenerateAddressParams) (*Address, error) {
	return a.generateAddress(ctx, p)
}

// GenerateAddress creates a new address in the wallet. Each call makes a
// new address, so a failed call is not retried once the request may have
// left. p may be nil.
//
// POST /v2/wallets/{wallet}/addresses
//
// API docs: https://apirone.com/docs/wallet/#generate-address
func (w *Wallet) GenerateAddress(ctx context.Context, p *GenerateAddressParams) (*Address, error) {
	return w.generateAddress(ctx, p)
}

// generateAddress is GenerateAddress on o's route.
func (o *owner) generateAddress(ctx context.Context, p *GenerateAddressParams) (*Address, error) {
	ep := o.endpoint(http.MethodPost, "/addresses")
	ep.withBody(p.body(o))
	return call[*Address](ctx, &o.client.backend, ep)
}

// body checks p and returns it as the body of o's GenerateAddress.
func (p *GenerateAddressParams) body(o *owner) (any, error) {
	if p == nil {
		p = &GenerateAddressParams{}
	}
	cur, err := o.currency(p.Currency, true)
	if err != nil {
		return nil, err
	}
	b := *p
	b.Currency = cur
	return &b, p.Callback.check()
}

// Balance is an amount held, in minor units: of one currency in an
// AccountBalance, or of one address (AddressInfo, AddressEntry,
// AddressBalance).
type Balance struct {
	// Currency is set in an AccountBalance and an AddressBalance; it is
	// empty in AddressInfo and AddressEntry, which carry their own.
	Currency  string `json:"currency,omitempty"`
	Available Amount `json:"available"` // spendable now
	Total     Amount `json:"total"`     // including unconfirmed
}

// AddressInfo describes one address of the account or wallet.
type AddressInfo struct {
	Account  string  `json:"account"`
	Wallet   string  `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency string  `json:"currency"`
	Address  string  `json:"address"`
	Type     string  `json:"type"`
	Created  Time    `json:"created"`
	Balance  Balance `json:"balance"`
}

// AddressInfo returns the type, creation time and balance of an address
// of the account.
//
// GET /v2/accounts/{account}/addresses/{address}
//
// API docs: https://apirone.com/docs/account/#address-info
func (a *Account) AddressInfo(ctx context.Context, address string) (*AddressInfo, error) {
	return a.addressInfo(ctx, address)
}

// AddressInfo returns the type, creation time and balance of an address
// of the wallet.
//
// GET /v2/wallets/{wallet}/addresses/{address}
//
// API docs: https://apirone.com/docs/wallet/#address-info
func (w *Wallet) AddressInfo(ctx context.Context, address string) (*AddressInfo, error) {
	return w.addressInfo(ctx, address)
}

// addressInfo is AddressInfo on o's route.
func (o *owner) addressInfo(ctx context.Context, address string) (*AddressInfo, error) {
	return call[*AddressInfo](ctx, &o.client.backend, o.endpoint(http.MethodGet, "/addresses/{address}", address))
}

// AddressBalance is the balance of one address, in minor units. Apirone
// sends the balance's fields beside account and address, not nested.
type AddressBalance struct {
	Account string `json:"account"`
	Wallet  string `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Address string `json:"address"`
	Balance
}

// AddressBalance returns the balance of one address of the account.
//
// GET /v2/accounts/{account}/addresses/{address}/balance
//
// API docs: https://apirone.com/docs/account/#address-balance
func (a *Account) AddressBalance(ctx context.Context, address string) (*AddressBalance, error) {
	return a.addressBalance(ctx, address)
}

// AddressBalance returns the balance of one address of the wallet.
//
// GET /v2/wallets/{wallet}/addresses/{address}/balance
//
// API docs: https://apirone.com/docs/wallet/#address-balance
func (w *Wallet) AddressBalance(ctx context.Context, address string) (*AddressBalance, error) {
	return w.addressBalance(ctx, address)
}

// addressBalance is AddressBalance on o's route.
func (o *owner) addressBalance(ctx context.Context, address string) (*AddressBalance, error) {
	return call[*AddressBalance](ctx, &o.client.backend, o.endpoint(http.MethodGet, "/addresses/{address}/balance", address))
}

// AddressesParams selects a page of the account's or wallet's addresses.
type AddressesParams struct {
	Currency string // "" = every currency of an account; see [Wallet]
	Limit    int    // page size, at most 1000; 0 = server default (10)
	Offset   int    // first item
	Address  string // filter: the address or part of it; no commas
	NonEmpty bool   // filter: leave out addresses with a zero total balance
}

// AddressPage is one page of the account's or wallet's addresses.
type AddressPage struct {
	Account    string         `json:"account"`
	Wallet     string         `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency   string         `json:"currency"`
	Addresses  []AddressEntry `json:"addresses"`
	Pagination Pagination     `json:"pagination"`
}

// AddressEntry is one address in an AddressPage.
type AddressEntry struct {
	Address  string  `json:"address"`
	Currency string  `json:"currency"` // may be empty: the list's Currency applies
	Type     string  `json:"type"`
	Created  Time    `json:"created"`
	Balance  Balance `json:"balance"`
}

// Addresses returns one page of the account's addresses. A nil p means
// the first page of every currency.
//
// GET /v2/accounts/{account}/addresses
//
// API docs: https://apirone.com/docs/account/#account-addresses
func (a *Account) Addresses(ctx context.Context, p *AddressesParams) (*AddressPage, error) {
	return a.addresses(ctx, p)
}

// Addresses returns one page of the wallet's addresses. A nil p means the
// first page.
//
// GET /v2/wallets/{wallet}/addresses
//
// API docs: https://apirone.com/docs/wallet/#wallet-addresses
func (w *Wallet) Addresses(ctx context.Context, p *AddressesParams) (*AddressPage, error) {
	return w.addresses(ctx, p)
}

// addresses is Addresses on o's route.
func (o *owner) addresses(ctx context.Context, p *AddressesParams) (*AddressPage, error) {
	ep := o.endpoint(http.MethodGet, "/addresses")
	ep.withQuery(p.query(o))
	return call[*AddressPage](ctx, &o.client.backend, ep)
}

// query checks p and returns it as the query of o's Addresses.
func (p *AddressesParams) query(o *owner) (url.Values, error) {
	if p == nil {
		p = &AddressesParams{}
	}
	cur, err := o.currency(p.Currency, false)
	if err != nil {
		return nil, err
	}
	q := optionalQuery("currency", cur)
	empty := ""
	if p.NonEmpty {
		empty = "false" // "empty" takes only false
	}
	return q, firstError(addPage(q, p.Limit, p.Offset), addFilter(q, "address", p.Address, "empty", empty))
}

// AllAddresses ranges over every address of the account matching p,
// fetching pages of p.Limit (default 100) as the loop asks for them, from
// p.Offset on. A failed page yields its error once and ends the loop.
//
// GET /v2/accounts/{account}/addresses
//
// API docs: https://apirone.com/docs/account/#account-addresses
func (a *Account) AllAddresses(ctx context.Context, p *AddressesParams) iter.Seq2[AddressEntry, error] {
	return a.allAddresses(ctx, p)
}

// AllAddresses ranges over every address of the wallet matching p,
// fetching pages of p.Limit (default 100) as the loop asks for them, from
// p.Offset on. A failed page yields its error once and ends the loop.
//
// GET /v2/wallets/{wallet}/addresses
//
// API docs: https://apirone.com/docs/wallet/#wallet-addresses
func (w *Wallet) AllAddresses(ctx context.Context, p *AddressesParams) iter.Seq2[AddressEntry, error] {
	return w.allAddresses(ctx, p)
}

// allAddresses is AllAddresses on o's route.
func (o *owner) allAddresses(ctx context.Context, p *AddressesParams) iter.Seq2[AddressEntry, error] {
	page := AddressesParams{}
	if p != nil {
		page = *p
	}
	return paginate(page.Limit, page.Offset, func(limit, offset int) ([]AddressEntry, Pagination, error) {
		q := page
		q.Limit, q.Offset = limit, offset
		list, err := o.addresses(ctx, &q)
		if err != nil {
			return nil, Pagination{}, err
		}
		return list.Addresses, list.Pagination, nil
	})
}
