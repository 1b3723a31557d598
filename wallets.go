package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// CreateWalletParams describes a new wallet.
type CreateWalletParams struct {
	Currency string    `json:"currency"`           // required, e.g. "btc"
	Callback *Callback `json:"callback,omitempty"` // where payments are reported
	// Destinations forwards incoming funds to these addresses, in units
	// or percentages.
	Destinations []Destination `json:"destinations,omitempty"`
	Fee          FeeStrategy   `json:"fee,omitempty"` // "" = the server's default (normal)
	// FeeRate is the network fee rate for FeeCustom.
	FeeRate             int64               `json:"fee-rate,omitempty"`
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy,omitempty"`
}

// body checks p and returns it as the body of CreateWallet.
func (p *CreateWalletParams) body() (any, error) {
	if p == nil {
		return nil, invalid("currency", "is required")
	}
	return p, firstError(required("currency", p.Currency), p.Callback.check(),
		checkDestinations(p.Destinations), checkFee(p.Fee, p.FeeRate))
}

// CreatedWallet is a new Apirone wallet. Keep TransferKey secret: it
// authorizes transfers. Printing a CreatedWallet with any fmt verb hides
// it.
type CreatedWallet struct {
	Wallet      string `json:"wallet"`       // wallet id, "<currency>-<32 hex digits>"
	Currency    string `json:"currency"`     // the wallet's one currency
	Created     Time   `json:"created"`      // creation time (UTC)
	TransferKey string `json:"transfer-key"` // the key for protected calls
}

// Format prints the wallet id, currency and creation time, never the
// transfer key.
func (w CreatedWallet) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.CreatedWallet{Wallet:%s Currency:%s Created:%s TransferKey:REDACTED}",
		w.Wallet, w.Currency, w.Created.Format(timeLayout))
}

// CreateWallet creates a new single-currency wallet. It is not retried
// after the request may have left: a repeat would create a second wallet.
//
// POST /v2/wallets
//
// API docs: https://apirone.com/docs/wallet/#create-wallet
func (c *Client) CreateWallet(ctx context.Context, p *CreateWalletParams) (*CreatedWallet, error) {
	ep := newEndpoint(http.MethodPost, "/v2/wallets")
	ep.withBody(p.body())
	return call[*CreatedWallet](ctx, &c.backend, ep)
}

// Wallet is a handle on one Apirone wallet: a container of addresses of
// one currency, the account API's single-currency forerunner. It offers
// the calls the wallet API has, under the names, parameters and results
// of [Account]'s: the calls both have share their code and are sent to
// /v2/wallets/{wallet}/... instead of /v2/accounts/{account}/...; Info and
// Balance answer in the wallet API's own shapes.
//
// A wallet needs no currency parameter: its currency is part of its id.
// Where a parameter struct has a Currency field it may be left empty; a
// currency given anyway must be the wallet's, else the call fails with
// ErrInvalidParams before anything is sent. Answers name the wallet in
// their Wallet field, not in Account.
//
// Authorization, validation, secret hiding and the money-moving rules are
// those of an Account: protected calls take the transfer key or the tokens
// from Login, and Transfer may fail with [ErrOutcomeUnknown]. Printing a
// Wallet with any fmt verb shows the id only. It is safe for concurrent
// use.
type Wallet struct{ owner }

// Wallet returns a handle on the wallet id ("<currency>-<32 hex digits>").
// transferKey may be "" when only public calls are made; protected calls
// then fail with ErrInvalidParams without sending anything. So does every
// call with a malformed id.
func (c *Client) Wallet(id, transferKey string) *Wallet {
	return &Wallet{c.newOwner(walletBase, id, transferKey)}
}

// Format prints "cryptopay.Wallet{<id>}" for every verb, for a pointer and
// a value alike.
func (w Wallet) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "cryptopay.Wallet{%s}", w.id) }

// ID returns the wallet id.
func (w *Wallet) ID() string { return w.id }

// Currency returns the wallet's currency, read from its id; "" when the id
// is malformed.
func (w *Wallet) Currency() string {
	cur, _ := walletCurrency(w.id)
	return cur
}

// walletCurrency checks a wallet id, "<currency>-<32 hex digits>", and
// returns its currency. An account id ("apr-...") is not one.
func walletCurrency(id string) (string, error) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 || id[:i] == "apr" || len(id)-i-1 != 32 || strings.IndexFunc(id[i+1:], func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F')
	}) >= 0 || strings.IndexFunc(id[:i], func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || r == '@')
	}) >= 0 {
		return "", invalid("wallet", "want \"<currency>-\" followed by 32 hex digits, got %q", id)
	}
	return id[:i], nil
}

// WalletInfo is a wallet's settings: its currency, units, forwarding,
// fee strategy and callback.
type WalletInfo struct {
	Wallet string `json:"wallet"`
	CurrencyInfo
	Callback *Callback `json:"callback"` // nil when none is set
}

// Info returns the wallet's settings.
//
// GET /v2/wallets/{wallet}
//
// API docs: https://apirone.com/docs/wallet/#wallet-info
func (w *Wallet) Info(ctx context.Context) (*WalletInfo, error) {
	return call[*WalletInfo](ctx, &w.client.backend, w.endpoint(http.MethodGet, ""))
}

// WalletBalance is a wallet's balance, in minor units.
type WalletBalance struct {
	Wallet string `json:"wallet"` // empty when the answer leaves it out
	Balance
}

// Balance returns the wallet's balance, or that of p.Addresses. A nil p
// means the whole wallet.
//
// GET /v2/wallets/{wallet}/balance
//
// API docs: https://apirone.com/docs/wallet/#wallet-balance
func (w *Wallet) Balance(ctx context.Context, p *BalanceParams) (*WalletBalance, error) {
	ep := w.endpoint(http.MethodGet, "/balance")
	ep.withQuery(p.query(&w.owner))
	return call[*WalletBalance](ctx, &w.client.backend, ep)
}

// WalletServiceInfo returns the currencies the wallet API supports, with
// their units.
//
// OPTIONS /v2/wallets
//
// API docs: https://apirone.com/docs/service/#service-info
func (c *Client) WalletServiceInfo(ctx context.Context) (*ServiceInfo, error) {
	return call[*ServiceInfo](ctx, &c.backend, newEndpoint(http.MethodOptions, "/v2/wallets"))
}
