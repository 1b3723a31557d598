package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
)

// endpoint is one call as an endpoint method declares it: its route and
// arguments, its parameters, how it is authorized and the shape of its
// result. The one request path (do) does the rest.
type endpoint struct {
	method string
	// route is the path template as the provider's docs write it, e.g.
	// "/v2/accounts/{account}/transfer"; path is route with its arguments
	// checked and escaped (see newEndpoint), relative to the base URL.
	route, path string
	// base, when set, is the owner's route that route follows (see
	// newEndpointIn): the whole template is base+route.
	base  string
	query url.Values // nil: none
	body  any        // marshalled once; nil: no body ("{}" when signed)
	auth  authMode
	// account is the account or wallet whose tokens or transfer key
	// accountAuth sends.
	account *owner
	// bearer is the token sent as "Authorization: Bearer <bearer>": given
	// by the declaration with bearerAuth, filled in by do with accountAuth.
	bearer   string
	envelope envelope
	// secrets are credentials besides bearer that the call carries or its
	// client holds: an *APIError shows none of them (see credentials).
	// (An array: declaring a call allocates nothing for them.)
	secrets [2]string
	// provider is whose API the call is on: its error answers are read
	// by that provider's rules (see newAPIError).
	provider provider
	// moneyMoving: the call moves money, so it is never resent once it may
	// have left, and a failure after the request may have arrived is
	// reported as ErrOutcomeUnknown.
	moneyMoving bool
	// err is a problem found while declaring the call; do returns it and
	// sends nothing.
	err error
	// tries and status count the tries made and keep the last one's HTTP
	// status, for WithObserver.
	tries, status int
}

// authMode is how a call proves who sends it.
type authMode uint8

const (
	// noAuth: a public call.
	noAuth authMode = iota
	// accountAuth: an Apirone account's or wallet's protected call. With
	// tokens (see Account.Login) it sends the access token, renewed once
	// after a 401; without them the transfer key, in the query of a GET
	// and in the body otherwise. Without either it fails before sending
	// anything.
	accountAuth
	// bearerAuth: the token in ep.bearer, as it is (the token calls).
	bearerAuth
	// signedAuth: AlphaPo's X-Processing-Key and the HMAC-SHA512 signature
	// of the exact body, "{}" when the call has no parameters.
	signedAuth
)

// envelope is where in a 2xx answer the result is.
type envelope uint8

const (
	// bare: the answer is the result.
	bare envelope = iota
	// inData: the result is the answer's "data" member, which must be
	// there (AlphaPo).
	inData
	// maybeInData: the result is the "data" member when the answer has
	// one, else the whole answer (an AlphaPo call whose docs show both).
	maybeInData
)

// check records err (if it is the first problem) so that do fails before
// sending anything.
func (ep *endpoint) check(err error) {
	if ep.err == nil {
		ep.err = err
	}
}

// call performs ep and returns its decoded result: call[*Invoice] for an
// object, call[[]AlphaPoPair] for a list. On failure it returns T's zero
// value.
func call[T any](ctx context.Context, b *backend, ep endpoint) (T, error) {
	var zero T
	if m, ok := any(zero).(mirrored[T]); ok {
		// Into the mirror itself, not through T's UnmarshalJSON (see mirrorOf).
		w := m.newMirror()
		if err := b.do(ctx, &ep, w); err != nil {
			return zero, err
		}
		return w.value(), nil
	}
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

// do performs ep: it authorizes the call as ep.auth says, sends it (see
// send) and decodes a 2xx answer into out, which may be nil when the
// answer carries nothing to keep.
func (b *backend) do(ctx context.Context, ep *endpoint, out any) error {
	if b.observer == nil {
		return b.authorizeAndSend(ctx, ep, out)
	}
	start := time.Now()
	err := b.authorizeAndSend(ctx, ep, out)
	b.observeCall(ep, err, time.Since(start))
	return err
}

// authorizeAndSend is do without the observer.
func (b *backend) authorizeAndSend(ctx context.Context, ep *endpoint, out any) error {
	if ep.err != nil {
		return ep.err
	}
	if ep.auth != accountAuth {
		return b.send(ctx, ep, out)
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
		return b.send(ctx, ep, out)
	}
	ep.bearer = token
	err = b.send(ctx, ep, out)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		return err
	}
	if ep.bearer, err = a.renewAfter(ctx, token); err != nil {
		return err
	}
	return b.send(ctx, ep, out)
}

// send sends ep, retrying as b.retry allows, and decodes a 2xx answer into
// out. Any other answer becomes an *APIError.
func (b *backend) send(ctx context.Context, ep *endpoint, out any) error {
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
	watch := ep.mustKnowIfSent() && !(b.direct && payload != nil)
	var req *http.Request
	for n := 1; ; n++ {
		tryCtx, gotConn, cancel := b.tryContext(ctx, watch)
		if req == nil {
			if req, err = b.newRequest(tryCtx, ep, payload); err != nil {
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
		t := b.try(req, ep, gotConn, out) // reads and decodes the answer: the try's context may end now
		cancel()
		b.report(ctx, ep, n, t, start)
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
	case ep.auth == signedAuth:
		return []byte("{}"), nil
	}
	return nil, nil
}

func (b *backend) newRequest(ctx context.Context, ep *endpoint, payload []byte) (*http.Request, error) {
	var body io.Reader
	if payload != nil {
		body = newPayloadBody(payload)
	}
	// An empty URL, replaced below: requestURL costs less than parsing.
	req, err := http.NewRequestWithContext(ctx, ep.method, "", body)
	if err != nil {
		return nil, fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	if err := b.requestURL(ep, req.URL); err != nil {
		return nil, fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, redactURLError(err))
	}
	req.Host = req.URL.Host
	// The header values share one backing array, each slice capped at its
	// own value (an append elsewhere copies), instead of a slice per Set.
	values := make([]string, 0, 5)
	set := func(key, value string) {
		values = append(values, value)
		req.Header[key] = values[len(values)-1 : len(values) : len(values)]
	}
	set("Accept", "application/json")
	set("User-Agent", b.userAgent)
	if payload != nil {
		set("Content-Type", "application/json")
	}
	if ep.bearer != "" {
		set("Authorization", "Bearer "+ep.bearer)
	}
	if ep.auth == signedAuth {
		key, signature := b.sign(payload)
		set("X-Processing-Key", key)
		set("X-Processing-Signature", signature)
	}
	if payload != nil {
		req.ContentLength = int64(len(payload))
		// Only an idempotent call gets a GetBody. Without one net/http
		// cannot rewind the body, so it never resends the request: its
		// HTTP/2 transport would after RST_STREAM PROTOCOL_ERROR or
		// REFUSED_STREAM and after GOAWAY, though the server may have read
		// the request. (Its HTTP/1 transport then no longer resends a
		// request of which no byte was written to a dead kept-alive
		// connection either.)
		if ep.idempotent() {
			req.GetBody = func() (io.ReadCloser, error) { return newPayloadBody(payload), nil }
		}
	}
	return req, nil
}

// requestURL sets u to ep's URL: the base URL with ep's path and query.
// It copies the base URL parsed once; only a path with an escaped
// character (which url.URL keeps in two forms) is parsed again.
func (b *backend) requestURL(ep *endpoint, u *url.URL) error {
	*u = *b.base
	u.Path += ep.path
	u.RawQuery = ep.query.Encode()
	if u.RawPath == "" && u.EscapedPath() == u.Path {
		return nil // the path as given has nothing to unescape
	}
	parsed, err := url.Parse(b.baseURL.reveal() + ep.path)
	if err != nil {
		return err
	}
	parsed.Host, parsed.RawQuery = u.Host, u.RawQuery
	*u = *parsed
	return nil
}

// newPayloadBody returns a request body reading payload. Given a
// bytes.Reader, NewRequest would add a NopCloser and a GetBody closure;
// given a ReadCloser, it adds neither, nor ContentLength: newRequest sets
// that. A NopCloser over a bytes.Reader is a body net/http knows to be in
// memory, so it sends it with the headers, in one write.
func newPayloadBody(payload []byte) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(payload))
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
func (b *backend) try(req *http.Request, ep *endpoint, gotConn *atomic.Bool, out any) tried {
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
		t.err = ep.apiError(resp.StatusCode, prefix)
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

// roundTrip sends req once and returns the answer, never following a
// redirect. A caller's client sends it through a shallow copy, taken now
// (the caller may change its client later, as httpmock does), whose
// CheckRedirect returns the redirect answer. The default client, which has
// no jar and no timeout of its own (see tryContext), sends it straight
// through its transport, without the redirect bookkeeping of
// http.Client.Do; what else Do adds is added here: the base URL's user info
// as Basic authorization, and a *url.Error around a failure.
func (b *backend) roundTrip(req *http.Request) (*http.Response, error) {
	if !b.direct {
		hc := *b.httpClient
		hc.CheckRedirect = noRedirects
		return hc.Do(req)
	}
	if u := req.URL.User; u != nil && req.Header.Get("Authorization") == "" {
		password, _ := u.Password()
		req.SetBasicAuth(u.Username(), password)
	}
	resp, err := b.httpClient.Transport.RoundTrip(req)
	if err != nil {
		return nil, &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: req.URL.String(), Err: err}
	}
	return resp, nil
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

// decode turns a 2xx body into out, in one pass, taking the result from
// where ep.envelope says. An empty or null body is an error, and so is a
// JSON object that carries an error instead of a result ("message",
// "error" or "errors", and nothing else but "code"): that becomes an
// *APIError with the 2xx status. With inData, an object without "data"
// (or with "data": null) is an error; an answer that is not an object (a
// bare list) is the result itself.
func decode(ep *endpoint, status int, data []byte, out any) error {
	if trimmed := bytes.TrimSpace(data); out != nil && (len(trimmed) == 0 || string(trimmed) == "null") {
		return fmt.Errorf("cryptopay: %s %s: empty response body (status %d)", ep.method, ep.path, status)
	}
	if mayBeErrorOnly(data) {
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) == nil && errorOnly(top) {
			return ep.apiError(status, data)
		}
	}
	if out == nil {
		return nil
	}
	var err error
	if ep.envelope == bare || !isObject(data) {
		err = json.Unmarshal(data, out)
	} else {
		// One pass, the "data" member decoded straight into out.
		env := struct {
			// encoding/json matches names regardless of case, giving a
			// key to the first field whose name so matches: Other takes
			// "Data", "DATA" and every other casing of the provider's
			// "data".
			Other any `json:"DATA"`
			Data  any `json:"data"`
		}{Data: out}
		err = json.Unmarshal(data, &env)
		switch {
		case err != nil || hasData(data):
		case ep.envelope == inData:
			return fmt.Errorf("cryptopay: %s %s: response has no \"data\"", ep.method, ep.path)
		default:
			err = json.Unmarshal(data, out)
		}
	}
	if err != nil {
		return fmt.Errorf("cryptopay: %s %s: decoding response: %w", ep.method, ep.path, err)
	}
	return nil
}

// hasData reports whether obj, a valid JSON object, has a member named
// "data" (exactly) that is not null; of several, the last counts, as for
// encoding/json. It walks the object's bytes without decoding them.
func hasData(obj []byte) bool {
	found := false
	i := bytes.IndexByte(obj, '{') + 1
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return found // the closing brace
		}
		keyEnd := valueEnd(obj, i)
		value := skipSpace(obj, skipSpace(obj, keyEnd)+1) // past the colon
		if value >= len(obj) {
			return found
		}
		if isDataKey(obj[i:keyEnd]) {
			found = obj[value] != 'n'
		}
		i = skipSpace(obj, valueEnd(obj, value))
		if i < len(obj) && obj[i] == ',' {
			i++
		}
	}
}

// isDataKey reports whether key, a JSON string, is "data".
func isDataKey(key []byte) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key) == `"data"`
	}
	var name string
	return json.Unmarshal(key, &name) == nil && name == "data"
}

// valueEnd returns the index just past the valid JSON value starting at
// data[i].
func valueEnd(data []byte, i int) int {
	if i < len(data) && data[i] != '"' && data[i] != '{' && data[i] != '[' {
		for i < len(data) && strings.IndexByte(",}] \t\r\n", data[i]) < 0 {
			i++ // a number, true, false or null
		}
		return i
	}
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		default:
			continue
		}
		if depth == 0 {
			return i + 1
		}
	}
	return i
}

// skipSpace returns the index of the first byte from data[i] on that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.IndexByte(jsonSpace, data[i]) >= 0 {
		i++
	}
	return i
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

// withQuery sets ep's query to q, or records err.
func (ep *endpoint) withQuery(q url.Values, err error) {
	ep.query = q
	ep.check(err)
}

// withBody sets ep's body to body, or records err.
func (ep *endpoint) withBody(body any, err error) {
	ep.body = body
	ep.check(err)
}

// report hands try n of ep, which started at start, to the logger and the
// observer, when set; ep counts its tries either way.
func (b *backend) report(ctx context.Context, ep *endpoint, n int, t tried, start time.Time) {
	ep.tries++
	ep.status = t.status
	if b.logger == nil && b.observer == nil {
		return
	}
	took := time.Since(start)
	b.logTry(ctx, ep, n, t, took)
	b.observeTry(ep, t, took)
}
