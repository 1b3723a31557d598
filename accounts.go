package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CreatedAccount is a new Apirone account. Keep TransferKey secret: it
// authorizes transfers. Printing a CreatedAccount with any fmt verb hides it.
type CreatedAccount struct {
	Account     string `json:"account"`      // account id, "apr-..."
	Created     Time   `json:"created"`      // creation time (UTC)
	TransferKey string `json:"transfer-key"` // the key for protected calls
}

// Format prints the account id and creation time, never the transfer key.
func (a CreatedAccount) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.CreatedAccount{Account:%s Created:%s TransferKey:REDACTED}",
		a.Account, a.Created.Format(timeLayout))
}

// CreateAccount creates a new multi-currency account. It is not retried
// after the request may have left: a repeat would create a second account.
//
// POST /v2/accounts
//
// API docs: https://apirone.com/docs/account/#create-account
func (c *Client) CreateAccount(ctx context.Context) (*CreatedAccount, error) {
	return call[*CreatedAccount](ctx, &c.backend, newEndpoint(http.MethodPost, "/v2/accounts"))
}

// Account is a handle on one Apirone account. It holds the account id and,
// for protected calls (Transfer, settings, private invoices and the callback
// endpoints), the transfer key or the tokens from Login. Printing an Account
// with any fmt verb shows the id only. It is safe for concurrent use.
//
// The calls an account shares with a wallet (see [Wallet]) are methods of
// each, with the account's route.
type Account struct{ owner }

// owner is what an Account and a Wallet share and embed: the id, the
// transfer key, the token session, and one unexported helper per call
// both APIs have, which the two handles' methods of that name call. The
// helpers declare their calls on routes relative to the owner's base,
// /v2/accounts/{account} or /v2/wallets/{wallet}, so one declaration
// serves both APIs.
type owner struct {
	client *Client
	// base is the route of the owner: "/v2/accounts/{account}" or
	// "/v2/wallets/{wallet}".
	base string
	id   string
	// path is base filled with the id, escaped; idErr is what is wrong
	// with the id, which every call returns before sending anything.
	path        string
	idErr       error
	transferKey secret   // hidden even where fmt reaches a handle through an unexported field
	session     *session // tokens from Login or UseTokens
}

const (
	accountBase = "/v2/accounts/{account}"
	walletBase  = "/v2/wallets/{wallet}"
)

func (c *Client) newOwner(base, id, transferKey string) owner {
	o := owner{client: c, base: base, id: id, transferKey: newSecret(transferKey), session: newSession()}
	ep := newEndpoint("", base, id)
	ep.check(o.checkID())
	o.path, o.idErr = ep.path, ep.err
	return o
}

// Account returns a handle on the account id. transferKey may be "" when
// only public calls are made; protected calls then fail with
// ErrInvalidParams without sending anything. So does every call with a
// malformed id.
func (c *Client) Account(id, transferKey string) *Account {
	return &Account{c.newOwner(accountBase, id, transferKey)}
}

// ID returns the account id.
func (a *Account) ID() string { return a.id }

// Format prints "cryptopay.Account{<id>}" for every verb, for a pointer
// and a value alike.
func (a Account) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "cryptopay.Account{%s}", a.id) }

// isWallet reports whether the owner is a wallet.
func (o *owner) isWallet() bool { return o.base == walletBase }

// endpoint declares a public call on route, relative to the owner's base
// (e.g. "/addresses/{address}"; "" for the base itself), whose first part
// is filled with the owner's id; args fill the parts of route (see
// newEndpoint).
func (o *owner) endpoint(method, route string, args ...string) endpoint {
	ep := newEndpointIn(method, o.base, o.path, route, args...)
	ep.check(o.idErr)
	ep.secrets = [2]string{o.transferKey.reveal()}
	return ep
}

// protected declares a call as endpoint does, authorized with the owner's
// tokens or transfer key (see accountAuth).
func (o *owner) protected(method, route string, args ...string) endpoint {
	ep := o.endpoint(method, route, args...)
	ep.auth, ep.account = accountAuth, o
	return ep
}

// checkID checks the owner's id, as checkAccountID or checkWalletID.
func (o *owner) checkID() error {
	if o.isWallet() {
		_, err := walletCurrency(o.id)
		return err
	}
	return checkAccountID(o.id)
}

// currency checks a currency parameter of a call and returns what is sent.
// An account sends given, which may be "" unless required. A wallet
// sends nothing: its currency is part of it, and a currency given anyway
// must be the wallet's.
func (o *owner) currency(given string, required bool) (string, error) {
	if !o.isWallet() {
		if required && given == "" {
			return "", invalid("currency", "is required")
		}
		return given, nil
	}
	if own, err := walletCurrency(o.id); err == nil && given != "" && given != own {
		return "", invalid("currency", "the wallet holds %s, got %q", own, given)
	}
	return "", nil
}

// checkAccountID checks an account id: "apr-" followed by letters and digits.
func checkAccountID(id string) error {
	rest, ok := strings.CutPrefix(id, "apr-")
	if !ok || rest == "" || strings.IndexFunc(rest, func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}) >= 0 {
		return invalid("account", "want \"apr-\" followed by letters and digits, got %q", id)
	}
	return nil
}

// AccountInfo describes an account's currencies.
type AccountInfo struct {
	Account string         `json:"account"`
	Info    []CurrencyInfo `json:"info"`
}

// CurrencyInfo is one currency's settings in an account.
type CurrencyInfo struct {
	Currency     string        `json:"currency"`
	Created      Time          `json:"created"`
	Units        string        `json:"units"`        // e.g. "satoshi"
	Destinations []Destination `json:"destinations"` // forwarding; nil when none is set
	Fee          FeeStrategy   `json:"fee"`
	// ProcessingFeePolicy is how Apirone charges its fee (see
	// UpdateSettings); Apirone's own plugins read it here.
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy"`
}

// Info returns the account's settings for currency, or for every currency
// when currency is "".
//
// GET /v2/accounts/{account}
//
// API docs: https://apirone.com/docs/account/#account-info
func (a *Account) Info(ctx context.Context, currency string) (*AccountInfo, error) {
	ep := a.endpoint(http.MethodGet, "")
	ep.query = optionalQuery("currency", currency)
	return call[*AccountInfo](ctx, &a.client.backend, ep)
}

// BalanceParams selects what Balance reports. On an account, Addresses
// needs Currency; a wallet needs no Currency (see [Wallet]).
type BalanceParams struct {
	Currency  string   // "" = every currency of an account
	Addresses []string // only these addresses (sent comma-separated)
}

// AccountBalance is an account's balance per currency.
type AccountBalance struct {
	Account string    `json:"account"`
	Balance []Balance `json:"balance"` // one per currency
}

// Balance returns the account's balance. A nil p means every currency.
//
// GET /v2/accounts/{account}/balance
//
// API docs: https://apirone.com/docs/account/#account-balance
func (a *Account) Balance(ctx context.Context, p *BalanceParams) (*AccountBalance, error) {
	ep := a.endpoint(http.MethodGet, "/balance")
	ep.withQuery(p.query(&a.owner))
	return call[*AccountBalance](ctx, &a.client.backend, ep)
}

// query checks p and returns it as the query of o's Balance.
func (p *BalanceParams) query(o *owner) (url.Values, error) {
	if p == nil {
		return nil, nil
	}
	cur, err := o.currency(p.Currency, len(p.Addresses) > 0)
	if err != nil {
		return nil, err
	}
	if err := checkListItems("addresses", p.Addresses); err != nil {
		return nil, err
	}
	return optionalQuery("currency", cur, "addresses", strings.Join(p.Addresses, ",")), nil
}
