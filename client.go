package cryptopay

import (
	"fmt"
	"log/slog"
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
	// defaultClient is set when httpClient is the SDK's own (see
	// useDefaultClient): its transport is net/http's and it follows no
	// redirect.
	defaultClient bool
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
