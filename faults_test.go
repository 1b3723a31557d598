package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultCase is one way the network or the provider can fail, and what each
// kind of call must make of it.
type faultCase struct {
	name string
	// serve answers every request on an httptest server, or, when nil,
	// listen opens a raw TCP endpoint and returns its address and a stop
	// function.
	serve  http.HandlerFunc
	listen func(t *testing.T) (addr string, stop func())
	// tryTimeout is the *http.Client's Timeout (0: 10 s).
	tryTimeout time.Duration

	getTries  int // tries of a GET (CallbackInfo, transfer key in the query)
	postTries int // tries of a POST (Transfer, TakeAddress)
	// unknown: Transfer's error matches ErrOutcomeUnknown.
	unknown bool
	// retryAfter is the wait between GET tries; 0: the backoff.
	retryAfter time.Duration
	// class checks the error of every call.
	class func(t *testing.T, err error)
}

func faultCases() []faultCase {
	status := func(code int, body string, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(code)
			io.WriteString(w, body)
		}
	}
	isServer := func(code int) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, code, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrServer)
		}
	}
	isRateLimited := func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrRateLimited) }
	isTransport := func(t *testing.T, err error) {
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "no answer, so no *APIError: %v", err)
	}
	contains := func(text string) func(*testing.T, error) {
		return func(t *testing.T, err error) { assert.ErrorContains(t, err, text) }
	}
	htmlPage := "<html><body><h1>502 Bad Gateway</h1>" + strings.Repeat("x", 10000) + "</body></html>"

	var cases []faultCase
	for _, code := range []int{500, 502, 503, 504} {
		cases = append(cases, faultCase{
			name: fmt.Sprint(code), serve: status(code, `{"message":"try later"}`),
			getTries: 3, postTries: 1, unknown: true, class: isServer(code),
		})
	}
	return append(cases, []faultCase{
		{
			name: "429 without Retry-After", serve: status(429, "error code: 1015"),
			getTries: 3, postTries: 1, class: isRateLimited,
		},
		{
			name: "429 with Retry-After", serve: status(429, `{"message":"slow down"}`, "Retry-After", "2"),
			getTries: 3, postTries: 1, retryAfter: 2 * time.Second, class: isRateLimited,
		},
		{
			name: "429 with Retry-After beyond MaxDelay", serve: status(429, `{"message":"slow down"}`, "Retry-After", "3600"),
			getTries: 1, postTries: 1, class: isRateLimited,
		},
		{
			name: "connection refused: nothing sent", listen: refusingAddr,
			getTries: 3, postTries: 3, class: isTransport,
		},
		{
			// A reset that lands while the client is still connecting is a
			// dial error, and is retried (TestTransferIsResentOnlyAfterADialError).
			name: "connection reset once the request starts to arrive", listen: resettingListener,
			getTries: 3, postTries: 1, unknown: true, class: isTransport,
		},
		{
			name: "connection reset after the request was sent", serve: resetAfterRequest,
			getTries: 3, postTries: 1, unknown: true, class: isTransport,
		},
		{
			name: "server never answers", serve: neverAnswer, tryTimeout: 200 * time.Millisecond,
			getTries: 3, postTries: 1, unknown: true,
			class: func(t *testing.T, err error) {
				var netErr net.Error
				require.ErrorAs(t, err, &netErr)
				assert.True(t, netErr.Timeout(), "a timeout: %v", err)
			},
		},
		{
			name: "body cut short", serve: cutShort,
			getTries: 3, postTries: 1, unknown: true,
			class: func(t *testing.T, err error) { assert.ErrorIs(t, err, io.ErrUnexpectedEOF) },
		},
		{
			name: "truncated JSON", serve: status(200, `{"account":"apr-1","info":[`),
			getTries: 1, postTries: 1, unknown: true, class: contains("decoding response"),
		},
		{
			name: "HTML error page", serve: status(502, htmlPage, "Content-Type", "text/html"),
			getTries: 3, postTries: 1, unknown: true,
			class: func(t *testing.T, err error) {
				isServer(502)(t, err)
				assert.NotContains(t, err.Error(), "<html>")
			},
		},
		{
			name: "empty 200 body", serve: status(200, ""),
			getTries: 1, postTries: 1, unknown: true, class: contains("empty response body"),
		},
		{
			name: "100 MiB body", serve: endless(100 << 20),
			getTries: 1, postTries: 1, unknown: true, class: contains("response larger than 10485760 bytes"),
		},
		{
			name: "200 with a JSON error body", serve: status(200, `{"message":"Invalid wallet.","error":"bad_request"}`),
			getTries: 1, postTries: 1, unknown: true,
			class: func(t *testing.T, err error) {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 200, apiErr.StatusCode)
				want := "Invalid wallet." // Apirone's "message"
				if apiErr.Path == "/v2/addresses/take" {
					want = "bad_request" // AlphaPo's "error"
				}
				assert.Equal(t, want, apiErr.Message)
			},
		},
	}...)
}

func TestFaultMatrix(t *testing.T) {
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			addr, stop := fc.start(t)

			get := fc.run(t, addr, func(c *Client, _ *AlphaPoClient) error {
				_, err := c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
				return err
			})
			get.check(t, "GET", fc.getTries, false)
			assertWaits(t, get.waits, fc.retryAfter)

			transfer := fc.run(t, addr, func(c *Client, _ *AlphaPoClient) error {
				_, err := c.Account(testAccountID, testTransferKey).Transfer(context.Background(), &TransferParams{
					Currency: "btc", Destinations: []Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: Units(10000)}},
				})
				return err
			})
			transfer.check(t, "Transfer", fc.postTries, fc.unknown)
			if fc.unknown {
				assert.ErrorContains(t, transfer.err, "look it up (Apirone: settle.FindTransfer; AlphaPo: TransactionInfo by foreign_id) before trying again")
			}

			take := fc.run(t, addr, func(_ *Client, ap *AlphaPoClient) error {
				_, err := ap.TakeAddress(context.Background(), takeParams)
				return err
			})
			take.check(t, "TakeAddress", fc.postTries, false)

			for _, r := range []faultRun{get, transfer, take} {
				fc.class(t, r.err)
			}
			stop()
			assertGoroutinesBackTo(t, baseline)
		})
	}
}

var takeParams = &TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17"}

// start serves fc on loopback and returns the base URL.
func (fc faultCase) start(t *testing.T) (baseURL string, stop func()) {
	if fc.serve == nil {
		addr, stop := fc.listen(t)
		return "http://" + addr, stop
	}
	srv := httptest.NewServer(fc.serve)
	return srv.URL, srv.Close
}

// faultRun is what one call made of a fault.
type faultRun struct {
	err   error
	tries int             // round trips the SDK started
	waits []time.Duration // the retry waits it asked for
	log   string          // its debug log
}

// run makes one call through fresh clients whose transport counts tries.
func (fc faultCase) run(t *testing.T, baseURL string, call func(*Client, *AlphaPoClient) error) faultRun {
	t.Helper()
	var r faultRun
	var mu sync.Mutex
	var logBuf bytes.Buffer
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	timeout := fc.tryTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	var tries atomic.Int32
	hc := &http.Client{Timeout: timeout, Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		tries.Add(1)
		return transport.RoundTrip(req)
	})}
	opts := []Option{
		WithHTTPClient(hc), WithBaseURL(baseURL),
		WithLogger(slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	record := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		r.waits = append(r.waits, d)
		return nil
	}
	c, err := NewClient(opts...)
	require.NoError(t, err)
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, opts...)
	require.NoError(t, err)
	c.sleep, ap.sleep = record, record

	r.err = call(c, ap)
	r.tries = int(tries.Load())
	r.log = logBuf.String()
	return r
}

// check asserts the tries, the outcome class and that no secret leaked.
func (r faultRun) check(t *testing.T, what string, tries int, unknown bool) {
	t.Helper()
	require.Error(t, r.err, what)
	assert.Equal(t, tries, r.tries, "%s: tries", what)
	assert.Len(t, r.waits, tries-1, "%s: waits", what)
	assert.Equal(t, unknown, errors.Is(r.err, ErrOutcomeUnknown), "%s: outcome unknown: %v", what, r.err)
	assert.Equal(t, tries, strings.Count(r.log, "msg=\"cryptopay request\""), "%s: one log line per try", what)
	assert.Contains(t, r.log, fmt.Sprintf("attempt=%d", tries), what)
	assertNoSecret(t, what, r.err, r.log)
}

// assertNoSecret checks that no credential of the test clients shows in
// err, formatted any way, or in the logs.
func assertNoSecret(t *testing.T, what string, err error, logs ...string) {
	t.Helper()
	body, _ := json.Marshal(takeParams)
	secrets := []string{testTransferKey, testAlphaSecret, NewSigner(testAlphaSecret).Sign(body)}
	texts := append([]string{fmt.Sprint(err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}, logs...)
	for _, text := range texts {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, what)
		}
	}
}

// assertWaits checks the waits between GET tries: the Retry-After, or the
// default backoff, from d/2 to d with d = 500 ms, 1 s, ...
func assertWaits(t *testing.T, waits []time.Duration, retryAfter time.Duration) {
	t.Helper()
	for i, w := range waits {
		if retryAfter > 0 {
			assert.Equal(t, retryAfter, w, "wait %d", i)
			continue
		}
		d := 500 * time.Millisecond << i
		assert.True(t, w >= d/2 && w <= d, "wait %d = %v, want %v to %v", i, w, d/2, d)
	}
}

// assertGoroutinesBackTo waits for goroutines that serve closed connections
// to end, and fails if more than n remain.
func assertGoroutinesBackTo(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < 500 && runtime.NumGoroutine() > n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > n {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines outlived the calls (%d before):\n%s", got-n, n, buf[:runtime.Stack(buf, true)])
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// refusingAddr is a loopback port nothing listens on.
func refusingAddr(t *testing.T) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr, func() {}
}

// resettingListener accepts connections and resets each once the first
// byte of the request has arrived.
func resettingListener(t *testing.T) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Read(make([]byte, 1))
			resetConn(conn)
		}
	}()
	return ln.Addr().String(), func() { ln.Close(); <-done }
}

// resetConn closes conn with a TCP RST.
func resetConn(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// resetAfterRequest reads the whole request, then resets the connection.
func resetAfterRequest(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		resetConn(conn)
	}
}

// neverAnswer reads the request and holds it until the client gives up
// (the server notices a closed connection once the body has been read).
func neverAnswer(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// cutShort promises 1000 bytes and sends 10.
func cutShort(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "1000")
	io.WriteString(w, `{"account"`)
}

// endless serves a JSON string of n bytes, writing until the client hangs up.
func endless(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		io.WriteString(w, `"`)
		for written := 0; written < n; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"`)
	}
}
