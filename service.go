package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ServiceInfo lists the currencies the service supports.
type ServiceInfo struct {
	Currencies []CurrencySpec `json:"currencies"`
}

// CurrencySpec describes one currency: its code, minor unit and limits.
type CurrencySpec struct {
	Name string `json:"name"` // e.g. "Bitcoin"
	Abbr string `json:"abbr"` // the code the API takes, e.g. "btc", "usdt@trx"
	// Units names the minor unit, e.g. "satoshi".
	Units string `json:"units"`
	// UnitsFactor is the value of one minor unit in whole coins, e.g.
	// "0.00000001" for satoshi (the API sends a number such as 1e-08).
	UnitsFactor Decimal `json:"units-factor"`
	// DustRate is the smallest amount, in minor units, worth sending.
	DustRate Amount `json:"dust-rate"`
}

// Decimals returns how many decimal places a minor unit is worth: 8 for a
// units factor of 0.00000001. It returns false when the factor is not a
// power of ten from 1 down to 10^-255, the range Amount.Decimal and
// Decimal.Units take.
func (c CurrencySpec) Decimals() (int, bool) {
	r := c.UnitsFactor.Rat()
	if r.Sign() <= 0 || !r.Num().IsInt64() || r.Num().Int64() != 1 {
		return 0, false
	}
	digits := r.Denom().String()
	if strings.Trim(digits[1:], "0") != "" || digits[0] != '1' || len(digits)-1 > maxDecimals {
		return 0, false
	}
	return len(digits) - 1, true
}

// ServiceInfo returns the currencies the service supports, with their units.
//
// OPTIONS /v2/accounts
//
// API docs: https://apirone.com/docs/service/#service-info
func (c *Client) ServiceInfo(ctx context.Context) (*ServiceInfo, error) {
	return call[*ServiceInfo](ctx, &c.backend, newEndpoint(http.MethodOptions, "/v2/accounts"))
}

// NetworkFeeRate is the fee rate a strategy currently uses on a network.
type NetworkFeeRate struct {
	Strategy FeeStrategy `json:"strategy"`
	Rate     Decimal     `json:"rate"` // e.g. satoshi per byte
}

// NetworkFees returns the current fee rates of currency's network, one per
// strategy.
//
// GET /v2/networks/{currency}/fee
//
// API docs: https://apirone.com/docs/fee/#network-fee
func (c *Client) NetworkFees(ctx context.Context, currency string) ([]NetworkFeeRate, error) {
	return call[[]NetworkFeeRate](ctx, &c.backend, newEndpoint(http.MethodGet, "/v2/networks/{currency}/fee", currency))
}

// Rates maps a currency to its price in fiat currencies, e.g.
// rates["btc"]["usd"]. Prices are exact decimals.
type Rates map[string]map[string]Decimal

// Ticker returns exchange rates. currencies and fiats may be empty for all
// of them. The API answers a single currency as {"usd": 56716.86} and
// several as {"btc": {"usd": ...}}; Ticker returns both as Rates.
//
// GET /v2/ticker
//
// API docs: https://apirone.com/docs/rate/#exchange-rate
func (c *Client) Ticker(ctx context.Context, currencies []string, fiats ...string) (Rates, error) {
	ep := newEndpoint(http.MethodGet, "/v2/ticker")
	ep.query = optionalQuery("currency", strings.Join(currencies, ","), "fiat", strings.Join(fiats, ","))
	raw, err := call[map[string]json.RawMessage](ctx, &c.backend, ep)
	if err != nil {
		return nil, err
	}
	return decodeRates(raw, currencies)
}

// decodeRates reads either ticker form. A flat answer belongs to the one
// currency asked for.
func decodeRates(raw map[string]json.RawMessage, currencies []string) (Rates, error) {
	rates := Rates{}
	flat := map[string]Decimal{}
	for key, v := range raw {
		if len(v) > 0 && v[0] == '{' {
			var m map[string]Decimal
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, fmt.Errorf("cryptopay: decoding ticker %q: %w", key, err)
			}
			rates[key] = m
			continue
		}
		var d Decimal
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("cryptopay: decoding ticker %q: %w", key, err)
		}
		flat[key] = d
	}
	if len(flat) > 0 {
		if len(currencies) != 1 {
			return nil, fmt.Errorf("cryptopay: ticker answered flat rates for %d currencies", len(currencies))
		}
		rates[currencies[0]] = flat
	}
	return rates, nil
}
