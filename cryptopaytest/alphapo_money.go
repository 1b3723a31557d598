package cryptopaytest

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// The AlphaPo side keeps every amount as an exact integer count of 1e-8
// units: AlphaPo writes amounts with 8 decimal places ("0.01000000").
const alphaPoDecimals = 8

var alphaPoUnit = big.NewInt(100_000_000) // 1 in 1e-8 units

// Fees of the fake, in percent: withdrawals pay withdrawalFeePercent of
// the amount and exchanges exchangeFeePercent of the amount sent, both in
// the currency debited, rounded up to 1e-8; deposits and invoice payments
// pay depositFeePercent of what they bring in, in that currency.
const (
	withdrawalFeePercent = 1
	exchangeFeePercent   = 1
	depositFeePercent    = 1
)

// quoteFixPeriod is how long an exchange/calculate quote holds (the
// docs' fix_period: 60 seconds); invoiceTimer is how long an invoice with
// Timer fixes its rate (15 minutes, per AlphaPoInvoiceParams.Timer).
const (
	quoteFixPeriod = 60 * time.Second
	invoiceTimer   = 15 * time.Minute
)

// alphaCurrency is one currency of the fake's AlphaPo merchant account.
type alphaCurrency struct {
	name    string
	fiat    bool
	format  addressFormat // how its deposit addresses look; crypto only
	eur     string        // the made-up value of one unit in EUR
	minimum string        // the smallest withdrawal or exchange, in whole units
	network string        // its network_name in payment requests; crypto only
}

func (c *alphaCurrency) kind() string {
	if c.fiat {
		return "fiat"
	}
	return "crypto"
}

// alphaPoCurrencies are the fake's AlphaPo currencies, in the order it
// lists them. The EUR values are made up (SetAlphaPoRate moves them); the
// exchange pairs are every crypto currency to every fiat one and back.
// XRP addresses come with a numeric destination tag.
var alphaPoCurrencies = []*alphaCurrency{
	{name: "BTC", format: addressFormat{"", "bc1q", bech32Alphabet, 42}, eur: "50000", minimum: "0.0001", network: "bitcoin"},
	{name: "LTC", format: addressFormat{"", "ltc1q", bech32Alphabet, 43}, eur: "80", minimum: "0.01", network: "litecoin"},
	{name: "BCH", format: addressFormat{"", "q", bech32Alphabet, 42}, eur: "400", minimum: "0.001", network: "bitcoin-cash"},
	{name: "DOGE", format: addressFormat{"", "D", base58Alphabet, 34}, eur: "0.1", minimum: "10", network: "dogecoin"},
	{name: "ETH", format: addressFormat{"", "0x", hexAlphabet, 42}, eur: "2500", minimum: "0.001", network: "ethereum"},
	{name: "USDTE", format: addressFormat{"", "0x", hexAlphabet, 42}, eur: "0.8", minimum: "1", network: "ethereum"},
	{name: "TRX", format: addressFormat{"", "T", base58Alphabet, 34}, eur: "0.1", minimum: "10", network: "tron"},
	{name: "USDTT", format: addressFormat{"", "T", base58Alphabet, 34}, eur: "0.8", minimum: "1", network: "tron"},
	{name: "XRP", format: addressFormat{"", "r", base58Alphabet, 34}, eur: "0.5", minimum: "1", network: "ripple"},
	{name: "EUR", fiat: true, eur: "1", minimum: "1"},
	{name: "USD", fiat: true, eur: "0.8", minimum: "1"},
	{name: "GBP", fiat: true, eur: "1.25", minimum: "1"},
}

// alphaPoCurrency returns the currency called name, or nil.
func alphaPoCurrency(name string) *alphaCurrency {
	for _, c := range alphaPoCurrencies {
		if c.name == name {
			return c
		}
	}
	return nil
}

// isPair reports whether from can be exchanged into to: crypto to fiat or
// fiat to crypto.
func isPair(from, to *alphaCurrency) bool {
	return from != nil && to != nil && from.fiat != to.fiat
}

// toUnits returns d in 1e-8 units, or false when d has more than 8
// decimal places.
func toUnits(d cryptopay.Decimal) (*big.Int, bool) {
	r := new(big.Rat).Mul(d.Rat(), new(big.Rat).SetInt(alphaPoUnit))
	if !r.IsInt() {
		return nil, false
	}
	return new(big.Int).Set(r.Num()), true
}

// mustUnits is toUnits for the fake's own constants.
func mustUnits(s string) *big.Int {
	u, ok := toUnits(cryptopay.MustDecimal(s))
	if !ok {
		panic("cryptopaytest: more than 8 decimal places in " + s)
	}
	return u
}

// decimal writes u (1e-8 units) as AlphaPo does: 8 decimal places.
func decimal(u *big.Int) cryptopay.Decimal {
	digits := new(big.Int).Abs(u).String()
	if len(digits) <= alphaPoDecimals {
		digits = strings.Repeat("0", alphaPoDecimals+1-len(digits)) + digits
	}
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	point := len(digits) - alphaPoDecimals
	return cryptopay.MustDecimal(sign + digits[:point] + "." + digits[point:])
}

func decimalPtr(u *big.Int) *cryptopay.Decimal {
	d := decimal(u)
	return &d
}

// scale returns u × num / den for non-negative values, rounded down, or
// up when up is set.
func scale(u, num, den *big.Int, up bool) *big.Int {
	q, rem := new(big.Int).QuoRem(new(big.Int).Mul(u, num), den, new(big.Int))
	if up && rem.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// percent returns pct percent of u, rounded up to 1e-8.
func percent(u *big.Int, pct int64) *big.Int {
	return scale(u, big.NewInt(pct), big.NewInt(100), true)
}

func sum(amounts ...*big.Int) *big.Int {
	total := new(big.Int)
	for _, a := range amounts {
		total.Add(total, a)
	}
	return total
}

// price returns the market price of the pair of crypto and fiat: units
// of the fiat currency for one unit of the crypto currency, rounded down
// to 1e-8. AlphaPo quotes both directions of a pair this way (its
// currencies/pairs example gives EUR→BTC a rate_to of "8885.72951839").
// The caller holds the AlphaPo lock.
func (a *alphaState) price(crypto, fiat *alphaCurrency) *big.Int {
	return scale(a.rates[crypto.name], alphaPoUnit, a.rates[fiat.name], false)
}

// pairPrice is price for a pair given in either direction.
func (a *alphaState) pairPrice(from, to *alphaCurrency) *big.Int {
	if from.fiat {
		return a.price(to, from)
	}
	return a.price(from, to)
}

// convert turns amount of from into the other currency of the pair at
// price (see price), rounded down, or up when up is set.
func convert(amount *big.Int, from *alphaCurrency, price *big.Int, up bool) *big.Int {
	if from.fiat {
		return scale(amount, alphaPoUnit, price, up)
	}
	return scale(amount, price, alphaPoUnit, up)
}

// debit takes amount of currency from the balance, or reports false when
// the balance is short. The caller holds the AlphaPo lock.
func (a *alphaState) debit(currency string, amount *big.Int) bool {
	b := a.balances[currency]
	if b.Cmp(amount) < 0 {
		return false
	}
	b.Sub(b, amount)
	return true
}

// credit adds what rec brings in (netReceived) to its currency's balance.
// The caller holds the AlphaPo lock.
func (a *alphaState) credit(rec cryptopay.AlphaPoTransaction) {
	m := rec.CurrencyReceived
	a.balances[m.Currency].Add(a.balances[m.Currency], netReceived(rec))
}

// netReceived is what rec brings in: the amount received less the fees charged
// in its currency.
func netReceived(rec cryptopay.AlphaPoTransaction) *big.Int {
	u, _ := toUnits(rec.CurrencyReceived.Amount) // the fake writes every amount with 8 places
	for _, f := range rec.Fees {
		if f.Currency == rec.CurrencyReceived.Currency {
			fee, _ := toUnits(f.Amount)
			u.Sub(u, fee)
		}
	}
	return u
}

// chargeDepositFee adds the fee of kind on what rec receives
// (depositFeePercent of it) to rec's fees; a deposit's amount_minus_fee is
// then what is credited.
func chargeDepositFee(rec *cryptopay.AlphaPoTransaction, kind string) {
	received, _ := toUnits(rec.CurrencyReceived.Amount)
	fee := percent(received, depositFeePercent)
	rec.Fees = []cryptopay.AlphaPoFee{{Type: kind, Currency: rec.CurrencyReceived.Currency, Amount: decimal(fee)}}
	if rec.Type != cryptopay.AlphaPoTxInvoice {
		rec.CurrencyReceived.AmountMinusFee = decimalPtr(netReceived(*rec))
	}
}

// SetAlphaPoRate sets the market value of one unit of currency in EUR,
// from which the AlphaPo side prices every pair (currencies/pairs and
// rates, exchange/calculate and now, conversions of deposits, withdrawals
// and invoices). Quotes already given keep their price until released.
// EUR itself is the unit and cannot be set; value must be positive, with
// at most 8 decimal places.
func (s *Server) SetAlphaPoRate(currency string, eurValue cryptopay.Decimal) error {
	u, ok := toUnits(eurValue)
	switch {
	case alphaPoCurrency(currency) == nil || currency == "EUR":
		return fmt.Errorf("cryptopaytest: cannot set the rate of %q", currency)
	case !ok || u.Sign() <= 0:
		return fmt.Errorf("cryptopaytest: want a positive rate with at most 8 decimal places, got %s", eurValue)
	}
	s.alphaPoAccount.mu.Lock()
	defer s.alphaPoAccount.mu.Unlock()
	s.alphaPoAccount.rates[currency] = u
	return nil
}
