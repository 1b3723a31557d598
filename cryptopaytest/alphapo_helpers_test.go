package cryptopaytest_test

import (
	"context"
	"math/big"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/require"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// alphaEnv is a server on a test clock, an AlphaPo client on it, and the
// merchant's callback endpoint: the SDK's verifying handler, which keeps
// every callback that verified.
type alphaEnv struct {
	t     *testing.T
	srv   *cryptopaytest.Server
	ap    *cryptopay.AlphaPoClient
	clock *testClock

	mu  sync.Mutex
	got []*cryptopay.AlphaPoTransaction
}

var clockStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newAlphaEnv(t *testing.T) *alphaEnv {
	t.Helper()
	clock := &testClock{now: clockStart}
	srv := cryptopaytest.NewServer(cryptopaytest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	key, secret := srv.AlphaPoCredentials()
	e := &alphaEnv{t: t, srv: srv, ap: srv.AlphaPoClient(), clock: clock}
	verifier, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	require.NoError(t, err)
	shop := httptest.NewServer(verifier.Handler(func(_ context.Context, cb *cryptopay.AlphaPoTransaction) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.got = append(e.got, cb)
		return nil
	}))
	t.Cleanup(shop.Close)
	srv.SetAlphaPoCallbackURL(shop.URL)
	return e
}

// callbacks returns the callbacks received since the last call.
func (e *alphaEnv) callbacks() []*cryptopay.AlphaPoTransaction {
	e.mu.Lock()
	defer e.mu.Unlock()
	got := e.got
	e.got = nil
	return got
}

// balance returns the balance of currency as the API writes it.
func (e *alphaEnv) balance(currency string) string {
	e.t.Helper()
	list, err := e.ap.Balances(ctx)
	require.NoError(e.t, err)
	for _, b := range list {
		if b.Currency == currency {
			return b.Balance.String()
		}
	}
	e.t.Fatalf("no %s balance in %v", currency, list)
	return ""
}

// take takes a deposit address in currency, converting to convertTo.
func (e *alphaEnv) take(currency, convertTo string) *cryptopay.TakenAddress {
	e.t.Helper()
	p := takeParams(currency)
	p.ConvertTo = convertTo
	a, err := e.ap.TakeAddress(ctx, p)
	require.NoError(e.t, err)
	return a
}

// deposit pays amount into address and checks that the callback was
// acknowledged.
func (e *alphaEnv) deposit(address, amount string, confirmations int) *cryptopaytest.AlphaPoDepositResult {
	e.t.Helper()
	res, err := e.srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
		Address: address, Amount: cryptopay.MustDecimal(amount), Confirmations: confirmations,
	})
	require.NoError(e.t, err)
	require.Len(e.t, res.Deliveries, 1)
	require.True(e.t, res.Deliveries[0].Acknowledged, "callback refused: %d %s", res.Deliveries[0].Status, res.Deliveries[0].Response)
	return res
}

// fund credits amount of a crypto currency through a confirmed deposit
// and forgets its callback: it deposits what leaves amount once the fake's
// 1% deposit fee (rounded up to 1e-8) is paid.
func (e *alphaEnv) fund(currency, amount string) {
	e.t.Helper()
	e.deposit(e.take(currency, "").Address, grossOf(e.t, amount), 1)
	e.callbacks()
	require.Equal(e.t, cryptopay.MustDecimal(amount).Rat().FloatString(8), e.balance(currency))
}

// grossOf returns the deposit that nets amount after a 1% fee rounded up
// to 1e-8 units.
func grossOf(t *testing.T, amount string) string {
	t.Helper()
	net := new(big.Int).Quo(new(big.Rat).Mul(cryptopay.MustDecimal(amount).Rat(), big.NewRat(1e8, 1)).Num(), big.NewInt(1))
	gross := new(big.Int).Div(new(big.Int).Mul(net, big.NewInt(100)), big.NewInt(99))
	fee := func(g *big.Int) *big.Int {
		return new(big.Int).Div(new(big.Int).Add(g, big.NewInt(99)), big.NewInt(100))
	}
	for new(big.Int).Sub(gross, fee(gross)).Cmp(net) < 0 {
		gross.Add(gross, big.NewInt(1))
	}
	require.Zero(t, new(big.Int).Sub(gross, fee(gross)).Cmp(net), "no deposit nets exactly %s", amount)
	return new(big.Rat).SetFrac(gross, big.NewInt(1e8)).FloatString(8)
}

// mine adds n blocks and checks that every callback was acknowledged.
func (e *alphaEnv) mine(n int) []cryptopaytest.Delivery {
	e.t.Helper()
	got, err := e.srv.Mine(ctx, n)
	require.NoError(e.t, err)
	for _, d := range got {
		require.True(e.t, d.Acknowledged, "callback refused: %d %s", d.Status, d.Response)
	}
	return got
}

func dec(s string) *cryptopay.Decimal {
	d := cryptopay.MustDecimal(s)
	return &d
}

// fieldError returns the message the API gave for field in a 400 answer.
func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	require.ErrorIs(t, err, cryptopay.ErrBadRequest)
	return apiError(t, err).Fields[field]
}
