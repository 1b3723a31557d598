package cryptopaytest

import (
	"math/big"

	"github.com/cryptopay-go/cryptopay"
)

// withdrawCrypto: POST /withdrawal/crypto. It checks the fields, the
// unique foreign_id and the balance, debits the amount plus the fee (1 %
// of the amount, fee type "mining") from the balance at once, and answers
// "processing". With convert_to (from a fiat balance to a crypto
// currency) the amount is converted at the market price; with amount_to
// instead of amount, exactly amount_to is sent and what it costs at the
// market price (rounded up) is debited. On the next block (Mine) the
// withdrawal is confirmed and its callback sent. Destinations are outside
// the fake.
func (s *Server) withdrawCrypto(p *cryptopay.AlphaPoWithdrawParams) reply {
	errs := problems{}
	errs.foreignID(p.ForeignID, s.alphaPoAccount.foreignIDs)
	errs.require("end_user_reference", p.EndUserReference)
	cur := errs.currency("currency", p.Currency)
	errs.require("address", p.Address)
	to := sentCurrency(errs, cur, p.ConvertTo)
	errs.userData("sender", p.SenderType, p.SenderData, false)
	errs.userData("receiver", p.ReceiverType, p.ReceiverData, true)
	amount, received := s.alphaPoAccount.withdrawalAmounts(errs, p, cur, to)
	if len(errs) > 0 {
		return errs.reply()
	}
	fee := percent(amount, withdrawalFeePercent)
	if !s.alphaPoAccount.debit(cur.name, sum(amount, fee)) {
		return problems{"amount": "Not enough funds."}.reply()
	}
	s.alphaPoAccount.foreignIDs[p.ForeignID] = true
	kind, moves := cryptopay.AlphaPoTxWithdrawal, []cryptopay.AlphaPoTxEntry(nil)
	if to != cur {
		kind = cryptopay.AlphaPoTxWithdrawalExchange
		moves = append(moves, s.exchangeEntry(cur.name, amount, to.name, received))
	}
	out := s.entry("withdrawal", to.name, received)
	out.Address, out.Tag, out.TxID = p.Address, p.Tag, newTxID()
	op := s.addOp(cryptopay.AlphaPoTransaction{
		ID: s.alphaPoAccount.nextID(), ForeignID: p.ForeignID,
		EndUserReference: p.EndUserReference, Type: kind,
		CryptoAddress: &cryptopay.AlphaPoCryptoAddress{
			ID: s.alphaPoAccount.nextID(), Currency: to.name, Address: p.Address, Tag: p.Tag,
		},
		CurrencySent:     &cryptopay.AlphaPoCurrencyAmount{Currency: cur.name, Amount: decimal(amount)},
		CurrencyReceived: &cryptopay.AlphaPoCurrencyAmount{Currency: to.name, Amount: decimal(received)},
		Transactions:     append(moves, out),
		Fees:             []cryptopay.AlphaPoFee{{Type: "mining", Currency: cur.name, Amount: decimal(fee)}},
		Status:           cryptopay.AlphaPoStatusProcessing,
	}, false)
	rec := op.rec
	return data(cryptopay.AlphaPoWithdrawal{
		ID: rec.ID, ForeignID: rec.ForeignID, EndUserReference: rec.EndUserReference, Type: string(kind),
		Status: string(rec.Status), Amount: rec.CurrencySent.Amount, SenderAmount: rec.CurrencySent.Amount,
		SenderCurrency: cur.name, ReceiverAmount: rec.CurrencyReceived.Amount, ReceiverCurrency: to.name,
	})
}

// withdrawalAmounts checks that a withdrawal gives amount or amount_to,
// and returns what it debits from cur and what it sends in to, converted
// at the market price when they differ. The caller holds the AlphaPo lock.
func (a *alphaState) withdrawalAmounts(errs problems, p *cryptopay.AlphaPoWithdrawParams, cur, to *alphaCurrency) (debited, sent *big.Int) {
	switch {
	case p.AmountTo == nil:
		debited = errs.amount("amount", p.Amount)
	case !p.Amount.IsZero():
		errs.add("amount_to", "Give amount or amount_to, not both.")
	default:
		sent = errs.amount("amount_to", *p.AmountTo)
	}
	if len(errs) > 0 {
		return nil, nil
	}
	switch {
	case to == cur && sent == nil:
		sent = debited
	case to == cur:
		debited = sent
	case sent == nil:
		sent = convert(debited, cur, a.price(to, cur), false)
	default:
		debited = convert(sent, to, a.price(to, cur), true)
	}
	errs.minimum("amount", debited, cur)
	return debited, sent
}

// sentCurrency returns the crypto currency a withdrawal from cur sends:
// convertTo, which must be a crypto currency paired with cur, or cur
// itself, which must then be a crypto currency.
func sentCurrency(errs problems, cur *alphaCurrency, convertTo string) *alphaCurrency {
	if convertTo == "" {
		if cur != nil && cur.fiat {
			errs.add("convert_to", "This field is required for a fiat currency.")
		}
		return cur
	}
	to := alphaPoCurrency(convertTo)
	switch {
	case to == nil || to.fiat:
		errs.add("convert_to", "Unsupported currency.")
	case cur != nil && !isPair(cur, to):
		errs.add("convert_to", noPair)
	}
	return to
}
