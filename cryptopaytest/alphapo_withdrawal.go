package cryptopaytest

import (
	"github.com/cryptopay-go/cryptopay"
)

// withdrawCrypto: POST /withdrawal/crypto. It checks the fields, the
// unique foreign_id and the balance, debits the amount plus the fee (1 %
// of the amount, fee type "mining") from the balance at once, and answers
// "processing". With convert_to (from a fiat balance to a crypto
// currency) the amount is converted at the market price. On the next
// block (Mine) the withdrawal is confirmed and its callback sent.
// Destinations are outside the fake.
func (s *Server) withdrawCrypto(p *cryptopay.AlphaPoWithdrawParams) reply {
	errs := problems{}
	errs.foreignID(p.ForeignID, s.alphaPoAccount.foreignIDs)
	errs.require("end_user_reference", p.EndUserReference)
	cur := errs.currency("currency", p.Currency)
	amount := errs.amount("amount", p.Amount)
	errs.require("address", p.Address)
	errs.minimum("amount", amount, cur)
	to := sentCurrency(errs, cur, p.ConvertTo)
	if len(errs) > 0 {
		return errs.reply()
	}
	fee := percent(amount, withdrawalFeePercent)
	if !s.alphaPoAccount.debit(cur.name, sum(amount, fee)) {
		return problems{"amount": "Not enough funds."}.reply()
	}
	s.alphaPoAccount.foreignIDs[p.ForeignID] = true
	kind, received, moves := cryptopay.AlphaPoTxWithdrawal, amount, []cryptopay.AlphaPoTxEntry(nil)
	if to != cur {
		kind, received = cryptopay.AlphaPoTxWithdrawalExchange, convert(amount, cur, s.alphaPoAccount.price(to, cur), false)
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
