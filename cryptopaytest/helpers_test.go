package cryptopaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/require"
)

// external is a destination outside the server.
const external = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"

var ctx = context.Background()

// env is a server, an Apirone client on it and a fresh account.
type env struct {
	t    *testing.T
	srv  *cryptopaytest.Server
	c    *cryptopay.Client
	acct *cryptopay.Account
	key  string
}

func newEnv(t *testing.T, opts ...cryptopaytest.Option) *env {
	t.Helper()
	srv := cryptopaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	return &env{t: t, srv: srv, c: c, acct: c.Account(created.Account, created.TransferKey), key: created.TransferKey}
}

// address generates an address in currency, with cb as its callback.
func (e *env) address(currency string, cb *cryptopay.Callback) string {
	e.t.Helper()
	addr, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: currency, Callback: cb})
	require.NoError(e.t, err)
	return addr.Address
}

func (e *env) deposit(address string, amount cryptopay.Amount, confirmations int) *cryptopaytest.DepositResult {
	e.t.Helper()
	res, err := e.srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address, Amount: amount, Confirmations: confirmations})
	require.NoError(e.t, err)
	return res
}

// balance returns the account's balance in currency.
func (e *env) balance(currency string) cryptopay.Balance {
	e.t.Helper()
	b, err := e.acct.Balance(ctx, &cryptopay.BalanceParams{Currency: currency})
	require.NoError(e.t, err)
	require.Len(e.t, b.Balance, 1)
	return b.Balance[0]
}

func (e *env) mine(n int) []cryptopaytest.Delivery {
	e.t.Helper()
	got, err := e.srv.Mine(ctx, n)
	require.NoError(e.t, err)
	return got
}

// apiError returns err as an *APIError, failing the test if it is not one.
func apiError(t *testing.T, err error) *cryptopay.APIError {
	t.Helper()
	var ae *cryptopay.APIError
	require.True(t, errors.As(err, &ae), "want an *APIError, got %v", err)
	return ae
}

// get sends a raw GET and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return send(t, http.MethodGet, url, "", nil)
}

// send sends a raw request and returns the status and body.
func send(t *testing.T, method, url, body string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// received is one callback a receiver got.
type received struct {
	Method string
	Query  string
	Header http.Header
	Body   string
}

// receiver is a merchant's callback endpoint that records what it gets
// and answers with answer.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(received) (int, string)
}

func newReceiver(t *testing.T, answer func(received) (int, string)) *receiver {
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in := received{Method: r.Method, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)}
		rc.mu.Lock()
		rc.got = append(rc.got, in)
		rc.mu.Unlock()
		status, text := rc.answer(in)
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) calls() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// answerOK acknowledges every callback.
func answerOK(received) (int, string) { return http.StatusOK, "*ok*" }
