package cryptopay

import (
	"context"
	"net/http"
)

// Transaction lookup. Fields as in
// docs.cryptoprocessing.com/api-reference/endpoints/transactions-info and
// docs.cryptoprocessing.com/api-documentation/transactions; they match the
// callbacks AlphaPo sends.

// AlphaPoTransactionInfoParams picks one transaction: give exactly one field.
type AlphaPoTransactionInfoParams struct {
	// ID is the provider's transaction id, e.g. AlphaPoWithdrawal.ID.
	ID int64 `json:"id,omitempty"`
	// ForeignID is your id of a withdrawal or exchange; deposits are found
	// by ID only.
	ForeignID string `json:"foreign_id,omitempty"`
	// TxID is the blockchain transaction hash.
	TxID string `json:"txid,omitempty"`
}

func (p *AlphaPoTransactionInfoParams) check() error {
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

// TransactionInfo looks up one transaction by its id, your foreign_id, or
// its txid. This is how to settle a money-moving call that failed with
// [ErrOutcomeUnknown]: look it up by the ForeignID you sent. Only
// transactions made with the same API key are found.
//
// Found, the operation was made: its Status tells how far it went. An
// error matching ErrNotFound means AlphaPo holds no operation with that
// ForeignID: the request did not reach it, and sending it again with the
// same ForeignID is safe (a withdrawal's foreign_id is unique: AlphaPo
// refuses a second one).
//
// It is a GET whose signed JSON body carries the parameters. The answer
// is read with or without the {"data": ...} envelope.
//
// GET /v2/transactions/info
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/transactions-info
func (c *AlphaPoClient) TransactionInfo(ctx context.Context, p *AlphaPoTransactionInfoParams) (*AlphaPoTransaction, error) {
	ep := c.endpoint(http.MethodGet, "/v2/transactions/info")
	ep.envelope = maybeInData
	ep.withBody(p.body())
	return call[*AlphaPoTransaction](ctx, &c.backend, ep)
}

// body checks p and returns it as the body of TransactionInfo.
func (p *AlphaPoTransactionInfoParams) body() (any, error) { return p, p.check() }
