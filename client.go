package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Version is this SDK's version, sent in the default User-Agent.
const Version = "0.1.0"

const (
	// ApironeBaseURL is the Apirone API root; paths start with /v2/.
	ApironeBaseURL = "https://apirone.com/api"
	// AlphaPoBaseURL is the AlphaPo API v2 root; paths start with /addresses/, /ping, ...
	AlphaPoBaseURL = "https://app.alphapo.net/api/v2"

	defaultUserAgent = "cryptopay-go/" + Version
	// defaultTimeout bounds each try made through the default *http.Client.
	defaultTimeout = 30 * time.Second
	// maxResponseBody caps what a successful response may hold (10 MiB).
	maxResponseBody = 10 << 20
)

// Client calls the Apirone API. Create one with NewClient and share it: it
// is safe for concurrent use. Account-level calls go through the *Account
// handle returned by Client.Account.
type Client struct {
	backend
}

// Option configures a Client or an AlphaPoClient.
type Option func(*clientOptions) error

// clientOptions is what the options set.
type clientOptions struct {
	httpClient *http.Client
	baseURL    string
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger // nil: no logging
}

// WithHTTPClient sends requests through c instead of the default client,
// which gives each try 30 s and keeps up to 64 idle connections per host.
// c is never modified. Each try goes through a shallow copy of c, taken
// at that try (so a later change to c, such as a mock activated on it, is
// used), whose CheckRedirect returns the redirect answer: c's Timeout,
// Transport and Jar apply, but no redirect is followed, whatever c's own
// policy. A 3xx answer is returned as an *APIError, so no transfer, key,
// token or signature is ever sent to a URL other than the one the SDK
// built.
func WithHTTPClient(c *http.Client) Option {
	return func(s *clientOptions) error {
		if c == nil {
			return invalid("WithHTTPClient", "nil *http.Client")
		}
		s.httpClient = c
		return nil
	}
}

// WithBaseURL sends requests to base instead of the provider's public API,
// e.g. the URL of a cryptopaytest server or a proxy. base must be an
// absolute http or https URL with no '?' or '#', and no '@' after the host
// (percent-encode those in a password); a trailing slash is ignored. The
// error for a bad base never holds its password or query.
func WithBaseURL(base string) Option {
	return func(s *clientOptions) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			strings.ContainsAny(base, "?#") || strings.Contains(u.Path, "@") {
			return invalid("WithBaseURL", "want an absolute http(s) URL with no '?' or '#' and no '@' after the host, got %q", redactURL(base))
		}
		s.baseURL = strings.TrimSuffix(base, "/")
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "cryptopay-go/<Version>").
func WithUserAgent(ua string) Option {
	return func(s *clientOptions) error {
		s.userAgent = ua
		return nil
	}
}

// WithRetry replaces the retry policy (by default 3 tries, see RetryPolicy).
// RetryPolicy{MaxAttempts: 1} turns retries off. Negative fields fail with
// ErrInvalidParams.
func WithRetry(p RetryPolicy) Option {
	return func(s *clientOptions) error {
		if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
			return invalid("WithRetry", "fields must not be negative")
		}
		s.retry = p.withDefaults()
		return nil
	}
}

// WithLogger logs every try of every call to l at debug level: the message
// "cryptopay request" with method, path (never the query, which may hold a
// transfer key), status (0 when no answer came), attempt (1, 2, ...),
// duration and, for a failed try, error. Headers and bodies are never
// logged. Without this option nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *clientOptions) error {
		s.logger = l
		return nil
	}
}

// NewClient returns an Apirone client. Without options it talks to
// ApironeBaseURL through the default *http.Client (see WithHTTPClient) and
// retries as RetryPolicy describes.
func NewClient(opts ...Option) (*Client, error) {
	b, err := newBackend(ApironeBaseURL, opts)
	if err != nil {
		return nil, err
	}
	return &Client{backend: b}, nil
}

// Format prints "cryptopay.Client{<base URL>}" for every verb, with any
// password in the base URL hidden, for a pointer and a value alike.
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.Client{%s}", redactURL(c.baseURL))
}

// RetryPolicy says which failed tries are made again and how long to wait
// in between. A zero field takes its default.
//
// What is retried:
//   - GET, HEAD and OPTIONS calls, after a connection error or timeout
//     (including a response body cut short) and after HTTP 429, 500, 502,
//     503 and 504.
//   - Any call, POST and PATCH included, whose request provably never left:
//     the transport reported a dial error (*net.OpError with Op "dial":
//     connection refused, DNS failure, dial timeout) and had not handed the
//     request a connection (httptrace GotConn never fired).
//
// Nothing else is resent: a POST or PATCH (Transfer, GenerateAddress,
// CreateAccount, TakeAddress) that may have reached the server is tried
// once, whatever the answer. Its body is sent with Content-Length and
// without Request.GetBody, so net/http cannot resend it either (its HTTP/2
// transport would after a stream reset with PROTOCOL_ERROR or
// REFUSED_STREAM, or after GOAWAY). A POST without a body (CreateAccount,
// Logout, the token refresh) net/http may still resend then; none moves
// money. No call is retried once the context is done.
//
// Waits: after try n the wait is a random duration from d/2 to d, where d
// is BaseDelay·2^(n-1) capped at MaxDelay. When the answer carries
// Retry-After (delay-seconds or an HTTP date), that wait is used instead;
// a Retry-After longer than MaxDelay ends the retries at once and the call
// returns that answer's error. A wait that would end after the context's
// deadline is not started, and a wait ends at once when the context is done.
type RetryPolicy struct {
	// MaxAttempts is the number of tries in all, the first included;
	// 1 turns retries off. Default 3.
	MaxAttempts int
	// BaseDelay is the backoff before the second try; it doubles for each
	// further try. Default 500 ms.
	BaseDelay time.Duration
	// MaxDelay is the longest wait between tries, Retry-After included.
	// Default 10 s.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 10 * time.Second
	}
	return p
}

// backoff is the wait after try n (1, 2, ...) for a random fraction frac
// in [0, 1): from d/2 to d, d = BaseDelay·2^(n-1) capped at MaxDelay.
func (p RetryPolicy) backoff(n int, frac float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + time.Duration(frac*float64(d/2))
}

// backend is the one request path both APIs share: it builds, signs, sends,
// retries and decodes every call.
type backend struct {
	clientOptions
	// sign, when set, adds authentication headers for the exact body bytes.
	sign func(h http.Header, body []byte)
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func newBackend(defaultBase string, opts []Option) (backend, error) {
	s := clientOptions{baseURL: defaultBase, userAgent: defaultUserAgent, retry: RetryPolicy{}.withDefaults()}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return backend{}, err
		}
	}
	if s.httpClient == nil {
		s.httpClient = defaultHTTPClient
	}
	return backend{clientOptions: s, sleep: sleep}, nil
}

// defaultHTTPClient serves every client made without WithHTTPClient: a
// finite timeout per try and a keep-alive pool sized for concurrent use
// (Go's default keeps 2 idle connections per host). Like every client, it
// follows no redirect (see noRedirects).
var defaultHTTPClient = &http.Client{
	Timeout: defaultTimeout,
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

// noRedirects is the CheckRedirect of every try: a redirect answer is
// returned, so nothing (a transfer, a key in a body or query, a signature)
// is sent to a URL other than the one the SDK built.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// sleep waits d, or less when ctx is done first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// endpoint is one call: what an endpoint method declares.
type endpoint struct {
	method string
	path   string     // escaped, relative to the base URL, e.g. "/v2/accounts/apr-1/balance"
	query  url.Values // nil: none
	body   any        // marshalled once; nil: no body
	// signedBody: send and sign "{}" when body is nil (AlphaPo).
	signedBody bool
	// envelope: the result comes wrapped in {"data": ...} (AlphaPo).
	envelope bool
	// bearer, when set, is sent as "Authorization: Bearer <bearer>".
	bearer string
	// secrets are credentials besides bearer that the call carries or its
	// client holds: an *APIError shows none of them (see credentials).
	secrets []string
	// moneyMoving: the call moves money, so it is never resent once it may
	// have left, and a failure after the request may have arrived is
	// reported as ErrOutcomeUnknown.
	moneyMoving bool
	// err is a problem found while declaring the call; do returns it and
	// sends nothing.
	err error
}

// check records err (if it is the first problem) so that do fails before
// sending anything.
func (ep *endpoint) check(err error) {
	if ep.err == nil {
		ep.err = err
	}
}

// mustKnowIfSent reports whether a failed try of ep must find out if the
// request provably never left (tried.neverSent): only a call that is not
// idempotent or moves money depends on it, as any other is retried after
// every transport error and fails alike either way.
func (ep *endpoint) mustKnowIfSent() bool {
	return !ep.idempotent() || ep.moneyMoving
}

// idempotent reports whether sending ep twice has the effect of sending it
// once, so that it may be retried after it may have arrived.
func (ep *endpoint) idempotent() bool {
	return ep.method == http.MethodGet || ep.method == http.MethodHead || ep.method == http.MethodOptions
}

// call performs ep and decodes a successful answer into a new T.
func call[T any](ctx context.Context, b *backend, ep endpoint) (*T, error) {
	out := new(T)
	if err := b.do(ctx, ep, out); err != nil {
		return nil, err
	}
	return out, nil
}

// do sends ep, retrying as b.retry allows, and decodes a 2xx answer into
// out. Any other answer becomes an *APIError.
func (b *backend) do(ctx context.Context, ep endpoint, out any) error {
	if ep.err != nil {
		return ep.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	payload, err := ep.payload()
	if err != nil {
		return err
	}
	req, err := b.newRequest(ctx, ep, payload)
	if err != nil {
		return err
	}
	for n := 1; ; n++ {
		start := time.Now()
		t := b.try(req, ep, payload, out)
		b.logTry(ctx, ep, n, t, time.Since(start))
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

// payload is the body to send and sign: ep.body marshalled once, "{}" for
// a signed call without one, or nil.
func (ep *endpoint) payload() ([]byte, error) {
	switch {
	case ep.body != nil:
		data, err := json.Marshal(ep.body)
		if err != nil {
			return nil, fmt.Errorf("cryptopay: encoding %s %s: %w", ep.method, ep.path, err)
		}
		return data, nil
	case ep.signedBody:
		return []byte("{}"), nil
	}
	return nil, nil
}

func (b *backend) newRequest(ctx context.Context, ep endpoint, payload []byte) (*http.Request, error) {
	target := b.baseURL + ep.path
	if len(ep.query) > 0 {
		target += "?" + ep.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, ep.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, redactURLError(err))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", b.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ep.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+ep.bearer)
	}
	if b.sign != nil && payload != nil {
		b.sign(req.Header, payload)
	}
	if !ep.idempotent() {
		// Without GetBody net/http cannot rewind the body, so it never
		// resends the request: its HTTP/2 transport would after RST_STREAM
		// PROTOCOL_ERROR or REFUSED_STREAM and after GOAWAY, though the
		// server may have read the request. (Its HTTP/1 transport then no
		// longer resends a request of which no byte was written to a dead
		// kept-alive connection either.) ContentLength stays set.
		req.GetBody = nil
	}
	return req, nil
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

// try sends req once, with a fresh copy of payload, and decodes the answer
// into out. It goes through a shallow copy of the *http.Client that follows
// no redirect. When req's context ends before the answer is decoded, the
// try fails with the context's error even if the decoding worked.
func (b *backend) try(req *http.Request, ep endpoint, payload []byte, out any) tried {
	ctx, watch := req.Context(), ep.mustKnowIfSent()
	var gotConn atomic.Bool
	if watch {
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }})
	}
	req = req.WithContext(ctx) // each try sends its own copy
	if payload != nil {
		req.Body = io.NopCloser(bytes.NewReader(payload))
	}
	hc := *b.httpClient // read at each try: the caller may change its client later (httpmock)
	hc.CheckRedirect = noRedirects
	resp, err := hc.Do(req)
	if err != nil {
		return tried{
			err:       fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, redactURLError(err)),
			broken:    true,
			neverSent: watch && isDialError(err) && !gotConn.Load(),
		}
	}
	defer resp.Body.Close()
	t := tried{status: resp.StatusCode}
	t.retryAfter, t.hasRetryAfter = retryAfter(resp.Header, time.Now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		prefix, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		t.err = newAPIError(ep.method, ep.path, resp.StatusCode, prefix, ep.credentials()...)
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
		t.err = decode(ep, resp.StatusCode, data, out)
	}
	if err := ctx.Err(); err != nil { // ended while reading or decoding: no late result
		t.err = fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	return t
}

var errTooLarge = fmt.Errorf("response larger than %d bytes", maxResponseBody)

// readCapped reads resp's body if it holds at most limit bytes, and fails
// with errTooLarge as soon as it is known to hold more: at once when
// Content-Length says so, else after limit+1 bytes. The buffer starts at
// Content-Length (or 4 KiB) and doubles, never past limit+1 bytes.
func readCapped(resp *http.Response, limit int) ([]byte, error) {
	if resp.ContentLength > int64(limit) {
		return nil, errTooLarge
	}
	size := min(4<<10, limit+1)
	if resp.ContentLength >= 0 {
		size = int(resp.ContentLength) + 1 // +1: room to read EOF
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// isDialError reports a failure to open a connection.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (a date in the past means no wait). ok is false when it is absent or
// malformed.
func retryAfter(h http.Header, now time.Time) (wait time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, _ := strconv.ParseUint(v, 10, 32) // too large: the largest uint32
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// retryableStatus: answers a GET may get differently a moment later.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryWait says whether try n of ep, which came to t, is to be followed by
// another, and after what wait (see RetryPolicy).
func (b *backend) retryWait(ctx context.Context, ep endpoint, n int, t tried) (time.Duration, bool) {
	if n >= b.retry.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	if !t.neverSent && !(ep.idempotent() && (t.broken || retryableStatus(t.status))) {
		return 0, false
	}
	wait := b.retry.backoff(n, rand.Float64())
	if t.hasRetryAfter {
		if t.retryAfter > b.retry.MaxDelay {
			return 0, false
		}
		wait = t.retryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return 0, false
	}
	return wait, true
}

// failure is the error a call returns after its last try. For a
// money-moving call that may have taken effect it matches ErrOutcomeUnknown:
// every failure except a dial error and a 4xx answer (which the provider
// only gives to a request it did not carry out). A 3xx answer is unknown:
// a 303 means "done, see there", and a proxy may redirect after passing
// the request on.
func (ep *endpoint) failure(t tried) error {
	if ep.moneyMoving && !t.neverSent && (t.status < 400 || t.status >= 500) {
		return &outcomeUnknownError{err: t.err}
	}
	return t.err
}

// logTry logs try n of ep at debug level, when a logger is set.
func (b *backend) logTry(ctx context.Context, ep endpoint, n int, t tried, took time.Duration) {
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

// decode turns a 2xx body into out, unwrapping AlphaPo's {"data": ...}
// envelope when ep says so. An empty or null body is an error, and so is a
// JSON object that carries an error instead of a result ("message",
// "error" or "errors", and no "data"): that becomes an *APIError with the
// 2xx status. A result outside an envelope is parsed once, straight into
// out: the map of top-level members is built only to unwrap an envelope or
// when the first member is one of the error keys.
func decode(ep endpoint, status int, data []byte, out any) error {
	if trimmed := bytes.TrimSpace(data); out != nil && (len(trimmed) == 0 || string(trimmed) == "null") {
		return fmt.Errorf("cryptopay: %s %s: empty response body (status %d)", ep.method, ep.path, status)
	}
	unwrap := ep.envelope && out != nil && isObject(data)
	var top map[string]json.RawMessage
	if unwrap || mayBeErrorOnly(data) {
		if json.Unmarshal(data, &top) == nil && errorOnly(top) {
			return newAPIError(ep.method, ep.path, status, data, ep.credentials()...)
		}
	}
	if out == nil {
		return nil
	}
	if unwrap && top != nil {
		if data = top["data"]; data == nil || string(data) == "null" {
			return fmt.Errorf("cryptopay: %s %s: response has no \"data\"", ep.method, ep.path)
		}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("cryptopay: %s %s: decoding response: %w", ep.method, ep.path, err)
	}
	return nil
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// isObject reports whether data starts like a JSON object.
func isObject(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, jsonSpace), []byte("{"))
}

// mayBeErrorOnly is false for a body that errorOnly surely rejects: one
// that is not an object, or whose first member has a plain name other than
// the error keys (as every result has).
func mayBeErrorOnly(data []byte) bool {
	rest, isObj := bytes.CutPrefix(bytes.TrimLeft(data, jsonSpace), []byte("{"))
	if !isObj {
		return false
	}
	rest, isName := bytes.CutPrefix(bytes.TrimLeft(rest, jsonSpace), []byte(`"`))
	name, _, closed := bytes.Cut(rest, []byte(`"`))
	if !isName || !closed || bytes.IndexByte(name, '\\') >= 0 {
		return true // "{}", an escaped name or bad JSON: the full parse decides
	}
	switch string(name) {
	case "message", "error", "errors", "code":
		return true
	}
	return false
}

// errorOnly reports whether a 2xx answer holds an error instead of a
// result: nothing but the keys providers use for errors (message, error,
// errors, code), with one of message, error and errors set. A result that
// merely has an "error" field among others (an AlphaPo transaction) is not
// one.
func errorOnly(top map[string]json.RawMessage) bool {
	set := false
	for k, v := range top {
		switch k {
		case "message", "error", "errors":
			set = set || (string(v) != "null" && string(v) != `""`)
		case "code":
		default:
			return false
		}
	}
	return set
}

// redactURLError removes the query (which may hold a transfer key) and any
// password from the URL that *url.Error prints.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

// redactURL hides a password in raw and replaces its query and fragment
// with "?REDACTED". The password is found in the text, not with url.Parse,
// so that one which does not parse or holds '/', '?', '#' or '@' is hidden
// too: it is everything from the first ':' after "://" (or after the
// start, without one) to the last '@'. A ':' before an '@' elsewhere (a
// port before an '@' in the path, say) hides that stretch as well.
func redactURL(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	}
	if colon := strings.IndexByte(raw[start:], ':'); colon >= 0 {
		colon += start
		if at := strings.LastIndexByte(raw, '@'); at > colon {
			raw = raw[:colon+1] + redacted + raw[at:]
		}
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i] + "?" + redacted
	}
	return raw
}

// pathSegment checks a value that goes into a URL path and returns it
// escaped. Values that would change the URL's shape are rejected.
func pathSegment(field, value string) (string, error) {
	switch {
	case value == "":
		return "", invalid(field, "is required")
	case value == "." || value == "..":
		return "", invalid(field, "%q is not allowed in a path", value)
	case strings.ContainsAny(value, "/?#\\%") || hasControl(value):
		return "", invalid(field, "must not contain '/', '?', '#', '\\\\', '%%' or control characters")
	}
	return url.PathEscape(value), nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// required returns an ErrInvalidParams error naming field when value is empty.
func required(field, value string) error {
	if value == "" {
		return invalid(field, "is required")
	}
	return nil
}
