package cryptopay

import (
	"context"
	"net/http"
)

// AlphaPoWithdrawParams describes a withdrawal to a crypto address. Fields
// as in docs.cryptoprocessing.com/api-reference/endpoints/withdrawal-crypto
// and coinspaid/docs api-documentation/api-reference.md.
type AlphaPoWithdrawParams struct {
	// ForeignID is your unique id for this withdrawal (at most 255
	// characters, no personal data). Required. Store it before calling:
	// it is how you find the withdrawal with TransactionInfo.
	ForeignID string `json:"foreign_id"`
	// EndUserReference is a permanent id of the customer, no personal
	// data. Required (docs.cryptoprocessing.com/withdrawals/integration-guide).
	EndUserReference string `json:"end_user_reference"`
	// Currency is the balance to pay from, e.g. "BTC", or "EUR" with
	// ConvertTo. Required.
	Currency string `json:"currency"`
	// ConvertTo, when set, converts Amount of Currency into this
	// cryptocurrency and sends that, e.g. Currency "EUR", ConvertTo "BTC".
	ConvertTo string `json:"convert_to,omitempty"`
	// Amount is in whole units of Currency, e.g. "0.0002"; sent as a
	// decimal string. Required, positive.
	Amount Decimal `json:"amount"`
	// Address receives the funds. Required.
	Address string `json:"address"`
	// Tag is the destination tag or memo (XRP, XLM, EOS, ...). Without it
	// such a withdrawal may be lost.
	Tag string `json:"tag,omitempty"`
	// SenderType is "natural" or "legal", with SenderData, for regulated
	// (MiCA) set-ups; likewise ReceiverType and ReceiverData.
	SenderType   string            `json:"sender_type,omitempty"`
	SenderData   map[string]string `json:"sender_data,omitempty"`
	ReceiverType string            `json:"receiver_type,omitempty"`
	ReceiverData map[string]string `json:"receiver_data,omitempty"`
}

// body checks p and returns it as the body of WithdrawCrypto.
func (p *AlphaPoWithdrawParams) body() (any, error) { return p, p.check() }

func (p *AlphaPoWithdrawParams) check() error {
	if p == nil {
		return invalid("foreign_id", "is required")
	}
	return firstError(
		checkForeignID(p.ForeignID),
		required("end_user_reference", p.EndUserReference),
		required("currency", p.Currency),
		positive("amount", p.Amount),
		required("address", p.Address),
	)
}

// AlphaPoWithdrawal is a withdrawal the provider accepted. Its final state
// comes later, in a callback or from TransactionInfo.
type AlphaPoWithdrawal struct {
	ID               int64   `json:"id"`
	ForeignID        string  `json:"foreign_id"`
	EndUserReference string  `json:"end_user_reference"`
	Type             string  `json:"type"`   // "withdrawal" or "withdrawal_exchange"
	Status           string  `json:"status"` // e.g. "processing"
	Amount           Decimal `json:"amount"`
	SenderAmount     Decimal `json:"sender_amount"`
	SenderCurrency   string  `json:"sender_currency"`
	ReceiverAmount   Decimal `json:"receiver_amount"`
	ReceiverCurrency string  `json:"receiver_currency"`
}

// UnmarshalJSON decodes the withdrawal, taking the id as a number or a
// string and your ids as strings, numbers or null.
func (w *AlphaPoWithdrawal) UnmarshalJSON(b []byte) error { return decodeMirrored(b, w) }

func (*AlphaPoWithdrawal) newMirror() mirrorOf[*AlphaPoWithdrawal] { return new(alphaPoWithdrawalWire) }

type alphaPoWithdrawalFields AlphaPoWithdrawal

// alphaPoWithdrawalWire is the mirror a AlphaPoWithdrawal decodes through (see mirrorOf).
type alphaPoWithdrawalWire struct {
	alphaPoWithdrawalFields
	ID               lenientInt    `json:"id"`
	ForeignID        lenientString `json:"foreign_id"`
	EndUserReference lenientString `json:"end_user_reference"`
}

func (w *alphaPoWithdrawalWire) value() *AlphaPoWithdrawal {
	wd := (*AlphaPoWithdrawal)(&w.alphaPoWithdrawalFields)
	wd.ID, wd.ForeignID, wd.EndUserReference = int64(w.ID), string(w.ForeignID), string(w.EndUserReference)
	return wd
}

// WithdrawCrypto sends Amount of Currency (converted to ConvertTo, if set)
// to Address.
//
// It moves money, so it is never resent once the request may have left.
// When it fails with an error matching ErrOutcomeUnknown, the withdrawal
// may or may not exist: look it up with TransactionInfo by its ForeignID
// before trying again, and send it again only if it is not there, with
// the same ForeignID.
//
// POST /v2/withdrawal/crypto
func (c *AlphaPoClient) WithdrawCrypto(ctx context.Context, p *AlphaPoWithdrawParams) (*AlphaPoWithdrawal, error) {
	ep := c.endpoint(http.MethodPost, "/v2/withdrawal/crypto")
	ep.moneyMoving = true
	ep.withBody(p.body())
	return call[*AlphaPoWithdrawal](ctx, &c.backend, ep)
}
