package cryptopaytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/cryptopay-go/cryptopay"
)

// currencySpecJSON is one currency of the service info answer.
type currencySpecJSON struct {
	Name        string      `json:"name"`
	Abbr        string      `json:"abbr"`
	Units       string      `json:"units"`
	UnitsFactor json.Number `json:"units-factor"` // a JSON number such as 1e-08
	DustRate    int64       `json:"dust-rate"`
}

// serviceInfo: OPTIONS /v2/accounts, the currencies the fake supports. The
// dust rates are made up.
func (s *Server) serviceInfo(r *http.Request) reply {
	out := struct {
		Currencies []currencySpecJSON `json:"currencies"`
	}{}
	for _, name := range currencyNames {
		cur := currencies[name]
		out.Currencies = append(out.Currencies, currencySpecJSON{
			Name: cur.title, Abbr: cur.name, Units: cur.units,
			UnitsFactor: json.Number(fmt.Sprintf("1e-%02d", cur.decimals)), DustRate: cur.dust,
		})
	}
	return ok(out)
}

// feeRateJSON is one strategy of the network fee answer; the rate is a
// JSON number.
type feeRateJSON struct {
	Strategy cryptopay.FeeStrategy `json:"strategy"`
	Rate     int64                 `json:"rate"`
}

// networkFees: GET /v2/networks/{currency}/fee, the rates the fake charges
// for "normal" and "priority" transfers (minor units per unit of
// transaction size, see currency).
func (s *Server) networkFees(r *http.Request) reply {
	cur, rep, found := lookupCurrency(r.PathValue("currency"))
	if !found {
		return rep
	}
	return ok([]feeRateJSON{{cryptopay.FeeNormal, cur.normalRate}, {cryptopay.FeePriority, cur.priorityRate}})
}

// fiats are the fiat currencies the ticker quotes, in its order.
var fiats = []string{"usd", "eur", "gbp"}

// tickerRates are the ticker's prices of one coin in each fiat currency,
// in the order of fiats. They are made up and never change; tbtc, a
// testnet coin, has none.
var tickerRates = map[string][]json.Number{
	"btc":  {"65000.00", "60000.00", "51000.00"},
	"ltc":  {"80.00", "74.00", "63.00"},
	"bch":  {"400.00", "370.00", "315.00"},
	"doge": {"0.15", "0.14", "0.12"},
	"trx":  {"0.12", "0.11", "0.095"},
	"eth":  {"3500.00", "3230.00", "2750.00"},
}

// ticker: GET /v2/ticker?currency=btc,ltc&fiat=usd,eur. One currency gets
// the flat form {"usd": 65000.00}; several or none (all) the nested form
// {"btc": {"usd": ...}}. No fiat means all of them.
func (s *Server) ticker(r *http.Request) reply {
	q := r.URL.Query()
	coins := splitList(q.Get("currency"))
	for _, c := range coins {
		if tickerRates[c] == nil {
			return badRequest("No exchange rate for " + c + ".")
		}
	}
	wanted := splitList(q.Get("fiat"))
	for _, f := range wanted {
		if !slices.Contains(fiats, f) {
			return badRequest("Unsupported fiat currency: " + f + ".")
		}
	}
	if len(wanted) == 0 {
		wanted = fiats
	}
	if len(coins) == 1 {
		return ok(prices(coins[0], wanted))
	}
	if len(coins) == 0 {
		coins = slices.DeleteFunc(slices.Clone(currencyNames), func(c string) bool { return tickerRates[c] == nil })
	}
	out := map[string]map[string]json.Number{}
	for _, c := range coins {
		out[c] = prices(c, wanted)
	}
	return ok(out)
}

// prices returns coin's price in each of the fiat currencies.
func prices(coin string, fiatCodes []string) map[string]json.Number {
	out := map[string]json.Number{}
	for _, f := range fiatCodes {
		out[f] = tickerRates[coin][slices.Index(fiats, f)]
	}
	return out
}
