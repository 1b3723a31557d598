package cryptopay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
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

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n >= minRequest && c.drop.CompareAndSwap(true, false) {
		c.l.dropped.Add(1)
		resetConn(c.Conn)
		return 0, net.ErrClosed
	}
	return n, err
}

// HTTP/2 frame types, flags and error codes (RFC 9113) the raw server uses.
const (
	h2Data          = 0x0
	h2Headers       = 0x1
	h2RSTStream     = 0x3
	h2Settings      = 0x4
	h2GoAway        = 0x7
	h2FlagEnd       = 0x1 // END_STREAM on HEADERS and DATA, ACK on SETTINGS
	h2FlagHeaders   = 0x4 // END_HEADERS
	h2NoError       = 0x0
	h2ProtocolErr   = 0x1
	h2RefusedErr    = 0x7
	h2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
)

// rawH2 is an HTTP/2 server over TLS (ALPN "h2") written frame by frame, so
// that it can do what net/http's server cannot do from a handler: read a
// whole request and then reset its stream with PROTOCOL_ERROR or
// REFUSED_STREAM, or answer it with GOAWAY. Go's HTTP/2 transport resends a
// request after those when it can rewind the body (Request.GetBody).
//
// The first request gets fault; any later one is answered 400
// {"error":"foreign id already taken"}, as a provider answers a resent
// withdrawal. No HPACK is needed: requests are counted, not decoded, and
// ":status: 400" is entry 12 of the static table.
type rawH2 struct {
	URL      string
	pool     *x509.CertPool // trusts the server's certificate
	requests atomic.Int32   // HEADERS frames that opened a stream
	fault    func(w io.Writer, stream uint32) error

	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

// startRawH2 serves fault on loopback until the test ends.
func startRawH2(t *testing.T, fault func(w io.Writer, stream uint32) error) *rawH2 {
	t.Helper()
	cert, pool := testCertificate(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	s := &rawH2{URL: "https://" + ln.Addr().String(), pool: pool, fault: fault, ln: ln}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// testCertificate is httptest's certificate for 127.0.0.1 and a pool that
// trusts it.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv.TLS.Certificates[0], pool
}

func (s *rawH2) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// serve reads the client preface and frames; once a request is complete
// (END_STREAM on its HEADERS or DATA) it answers it.
func (s *rawH2) serve(c net.Conn) error {
	preface := make([]byte, len(h2ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != h2ClientPreface {
		return errors.New("no HTTP/2 preface")
	}
	if err := writeFrame(c, h2Settings, 0, 0, nil); err != nil {
		return err
	}
	hdr := make([]byte, 9)
	for {
		if _, err := io.ReadFull(c, hdr); err != nil {
			return err
		}
		size := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags, stream := hdr[3], hdr[4], binary.BigEndian.Uint32(hdr[5:])&(1<<31-1)
		if _, err := io.CopyN(io.Discard, c, int64(size)); err != nil {
			return err
		}
		var err error
		switch {
		case typ == h2Settings && flags&h2FlagEnd == 0:
			err = writeFrame(c, h2Settings, h2FlagEnd, 0, nil) // ACK
		case typ == h2Headers:
			s.requests.Add(1)
			fallthrough
		case typ == h2Data:
			if flags&h2FlagEnd != 0 {
				err = s.answer(c, stream)
			}
		}
		if err != nil {
			return err
		}
	}
}

// answer applies the fault to the first request and refuses later ones.
func (s *rawH2) answer(w io.Writer, stream uint32) error {
	if s.requests.Load() == 1 {
		return s.fault(w, stream)
	}
	if err := writeFrame(w, h2Headers, h2FlagHeaders, stream, []byte{0x80 | 12}); err != nil { // :status: 400
		return err
	}
	return writeFrame(w, h2Data, h2FlagEnd, stream, []byte(`{"error":"foreign id already taken"}`))
}

// resetStream is a fault: RST_STREAM with code.
func resetStream(code uint32) func(io.Writer, uint32) error {
	return func(w io.Writer, stream uint32) error {
		return writeFrame(w, h2RSTStream, 0, stream, binary.BigEndian.AppendUint32(nil, code))
	}
}

// goAwayUnprocessed is a fault: GOAWAY saying that no stream was processed.
func goAwayUnprocessed(w io.Writer, _ uint32) error {
	payload := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 0), h2NoError)
	return writeFrame(w, h2GoAway, 0, 0, payload)
}

func writeFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) error {
	n := len(payload)
	frame := append([]byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags}, binary.BigEndian.AppendUint32(nil, stream)...)
	_, err := w.Write(append(frame, payload...))
	return err
}
