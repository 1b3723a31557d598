package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// Transaction lookup. Fields as in
// docs.cryptoprocessing.com/api-reference/endpoints/transactions-info and
// docs.cryptoprocessing.com/api-documentation/transactions; they match the
// callbacks AlphaPo sends.

// TransactionInfoParams picks one transaction: give exactly one field.
type TransactionInfoParams struct {
	// ID is the provider's transaction id, e.g. AlphaPoWithdrawal.ID.
	ID int64 `json:"id,omitempty"`
	// ForeignID is your id of a withdrawal or exchange. The docs note that
	// deposits are found by ID only.
	ForeignID string `json:"foreign_id,omitempty"`
	// TxID is the blockchain transaction hash.
	TxID string `json:"txid,omitempty"`
}

func (p *TransactionInfoParams) check() error {
	if p == nil {
		return invalid("id", "give id, foreign_id or txid")
	}
	given := 0
	for _, set := range []bool{p.ID != 0, p.ForeignID != "", p.TxID != ""} {
		if set {
			given++
		}
	}
	switch {
	case given == 0:
		return invalid("id", "give id, foreign_id or txid")
	case given > 1:
		return invalid("id", "give only one of id, foreign_id and txid")
	case p.ID < 0:
		return invalid("id", "must be positive, got %d", p.ID)
	}
	return maxLength("foreign_id", p.ForeignID, maxForeignID)
}

// AlphaPoTransaction is a deposit, withdrawal, exchange or invoice payment
// as the provider records it. Parts the provider leaves out are nil or
// empty.
type AlphaPoTransaction struct {
	ID               FlexInt    `json:"id"`
	ForeignID        FlexString `json:"foreign_id"`
	EndUserReference FlexString `json:"end_user_reference"`
	// Type is e.g. "deposit", "withdrawal", "exchange",
	// "deposit_exchange", "withdrawal_exchange" or "invoice".
	Type string `json:"type"`
	// Status is e.g. "confirmed" or "cancelled" (final), "not_confirmed",
	// "pending" or "declined".
	Status string `json:"status"`
	// Error explains a failed transaction; "" otherwise.
	Error            string            `json:"error"`
	CryptoAddress    *AlphaPoTxAddress `json:"crypto_address"`
	CurrencySent     *AlphaPoTxAmount  `json:"currency_sent"`
	CurrencyReceived *AlphaPoTxAmount  `json:"currency_received"`
	Transactions     []AlphaPoTxEntry  `json:"transactions"`
	Fees             []AlphaPoTxFee    `json:"fees"`
}

// AlphaPoTxAddress is the address a transaction belongs to.
type AlphaPoTxAddress struct {
	ID        FlexInt    `json:"id"`
	Currency  string     `json:"currency"`
	ConvertTo string     `json:"convert_to"`
	Address   string     `json:"address"`
	Tag       Tag        `json:"tag"`
	ForeignID FlexString `json:"foreign_id"`
}

// AlphaPoTxAmount is an amount sent or received, in whole units.
type AlphaPoTxAmount struct {
	Currency string  `json:"currency"`
	Amount   Decimal `json:"amount"`
	// AmountMinusFee is what was credited (received side only).
	AmountMinusFee *Decimal `json:"amount_minus_fee"`
	// RemainingAmount is what is left to pay (invoices).
	RemainingAmount *Decimal `json:"remaining_amount"`
}

// AlphaPoTxEntry is one movement of a transaction: on a blockchain, inside
// the processing, or an exchange.
type AlphaPoTxEntry struct {
	ID              FlexInt `json:"id"`
	Currency        string  `json:"currency"`
	CurrencyTo      string  `json:"currency_to"`      // exchange only
	TransactionType string  `json:"transaction_type"` // "blockchain", "internal" or "exchange"
	Type            string  `json:"type"`             // e.g. "deposit"
	Address         string  `json:"address"`
	Tag             Tag     `json:"tag"`
	Amount          Decimal `json:"amount"`
	// AmountTo is the amount received in CurrencyTo (exchange only).
	AmountTo      *Decimal   `json:"amount_to"`
	TxID          FlexString `json:"txid"`
	RiskScore     FlexString `json:"riskscore"` // e.g. "0.5"
	Confirmations FlexInt    `json:"confirmations"`
}

// AlphaPoTxFee is a fee charged on a transaction.
type AlphaPoTxFee struct {
	Type     string  `json:"type"` // e.g. "deposit", "mining"
	Currency string  `json:"currency"`
	Amount   Decimal `json:"amount"`
}

// TransactionInfo looks up one transaction by its id, your foreign_id, or
// its txid. This is how to settle a WithdrawCrypto, ExchangeFixed or
// ExchangeNow that failed with ErrOutcomeUnknown: look it up by the
// ForeignID you sent. Only transactions made with the same API key are
// found.
//
// It is a GET whose signed JSON body carries the parameters. The answer
// is read with or without the {"data": ...} envelope: the docs show it
// without.
//
// GET /v2/transactions/info
func (c *AlphaPoClient) TransactionInfo(ctx context.Context, p *TransactionInfoParams) (*AlphaPoTransaction, error) {
	ep := c.endpoint("/transactions/info", p)
	ep.method = http.MethodGet
	ep.envelope = false
	ep.check(p.check())
	answer, err := call[transactionAnswer](ctx, &c.backend, ep)
	if err != nil {
		return nil, err
	}
	return &answer.tx, nil
}

// transactionAnswer decodes a transaction sent bare or inside {"data": ...}.
type transactionAnswer struct {
	tx AlphaPoTransaction
}

func (a *transactionAnswer) UnmarshalJSON(data []byte) error {
	var probe struct {
		ID   json.RawMessage `json:"id"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return err
	}
	if probe.ID == nil && len(probe.Data) > 0 && probe.Data[0] == '{' {
		data = probe.Data
	}
	return json.Unmarshal(data, &a.tx)
}
