package cryptopaytest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailNextStatus(t *testing.T) {
	e := newEnv(t)
	// The client tries a GET three times (its default retry policy): three
	// failures use up one call, and the next call gets a normal answer.
	e.srv.FailNext("GET /v2/accounts/{account}/balance", 3, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})

	_, err := e.acct.Balance(ctx, nil)
	require.ErrorIs(t, err, cryptopay.ErrServer)
	ae := apiError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, "Service Unavailable", ae.Message)

	_, err = e.acct.Balance(ctx, nil)
	assert.NoError(t, err, "three failures, then normal answers")
}

func TestFailNextMatchesMethodAndPath(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)
	e.srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: http.StatusTooManyRequests, Body: "error code: 1015"})
	p := &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(1000))}}

	_, err := e.acct.EstimateTransfer(ctx, p)
	require.NoError(t, err, "GET on the same path is not matched")
	_, err = e.acct.Balance(ctx, nil)
	require.NoError(t, err)

	_, err = e.acct.Transfer(ctx, p)
	require.ErrorIs(t, err, cryptopay.ErrRateLimited)
	assert.Equal(t, "error code: 1015", string(apiError(t, err).Body))
	assert.Equal(t, "100000", e.balance("btc").Total.String(), "the failed transfer did not happen")
}

func TestFailNextDrop(t *testing.T) {
	e := newEnv(t)
	e.srv.FailNext("POST /v2/accounts/{account}/addresses", 1, cryptopaytest.Failure{Drop: true})
	_, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	require.Error(t, err)
	var ae *cryptopay.APIError
	assert.False(t, errors.As(err, &ae), "no answer came: %v", err)

	list, err := e.acct.Addresses(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, list.Addresses, "dropped before it took effect")
	_, err = e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	assert.NoError(t, err)
}

// AfterEffect: the transfer happens, then the answer is lost. The money
// moved exactly once and the history shows it.
func TestFailNextAfterEffect(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)
	e.srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})

	_, err := e.acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(1000))}})
	require.Error(t, err)
	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, cryptopay.NewAmount(-1140), page.Items[0].Amount)
	assert.Equal(t, "98860", e.balance("btc").Total.String())
}

func TestFailNextDelayUntilClientGivesUp(t *testing.T) {
	e := newEnv(t)
	e.srv.FailNext("GET /v2/accounts/{account}/history", 1, cryptopaytest.Failure{Delay: time.Hour})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := e.acct.History(short, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = e.acct.History(ctx, nil)
	assert.NoError(t, err)
}

func TestFailNextAlphaPo(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	ap := alphaPoClient(t, srv, key, secret)
	srv.FailNext("POST /v2/addresses/take", 1, cryptopaytest.Failure{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"})

	_, err := ap.TakeAddress(ctx, takeParams("BTC"))
	require.ErrorIs(t, err, cryptopay.ErrServer)
	assert.Empty(t, apiError(t, err).Message)
	_, err = ap.TakeAddress(ctx, takeParams("BTC"))
	assert.NoError(t, err)
}

// FailNext's default body is in the shape of the API the call is on: an
// AlphaPo client reads the status text from AlphaPo's "error".
func TestFailNextDefaultBodyAlphaPo(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	ap := alphaPoClient(t, srv, key, secret)
	srv.FailNext("POST /v2/addresses/take", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})

	_, err := ap.TakeAddress(ctx, takeParams("BTC"))
	require.ErrorIs(t, err, cryptopay.ErrServer)
	assert.Equal(t, "Service Unavailable", apiError(t, err).Message)
}
