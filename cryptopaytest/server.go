// Package cryptopaytest runs an in-memory Apirone and AlphaPo server for
// tests, in the spirit of net/http/httptest.
//
// A Server listens on a loopback port and answers the Apirone account API
// (v2) and the AlphaPo API v2 at the same paths and in the same JSON shapes
// as the real services, so the real cryptopay clients talk to it
// unchanged:
//
//	srv := cryptopaytest.NewServer()
//	defer srv.Close()
//	c, _ := cryptopay.NewClient(cryptopay.WithBaseURL(srv.ApironeURL()))
//	key, secret := srv.AlphaPoCredentials()
//	ap, _ := cryptopay.NewAlphaPoClient(key, secret, cryptopay.WithBaseURL(srv.AlphaPoURL()))
//
// It keeps accounts (with their settings), addresses, balances, history,
// callback logs, invoices, tokens and AlphaPo balances and operations in
// memory, with money as exact integers. Test controls stand in for the
// blockchain: Deposit pays an address and delivers its callback, Mine adds
// blocks (confirmations, callback re-deliveries, AlphaPo withdrawals and
// exchanges completing), AlphaPoDeposit pays an AlphaPo address or invoice
// and delivers a signed callback, and FailNext injects failures. Advance
// moves the server's clock, by which access tokens and invoices expire (see
// also WithClock and WithTokenLifetime). Callbacks are delivered
// synchronously, inside those calls, so tests need no sleeps.
//
// A Server is safe for concurrent use.
package cryptopaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

const (
	// apironePrefix is where the Apirone API lives on the server, as
	// https://apirone.com/api does: paths below it start with /v2/.
	apironePrefix = "/api"
	// alphaPoPrefix is where the AlphaPo API lives on the server, as
	// https://app.alphapo.net/api does: paths below it start with /v2/.
	alphaPoPrefix = "/alphapo/api"

	defaultAlphaPoKey    = "test-alphapo-key"
	defaultAlphaPoSecret = "test-alphapo-secret"

	// startHeight is the block height of the fake chain when a server starts.
	startHeight = 800000
)

// Server is an in-memory Apirone + AlphaPo server listening on loopback.
// Create one with NewServer and Close it when done.
type Server struct {
	srv            *httptest.Server
	alphaKey       string
	alphaSecret    string
	callbackClient *http.Client

	mu             sync.Mutex
	accounts       map[string]*account
	addresses      map[string]*address // every Apirone address, by its text
	txs            []*tx               // every Apirone transaction effect, for Mine
	deposits       []*deposit          // Apirone receipts with a callback
	height         int64               // the fake chain's tip
	alphaPoAccount alphaState          // the AlphaPo merchant account
	failures       []*failureRule
	clock          clock         // the server's time (clock.go)
	auth           tokenStore    // JWT sessions (auth.go)
	invoices       []*invoice    // every invoice, oldest first (invoices.go)
	forwards       []*forwarding // receipts waiting to be forwarded (settings.go)
}

// Option configures a Server.
type Option func(*Server)

// WithAlphaPoCredentials sets the AlphaPo API key and secret the server
// accepts and signs its callbacks with. Without it the server uses
// "test-alphapo-key" and "test-alphapo-secret".
func WithAlphaPoCredentials(key, secret string) Option {
	return func(s *Server) { s.alphaKey, s.alphaSecret = key, secret }
}

// WithCallbackClient delivers callbacks through c instead of a client with
// a 10 s timeout; use it to reach a TLS receiver (httptest.NewTLSServer's
// Client, say).
func WithCallbackClient(c *http.Client) Option {
	return func(s *Server) { s.callbackClient = c }
}

// NewServer starts a Server on a loopback port.
func NewServer(opts ...Option) *Server {
	s := &Server{
		alphaKey:       defaultAlphaPoKey,
		alphaSecret:    defaultAlphaPoSecret,
		callbackClient: &http.Client{Timeout: 10 * time.Second},
		accounts:       map[string]*account{},
		addresses:      map[string]*address{},
		alphaPoAccount: newAlphaState(),
		height:         startHeight,
		clock:          clock{base: time.Now},
		auth:           newTokenStore(),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.alphaPoAccount.clock = s.Now
	mux := http.NewServeMux()
	s.routeApirone(mux)
	s.routeAlphaPo(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, reply{http.StatusNotFound, message("Not found.")})
	})
	s.srv = httptest.NewServer(s.withFailures(mux))
	return s
}

// Format prints "cryptopaytest.Server{<URL>}" for every verb, never the
// AlphaPo secret or an account's transfer key.
func (s *Server) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cryptopaytest.Server{%s}", s.srv.URL)
}

// Close shuts the server down and waits for calls in progress to finish.
func (s *Server) Close() { s.srv.Close() }

// URL returns the server's root URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// ApironeURL returns the base URL to pass to cryptopay.WithBaseURL for the
// Apirone client; the API's /v2/... paths live below it.
func (s *Server) ApironeURL() string { return s.srv.URL + apironePrefix }

// AlphaPoURL returns the base URL to pass to cryptopay.WithBaseURL for the
// AlphaPo client; the API's /addresses/take and so on live below it.
func (s *Server) AlphaPoURL() string { return s.srv.URL + alphaPoPrefix }

// AlphaPoCredentials returns the AlphaPo API key and secret the server
// accepts (see WithAlphaPoCredentials).
func (s *Server) AlphaPoCredentials() (key, secret string) { return s.alphaKey, s.alphaSecret }

// reply is a status and a body to encode as JSON.
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{http.StatusOK, body} }

// apironeError is Apirone's error body: {"message": "..."}.
type apironeError struct {
	Message string `json:"message"`
}

func message(text string) apironeError { return apironeError{Message: text} }

func badRequest(text string) reply { return reply{http.StatusBadRequest, message(text)} }

func writeJSON(w http.ResponseWriter, rep reply) {
	body, err := json.Marshal(rep.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	w.Write(body)
}

// maxBody is the largest request body the server reads.
const maxBody = 1 << 20

// readBody reads the request body, up to maxBody, into memory, returns it
// and puts it back as r.Body. Every handler calls it before it takes s.mu,
// so that a client that stalls mid-body holds up only its own call.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// apiPath returns the request's path relative to its API's base: "/v2/..."
// for Apirone, "/v2/addresses/take" for AlphaPo.
func apiPath(r *http.Request) string {
	for _, prefix := range []string{alphaPoPrefix, apironePrefix} {
		if rest, ok := strings.CutPrefix(r.URL.Path, prefix); ok && strings.HasPrefix(rest, "/") {
			return rest
		}
	}
	return r.URL.Path
}
