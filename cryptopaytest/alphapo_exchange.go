package cryptopaytest

import (
	"math/big"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// exchangeDeal is an exchange priced: send of from for receive of to at
// price (see alphaState.price), plus fee, in from.
type exchangeDeal struct {
	from, to                  *alphaCurrency
	send, receive, fee, price *big.Int
}

// alphaQuote is a price exchange/calculate gave; exchange/fixed honours
// it until release.
type alphaQuote struct {
	asked   cryptopay.AlphaPoQuoteParams
	deal    exchangeDeal
	release time.Time
}

// priceExchange checks the currencies and the one amount of an exchange,
// recording problems in errs, and prices it at the market: the amount not
// given is converted, rounded down when received and up when sent; the
// fee is 1 % of the amount sent, in the currency sent. The caller holds
// the AlphaPo lock.
func (s *Server) priceExchange(errs problems, from, to string, send, receive *cryptopay.Decimal) exchangeDeal {
	d := exchangeDeal{from: errs.currency("sender_currency", from), to: errs.currency("receiver_currency", to)}
	if d.from != nil && d.to != nil && !isPair(d.from, d.to) {
		errs.add("sender_currency", noPair)
	}
	switch {
	case (send == nil) == (receive == nil):
		errs.add("sender_amount", "Give sender_amount or receiver_amount.")
	case send != nil:
		d.send = errs.amount("sender_amount", *send)
	default:
		d.receive = errs.amount("receiver_amount", *receive)
	}
	if len(errs) > 0 {
		return d
	}
	d.price = s.alphaPoAccount.pairPrice(d.from, d.to)
	if d.send != nil {
		d.receive = convert(d.send, d.from, d.price, false)
	} else {
		d.send = convert(d.receive, d.to, d.price, true)
	}
	d.fee = percent(d.send, exchangeFeePercent)
	errs.minimum("sender_amount", d.send, d.from)
	return d
}

// calculateExchange: POST /exchange/calculate. The quote holds for 60
// seconds (fix_period) on the AlphaPo clock.
func (s *Server) calculateExchange(p *cryptopay.AlphaPoQuoteParams) reply {
	errs := problems{}
	d := s.priceExchange(errs, p.SenderCurrency, p.ReceiverCurrency, p.SenderAmount, p.ReceiverAmount)
	if len(errs) > 0 {
		return errs.reply()
	}
	fixed := s.alphaPoAccount.now().UTC().Truncate(time.Second)
	s.alphaPoAccount.dropReleasedQuotes()
	s.alphaPoAccount.quotes = append(s.alphaPoAccount.quotes, &alphaQuote{asked: *p, deal: d, release: fixed.Add(quoteFixPeriod)})
	return data(cryptopay.AlphaPoQuote{
		SenderCurrency: d.from.name, SenderAmount: decimal(d.send),
		ReceiverCurrency: d.to.name, ReceiverAmount: decimal(d.receive),
		FeeCurrency: d.from.name, FeeAmount: decimal(d.fee), Price: decimal(d.price),
		FixedAt: cryptopay.UnixTime{Time: fixed}, ReleaseAt: cryptopay.UnixTime{Time: fixed.Add(quoteFixPeriod)},
		FixPeriod: int64(quoteFixPeriod / time.Second),
	})
}

// dropReleasedQuotes forgets the quotes whose time is up. The caller
// holds the AlphaPo lock.
func (a *alphaState) dropReleasedQuotes() {
	now, live := a.now(), a.quotes[:0]
	for _, q := range a.quotes {
		if now.Before(q.release) {
			live = append(live, q)
		}
	}
	a.quotes = live
}

// exchangeNow: POST /exchange/now, at the market price.
func (s *Server) exchangeNow(p *cryptopay.AlphaPoExchangeParams) reply {
	errs := problems{}
	errs.foreignID(p.ForeignID, s.alphaPoAccount.foreignIDs)
	d := s.priceExchange(errs, p.SenderCurrency, p.ReceiverCurrency, p.SenderAmount, p.ReceiverAmount)
	if len(errs) > 0 {
		return errs.reply()
	}
	return s.exchange(p.ForeignID, d)
}

// exchangeFixed: POST /exchange/fixed. It carries out a quote not yet
// released with the same currencies, the same amount asked and the same
// price, at the quote's amounts, whatever the market does meanwhile.
// Anything else is refused (the message is the fake's).
func (s *Server) exchangeFixed(p *cryptopay.AlphaPoExchangeParams) reply {
	errs := problems{}
	errs.foreignID(p.ForeignID, s.alphaPoAccount.foreignIDs)
	s.priceExchange(errs, p.SenderCurrency, p.ReceiverCurrency, p.SenderAmount, p.ReceiverAmount)
	var price *big.Int
	if p.Price == nil {
		errs.add("price", "This field is required.")
	} else {
		price = errs.amount("price", *p.Price)
	}
	if len(errs) > 0 {
		return errs.reply()
	}
	q := s.alphaPoAccount.quote(p, price)
	if q == nil {
		return problems{"price": "No quote with this price holds: calculate the exchange again."}.reply()
	}
	return s.exchange(p.ForeignID, q.deal)
}

// quote returns the live quote that p carries out at price, or nil. The
// caller holds the AlphaPo lock.
func (a *alphaState) quote(p *cryptopay.AlphaPoExchangeParams, price *big.Int) *alphaQuote {
	now := a.now()
	for _, q := range a.quotes {
		asked := q.asked
		if now.Before(q.release) && asked.SenderCurrency == p.SenderCurrency && asked.ReceiverCurrency == p.ReceiverCurrency &&
			sameAmount(asked.SenderAmount, p.SenderAmount) && sameAmount(asked.ReceiverAmount, p.ReceiverAmount) &&
			q.deal.price.Cmp(price) == 0 {
			return q
		}
	}
	return nil
}

func sameAmount(a, b *cryptopay.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Cmp(*b) == 0
}

// exchange carries out d: it debits what is sent plus the fee at once
// (refusing when the balance is short) and answers "processing". On the
// next block (Mine) the exchange is confirmed, the amount received
// credited and its callback sent. The caller holds the AlphaPo lock.
func (s *Server) exchange(foreignID string, d exchangeDeal) reply {
	if !s.alphaPoAccount.debit(d.from.name, sum(d.send, d.fee)) {
		return problems{"sender_amount": "Not enough funds."}.reply()
	}
	s.alphaPoAccount.foreignIDs[foreignID] = true
	op := s.addOp(cryptopay.AlphaPoTransaction{
		ID: s.alphaPoAccount.nextID(), ForeignID: foreignID, Type: cryptopay.AlphaPoTxExchange,
		CurrencySent:     &cryptopay.AlphaPoCurrencyAmount{Currency: d.from.name, Amount: decimal(d.send)},
		CurrencyReceived: &cryptopay.AlphaPoCurrencyAmount{Currency: d.to.name, Amount: decimal(d.receive)},
		Transactions:     []cryptopay.AlphaPoTxEntry{s.exchangeEntry(d.from.name, d.send, d.to.name, d.receive)},
		Fees:             []cryptopay.AlphaPoFee{{Type: "exchange", Currency: d.from.name, Amount: decimal(d.fee)}},
		Status:           cryptopay.AlphaPoStatusProcessing,
	}, true)
	return data(cryptopay.AlphaPoExchange{
		ID: op.rec.ID, ForeignID: op.rec.ForeignID, Type: string(op.rec.Type), Status: string(op.rec.Status),
		SenderCurrency: d.from.name, SenderAmount: decimal(d.send), ReceiverCurrency: d.to.name, ReceiverAmount: decimal(d.receive),
		FeeCurrency: d.from.name, FeeAmount: decimal(d.fee), Price: decimal(d.price),
	})
}
