package cryptopay

import (
	"context"
	"fmt"
	"net/http"
)

// AlphaPoClient calls the AlphaPo API v2 (the CoinsPaid API family). Every
// call is a POST whose exact body bytes are signed with the API secret; see
// Signer. It is safe for concurrent use. Printing it with any fmt verb shows
// neither the key nor the secret.
type AlphaPoClient struct {
	backend
	signer *Signer
}

// NewAlphaPoClient returns an AlphaPo client for the API key and secret of
// a merchant account. Without options it talks to AlphaPoBaseURL.
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
	c := &AlphaPoClient{backend: b, signer: NewSigner(secret)}
	c.sign = func(h http.Header, body []byte) {
		h.Set("X-Processing-Key", key)
		h.Set("X-Processing-Signature", c.signer.Sign(body))
	}
	return c, nil
}

// Format prints "cryptopay.AlphaPoClient{<base URL>}" for every verb, with
// any password in the base URL hidden.
func (c *AlphaPoClient) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.AlphaPoClient{%s}", redactURL(c.baseURL))
}

// endpoint declares a signed POST to path with body, whose answer comes in
// a {"data": ...} envelope.
func (c *AlphaPoClient) endpoint(path string, body any) endpoint {
	return endpoint{method: http.MethodPost, path: path, body: body, signedBody: true, envelope: true}
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
	// SenderType is "natural" or "legal", for regulated set-ups.
	SenderType string `json:"sender_type,omitempty"`
	// SenderData is the sender's details that go with SenderType.
	SenderData map[string]string `json:"sender_data,omitempty"`
}

const maxForeignID = 255

func (p *TakeAddressParams) check() error {
	if p == nil {
		return invalid("currency", "is required")
	}
	if err := required("currency", p.Currency); err != nil {
		return err
	}
	if err := required("foreign_id", p.ForeignID); err != nil {
		return err
	}
	if len(p.ForeignID) > maxForeignID {
		return invalid("foreign_id", "longer than %d characters", maxForeignID)
	}
	if p.Amount != nil && p.Amount.Sign() <= 0 {
		return invalid("amount", "must be positive, got %s", p.Amount)
	}
	return required("end_user_reference", p.EndUserReference)
}

// TakenAddress is a deposit address assigned to a customer.
type TakenAddress struct {
	ID               FlexInt `json:"id"`
	Currency         string  `json:"currency"`
	ConvertTo        string  `json:"convert_to"`
	Address          string  `json:"address"`
	Tag              Tag     `json:"tag"` // memo for XRP, XLM, ...; "" when none
	ForeignID        string  `json:"foreign_id"`
	EndUserReference string  `json:"end_user_reference"`
}

// TakeAddress assigns a deposit address to a customer. It is not
// idempotent (a repeat may hand out another address), so it is not resent
// once the request may have left.
//
// POST /v2/addresses/take
func (c *AlphaPoClient) TakeAddress(ctx context.Context, p *TakeAddressParams) (*TakenAddress, error) {
	ep := c.endpoint("/addresses/take", p)
	ep.check(p.check())
	return call[TakenAddress](ctx, &c.backend, ep)
}
