package cryptopaytest

import (
	"strconv"

	"github.com/cryptopay-go/cryptopay"
)

// listBalances: POST /accounts/list. Every currency, zero balances
// included, with 8 decimal places.
func (s *Server) listBalances(*struct{}) reply {
	list := make([]cryptopay.AlphaPoBalance, len(alphaPoCurrencies))
	for i, c := range alphaPoCurrencies {
		list[i] = cryptopay.AlphaPoBalance{Currency: c.name, Type: c.kind(), Balance: decimal(s.alphaPoAccount.balances[c.name])}
	}
	return data(list)
}

// listCurrencies: POST /currencies/list. Every currency is enabled, so
// {"visible": false} lists none.
func (s *Server) listCurrencies(p *cryptopay.AlphaPoCurrenciesParams) reply {
	list := []cryptopay.AlphaPoCurrency{}
	if p.Visible != nil && !*p.Visible {
		return data(list)
	}
	for i, c := range alphaPoCurrencies {
		list = append(list, cryptopay.AlphaPoCurrency{
			ID: int64(i + 1), Type: c.kind(), Currency: c.name,
			MinimumAmount:        decimal(mustUnits(c.minimum)),
			DepositFeePercent:    cryptopay.MustDecimal(strconv.Itoa(depositFeePercent)),
			WithdrawalFeePercent: cryptopay.MustDecimal(strconv.Itoa(withdrawalFeePercent)),
			Precision:            alphaPoDecimals,
		})
	}
	return data(list)
}

// pairJSON is cryptopay.AlphaPoPair as AlphaPo writes it: the minimums
// only on the currency_from side. min_amount_deposit_with_exchange is
// reported (the currency's minimum) but not enforced: the fake converts
// deposits of any amount.
type pairJSON struct {
	CurrencyFrom pairCurrencyJSON  `json:"currency_from"`
	CurrencyTo   pairCurrencyJSON  `json:"currency_to"`
	RateFrom     cryptopay.Decimal `json:"rate_from"`
	RateTo       cryptopay.Decimal `json:"rate_to"`
}

type pairCurrencyJSON struct {
	Currency              string             `json:"currency"`
	Type                  string             `json:"type"`
	MinAmount             *cryptopay.Decimal `json:"min_amount,omitempty"`
	MinAmountWithExchange *cryptopay.Decimal `json:"min_amount_deposit_with_exchange,omitempty"`
}

// pair describes the pair from → to at the market price: rate_from "1",
// rate_to the price (see alphaState.price). The caller holds the AlphaPo lock.
func (s *Server) pair(from, to *alphaCurrency) pairJSON {
	return pairJSON{
		CurrencyFrom: pairCurrencyJSON{
			Currency: from.name, Type: from.kind(),
			MinAmount: decimalPtr(mustUnits(from.minimum)), MinAmountWithExchange: decimalPtr(mustUnits(from.minimum)),
		},
		CurrencyTo: pairCurrencyJSON{Currency: to.name, Type: to.kind()},
		RateFrom:   cryptopay.MustDecimal("1"),
		RateTo:     decimal(s.alphaPoAccount.pairPrice(from, to)),
	}
}

// listPairs: POST /currencies/pairs, filtered by currency_from and
// currency_to; an unknown currency is refused with AlphaPo's messages
// (https://docs.cryptoprocessing.com/api-documentation/api-reference).
func (s *Server) listPairs(p *cryptopay.AlphaPoPairsParams) reply {
	errs := problems{}
	if p.CurrencyFrom != "" && alphaPoCurrency(p.CurrencyFrom) == nil {
		errs.add("currency_from", "The selected currency from is invalid.")
	}
	if p.CurrencyTo != "" && alphaPoCurrency(p.CurrencyTo) == nil {
		errs.add("currency_to", "The selected currency to is invalid.")
	}
	if len(errs) > 0 {
		return errs.reply()
	}
	list := []pairJSON{}
	for _, from := range alphaPoCurrencies {
		for _, to := range alphaPoCurrencies {
			if isPair(from, to) && matches(p.CurrencyFrom, from.name) && matches(p.CurrencyTo, to.name) {
				list = append(list, s.pair(from, to))
			}
		}
	}
	return data(list)
}

// matches reports whether name passes filter ("" passes everything).
func matches(filter, name string) bool { return filter == "" || filter == name }

// currencyRates: POST /currencies/rates, one pair; both currencies are
// required and must form a pair.
func (s *Server) currencyRates(p *cryptopay.AlphaPoPairsParams) reply {
	errs := problems{}
	from, to := errs.currency("currency_from", p.CurrencyFrom), errs.currency("currency_to", p.CurrencyTo)
	if len(errs) == 0 && !isPair(from, to) {
		errs.add("currency_from", noPair)
	}
	if len(errs) > 0 {
		return errs.reply()
	}
	return data([]pairJSON{s.pair(from, to)})
}
