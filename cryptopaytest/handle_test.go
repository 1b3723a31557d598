package cryptopaytest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientIsWiredToTheServer(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	created, err := srv.Client().CreateAccount(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, created.Account)
	_, err = srv.AlphaPoClient().TakeAddress(ctx, takeParams("BTC"))
	require.NoError(t, err, "the AlphaPo client signs with the server's credentials")
}

func TestClientOptionsApplyAfterTheServers(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	srv.FailNext("GET /v2/networks/{currency}/fee", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	_, err := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})).NetworkFees(ctx, "btc")
	assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode, "retries off: the one 503 is the answer")

	srv.FailNext("GET /v2/networks/{currency}/fee", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	_, err = srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{BaseDelay: 1})).NetworkFees(ctx, "btc")
	assert.NoError(t, err, "retried after the 503")

	srv.FailNext("/v2/ping", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	err = srv.AlphaPoClient(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})).Ping(ctx)
	assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode)
}

func TestClientPanicsOnABadOption(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	bad := cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: -1})
	assert.PanicsWithValue(t, "cryptopaytest: Server.Client: "+optionError(bad), func() { srv.Client(bad) })
	assert.Panics(t, func() { srv.AlphaPoClient(bad) })
}

// optionError is the error NewClient gives for opt.
func optionError(opt cryptopay.Option) string {
	_, err := cryptopay.NewClient(opt)
	return err.Error()
}

func TestHandleOverridesOneRoute(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)

	srv.Handle("GET /api/v2/accounts/{account}/balance", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"account":"`+r.PathValue("account")+`","balance":[{"currency":"btc","available":7,"total":9}]}`)
	}))
	b, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, created.Account, b.Account, "path values reach the handler")
	assert.Equal(t, cryptopay.NewAmount(9), b.Balance[0].Total, "the override answered")

	_, err = acct.Info(ctx, "btc")
	assert.NoError(t, err, "other routes are the server's")

	srv.Handle("GET /api/v2/accounts/{account}/balance", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"message":"again"}`)
	}))
	_, err = acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	assert.Equal(t, http.StatusTeapot, apiError(t, err).StatusCode, "handling a pattern again replaces it")

	srv.FailNext("GET /v2/accounts/{account}/balance", 1, cryptopaytest.Failure{Status: http.StatusBadGateway})
	_, err = srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})).Account(created.Account, "").Balance(ctx, nil)
	assert.Equal(t, http.StatusBadGateway, apiError(t, err).StatusCode, "FailNext applies to overridden routes")
}

func TestHandleOverridesAlphaPoOnlyForItsMethod(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	srv.Handle("GET /alphapo/api/v2/addresses/take", http.NotFoundHandler())
	_, err := srv.AlphaPoClient().TakeAddress(ctx, takeParams("BTC"))
	assert.NoError(t, err, "a POST is still the server's: the override is for GET only")

	srv.Handle("POST /alphapo/api/v2/addresses/take", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"error":"Bad key header","code":"bad_header_key"}`)
	}))
	_, err = srv.AlphaPoClient().TakeAddress(ctx, takeParams("BTC"))
	assert.ErrorIs(t, err, cryptopay.ErrUnauthorized)
}

func TestHandlePanicsOnABadPattern(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	assert.Panics(t, func() { srv.Handle("GET", http.NotFoundHandler()) })
}
