package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Base URLs for [NewAlphaPoClient]: [AlphaPoBaseURL] is the default; pass
// one of these (or any other URL) with [WithBaseURL].
const (
	// CoinsPaidBaseURL is the CoinsPaid (CryptoProcessing) production API
	// root; paths start with /v2/.
	CoinsPaidBaseURL = "https://app.cryptoprocessing.com/api"
	// CoinsPaidSandboxBaseURL is the CoinsPaid test environment.
	CoinsPaidSandboxBaseURL = "https://app.sandbox.cryptoprocessing.com/api"
)

// AlphaPoClient calls the AlphaPo API v2 (the CoinsPaid API family). Every
// call but Ping sends a JSON body whose exact bytes are signed with the API
// secret; see Signer. It is safe for concurrent use. Printing it with any fmt verb shows
// neither the key nor the secret.
type AlphaPoClient struct {
	backend
	key    secret
	signer *Signer
}

// NewAlphaPoClient returns an AlphaPo client for the API key and secret of
// a merchant account. Without options it talks to AlphaPoBaseURL; use
// WithBaseURL(CoinsPaidBaseURL), WithBaseURL(CoinsPaidSandboxBaseURL) or any
// other URL for the other hosts of the same API.
func NewAlphaPoClient(key, secret string, opts ...Option) (*AlphaPoClient, error) {
	if key == "" {
		return nil, invalid("key", "is required")
	}
	if secret == "" {
		return nil, invalid("secret", "is required")
	}
	b, err := newBackend(AlphaPoBaseURL, opts)
	if err != nil {
		return nil, err
	}
	c := &AlphaPoClient{backend: b, key: newSecret(key), signer: NewSigner(secret)}
	c.sign = func(body []byte) (string, string) { return key, c.signer.Sign(body) }
	return c, nil
}

// Format prints "cryptopay.AlphaPoClient{<base URL>}" for every verb, with
// any password in the base URL hidden, for a pointer and a value alike.
func (c AlphaPoClient) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.AlphaPoClient{%s}", redactURL(c.baseURL.reveal()))
}

// endpoint declares a signed call on route whose answer comes in a
// {"data": ...} envelope, as every AlphaPo call but Ping does.
func (c *AlphaPoClient) endpoint(method, route string) endpoint {
	ep := c.unsignedEndpoint(method, route)
	ep.auth, ep.envelope = signedAuth, inData
	return ep
}

// unsignedEndpoint declares a call on route that carries no signature
// (Ping): its error answers read as AlphaPo's and show no credential of
// the client.
func (c *AlphaPoClient) unsignedEndpoint(method, route string) endpoint {
	ep := newEndpoint(method, route)
	ep.provider, ep.secrets = alphaPo, c.credentials()
	return ep
}

// credentials returns the API key and secret, which no error shows.
func (c *AlphaPoClient) credentials() [2]string {
	return [2]string{c.key.reveal(), c.signer.secret.reveal()}
}

// TakeAddressParams describes the deposit address to take.
type TakeAddressParams struct {
	Currency string `json:"currency"` // required, e.g. "BTC"
	// ForeignID is your id for the customer (at most 255 characters, no
	// personal data); it comes back with every callback for this address
	// and may be reused across one customer's addresses. Required.
	ForeignID string `json:"foreign_id"`
	// ConvertTo converts every deposit into this currency, e.g. "EUR".
	ConvertTo string `json:"convert_to,omitempty"`
	// EndUserReference is a permanent id of the customer, no personal data.
	// Required.
	EndUserReference string `json:"end_user_reference"`
	// Amount is the invoice amount, for Lightning (BTCLN) only.
	Amount *Decimal `json:"amount,omitempty"`
	// SenderType (AlphaPoNaturalPerson or AlphaPoLegalEntity) and
	// SenderData describe who pays to the address, for regulated (MiCA)
	// set-ups; both or neither. See AlphaPoUserData.
	SenderType string           `json:"sender_type,omitempty"`
	SenderData *AlphaPoUserData `json:"sender_data,omitempty"`
}

// body checks p and returns it as the body of TakeAddress.
func (p *TakeAddressParams) body() (any, error) { return p, p.check() }

func (p *TakeAddressParams) check() error {
	if p == nil {
		return invalid("currency", "is required")
	}
	if p.Amount != nil && p.Amount.Sign() <= 0 {
		return invalid("amount", "must be positive, got %s", p.Amount)
	}
	return firstError(
		required("currency", p.Currency),
		checkForeignID(p.ForeignID),
		required("end_user_reference", p.EndUserReference),
		checkUserData("sender", p.SenderType, p.SenderData, false),
	)
}

// TakenAddress is a deposit address assigned to a customer.
type TakenAddress struct {
	ID               int64  `json:"id"`
	Currency         string `json:"currency"`
	ConvertTo        string `json:"convert_to,omitempty"` // "" when deposits are not converted
	Address          string `json:"address"`
	Tag              string `json:"tag"` // memo for XRP, XLM, ...; "" when none
	ForeignID        string `json:"foreign_id"`
	EndUserReference string `json:"end_user_reference"`
}

// UnmarshalJSON decodes the address, taking the id as a number or a
// string and the tag as a string, a number or null.
func (t *TakenAddress) UnmarshalJSON(b []byte) error {
	type fields TakenAddress // without this method
	var w struct {
		fields
		ID  lenientInt    `json:"id"`
		Tag lenientString `json:"tag"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = TakenAddress(w.fields) // replaced whole, and untouched on an error
	t.ID, t.Tag = int64(w.ID), string(w.Tag)
	return nil
}

// MarshalJSON encodes the address as AlphaPo writes it: the tag is null
// when there is none.
func (t TakenAddress) MarshalJSON() ([]byte, error) {
	type plain TakenAddress
	return json.Marshal(struct {
		plain
		Tag lenientString `json:"tag"`
	}{plain(t), lenientString(t.Tag)})
}

// TakeAddress assigns a deposit address to a customer. It is not
// idempotent (a repeat may hand out another address), so it is not resent
// once the request may have left.
//
// POST /v2/addresses/take
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/deposit-addresses
func (c *AlphaPoClient) TakeAddress(ctx context.Context, p *TakeAddressParams) (*TakenAddress, error) {
	ep := c.endpoint(http.MethodPost, "/v2/addresses/take")
	ep.withBody(p.body())
	return call[*TakenAddress](ctx, &c.backend, ep)
}

// Ping checks that the API answers. It is an unsigned GET with no body;
// any 2xx answer is success, whatever its text (the API sends "OK"), and
// anything else is an *APIError or a transport error.
//
// GET /v2/ping
//
// API docs: https://docs.cryptoprocessing.com/api-documentation/api-reference
func (c *AlphaPoClient) Ping(ctx context.Context) error {
	ep := c.unsignedEndpoint(http.MethodGet, "/v2/ping")
	return c.do(ctx, &ep, nil)
}
