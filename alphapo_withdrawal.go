package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// AlphaPoWithdrawParams describes a withdrawal to a crypto address.
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
	// Amount is what to withdraw, in whole units of Currency, e.g.
	// "0.0002"; sent as a decimal string. Give Amount or AmountTo, not
	// both; the zero Amount is not given and not sent.
	Amount Decimal `json:"amount"`
	// AmountTo is the exact amount to send in the ConvertTo currency,
	// e.g. "0.001" BTC from a EUR balance: AlphaPo works out what to
	// debit. Positive, instead of Amount.
	AmountTo *Decimal `json:"amount_to,omitempty"`
	// Address receives the funds. Required.
	Address string `json:"address"`
	// Tag is the destination tag or memo (XRP, XLM, EOS, ...). Without it
	// such a withdrawal may be lost.
	Tag string `json:"tag,omitempty"`
	// SenderType (AlphaPoNaturalPerson or AlphaPoLegalEntity) and
	// SenderData describe who sends the funds, for regulated (MiCA)
	// set-ups; both or neither. See AlphaPoUserData.
	SenderType string           `json:"sender_type,omitempty"`
	SenderData *AlphaPoUserData `json:"sender_data,omitempty"`
	// ReceiverType and ReceiverData likewise describe who receives them;
	// ReceiverType may also be AlphaPoSelf, with no ReceiverData, for a
	// transfer to the merchant's own address.
	ReceiverType string           `json:"receiver_type,omitempty"`
	ReceiverData *AlphaPoUserData `json:"receiver_data,omitempty"`
}

// body checks p and returns it as the body of WithdrawCrypto: amount, when
// given, goes last, and is left out when AmountTo is given instead.
func (p *AlphaPoWithdrawParams) body() (any, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	type plain AlphaPoWithdrawParams
	wire := struct {
		*plain
		Amount *Decimal `json:"amount,omitempty"`
	}{plain: (*plain)(p)}
	if p.AmountTo == nil {
		wire.Amount = &p.Amount
	}
	return wire, nil
}

func (p *AlphaPoWithdrawParams) check() error {
	if p == nil {
		return invalid("foreign_id", "is required")
	}
	return firstError(
		checkForeignID(p.ForeignID),
		required("end_user_reference", p.EndUserReference),
		required("currency", p.Currency),
		p.checkAmount(),
		required("address", p.Address),
		checkUserData("sender", p.SenderType, p.SenderData, false),
		checkUserData("receiver", p.ReceiverType, p.ReceiverData, true),
	)
}

// checkAmount checks that exactly one of Amount and AmountTo is given, and
// that it is positive.
func (p *AlphaPoWithdrawParams) checkAmount() error {
	switch {
	case p.AmountTo == nil:
		if p.Amount.IsZero() {
			return invalid("amount", "give amount or amount_to")
		}
		return positive("amount", p.Amount)
	case !p.Amount.IsZero():
		return invalid("amount_to", "give amount or amount_to, not both")
	}
	return positive("amount_to", *p.AmountTo)
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
func (wd *AlphaPoWithdrawal) UnmarshalJSON(b []byte) error {
	type fields AlphaPoWithdrawal // without this method
	var w struct {
		fields
		ID               lenientInt    `json:"id"`
		ForeignID        lenientString `json:"foreign_id"`
		EndUserReference lenientString `json:"end_user_reference"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*wd = AlphaPoWithdrawal(w.fields) // replaced whole, and untouched on an error
	wd.ID, wd.ForeignID, wd.EndUserReference = int64(w.ID), string(w.ForeignID), string(w.EndUserReference)
	return nil
}

// WithdrawCrypto sends Amount of Currency (converted to ConvertTo, if set)
// to Address, or, with AmountTo, exactly AmountTo of ConvertTo.
//
// It moves money: on an error matching [ErrOutcomeUnknown], look it up
// with [AlphaPoClient.TransactionInfo] by its ForeignID before trying again.
//
// POST /v2/withdrawal/crypto
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/withdrawal-crypto
func (c *AlphaPoClient) WithdrawCrypto(ctx context.Context, p *AlphaPoWithdrawParams) (*AlphaPoWithdrawal, error) {
	ep := c.endpoint(http.MethodPost, "/v2/withdrawal/crypto")
	ep.moneyMoving = true
	ep.withBody(p.body())
	return call[*AlphaPoWithdrawal](ctx, &c.backend, ep)
}
