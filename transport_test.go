package cryptopay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moneyCall is one of the calls that move money, sent with opts.
type moneyCall struct {
	name string
	send func(t *testing.T, ctx context.Context, opts ...Option) error
}

func moneyCalls() []moneyCall {
	amount, price := dec("0.5"), dec("50000")
	alphapo := func(t *testing.T, opts []Option) *AlphaPoClient {
		c, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, opts...)
		require.NoError(t, err)
		return c
	}
	return []moneyCall{
		{"Transfer", func(t *testing.T, ctx context.Context, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Account(testAccountID, testTransferKey).Transfer(ctx, &TransferParams{
				Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
			})
			return err
		}},
		{"WithdrawCrypto", func(t *testing.T, ctx context.Context, opts ...Option) error {
			_, err := alphapo(t, opts).WithdrawCrypto(ctx, &AlphaPoWithdrawParams{
				ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: amount, Address: "bc1qexample",
			})
			return err
		}},
		{"ExchangeFixed", func(t *testing.T, ctx context.Context, opts ...Option) error {
			_, err := alphapo(t, opts).ExchangeFixed(ctx, &AlphaPoExchangeParams{
				SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, Price: &price, ForeignID: "x-1",
			})
			return err
		}},
		{"ExchangeNow", func(t *testing.T, ctx context.Context, opts ...Option) error {
			_, err := alphapo(t, opts).ExchangeNow(ctx, &AlphaPoExchangeParams{
				SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, ForeignID: "x-2",
			})
			return err
		}},
	}
}

// tlsClient makes the client the SDK sends through, trusting pool and
// giving each try timeout: the *http.Client (for a warm-up request and to
// close idle connections) and the options that make the SDK use it.
type tlsClient struct {
	name string
	make func(pool *x509.CertPool, timeout time.Duration) (*http.Client, Option)
}

var tlsClients = []tlsClient{
	// The SDK's default client, as it is but for the trusted certificate:
	// each try through a copy that follows no redirect, with a context deadline.
	{"default client", func(pool *x509.CertPool, timeout time.Duration) (*http.Client, Option) {
		tr := defaultHTTPClient.Transport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		hc := &http.Client{Transport: tr}
		return hc, func(s *clientOptions) error { s.useDefaultClient(hc, timeout); return nil }
	}},
	// A caller's client that speaks HTTP/2 and follows redirects.
	{"caller's client", func(pool *x509.CertPool, timeout time.Duration) (*http.Client, Option) {
		hc := &http.Client{Timeout: timeout, Transport: &http.Transport{
			ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool},
		}}
		return hc, WithHTTPClient(hc)
	}},
}

// transportFault is one way a money call can fail on its way to the
// provider and back.
type transportFault struct {
	name string
	// serve answers each request on a net/http TLS server, HTTP/1.1 or
	// HTTP/2, or, when nil, raw is what a frame-by-frame HTTP/2 server
	// does once it has read the whole request (HTTP/2 only).
	serve func(w http.ResponseWriter, r *http.Request, env *faultEnv)
	raw   func(w io.Writer, stream uint32) error
	// stale: the call goes over a kept-alive connection that the server
	// drops as the request arrives.
	stale   bool
	timeout time.Duration // each try's timeout (0: 10 s)
	unknown bool          // the error matches ErrOutcomeUnknown
	class   func(t *testing.T, err error)
}

// faultEnv is what a fault's handler may act on.
type faultEnv struct {
	cancel context.CancelFunc // ends the call's context
	ln     *trackingListener
}

func transportFaults() []transportFault {
	status := func(code int) func(http.ResponseWriter, *http.Request, *faultEnv) {
		return func(w http.ResponseWriter, r *http.Request, _ *faultEnv) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(code)
			io.WriteString(w, `{"error":"try later"}`)
		}
	}
	// hangUp waits until the client gives up, and then sends no answer:
	// an answer it wrote then could still reach the client and be taken.
	hangUp := func(r *http.Request) {
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}
	noAnswer := func(t *testing.T, err error) {
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "no answer, so no *APIError: %v", err)
	}
	return []transportFault{
		{
			name: "502", serve: status(502), unknown: true,
			class: func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrServer) },
		},
		{
			name: "429", serve: status(429),
			class: func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrRateLimited) },
		},
		{
			name: "connection lost after the request",
			serve: func(_ http.ResponseWriter, r *http.Request, env *faultEnv) {
				io.Copy(io.Discard, r.Body)
				env.ln.resetAll()
			},
			unknown: true, class: noAnswer,
		},
		{
			// HTTP/2: RST_STREAM INTERNAL_ERROR; HTTP/1.1: the connection closes.
			name: "handler aborts after the request",
			serve: func(_ http.ResponseWriter, r *http.Request, _ *faultEnv) {
				io.Copy(io.Discard, r.Body)
				panic(http.ErrAbortHandler)
			},
			unknown: true, class: noAnswer,
		},
		{
			name: "timeout",
			serve: func(_ http.ResponseWriter, r *http.Request, _ *faultEnv) {
				io.Copy(io.Discard, r.Body)
				hangUp(r)
			},
			timeout: 200 * time.Millisecond, unknown: true,
			class: func(t *testing.T, err error) {
				var netErr net.Error
				require.ErrorAs(t, err, &netErr)
				assert.True(t, netErr.Timeout(), "a timeout: %v", err)
			},
		},
		{
			name: "context cancelled after the request",
			serve: func(w http.ResponseWriter, r *http.Request, env *faultEnv) {
				io.Copy(io.Discard, r.Body)
				env.cancel()
				hangUp(r)
			},
			unknown: true,
			class:   func(t *testing.T, err error) { assert.ErrorIs(t, err, context.Canceled) },
		},
		{
			// serve answers only a request resent on another connection.
			name: "stale keep-alive connection", stale: true, serve: status(200),
			unknown: true, class: noAnswer,
		},
		{name: "RST_STREAM PROTOCOL_ERROR", raw: resetStream(h2ProtocolErr), unknown: true, class: noAnswer},
		{name: "RST_STREAM REFUSED_STREAM", raw: resetStream(h2RefusedErr), unknown: true, class: noAnswer},
		{name: "GOAWAY", raw: goAwayUnprocessed, unknown: true, class: noAnswer},
	}
}

// TestMoneyCallsReachTheProviderAtMostOnce drives every money-moving call
// through every fault, on HTTP/1.1 and HTTP/2 over TLS, with the SDK's
// default client and with a caller's HTTP/2 client, and counts on the
// server that the request arrived exactly once: neither the SDK nor the
// transport underneath resends it, and the failure matches
// ErrOutcomeUnknown unless the provider refused the call.
func TestMoneyCallsReachTheProviderAtMostOnce(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		for _, fc := range transportFaults() {
			if fc.raw != nil && proto != "HTTP/2.0" {
				continue
			}
			for _, client := range tlsClients {
				for _, mc := range moneyCalls() {
					t.Run(fmt.Sprintf("%s/%s/%s/%s", proto, fc.name, client.name, mc.name), func(t *testing.T) {
						var err error
						if fc.raw != nil {
							err = fc.runRaw(t, client, mc)
						} else {
							err = fc.run(t, proto, client, mc)
						}
						require.Error(t, err)
						assert.Equal(t, fc.unknown, errors.Is(err, ErrOutcomeUnknown), "outcome unknown: %v", err)
						fc.class(t, err)
						assertNoSecret(t, mc.name, err)
					})
				}
			}
		}
	}
}

// run makes the call against a net/http TLS server speaking proto and
// checks the request reached the server exactly once. A fault with a
// timeout is about a request the client sent and then gave up on; on a
// loaded machine the timeout can run out before the request has left the
// client, so such a call is made again, on a new server, with twice the
// timeout, until its request left in time (at most timeoutTries times).
func (fc transportFault) run(t *testing.T, proto string, client tlsClient, mc moneyCall) error {
	timeout := fc.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	a := fc.attempt(t, proto, client, mc, timeout)
	for try := 1; fc.timeout != 0 && !a.wrote && try < timeoutTries; try++ {
		timeout *= 2
		a = fc.attempt(t, proto, client, mc, timeout)
	}
	assert.Equal(t, 1, len(a.seen)+a.dropped, "requests that reached the server")
	if fc.stale {
		assert.Equal(t, 1, a.dropped, "the request went over the kept-alive connection")
	}
	for _, r := range a.seen {
		assert.Equal(t, proto, r.Proto)
		assert.Positive(t, r.ContentLength, "Content-Length is sent")
		assert.Empty(t, r.TransferEncoding, "never chunked")
	}
	return a.err
}

// timeoutTries bounds the calls run makes for a fault with a timeout.
const timeoutTries = 5

// attempt is one call of run: its error, the requests the handler got,
// the requests the listener dropped, and whether the whole request was
// written before the call ended.
type attempt struct {
	err     error
	seen    []*http.Request
	dropped int
	wrote   bool
}

func (fc transportFault) attempt(t *testing.T, proto string, client tlsClient, mc moneyCall, timeout time.Duration) attempt {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln := &trackingListener{}
	env := &faultEnv{cancel: cancel, ln: ln}
	var (
		mu   sync.Mutex
		seen []*http.Request // the calls' requests the handler got
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/warmup" {
			return
		}
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		fc.serve(w, r, env)
	}))
	srv.EnableHTTP2 = proto == "HTTP/2.0"
	ln.Listener = srv.Listener
	srv.Listener = ln
	srv.StartTLS()
	defer srv.Close()

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc, useClient := client.make(pool, timeout)
	defer hc.CloseIdleConnections()
	if fc.stale || fc.timeout != 0 { // a connection set up before the call, without its timeout
		resp, err := (&http.Client{Transport: hc.Transport}).Get(srv.URL + "/warmup")
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if fc.stale {
		ln.dropNext()
	}

	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		wrote.Store(info.Err == nil)
	}})
	err := mc.send(t, ctx, useClient, WithBaseURL(srv.URL))
	reached := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) + int(ln.dropped.Load())
	}
	// A request the client wrote and then gave up on reaches the handler
	// all the same, maybe after the call has returned: wait, bounded.
	for i := 0; i < 500 && wrote.Load() && reached() == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	return attempt{err: err, seen: slices.Clone(seen), dropped: int(ln.dropped.Load()), wrote: wrote.Load()}
}

// runRaw makes the call against a frame-by-frame HTTP/2 server.
func (fc transportFault) runRaw(t *testing.T, client tlsClient, mc moneyCall) error {
	s := startRawH2(t, fc.raw)
	hc, useClient := client.make(s.pool, 10*time.Second)
	defer hc.CloseIdleConnections()
	err := mc.send(t, context.Background(), useClient, WithBaseURL(s.URL))
	assert.Equal(t, int32(1), s.requests.Load(), "requests that reached the server")
	return err
}

// trackingListener keeps the connections it accepts, so that a handler can
// reset them, and can make each open connection drop the next request that
// arrives on it, as a server does with a kept-alive connection it has
// already closed.
type trackingListener struct {
	net.Listener
	mu      sync.Mutex
	conns   []*trackedConn
	dropped atomic.Int32 // requests dropped
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conns = append(l.conns, tc)
	return tc, nil
}

// resetAll resets every connection accepted so far.
func (l *trackingListener) resetAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		resetConn(c.Conn)
	}
}

// dropNext makes every connection accepted so far reset itself when the
// next request arrives, unread.
func (l *trackingListener) dropNext() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.drop.Store(true)
	}
}

type trackedConn struct {
	net.Conn
	l    *trackingListener
	drop atomic.Bool
}

// minRequest is fewer bytes than any request in a TLS record, and more than
// a SETTINGS ACK or WINDOW_UPDATE frame in one.
const minRequest = 100

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n >= minRequest && c.drop.CompareAndSwap(true, false) {
		c.l.dropped.Add(1)
		resetConn(c.Conn)
		return 0, net.ErrClosed
	}
	return n, err
}

// secretCall is a call that carries a secret or moves money.
type secretCall struct {
	name  string
	money bool
	send  func(t *testing.T, opts ...Option) error
}

func secretCalls() []secretCall {
	calls := []secretCall{
		{"Login (transfer key in the body)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			return c.Account(testAccountID, testTransferKey).Login(context.Background())
		}},
		{"UpdateSettings (transfer key in the body)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Account(testAccountID, testTransferKey).UpdateSettings(context.Background(), &SettingsParams{
				Currency: "btc", ProcessingFeePolicy: ProcessingFeePercentage,
			})
			return err
		}},
		{"CallbackInfo (transfer key in the query)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
			return err
		}},
		{"Transfer with a token (Authorization)", true, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			acct := c.Account(testAccountID, "")
			acct.UseTokens(Tokens{Access: "opaque-access-token"})
			_, err = acct.Transfer(context.Background(), &TransferParams{
				Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
			})
			return err
		}},
		{"TakeAddress (X-Processing-Key and signature)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, opts...)
			require.NoError(t, err)
			_, err = c.TakeAddress(context.Background(), takeParams)
			return err
		}},
	}
	for _, mc := range moneyCalls() {
		calls = append(calls, secretCall{mc.name, true, func(t *testing.T, opts ...Option) error {
			return mc.send(t, context.Background(), opts...)
		}})
	}
	return calls
}

// TestRedirectsAreNeverFollowed: whatever client the caller passes, even
// one whose CheckRedirect follows everything, a redirect answer is the
// call's *APIError, and nothing goes to the other URL; a money call that
// got one has an unknown outcome (a 303 means "done, see there").
func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	follow := func(*http.Request, []*http.Request) error { return nil }
	for _, code := range []int{301, 302, 303, 307, 308} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), code)
		}))
		for _, hc := range []*http.Client{{}, {CheckRedirect: follow}} {
			for _, sc := range secretCalls() {
				requests.Store(0)
				what := fmt.Sprintf("%d %s (own CheckRedirect: %t)", code, sc.name, hc.CheckRedirect != nil)
				before := hc.CheckRedirect
				err := sc.send(t, WithHTTPClient(hc), WithBaseURL(srv.URL))
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr, what)
				assert.Equal(t, code, apiErr.StatusCode, what)
				assert.Equal(t, sc.money, errors.Is(err, ErrOutcomeUnknown), "%s: outcome unknown: %v", what, err)
				assert.Equal(t, int32(1), requests.Load(), what)
				assert.Equal(t, fmt.Sprintf("%p", before), fmt.Sprintf("%p", hc.CheckRedirect), "%s: the caller's client is unchanged", what)
			}
		}
		srv.Close()
	}
	assert.Zero(t, elsewhere.Load(), "nothing was sent to the other URL")
}

// TestCallerClientIsReadAtEachCall: the SDK copies the caller's client for
// each try, not once, so a mock activated on it after NewClient (as
// httpmock.ActivateNonDefault does) is used.
func TestCallerClientIsReadAtEachCall(t *testing.T) {
	hc := &http.Client{}
	c, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodGet, apironeAccountURL+"/callback",
		httpmock.NewStringResponder(200, fixture(t, "apirone/account_callback.json")))

	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	assert.Equal(t, 1, httpmock.GetTotalCallCount())
}

// TestMoneyCallFailureByStatus pins where a money call's failure turns
// from unknown to definite: a 3xx answer may follow a transfer that was
// made (303 "see other"), a 4xx one is a refusal, a 5xx one unknown again.
func TestMoneyCallFailureByStatus(t *testing.T) {
	for _, tc := range []struct {
		status  int
		unknown bool
	}{
		{299, true}, {300, true}, {303, true}, {399, true},
		{400, false}, {499, false},
		{500, true},
	} {
		w := newWire(t)
		w.respond(http.MethodPost, apironeAccountURL+"/transfer", tc.status, `{"message":"Something."}`)
		_, err := w.account().Transfer(context.Background(), &TransferParams{
			Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
		})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "status %d", tc.status)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "status %d: %v", tc.status, err)
		assert.Equal(t, 1, w.count(), "status %d: one try", tc.status)
	}
}

func TestCanceledContextSendsNothing(t *testing.T) {
	w := newWire(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := w.account().Info(ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, w.count())
}

func TestTransportErrorHidesTransferKey(t *testing.T) {
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: failingTransport{}}))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testTransferKey)
	assert.NotContains(t, fmt.Sprintf("%+v", err), testTransferKey)
	assert.Contains(t, err.Error(), "connection refused")
	assert.True(t, errors.Is(err, errRefused), "the cause stays reachable")
}

var errRefused = errors.New("dial tcp: connection refused")

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errRefused }

// TestDefaultClientErrors: a failure through the default client reads as one
// through a caller's client, and hides the transfer key in the query and the
// password in the base URL alike.
func TestDefaultClientErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://shop:" + testAlphaSecret + "@" + ln.Addr().String() + "/api"
	require.NoError(t, ln.Close()) // nothing listens there now: connection refused
	var texts []string
	for _, opts := range [][]Option{nil, {WithHTTPClient(&http.Client{})}} {
		c, err := NewClient(append(opts, WithBaseURL(base), WithRetry(RetryPolicy{MaxAttempts: 1}))...)
		require.NoError(t, err)
		_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
		require.Error(t, err)
		var opErr *net.OpError
		assert.ErrorAs(t, err, &opErr, "the cause stays reachable")
		for _, secret := range []string{testTransferKey, testAlphaSecret} {
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
		}
		texts = append(texts, err.Error())
	}
	assert.Equal(t, texts[1], texts[0])
	assert.Contains(t, texts[0], `cryptopay: GET /v2/accounts/`+testAccountID+`/callback: Get "http://shop:REDACTED@`)
}
