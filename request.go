package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// endpoint is one call as an endpoint method declares it: its route and
// arguments, its parameters, how it is authorized and the shape of its
// result. The one request path (backend.do, in transport.go) makes the
// call, keeping what changes meanwhile (the token sent, the tries) in a
// callState.
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
	// token is the token a bearerAuth call sends (see callState.bearer).
	token    string
	envelope envelope
	// secrets are credentials besides the bearer token that the call
	// carries or its client holds: an *APIError shows none of them (see
	// callState.credentials).
	// (An array: declaring a call allocates nothing for them.)
	secrets [2]string
	// provider is whose API the call is on: its error answers are read
	// by that provider's rules (see newAPIError).
	provider provider
	// moneyMoving: the call moves money, so it is never resent once it may
	// have left, and a failure after the request may have arrived is
	// reported as ErrOutcomeUnknown.
	moneyMoving bool
	// err is a problem found while declaring the call (a bad argument or
	// parameter); do returns it and sends nothing.
	err error
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
	// bearerAuth: the token in ep.token, as it is (the token calls).
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

// newEndpoint declares a call of method on route, a path template whose
// {name} parts are filled, in order, with args (one each): every argument
// is checked as a path segment, named after its part (see pathSegment),
// and escaped. A bad argument is recorded in the endpoint, so nothing is
// sent.
func newEndpoint(method, route string, args ...string) endpoint {
	return newEndpointIn(method, "", "", route, args...)
}

// newEndpointIn is newEndpoint on route following an owner's base route
// (such as "/v2/accounts/{account}"), already filled and escaped as
// basePath: a call joins them only in its path.
func newEndpointIn(method, base, basePath, route string, args ...string) endpoint {
	ep := endpoint{method: method, base: base, route: route, path: route, auth: noAuth}
	if basePath == "" && len(args) == 0 {
		return ep
	}
	var path strings.Builder // one allocation
	path.Grow(len(basePath) + len(route) + 48)
	path.WriteString(basePath)
	rest := route
	for ; len(args) > 0 && strings.IndexByte(rest, '{') >= 0; args = args[1:] {
		open, end := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
		seg, err := pathSegment(rest[open+1:end], args[0])
		ep.check(err)
		path.WriteString(rest[:open])
		path.WriteString(seg)
		rest = rest[end+1:]
	}
	path.WriteString(rest)
	ep.path = path.String()
	return ep
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

// check records err (if it is the first problem) so that do fails before
// sending anything.
func (ep *endpoint) check(err error) {
	if ep.err == nil {
		ep.err = err
	}
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

// newRequest builds the first try of the call of ep: its URL, the headers
// (c's bearer token, the signature of payload) and payload as the body.
func (b *backend) newRequest(ctx context.Context, ep *endpoint, c *callState, payload []byte) (*http.Request, error) {
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
	// What it buys: one allocation for all headers instead of one each,
	// which keeps Transfer in memory at 69 allocations against the
	// hand-written call's 70 (Set: 71); time within 2 % (bench/README.md).
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
	if c.bearer != "" {
		set("Authorization", "Bearer "+c.bearer)
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
