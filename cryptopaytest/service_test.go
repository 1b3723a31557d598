package cryptopaytest_test

import (
	"net/http"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServiceInfo(t *testing.T) {
	e := newEnv(t)
	info, err := e.c.ServiceInfo(ctx)
	require.NoError(t, err)
	decimals := map[string]int{}
	for _, c := range info.Currencies {
		d, ok := c.Decimals()
		require.True(t, ok, c.Abbr)
		decimals[c.Abbr] = d
	}
	assert.Equal(t, map[string]int{"btc": 8, "ltc": 8, "bch": 8, "doge": 8, "tbtc": 8, "trx": 6, "eth": 18}, decimals)
	assert.Equal(t, cryptopay.CurrencySpec{
		Name: "Bitcoin", Abbr: "btc", Units: "satoshi", UnitsFactor: cryptopay.MustDecimal("0.00000001"), DustRate: cryptopay.NewAmount(1000),
	}, info.Currencies[0])

	status, body := send(t, http.MethodOptions, e.srv.ApironeURL()+"/v2/accounts", "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `{"name":"Ethereum","abbr":"eth","units":"wei","units-factor":1e-18,"dust-rate":100000000000000}`,
		"units-factor and dust-rate are JSON numbers")
}

// The rates NetworkFees reports are those transfers pay.
func TestNetworkFeesMatchTransfers(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)
	rates, err := e.c.NetworkFees(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.NetworkFeeRate{
		{Strategy: cryptopay.FeeNormal, Rate: cryptopay.MustDecimal("1")},
		{Strategy: cryptopay.FeePriority, Rate: cryptopay.MustDecimal("3")},
	}, rates)
	for _, r := range rates {
		est, err := e.acct.EstimateTransfer(ctx, &cryptopay.TransferParams{
			Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(1000))}, Fee: r.Strategy,
		})
		require.NoError(t, err)
		assert.Equal(t, 0, r.Rate.Cmp(est.Fee.Network.Rate), r.Strategy)
	}

	eth, err := e.c.NetworkFees(ctx, "eth")
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("1000000000"), eth[0].Rate)

	_, err = e.c.NetworkFees(ctx, "xyz")
	require.ErrorIs(t, err, cryptopay.ErrBadRequest)
	assert.Equal(t, "Unsupported currency: xyz.", apiError(t, err).Message)
}

func TestTicker(t *testing.T) {
	e := newEnv(t)
	_, body := get(t, e.srv.ApironeURL()+"/v2/ticker?currency=btc&fiat=usd")
	assert.JSONEq(t, `{"usd": 65000.00}`, body, "one currency: the flat form")
	_, body = get(t, e.srv.ApironeURL()+"/v2/ticker?currency=btc,ltc&fiat=eur")
	assert.JSONEq(t, `{"btc": {"eur": 60000.00}, "ltc": {"eur": 74.00}}`, body)

	one, err := e.c.Ticker(ctx, []string{"doge"})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.Rates{"doge": {
		"usd": cryptopay.MustDecimal("0.15"), "eur": cryptopay.MustDecimal("0.14"), "gbp": cryptopay.MustDecimal("0.12"),
	}}, one)

	all, err := e.c.Ticker(ctx, nil, "usd")
	require.NoError(t, err)
	assert.Len(t, all, 6, "every currency but the testnet's")
	assert.Equal(t, map[string]cryptopay.Decimal{"usd": cryptopay.MustDecimal("3500.00")}, all["eth"])

	for query, want := range map[string]string{
		"currency=tbtc":         "No exchange rate for tbtc.",
		"currency=btc&fiat=jpy": "Unsupported fiat currency: jpy.",
	} {
		status, body := get(t, e.srv.ApironeURL()+"/v2/ticker?"+query)
		assert.Equal(t, http.StatusBadRequest, status, query)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, body, query)
	}
}
