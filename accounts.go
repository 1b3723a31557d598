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
func (c *Client) CreateAccount(ctx context.Context) (*CreatedAccount, error) {
	return call[*CreatedAccount](ctx, &c.backend, newEndpoint(http.MethodPost, "/v2/accounts"))
}

// Account is a handle on one Apirone account. It holds the account id and,
// for protected calls (Transfer, settings, private invoices and the callback
// endpoints), the transfer key or the tokens from Login. Printing an Account
// with any fmt verb shows the id only. It is safe for concurrent use.
type Account struct {
	client      *Client
	id          string
	transferKey secret   // hidden even where fmt reaches an Account value through an unexported field
	session     *session // tokens from Login or UseTokens
}

// Account returns a handle on the account id. transferKey may be "" when
// only public calls are made; protected calls then fail with
// ErrInvalidParams without sending anything. The id is checked on each call.
func (c *Client) Account(id, transferKey string) *Account {
	return &Account{client: c, id: id, transferKey: newSecret(transferKey), session: newSession()}
}

// ID returns the account id.
func (a *Account) ID() string { return a.id }

// Format prints "cryptopay.Account{<id>}" for every verb, for a pointer
// and a value alike.
func (a Account) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "cryptopay.Account{%s}", a.id) }

// endpoint declares a public call on route, whose first part is
// {account}, filled with the account id; args fill the parts after it (see
// newEndpoint).
func (a *Account) endpoint(method, route string, args ...string) endpoint {
	ep := newEndpoint(method, route, append([]string{a.id}, args...)...)
	if err := checkAccountID(a.id); err != nil {
		ep.err = err
	}
	ep.secrets = [2]string{a.transferKey.reveal()}
	return ep
}

// protected declares a call as endpoint does, authorized with the account's
// tokens or transfer key (see accountAuth).
func (a *Account) protected(method, route string, args ...string) endpoint {
	ep := a.endpoint(method, route, args...)
	ep.auth, ep.account = accountAuth, a
	return ep
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
func (a *Account) Info(ctx context.Context, currency string) (*AccountInfo, error) {
	ep := a.endpoint(http.MethodGet, "/v2/accounts/{account}")
	ep.query = optionalQuery("currency", currency)
	return call[*AccountInfo](ctx, &a.client.backend, ep)
}

// BalanceParams selects what Balance reports. Addresses needs Currency.
type BalanceParams struct {
	Currency  string   // "" = every currency
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
func (a *Account) Balance(ctx context.Context, p *BalanceParams) (*AccountBalance, error) {
	ep := a.endpoint(http.MethodGet, "/v2/accounts/{account}/balance")
	ep.withQuery(p.query())
	return call[*AccountBalance](ctx, &a.client.backend, ep)
}

// query checks p and returns it as the query of Balance.
func (p *BalanceParams) query() (url.Values, error) {
	if p == nil {
		return nil, nil
	}
	if len(p.Addresses) > 0 && p.Currency == "" {
		return nil, invalid("currency", "is required with addresses")
	}
	for i, addr := range p.Addresses {
		if err := checkListItem(fmt.Sprintf("addresses[%d]", i), addr); err != nil {
			return nil, err
		}
	}
	return optionalQuery("currency", p.Currency, "addresses", strings.Join(p.Addresses, ",")), nil
}
