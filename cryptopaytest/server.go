// Package cryptopaytest runs an in-memory Apirone and AlphaPo server for
// tests, in the spirit of net/http/httptest.
//
// A Server listens on a loopback port and answers the Apirone account and
// wallet APIs (v2) and the AlphaPo API v2 at the same paths and in the same JSON shapes
// as the real services, so the real cryptopay clients talk to it
// unchanged:
//
//	srv := cryptopaytest.NewServer()
//	defer srv.Close()
//	c := srv.Client()         // an Apirone client wired to the server
//	ap := srv.AlphaPoClient() // an AlphaPo client with the server's credentials
//
// The clients are what cryptopay.NewClient and cryptopay.NewAlphaPoClient
// return given the server's base URLs (ApironeURL, AlphaPoURL) and
// credentials (AlphaPoCredentials); code that builds its own client from
// configuration takes those instead.
//
// It keeps accounts and wallets (with their settings), addresses, balances, history,
// callback logs, invoices, tokens and AlphaPo balances and operations in
// memory, with money as exact integers. Test controls stand in for the
// blockchain: Deposit pays an address and delivers its callback, Mine adds
// blocks (confirmations, callback re-deliveries, AlphaPo withdrawals and
// exchanges completing), AlphaPoDeposit pays an AlphaPo address or invoice
// and delivers a signed callback, and FailNext injects failures. Advance
// moves the server's clock, by which access tokens and invoices expire (see
// also WithClock and WithTokenLifetime). Callbacks are delivered
// synchronously, inside those calls, so tests need no sleeps. Handle
// replaces one route with a test's own handler.
//
// The same controls are offered over HTTP by WithControlAPI, and the
// command cmd/cryptopaytest runs the server as a process of its own, for
// tests written in other languages or run in docker-compose.
//
// A Server is safe for concurrent use; the Apirone and AlphaPo sides keep
// their state under separate locks, so a call to one never waits for a
// call to the other.
package cryptopaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/cryptopay-go/cryptopay"
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

// Server is an in-memory Apirone + AlphaPo server listening on loopback
// (or on WithListener's listener). Create one with NewServer and Close it
// when done.
type Server struct {
	srv            *httptest.Server
	listener       net.Listener // WithListener's; nil: a new loopback port
	alphaKey       string
	alphaSecret    string
	callbackClient *http.Client
	clock          clock         // the server's time (clock.go); needs no lock
	routes         overrides     // the routes Handle added (handle.go)
	control        *controlState // the control API's state; nil unless WithControlAPI (control.go)

	failMu   sync.Mutex // guards failures
	failures []*failureRule

	// mu is the Apirone lock: it guards the Apirone state below. The
	// AlphaPo state has a lock of its own (alphaState.mu), so that a call
	// to one API never waits for a call to the other.
	mu        sync.Mutex
	accounts  map[string]*account
	addresses map[string]*address // every Apirone address, by its text
	txs       []*tx               // every Apirone transaction effect, for Mine
	deposits  []*deposit          // Apirone receipts with a callback
	height    int64               // the fake chain's tip
	auth      tokenStore          // JWT sessions (auth.go)
	invoices  []*invoice          // every invoice, oldest first (invoices.go)
	forwards  []*forwarding       // receipts waiting to be forwarded (settings.go)

	alphaPoAccount *alphaState // the AlphaPo merchant account, with its own lock
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

// NewServer starts a Server on a loopback port (see WithListener).
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
		writeJSON(w, errorReply(r, http.StatusNotFound, "Not found."))
	})
	s.srv = httptest.NewUnstartedServer(s.handler(mux))
	if s.listener != nil {
		s.srv.Listener.Close()
		s.srv.Listener = s.listener
	}
	s.srv.Start()
	return s
}

// handler serves the control API, if enabled, and else the APIs: the
// routes Handle added, then the built-in ones, with FailNext's failures
// applied to both.
func (s *Server) handler(builtin http.Handler) http.Handler {
	api := s.withFailures(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.routes.serve(w, r) {
			builtin.ServeHTTP(w, r)
		}
	}))
	if s.control == nil {
		return api
	}
	control := s.controlHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ControlPrefix) {
			control.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// WithListener makes the server serve on l instead of a new loopback
// port; Close closes l. The command cmd/cryptopaytest uses it to serve on
// the address its -addr flag names. URL and the other URLs are built from
// l's address.
func WithListener(l net.Listener) Option {
	return func(s *Server) { s.listener = l }
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
// AlphaPo client, as cryptopay.AlphaPoBaseURL is for the real service: the
// API's /v2/... paths (/v2/addresses/take and so on) live below it.
func (s *Server) AlphaPoURL() string { return s.srv.URL + alphaPoPrefix }

// AlphaPoCredentials returns the AlphaPo API key and secret the server
// accepts (see WithAlphaPoCredentials).
func (s *Server) AlphaPoCredentials() (key, secret string) { return s.alphaKey, s.alphaSecret }

// Client returns an Apirone client wired to the server: it calls
// ApironeURL through the server's HTTP client (httptest.Server.Client,
// whose connections Close closes) and retries as cryptopay.NewClient's
// clients do by default. opts apply after those settings, so they can
// change them: cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})
// turns retries off, cryptopay.WithHTTPClient sets a client with a timeout.
//
// Like httptest.Server.Client it returns no error, so that a test reads
// c := srv.Client(): it panics if one of opts is invalid, a mistake in the
// test itself.
func (s *Server) Client(opts ...cryptopay.Option) *cryptopay.Client {
	c, err := cryptopay.NewClient(s.clientOptions(s.ApironeURL(), opts)...)
	if err != nil {
		panic("cryptopaytest: Server.Client: " + err.Error())
	}
	return c
}

// AlphaPoClient returns an AlphaPo client wired to the server, as Client
// does for Apirone, signing with the server's AlphaPo key and secret (see
// WithAlphaPoCredentials). It panics if one of opts is invalid.
func (s *Server) AlphaPoClient(opts ...cryptopay.Option) *cryptopay.AlphaPoClient {
	c, err := cryptopay.NewAlphaPoClient(s.alphaKey, s.alphaSecret, s.clientOptions(s.AlphaPoURL(), opts)...)
	if err != nil {
		panic("cryptopaytest: Server.AlphaPoClient: " + err.Error())
	}
	return c
}

// clientOptions are the options of a client of the API at base: the base
// URL and the server's HTTP client, then opts.
func (s *Server) clientOptions(base string, opts []cryptopay.Option) []cryptopay.Option {
	return append([]cryptopay.Option{cryptopay.WithBaseURL(base), cryptopay.WithHTTPClient(s.srv.Client())}, opts...)
}

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

// errorReply is an error answer to r in the shape of r's API: AlphaPo's
// {"error": text} on an AlphaPo route, Apirone's {"message": text} on any
// other, as each client reads only its own provider's members.
func errorReply(r *http.Request, status int, text string) reply {
	if isAlphaPo(r) {
		return reply{status, alphaPoError{Error: text}}
	}
	return reply{status, message(text)}
}

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
// and puts it back as r.Body. Every handler calls it before it takes a lock,
// so that a client that stalls mid-body holds up only its own call.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// isAlphaPo reports whether r calls the AlphaPo API.
func isAlphaPo(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, alphaPoPrefix+"/") }

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
