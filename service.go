package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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

// ToCryptoParams prices a fiat amount in crypto (see Account.ToCrypto).
type ToCryptoParams struct {
	Amount     Decimal  // required: the fiat amount, e.g. an order total
	Fiat       string   // required: the fiat currency, e.g. "usd"
	Currencies []string // required: the cryptocurrencies to price it in
	// WithFee includes the fees in the quotes (sent as fee=1).
	WithFee bool
	// Factor multiplies the amount, e.g. 1.05 for a 5% markup; zero
	// leaves it out (the server's default, 1).
	Factor Decimal
}

// query checks p and returns it as the query of ToCrypto.
func (p *ToCryptoParams) query() (url.Values, error) {
	if p == nil {
		return nil, invalid("amount", "is required")
	}
	if err := firstError(positive("amount", p.Amount), required("fiat", p.Fiat)); err != nil {
		return nil, err
	}
	if len(p.Currencies) == 0 {
		return nil, invalid("currencies", "is required")
	}
	for i, c := range p.Currencies {
		if err := checkListItem(fmt.Sprintf("currencies[%d]", i), c); err != nil {
			return nil, err
		}
	}
	q := optionalQuery("amount", p.Amount.String(), "fiat", p.Fiat, "currencies", strings.Join(p.Currencies, ","))
	if p.WithFee {
		q.Set("fee", "1")
	}
	switch p.Factor.Sign() {
	case -1:
		return nil, invalid("factor", "must be positive, got %s", p.Factor)
	case 1:
		q.Set("factor", p.Factor.String())
	}
	return q, nil
}

// CryptoQuote is one currency's price for a fiat amount (see
// Account.ToCrypto).
type CryptoQuote struct {
	Currency string // e.g. "btc"
	// Min is the amount to ask for, in the currency's minor units: what
	// Apirone's plugins put in the invoice.
	Min Amount
	// Fee is the fee in the fiat currency, with ToCryptoParams.WithFee.
	Fee Decimal
	// Err is the server's reason this currency has no quote; when it is
	// set, Min and Fee mean nothing.
	Err string
}

// UnmarshalJSON decodes a quote leniently: numbers or strings for min and
// fee, and err as a string or, when it is anything else, its JSON text.
func (q *CryptoQuote) UnmarshalJSON(data []byte) error {
	var wire struct {
		Currency string          `json:"currency"`
		Min      Amount          `json:"min"`
		Fee      Decimal         `json:"fee"`
		Err      json.RawMessage `json:"err"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*q = CryptoQuote{Currency: wire.Currency, Min: wire.Min, Fee: wire.Fee}
	if len(wire.Err) > 0 && string(wire.Err) != "null" {
		if json.Unmarshal(wire.Err, &q.Err) != nil {
			q.Err = string(wire.Err)
		}
	}
	return nil
}

// ToCrypto prices a fiat amount in each of p.Currencies, as Apirone's shop
// plugins do at checkout. Apirone's docs do not describe this call; the
// SDK follows Apirone's official PHP SDK (Utils::estimate in
// github.com/Apirone/apirone-sdk-php) and its plugins, which read
// currency, min, fee and err from each item, and decodes the answer
// leniently. A currency that cannot be priced comes back with Err set.
//
// GET /v2/accounts/{account}/tocrypto
//
// API docs: https://github.com/Apirone/apirone-sdk-php/blob/main/src/Service/Utils.php
func (a *Account) ToCrypto(ctx context.Context, p *ToCryptoParams) ([]CryptoQuote, error) {
	ep := a.endpoint(http.MethodGet, "/tocrypto")
	ep.withQuery(p.query())
	return call[[]CryptoQuote](ctx, &a.client.backend, ep)
}
