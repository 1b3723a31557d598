package cryptopaytest

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
)

// alphaOp is one AlphaPo transaction (a deposit, withdrawal, exchange or
// invoice) with its callback state. rec is what callbacks and
// transactions/info report, so the fake's records and the SDK's type are
// one and the same.
type alphaOp struct {
	rec     cryptopay.AlphaPoTransaction
	credits bool   // confirming it credits rec.CurrencyReceived, less its fees, to the balance
	invoice bool   // an invoice: confirmed once paid in full
	url     string // where its callbacks go; "" = the server's callback URL
	sent    cryptopay.AlphaPoStatus
	acked   bool // whether the status last sent was acknowledged
}

// addOp records rec. Nothing is announced for its first status: callbacks
// report changes (and deposits, which AlphaPoDeposit delivers). The caller
// holds the AlphaPo lock.
func (s *Server) addOp(rec cryptopay.AlphaPoTransaction, credits bool) *alphaOp {
	op := &alphaOp{rec: rec, credits: credits, sent: rec.Status, acked: true}
	s.alphaPoAccount.ops = append(s.alphaPoAccount.ops, op)
	return op
}

// entry returns a new movement of amount of currency, with its own id.
// The caller holds the AlphaPo lock.
func (s *Server) entry(kind, currency string, amount *big.Int) cryptopay.AlphaPoTxEntry {
	return cryptopay.AlphaPoTxEntry{
		ID: s.alphaPoAccount.nextID(), Currency: currency, TransactionType: "blockchain",
		Type: kind, Amount: decimal(amount),
	}
}

// exchangeEntry is the movement of an exchange of sent from into received to.
func (s *Server) exchangeEntry(from string, sent *big.Int, to string, received *big.Int) cryptopay.AlphaPoTxEntry {
	e := s.entry("exchange", from, sent)
	e.TransactionType, e.CurrencyTo, e.AmountTo = "exchange", to, decimalPtr(received)
	return e
}

// ready reports whether op can be confirmed: every blockchain movement
// has a confirmation and, for an invoice, nothing remains to pay.
func (op *alphaOp) ready() bool {
	for _, e := range op.rec.Transactions {
		if e.TransactionType == "blockchain" && e.Confirmations < 1 {
			return false
		}
	}
	sent := op.rec.CurrencySent
	return !op.invoice || (sent.RemainingAmount != nil && sent.RemainingAmount.Sign() == 0)
}

// settle confirms op when it is ready and credits what it brings in. The
// caller holds the AlphaPo lock.
func (s *Server) settle(op *alphaOp) {
	if op.rec.Status == cryptopay.AlphaPoStatusConfirmed || !op.ready() {
		return
	}
	op.rec.Status = cryptopay.AlphaPoStatusConfirmed
	if op.credits {
		s.alphaPoAccount.credit(op.rec)
	}
}

// mineAlphaPo adds a block on the AlphaPo side: every blockchain movement
// gains a confirmation, operations that are ready are confirmed (an
// exchange on the first block after it was made), and it returns the
// callbacks due: a new status, or the last one not yet acknowledged. The
// caller holds the AlphaPo lock.
func (s *Server) mineAlphaPo() []delivery {
	var sends []delivery
	for _, op := range s.alphaPoAccount.ops {
		for i := range op.rec.Transactions {
			if op.rec.Transactions[i].TransactionType == "blockchain" {
				op.rec.Transactions[i].Confirmations++
			}
		}
		s.settle(op)
		if op.rec.Status != op.sent || !op.acked {
			if send := s.alphaPoDelivery(op); send != nil {
				sends = append(sends, send)
			}
		}
	}
	return sends
}

// alphaPoDelivery prepares op's callback with its current status, signed
// with the server's key and secret, or returns nil when there is no
// callback URL. The caller holds the AlphaPo lock.
func (s *Server) alphaPoDelivery(op *alphaOp) delivery {
	url := op.url
	if url == "" {
		url = s.alphaPoAccount.callbackURL
	}
	if url == "" {
		return nil
	}
	status := op.rec.Status
	op.sent, op.acked = status, false
	wire := alphaPoJSON(op.rec)
	if op.rec.Type == cryptopay.AlphaPoTxExchange {
		wire.ForeignID = "" // not in AlphaPo's exchange callbacks; transactions/info finds it by it
	}
	body := mustJSON(wire)
	header := SignAlphaPoCallback(s.alphaKey, s.alphaSecret, body)
	confirmations := 0
	if len(op.rec.Transactions) > 0 {
		confirmations = int(op.rec.Transactions[0].Confirmations)
	}
	return func(ctx context.Context) Delivery {
		d, _ := s.sendCallback(ctx, http.MethodPost, url, body, header)
		d.Confirmations = confirmations
		d.Acknowledged = d.Status == http.StatusOK
		s.alphaPoAccount.mu.Lock()
		defer s.alphaPoAccount.mu.Unlock()
		if op.sent == status {
			op.acked = op.acked || d.Acknowledged
		}
		return d
	}
}

// transactionInfo: GET /transactions/info with a signed JSON body. It
// finds a transaction by id, by the foreign_id of a withdrawal, exchange
// or invoice (deposits only by id, as the docs say), or by a blockchain
// txid; invoices once a payment arrived. The answer is bare, as in the
// docs, and reports "processing" as "not_confirmed", as the docs say the
// API does (docs.cryptoprocessing.com/api-reference/endpoints/transactions-info).
// The 400 and 404 for no or several parameters follow
// docs.cryptoprocessing.com/api-documentation/transactions; the 400 for a
// negative id and the 404 for an unknown transaction are the fake's.
func (s *Server) transactionInfo(p *cryptopay.AlphaPoTransactionInfoParams) reply {
	given := 0
	for _, set := range []bool{p.ID != 0, p.ForeignID != "", p.TxID != ""} {
		if set {
			given++
		}
	}
	switch {
	case p.ID < 0:
		return problems{"id": "The id must be a positive number."}.reply()
	case given == 0:
		return problems{"id": "No parameters present"}.reply()
	case given > 1:
		return reply{http.StatusNotFound, alphaPoError{Error: "Validation Exception: more than one param is present"}}
	}
	for _, op := range s.alphaPoAccount.ops {
		if op.invoice && len(op.rec.Transactions) == 0 {
			continue
		}
		if op.matches(p) {
			rec := op.rec
			if rec.Status == cryptopay.AlphaPoStatusProcessing {
				rec.Status = cryptopay.AlphaPoStatusNotConfirmed
			}
			return ok(alphaPoJSON(rec))
		}
	}
	return reply{http.StatusNotFound, alphaPoError{Error: "Transaction not found."}}
}

// matches reports whether op is the transaction p asks for.
func (op *alphaOp) matches(p *cryptopay.AlphaPoTransactionInfoParams) bool {
	switch {
	case p.ID != 0:
		return int64(op.rec.ID) == p.ID
	case p.ForeignID != "":
		own := op.rec.Type != cryptopay.AlphaPoTxDeposit && op.rec.Type != cryptopay.AlphaPoTxDepositExchange
		return own && string(op.rec.ForeignID) == p.ForeignID
	}
	for _, e := range op.rec.Transactions {
		if e.TxID != "" && string(e.TxID) == p.TxID {
			return true
		}
	}
	return false
}

// alphaPoTxJSON is a transaction as AlphaPo writes it in callbacks and in
// transactions/info, in the form of the published examples
// (https://docs.cryptoprocessing.com/api-reference/callbacks): no
// top-level foreign_id on a deposit (the address's is in crypto_address),
// fees and error always there, a movement's tag null when it has none,
// and confirmations on blockchain movements only.
type alphaPoTxJSON struct {
	ID               int64                            `json:"id"`
	ForeignID        string                           `json:"foreign_id,omitempty"`
	EndUserReference string                           `json:"end_user_reference,omitempty"`
	Type             cryptopay.AlphaPoTxType          `json:"type"`
	CryptoAddress    *cryptopay.AlphaPoCryptoAddress  `json:"crypto_address,omitempty"`
	CurrencySent     *cryptopay.AlphaPoCurrencyAmount `json:"currency_sent,omitempty"`
	CurrencyReceived *cryptopay.AlphaPoCurrencyAmount `json:"currency_received,omitempty"`
	Transactions     []alphaPoEntryJSON               `json:"transactions"`
	Fees             []cryptopay.AlphaPoFee           `json:"fees"`
	Error            string                           `json:"error"`
	Status           cryptopay.AlphaPoStatus          `json:"status"`
	FixedAt          int64                            `json:"fixed_at,omitempty"`
	ExpiresAt        int64                            `json:"expires_at,omitempty"`
}

// alphaPoEntryJSON is one movement of an alphaPoTxJSON.
type alphaPoEntryJSON struct {
	ID              int64              `json:"id"`
	Currency        string             `json:"currency"`
	CurrencyTo      string             `json:"currency_to,omitempty"`
	TransactionType string             `json:"transaction_type"`
	Type            string             `json:"type"`
	Address         string             `json:"address,omitempty"`
	Tag             json.RawMessage    `json:"tag,omitempty"` // blockchain movements: the tag or null
	Amount          cryptopay.Decimal  `json:"amount"`
	AmountTo        *cryptopay.Decimal `json:"amount_to,omitempty"`
	TxID            string             `json:"txid,omitempty"`
	RiskScore       string             `json:"riskscore,omitempty"`
	Confirmations   *int64             `json:"confirmations,omitempty"` // blockchain movements only
}

// alphaPoJSON is rec as AlphaPo writes it (see alphaPoTxJSON).
func alphaPoJSON(rec cryptopay.AlphaPoTransaction) alphaPoTxJSON {
	out := alphaPoTxJSON{
		ID: rec.ID, ForeignID: rec.ForeignID, EndUserReference: rec.EndUserReference, Type: rec.Type,
		CryptoAddress: rec.CryptoAddress, CurrencySent: rec.CurrencySent, CurrencyReceived: rec.CurrencyReceived,
		Transactions: []alphaPoEntryJSON{}, Fees: rec.Fees, Error: rec.Error, Status: rec.Status,
		FixedAt: rec.FixedAt, ExpiresAt: rec.ExpiresAt,
	}
	if out.Fees == nil {
		out.Fees = []cryptopay.AlphaPoFee{}
	}
	for _, e := range rec.Transactions {
		out.Transactions = append(out.Transactions, entryJSON(e))
	}
	return out
}

// entryJSON is e as AlphaPo writes it.
func entryJSON(e cryptopay.AlphaPoTxEntry) alphaPoEntryJSON {
	out := alphaPoEntryJSON{
		ID: e.ID, Currency: e.Currency, CurrencyTo: e.CurrencyTo, TransactionType: e.TransactionType, Type: e.Type,
		Address: e.Address, Amount: e.Amount, AmountTo: e.AmountTo, TxID: e.TxID, RiskScore: e.RiskScore,
	}
	if e.TransactionType == "blockchain" {
		out.Tag = json.RawMessage("null")
		if e.Tag != "" {
			out.Tag = mustJSON(e.Tag)
		}
		out.Confirmations = &e.Confirmations
	}
	return out
}
