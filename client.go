package cryptopay

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Version is this SDK's version, sent in the default User-Agent.
const Version = "1.0.0"

const (
	// ApironeBaseURL is the Apirone API root; paths start with /v2/.
	ApironeBaseURL = "https://apirone.com/api"
	// AlphaPoBaseURL is the AlphaPo API root; paths start with /v2/.
	AlphaPoBaseURL = "https://app.alphapo.net/api"

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
	baseURL    secret // may hold a password (a proxy's), so hidden like a credential
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger   // nil: no logging
	observer   func(CallInfo) // nil: none
	// tryTimeout bounds each try through the default client (a context
	// deadline per try, which costs fewer allocations than
	// http.Client.Timeout); 0 with a caller's client, whose own Timeout
	// applies.
	tryTimeout time.Duration
	// direct, set for the default client only: each try calls its
	// transport directly (see backend.roundTrip). (Not the transport
	// itself: fmt would print it, reading fields it changes, when a Client
	// is printed with a verb it cannot take.)
	direct bool
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
		s.baseURL = newSecret(strings.TrimSuffix(base, "/"))
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
	fmt.Fprintf(f, "cryptopay.Client{%s}", redactURL(c.baseURL.reveal()))
}

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

// useDefaultClient sends every try straight through hc's transport (see
// backend.roundTrip), each bounded by timeout: hc must be the default client
// or, in tests, one like it (no jar, no timeout, no redirect followed).
func (s *clientOptions) useDefaultClient(hc *http.Client, timeout time.Duration) {
	s.httpClient, s.direct, s.tryTimeout = hc, true, timeout
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

// noRedirects is the CheckRedirect of every try through a caller's client
// (the default client follows none either, see backend.roundTrip): a
// redirect answer is returned, so nothing (a transfer, a key in a body or
// query, a signature) is sent to a URL other than the one the SDK built.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
