package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
)

// backend is the one request path both APIs share: it builds, signs, sends,
// retries and decodes every call.
type backend struct {
	clientOptions
	// sign, when set, returns the X-Processing-Key and
	// X-Processing-Signature headers for the exact body bytes.
	sign func(body []byte) (key, signature string)
	// base is baseURL parsed once, which each request's URL copies (see
	// requestURL). Behind a pointer, it prints as an address only.
	base *url.URL
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func newBackend(defaultBase string, opts []Option) (backend, error) {
	s := clientOptions{baseURL: newSecret(defaultBase), userAgent: defaultUserAgent, retry: RetryPolicy{}.withDefaults()}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return backend{}, err
		}
	}
	if s.httpClient == nil {
		s.useDefaultClient(defaultHTTPClient, defaultTimeout)
	}
	base, err := url.Parse(s.baseURL.reveal())
	if err != nil { // cannot happen: WithBaseURL checked it
		return backend{}, invalid("WithBaseURL", "%v", redactURLError(err))
	}
	base.Host = strings.TrimSuffix(base.Host, ":") // as http.NewRequest leaves it
	return backend{clientOptions: s, base: base, sleep: sleep}, nil
}

// useDefaultClient sends every try through a copy of hc that follows no
// redirect, each try bounded by timeout: hc must be the default client or,
// in tests, one like it (net/http's transport, no jar, no timeout).
func (s *clientOptions) useDefaultClient(hc *http.Client, timeout time.Duration) {
	own := *hc
	own.CheckRedirect = noRedirects
	s.httpClient, s.defaultClient, s.tryTimeout = &own, true, timeout
}

// defaultHTTPClient serves every client made without WithHTTPClient: a
// keep-alive pool sized for concurrent use (Go's default keeps 2 idle
// connections per host); each try through it gets defaultTimeout (see
// clientOptions.tryTimeout). Like every client, it follows no redirect
// (see noRedirects).
var defaultHTTPClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	},
}

// noRedirects is the CheckRedirect of every try (see backend.roundTrip): a
// redirect answer is returned, so nothing (a transfer, a key in a body or
// query, a signature) is sent to a URL other than the one the SDK built.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// call performs ep and returns its decoded result: call[*Invoice] for an
// object, call[[]AlphaPoPair] for a list. On failure it returns T's zero
// value.
func call[T any](ctx context.Context, b *backend, ep endpoint) (T, error) {
	var zero T
	if t := reflect.TypeFor[T](); t.Kind() == reflect.Pointer {
		// Into a new value, not through a pointer to a nil pointer: one
		// allocation instead of two.
		out := reflect.New(t.Elem()).Interface()
		if err := b.do(ctx, &ep, out); err != nil {
			return zero, err
		}
		return out.(T), nil
	}
	out := new(T)
	if err := b.do(ctx, &ep, out); err != nil {
		return zero, err
	}
	return *out, nil
}

// callState is what changes while one declared call is made; the
// declaration (an endpoint) goes beside it and does not change.
type callState struct {
	// bearer is the token sent as "Authorization: Bearer <bearer>", if any:
	// the declaration's (bearerAuth), or the account's access token
	// (accountAuth), renewed once after a 401.
	bearer string
	// tries and status count the tries made and keep the last one's HTTP
	// status, for WithObserver.
	tries, status int
}

// credentials returns what an error answer to the call of ep must not
// show: its bearer token and ep's secrets.
func (c *callState) credentials(ep *endpoint) []string {
	return append([]string{c.bearer}, ep.secrets[:]...)
}

// do performs ep: it authorizes the call as ep.auth says, sends it (see
// send) and decodes a 2xx answer into out, which may be nil when the
// answer carries nothing to keep.
func (b *backend) do(ctx context.Context, ep *endpoint, out any) error {
	c := callState{bearer: ep.token}
	if b.observer == nil {
		return b.authorizeAndSend(ctx, ep, &c, out)
	}
	start := time.Now()
	err := b.authorizeAndSend(ctx, ep, &c, out)
	b.observeCall(ep, &c, err, time.Since(start))
	return err
}

// authorizeAndSend is do without the observer.
func (b *backend) authorizeAndSend(ctx context.Context, ep *endpoint, c *callState, out any) error {
	if ep.err != nil {
		return ep.err
	}
	if ep.auth != accountAuth {
		return b.send(ctx, ep, c, out)
	}
	a := ep.account
	token, err := a.accessToken(ctx)
	if err != nil {
		return err
	}
	if token == "" {
		if err := a.putTransferKey(ep); err != nil {
			return err
		}
		return b.send(ctx, ep, c, out)
	}
	c.bearer = token
	err = b.send(ctx, ep, c, out)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		return err
	}
	if c.bearer, err = a.renewAfter(ctx, token); err != nil {
		return err
	}
	return b.send(ctx, ep, c, out)
}

// send sends the call of ep (its state in c), retrying as b.retry allows,
// and decodes a 2xx answer into out. Any other answer becomes an *APIError.
func (b *backend) send(ctx context.Context, ep *endpoint, c *callState, out any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	payload, err := ep.payload()
	if err != nil {
		return err
	}
	// Whether a failed try was sent matters to a call that is not
	// idempotent or moves money (see mustKnowIfSent). Through the default
	// client, a dial error proves that a request with a body never left:
	// net/http resends such a request (it has no GetBody) only if it read
	// none of the body. Any other such call watches its connection.
	watch := ep.mustKnowIfSent() && !(b.defaultClient && payload != nil)
	var req *http.Request
	for n := 1; ; n++ {
		tryCtx, gotConn, cancel := b.tryContext(ctx, watch)
		if req == nil {
			if req, err = b.newRequest(tryCtx, ep, c, payload); err != nil {
				cancel()
				return err
			}
		} else {
			req = req.WithContext(tryCtx) // a retry sends its own copy, with its own body
			if payload != nil {
				req.Body = newPayloadBody(payload)
			}
		}
		var start time.Time
		if b.logger != nil || b.observer != nil {
			start = time.Now()
		}
		t := b.try(req, ep, c, gotConn, out) // reads and decodes the answer: the try's context may end now
		cancel()
		b.report(ctx, ep, c, n, t, start)
		if t.err == nil {
			return nil
		}
		wait, again := b.retryWait(ctx, ep, n, t)
		if !again {
			return ep.failure(t)
		}
		if err := b.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%w (while waiting to retry: %w)", ep.failure(t), err)
		}
	}
}

// tried is what one try of a call came to.
type tried struct {
	err    error
	status int // the HTTP status; 0 when no answer came
	// broken: the connection failed (no answer, or its body was cut short).
	broken bool
	// neverSent: the request provably never left (a dial error before any
	// connection was handed to it); only found out when ep.mustKnowIfSent.
	neverSent bool
	// retryAfter is the answer's Retry-After, when hasRetryAfter.
	retryAfter    time.Duration
	hasRetryAfter bool
}

// tryContext returns the context of one try: ctx with the connection
// watch when asked (see watchConn) and, through the default client, the
// per-try deadline (clientOptions.tryTimeout), with its cancel.
func (b *backend) tryContext(ctx context.Context, watch bool) (context.Context, *atomic.Bool, context.CancelFunc) {
	tryCtx, gotConn := ctx, (*atomic.Bool)(nil)
	if watch {
		tryCtx, gotConn = watchConn(ctx)
	}
	if b.tryTimeout <= 0 {
		return tryCtx, gotConn, noCancel
	}
	tryCtx, cancel := context.WithTimeout(tryCtx, b.tryTimeout)
	return tryCtx, gotConn, cancel
}

// noCancel is the cancel of a try context without a deadline.
func noCancel() {}

// watchConn returns ctx with a trace that sets gotConn once a connection
// is handed to the request.
func watchConn(ctx context.Context) (_ context.Context, gotConn *atomic.Bool) {
	w := new(struct {
		got   atomic.Bool
		trace httptrace.ClientTrace
	})
	w.trace.GotConn = func(httptrace.GotConnInfo) { w.got.Store(true) }
	return httptrace.WithClientTrace(ctx, &w.trace), &w.got
}

// try sends req once and decodes the answer into out; gotConn is
// watchConn's flag, or nil: for a call that need not know whether it was
// sent, or one whose dial error alone proves it never left (see send).
// When req's context ends before the answer is decoded, the try fails with
// the context's error even if the decoding worked.
func (b *backend) try(req *http.Request, ep *endpoint, c *callState, gotConn *atomic.Bool, out any) tried {
	ctx := req.Context()
	resp, err := b.roundTrip(req)
	if err != nil {
		return tried{
			err:       fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, redactURLError(err)),
			broken:    true,
			neverSent: ep.mustKnowIfSent() && isDialError(err) && (gotConn == nil || !gotConn.Load()),
		}
	}
	defer resp.Body.Close()
	t := tried{status: resp.StatusCode}
	t.retryAfter, t.hasRetryAfter = retryAfter(resp.Header, time.Now)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		prefix, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		t.err = c.apiError(ep, resp.StatusCode, prefix)
		return t
	}
	data, err := readCapped(resp, maxResponseBody)
	switch {
	case errors.Is(err, errTooLarge):
		t.err = fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	case err != nil:
		t.err = fmt.Errorf("cryptopay: %s %s: reading response: %w", ep.method, ep.path, err)
		t.broken = true
	default:
		t.err = decode(ep, c, resp.StatusCode, data, out)
	}
	if err := ctx.Err(); err != nil { // ended while reading or decoding: no late result
		t.err = fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	return t
}

// roundTrip sends req once and returns the answer, never following a
// redirect. A caller's client sends it through a shallow copy, taken now
// (the caller may change its client later, as httpmock does), whose
// CheckRedirect returns the redirect answer; the default client has that
// CheckRedirect already (see useDefaultClient).
func (b *backend) roundTrip(req *http.Request) (*http.Response, error) {
	if b.defaultClient {
		return b.httpClient.Do(req)
	}
	hc := *b.httpClient
	hc.CheckRedirect = noRedirects
	return hc.Do(req)
}

// report hands try n of the call of ep, which started at start, to the logger
// and the observer, when set; c counts its tries either way.
func (b *backend) report(ctx context.Context, ep *endpoint, c *callState, n int, t tried, start time.Time) {
	c.tries++
	c.status = t.status
	if b.logger == nil && b.observer == nil {
		return
	}
	took := time.Since(start)
	b.logTry(ctx, ep, n, t, took)
	b.observeTry(ep, c, t, took)
}

// logTry logs try n of ep at debug level, when a logger is set.
func (b *backend) logTry(ctx context.Context, ep *endpoint, n int, t tried, took time.Duration) {
	if b.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", ep.method),
		slog.String("path", ep.path),
		slog.Int("status", t.status),
		slog.Int("attempt", n),
		slog.Duration("duration", took),
	}
	if t.err != nil {
		attrs = append(attrs, slog.String("error", t.err.Error()))
	}
	b.logger.LogAttrs(ctx, slog.LevelDebug, "cryptopay request", attrs...)
}
