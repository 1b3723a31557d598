package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
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
	defaultTimeout   = 30 * time.Second
	// maxResponseBody caps what a successful response may hold.
	maxResponseBody = 10 << 20
)

// Client calls the Apirone API. Create one with NewClient and share it: it
// is safe for concurrent use. Account-level calls go through the *Account
// handle returned by Client.Account.
type Client struct {
	backend
}

// Option configures a Client or an AlphaPoClient.
type Option func(*settings) error

// settings is what the options set.
type settings struct {
	httpClient *http.Client
	baseURL    string
	userAgent  string
}

// WithHTTPClient sends requests through c instead of the default client (a
// client with a 30 s overall timeout). c is used as given, never modified.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return invalid("WithHTTPClient", "nil *http.Client")
		}
		s.httpClient = c
		return nil
	}
}

// WithBaseURL sends requests to base instead of the provider's public API,
// e.g. the URL of a cryptopaytest server or a proxy. base must be an
// absolute http or https URL; a trailing slash is ignored.
func WithBaseURL(base string) Option {
	return func(s *settings) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return invalid("WithBaseURL", "want an absolute http(s) URL without query, got %q", base)
		}
		s.baseURL = strings.TrimSuffix(base, "/")
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "cryptopay-go/<Version>").
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		s.userAgent = ua
		return nil
	}
}

// NewClient returns an Apirone client. Without options it talks to
// ApironeBaseURL through an *http.Client with a 30 s timeout.
func NewClient(opts ...Option) (*Client, error) {
	b, err := newBackend(ApironeBaseURL, opts)
	if err != nil {
		return nil, err
	}
	return &Client{backend: b}, nil
}

// Format prints "cryptopay.Client{<base URL>}" for every verb.
func (c *Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopay.Client{%s}", c.baseURL)
}

// backend is the one request path both APIs share: it builds, signs, sends
// and decodes every call.
type backend struct {
	settings
	// sign, when set, adds authentication headers for the exact body bytes.
	sign func(h http.Header, body []byte)
}

func newBackend(defaultBase string, opts []Option) (backend, error) {
	s := settings{baseURL: defaultBase, userAgent: defaultUserAgent}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return backend{}, err
		}
	}
	if s.httpClient == nil {
		s.httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return backend{settings: s}, nil
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
	// moneyMoving: a call that moves money; never resent once it may have left, and uncertain failures match ErrOutcomeUnknown.
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

// call performs ep and decodes a successful answer into a new T.
func call[T any](ctx context.Context, b *backend, ep endpoint) (*T, error) {
	out := new(T)
	if err := b.do(ctx, ep, out); err != nil {
		return nil, err
	}
	return out, nil
}

// do sends ep and decodes a 2xx answer into out. Any other answer becomes an
// *APIError.
func (b *backend) do(ctx context.Context, ep endpoint, out any) error {
	if ep.err != nil {
		return ep.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, err)
	}
	var payload []byte
	switch {
	case ep.body != nil:
		var err error
		if payload, err = json.Marshal(ep.body); err != nil {
			return fmt.Errorf("cryptopay: encoding %s %s: %w", ep.method, ep.path, err)
		}
	case ep.signedBody:
		payload = []byte("{}")
	}
	req, err := b.newRequest(ctx, ep, payload)
	if err != nil {
		return err
	}
	resp, err := b.httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("cryptopay: %s %s: %w", ep.method, ep.path, redactURLError(err))
	}
	defer resp.Body.Close()
	return decodeResponse(ep, resp, out)
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
	return req, nil
}

// decodeResponse reads at most maxResponseBody bytes and decodes them into
// out, unwrapping AlphaPo's {"data": ...} envelope when ep says so.
func decodeResponse(ep endpoint, resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		prefix, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return newAPIError(ep.method, ep.path, resp.StatusCode, prefix)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return fmt.Errorf("cryptopay: %s %s: reading response: %w", ep.method, ep.path, err)
	}
	if len(data) > maxResponseBody {
		return fmt.Errorf("cryptopay: %s %s: response larger than %d bytes", ep.method, ep.path, maxResponseBody)
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("cryptopay: %s %s: empty response body (status %d)", ep.method, ep.path, resp.StatusCode)
	}
	target := out
	if ep.envelope {
		target = &struct {
			Data any `json:"data"`
		}{Data: out}
	}
	if err := json.Unmarshal(data, target); err != nil {
		return fmt.Errorf("cryptopay: %s %s: decoding response: %w", ep.method, ep.path, err)
	}
	return nil
}

// redactURLError removes the query (which may hold a transfer key) from the
// URL that *url.Error prints.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?REDACTED"
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
