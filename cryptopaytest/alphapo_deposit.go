package cryptopaytest

import (
	"cmp"
	"context"
	"fmt"
	"math/big"

	"github.com/cryptopay-go/cryptopay"
)

// AlphaPoDepositParams describes a payment into an AlphaPo address of the
// server: one handed out by addresses/take, or an invoice's.
type AlphaPoDepositParams struct {
	Address string // an address taken on this server or an invoice's; required
	// Amount is in whole coins, e.g. "0.01": positive, with at most 8
	// decimal places.
	Amount        cryptopay.Decimal
	Confirmations int // 0: not confirmed yet; 1 or more: confirmed
	// CallbackURL is where this deposit's callbacks go; "" means the
	// server's (SetAlphaPoCallbackURL). One of the two is required.
	CallbackURL string
	TxID        string // the blockchain transaction id; "" means a random one
	// RiskScore is the AML risk score the deposit's movement reports
	// (transactions[].riskscore, e.g. "0.5"); "" means "0.1". Invoice
	// payments report none, as AlphaPo's examples show.
	RiskScore string
}

// AlphaPoDepositResult is an AlphaPo deposit and its first callback delivery.
type AlphaPoDepositResult struct {
	// ID is the transaction id its callbacks carry (for an invoice
	// payment, the invoice's); receivers dedupe on (id, status).
	ID         int64
	TxID       string     // the blockchain transaction id
	Deliveries []Delivery // the callback sent
}

// AlphaPoDeposit pays p.Amount into an AlphaPo address and delivers its
// callback before returning: a POST signed like AlphaPo's
// (X-Processing-Key, X-Processing-Signature over the exact body, see
// SignAlphaPoCallback), acknowledged by status 200. The body is a
// cryptopay.AlphaPoTransaction, in the form of AlphaPo's published deposit
// callback: the customer's id (the address's foreign_id) is in
// crypto_address.foreign_id only, as AlphaPo sends it; "error" is "".
//
// A payment to a taken address is a "deposit", or a "deposit_exchange"
// converted at the market price into the address's ConvertTo currency. It
// is "not_confirmed" until it has a confirmation, then "confirmed", and
// then its amount_minus_fee is credited to the balance: a fee of 1% of
// what it brings in ("deposit", or "exchange" for a deposit_exchange) is
// listed in its fees.
//
// A payment to an invoice's address adds to the invoice: an "invoice"
// callback with the invoice's id, "processing" with the remaining amount,
// and "confirmed" once the invoice is paid in full and every payment has
// a confirmation, when the invoice's amount, less a 1% "fee_crypto_deposit"
// listed in its fees from the start, is credited in its currency.
//
// Mine adds confirmations, sends the callbacks of new statuses and
// re-sends unacknowledged ones.
func (s *Server) AlphaPoDeposit(ctx context.Context, p AlphaPoDepositParams) (*AlphaPoDepositResult, error) {
	send, res, err := s.recordAlphaPoDeposit(p)
	if err != nil {
		return nil, err
	}
	res.Deliveries = []Delivery{send(ctx)}
	return res, nil
}

func (s *Server) recordAlphaPoDeposit(p AlphaPoDepositParams) (delivery, *AlphaPoDepositResult, error) {
	amount, exact := toUnits(p.Amount)
	switch {
	case !exact || amount.Sign() <= 0:
		return nil, nil, fmt.Errorf("cryptopaytest: want a positive deposit amount with at most 8 decimal places, got %s", p.Amount)
	case p.Confirmations < 0:
		return nil, nil, fmt.Errorf("cryptopaytest: negative confirmations %d", p.Confirmations)
	}
	s.alphaPoAccount.mu.Lock()
	defer s.alphaPoAccount.mu.Unlock()
	a := s.alphaPoAccount.addresses[p.Address]
	switch {
	case a == nil:
		return nil, nil, fmt.Errorf("cryptopaytest: no AlphaPo address %q on this server", p.Address)
	case p.CallbackURL == "" && s.alphaPoAccount.callbackURL == "":
		return nil, nil, fmt.Errorf("cryptopaytest: AlphaPoDepositParams.CallbackURL is required when SetAlphaPoCallbackURL set none")
	}
	hash := p.TxID
	if hash == "" {
		hash = newTxID()
	}
	e := s.entry("deposit", a.taken.Currency, amount)
	e.Address, e.Tag, e.TxID, e.Confirmations = a.taken.Address, a.taken.Tag, hash, int64(p.Confirmations)
	op := a.invoice
	if op != nil {
		payInvoice(op, e)
	} else {
		e.RiskScore = cmp.Or(p.RiskScore, defaultRiskScore)
		op = s.addOp(s.depositRecord(a, amount, e), true)
	}
	if p.CallbackURL != "" {
		op.url = p.CallbackURL
	}
	s.settle(op)
	return s.alphaPoDelivery(op), &AlphaPoDepositResult{ID: int64(op.rec.ID), TxID: hash}, nil
}

// depositRecord is the deposit of amount to a, made of the movement e.
// The caller holds the AlphaPo lock.
func (s *Server) depositRecord(a *alphaAddress, amount *big.Int, e cryptopay.AlphaPoTxEntry) cryptopay.AlphaPoTransaction {
	t := a.taken
	rec := cryptopay.AlphaPoTransaction{
		ID: s.alphaPoAccount.nextID(), EndUserReference: t.EndUserReference, Type: cryptopay.AlphaPoTxDeposit,
		CryptoAddress: &cryptopay.AlphaPoCryptoAddress{
			ID: t.ID, Currency: t.Currency, ConvertTo: t.ConvertTo, Address: t.Address, Tag: t.Tag,
			ForeignID: t.ForeignID,
		},
		CurrencySent: &cryptopay.AlphaPoCurrencyAmount{Currency: t.Currency, Amount: decimal(amount)},
		Transactions: []cryptopay.AlphaPoTxEntry{e},
		Status:       cryptopay.AlphaPoStatusNotConfirmed,
	}
	currency, received, feeKind := t.Currency, amount, "deposit"
	if t.ConvertTo != "" {
		from, to := alphaPoCurrency(t.Currency), alphaPoCurrency(t.ConvertTo)
		currency, received = t.ConvertTo, convert(amount, from, s.alphaPoAccount.price(from, to), false)
		rec.Type, feeKind = cryptopay.AlphaPoTxDepositExchange, "exchange"
		rec.Transactions = append(rec.Transactions, s.exchangeEntry(t.Currency, amount, t.ConvertTo, received))
	}
	rec.CurrencyReceived = &cryptopay.AlphaPoCurrencyAmount{Currency: currency, Amount: decimal(received)}
	chargeDepositFee(&rec, feeKind)
	return rec
}

// defaultRiskScore is the risk score of a deposit made without one.
const defaultRiskScore = "0.1"

// payInvoice adds the payment e to the invoice op and works out what
// remains to pay. The caller holds the AlphaPo lock.
func payInvoice(op *alphaOp, e cryptopay.AlphaPoTxEntry) {
	op.rec.Transactions = append(op.rec.Transactions, e)
	remaining, _ := toUnits(op.rec.CurrencySent.Amount)
	for _, paid := range op.rec.Transactions {
		u, _ := toUnits(paid.Amount)
		remaining.Sub(remaining, u)
	}
	if remaining.Sign() < 0 {
		remaining.SetInt64(0)
	}
	op.rec.CurrencySent.RemainingAmount = decimalPtr(remaining)
	if op.rec.Status != cryptopay.AlphaPoStatusConfirmed {
		op.rec.Status = cryptopay.AlphaPoStatusProcessing
	}
}
