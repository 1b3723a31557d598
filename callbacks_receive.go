package cryptopay

// Receiving Apirone callbacks.
//
// Apirone signs nothing: a callback proves itself only through a secret the
// merchant put in the callback's data or URL (WithCallbackSecret). It keeps
// calling until it gets HTTP 200 with the text/plain body "*ok*", so the
// handlers answer that only when the merchant's function returns nil.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PaymentCallback is what Apirone sends to an address's callback URL when
// a payment arrives: first at 0 confirmations, then on every new block until
// the merchant answers 200 "*ok*". Receive it with [PaymentCallbackHandler]
// or [ParsePaymentCallback].
//
// API docs: https://apirone.com/docs/receiving-callbacks
//
// Data values decode leniently: a number or boolean becomes its JSON text,
// null becomes "", and an empty JSON array (how some servers encode an
// empty object) means no data.
type PaymentCallback struct {
	Value                Amount            `json:"value"` // minor units received
	InputAddress         string            `json:"input_address"`
	Confirmations        int64             `json:"confirmations"`
	InputTransactionHash string            `json:"input_transaction_hash"`
	Data                 map[string]string `json:"data,omitempty"` // the callback's data, echoed
	Account              string            `json:"account"`
	Wallet               string            `json:"wallet,omitempty"` // set instead of Account for a wallet's address
	Currency             string            `json:"currency"`
	TransactionHash      string            `json:"transaction_hash,omitempty"` // forwarding transaction, if any
	Payment              string            `json:"payment,omitempty"`          // history item id
	Destinations         []AddressAmount   `json:"destinations,omitempty"`     // forwarding destinations

	// Replayed is true on a callback that a replay (settle.Replay) built
	// from the API's records, and false on one Apirone sent.
	Replayed bool `json:"-"`
	// ReceivedAt is when the history recorded the payment: set on a
	// replayed callback; zero on one Apirone sent (it carries no time).
	// settle.ConfirmationPolicy.Enough judges a replayed payment's age by
	// it.
	ReceivedAt time.Time `json:"-"`
	// APIConfirmed says that the API shows the payment confirmed: set on
	// a replayed callback from the history, where Confirmations can only
	// be 0 or 1 (see settle.ConfirmationPolicy.Enough).
	APIConfirmed bool `json:"-"`
}

// Errors from parsing and verifying callbacks, for errors.Is. The handlers
// answer them with the HTTP status named in each.
var (
	// ErrCallbackMethod: the request used a method the provider never
	// sends (405).
	ErrCallbackMethod = errors.New("cryptopay: callback: method not allowed")
	// ErrCallbackTooLarge: the body is longer than MaxCallbackBody (413).
	ErrCallbackTooLarge = errors.New("cryptopay: callback: body too large")
	// ErrCallbackMalformed: the callback could not be decoded or lacks the
	// fields that identify it (400).
	ErrCallbackMalformed = errors.New("cryptopay: callback: malformed")
	// ErrCallbackUnverified: the callback failed authentication: a missing
	// or wrong shared secret, X-Processing-Key or X-Processing-Signature
	// (403). The error never holds the expected value.
	ErrCallbackUnverified = errors.New("cryptopay: callback: not authentic")
)

// MaxCallbackBody is the largest callback body the parsers and handlers
// read: 1 MiB. A longer body fails with ErrCallbackTooLarge.
const MaxCallbackBody = 1 << 20

// ParsePaymentCallback reads an Apirone payment callback from r, in either
// form Apirone sends:
//
//   - POST: the JSON body (at most MaxCallbackBody bytes).
//   - GET: query parameters value, input_address, confirmations,
//     input_transaction_hash, account, currency, transaction_hash and
//     payment; destinations, if present, as "addr:amount,addr:amount" or a
//     JSON array; every other parameter (those already in the configured
//     URL included) is a data field.
//
// It checks neither authenticity (see WithCallbackSecret) nor
// confirmations. A callback without input_address is ErrCallbackMalformed.
func ParsePaymentCallback(r *http.Request) (*PaymentCallback, error) {
	body, err := readApironeBody(r)
	if err != nil {
		return nil, err
	}
	return parsePaymentCallback(r, body)
}

// parsePaymentCallback is ParsePaymentCallback on a request whose body
// readApironeBody has read.
func parsePaymentCallback(r *http.Request, body []byte) (*PaymentCallback, error) {
	cb := new(PaymentCallback)
	if err := decodeApironeCallback(r, body, cb, cb.fromQuery); err != nil {
		return nil, err
	}
	if cb.InputAddress == "" {
		return nil, malformed("input_address is missing")
	}
	for i, d := range cb.Destinations {
		if d.Address == "" {
			return nil, malformed("destinations[%d]: address is missing", i)
		}
	}
	return cb, nil
}

// Format prints p as fmt prints any struct, with the verb and flags given,
// but with every value of Data replaced by "REDACTED": a shared callback
// secret lives there (see WithCallbackSecret), and callbacks get logged.
func (p PaymentCallback) Format(f fmt.State, verb rune) {
	type redactedPaymentCallback PaymentCallback // %#v shows this name; it has no Format method
	c := redactedPaymentCallback(p)
	if p.Data != nil {
		c.Data = make(map[string]string, len(p.Data))
		for k := range p.Data {
			c.Data[k] = redacted
		}
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), c)
}

// DedupeKey identifies the event this callback reports, for idempotent
// handling: "<currency>:<input address>:<input transaction hash>:" followed
// by "unconfirmed" (0 confirmations) or "confirmed" (1 or more). Apirone
// repeats a callback with a growing confirmation count until it gets
// "*ok*", so a repeat after a lost "*ok*" has the same key; a payment has
// one key before and one after its first confirmation.
func (p *PaymentCallback) DedupeKey() string {
	return p.Currency + ":" + p.InputAddress + ":" + p.InputTransactionHash + ":" + p.stage()
}

// UnmarshalJSON decodes a callback, accepting data in every form described
// on PaymentCallback.
func (p *PaymentCallback) UnmarshalJSON(b []byte) error {
	type plain PaymentCallback
	wire := struct {
		*plain
		Confirmations *lenientInt     `json:"confirmations"` // a number or a string
		Data          json.RawMessage `json:"data"`          // shadows plain.Data
	}{plain: (*plain)(p), Confirmations: (*lenientInt)(&p.Confirmations)}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	data, err := decodeCallbackData(wire.Data)
	p.Data = data
	return err
}

// decodeCallbackData turns the echoed data object into strings: strings
// as they are, null as "", other values as their JSON text. Absent, null,
// {} and [] give nil.
func decodeCallbackData(raw json.RawMessage) (map[string]string, error) {
	var list []json.RawMessage
	if len(bytes.TrimSpace(raw)) == 0 || (json.Unmarshal(raw, &list) == nil && len(list) == 0) {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errors.New("cryptopay: callback data: want a JSON object")
	}
	if len(fields) == 0 {
		return nil, nil
	}
	data := make(map[string]string, len(fields))
	for k, v := range fields {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		data[k] = s
	}
	return data, nil
}

// fromQuery fills p from the GET form described on ParsePaymentCallback.
func (p *PaymentCallback) fromQuery(q url.Values) error {
	for key, values := range q {
		set, isField := paymentQueryFields[key]
		if !isField {
			if p.Data == nil {
				p.Data = make(map[string]string)
			}
			p.Data[key] = values[0]
			continue
		}
		if err := set(p, values[0]); err != nil {
			return malformed("query parameter %s: %v", key, err)
		}
	}
	return nil
}

// paymentQueryFields are the query parameters of a GET payment callback
// that are the payment's own fields, each with its setter; every other
// parameter is data.
var paymentQueryFields = map[string]func(p *PaymentCallback, v string) error{
	"value": func(p *PaymentCallback, v string) (err error) {
		p.Value, err = ParseAmount(v)
		return err
	},
	"confirmations": func(p *PaymentCallback, v string) (err error) {
		p.Confirmations, err = parseInt64(v, "an integer")
		return err
	},
	"input_address":          func(p *PaymentCallback, v string) error { p.InputAddress = v; return nil },
	"input_transaction_hash": func(p *PaymentCallback, v string) error { p.InputTransactionHash = v; return nil },
	"account":                func(p *PaymentCallback, v string) error { p.Account = v; return nil },
	"wallet":                 func(p *PaymentCallback, v string) error { p.Wallet = v; return nil },
	"currency":               func(p *PaymentCallback, v string) error { p.Currency = v; return nil },
	"transaction_hash":       func(p *PaymentCallback, v string) error { p.TransactionHash = v; return nil },
	"payment":                func(p *PaymentCallback, v string) error { p.Payment = v; return nil },
	"destinations": func(p *PaymentCallback, v string) (err error) {
		p.Destinations, err = parseQueryDestinations(v)
		return err
	},
}

// parseQueryDestinations reads destinations from a query value: a JSON
// array of {address, amount}, or Apirone's query form
// "addr:10000,addr2:20000" (as in the estimation query).
func parseQueryDestinations(s string) ([]AddressAmount, error) {
	var list []AddressAmount
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		err := json.Unmarshal([]byte(s), &list)
		return list, err
	}
	for _, item := range strings.Split(s, ",") {
		addr, amount, ok := strings.Cut(item, ":")
		if !ok || addr == "" {
			return nil, fmt.Errorf("want address:amount, got %q", item)
		}
		a, err := ParseAmount(amount)
		if err != nil {
			return nil, err
		}
		list = append(list, AddressAmount{Address: addr, Amount: a})
	}
	return list, nil
}

// InvoiceCallback is what Apirone sends to an invoice's callback-url when
// the invoice's status changes. It carries no amounts: re-fetch the
// invoice from the API before acting on it, since anyone who knows the URL
// can send one.
type InvoiceCallback struct {
	Invoice string        `json:"invoice"` // the invoice id
	Status  InvoiceStatus `json:"status"`
}

// ParseInvoiceCallback reads an Apirone invoice callback from r: a JSON
// body for POST (at most MaxCallbackBody bytes), or the query parameters
// invoice and status for GET. A callback without an invoice id is
// ErrCallbackMalformed.
func ParseInvoiceCallback(r *http.Request) (*InvoiceCallback, error) {
	body, err := readApironeBody(r)
	if err != nil {
		return nil, err
	}
	return parseInvoiceCallback(r, body)
}

// parseInvoiceCallback is ParseInvoiceCallback on a request whose body
// readApironeBody has read.
func parseInvoiceCallback(r *http.Request, body []byte) (*InvoiceCallback, error) {
	cb := new(InvoiceCallback)
	err := decodeApironeCallback(r, body, cb, func(q url.Values) error {
		cb.Invoice, cb.Status = q.Get("invoice"), InvoiceStatus(q.Get("status"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cb.Invoice == "" {
		return nil, malformed("invoice is missing")
	}
	return cb, nil
}

// DedupeKey identifies the event this callback reports, for idempotent
// handling: "<invoice>:<status>".
func (c *InvoiceCallback) DedupeKey() string { return c.Invoice + ":" + string(c.Status) }

// readApironeBody checks that r is a GET or a POST, and reads a POST's body
// (see readCallbackBody).
func readApironeBody(r *http.Request) ([]byte, error) {
	switch r.Method {
	case http.MethodGet:
		return nil, nil
	case http.MethodPost:
		return readCallbackBody(r)
	}
	return nil, fmt.Errorf("%w: %.20q", ErrCallbackMethod, r.Method)
}

// decodeApironeCallback decodes a POST's JSON body into v, or hands a GET's
// query to fromQuery.
func decodeApironeCallback(r *http.Request, body []byte, v any, fromQuery func(url.Values) error) error {
	if r.Method == http.MethodGet {
		return fromQuery(r.URL.Query())
	}
	if err := json.Unmarshal(body, v); err != nil {
		return malformed("%v", err)
	}
	return nil
}

// bodyData returns the data of a payment callback's JSON body, or nil when
// it has none or is not JSON. It decodes nothing but data, so a forged
// callback's amounts cost nothing before its secret is checked; it reads
// data as PaymentCallback.UnmarshalJSON does.
func bodyData(body []byte) map[string]string {
	var wire struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &wire) != nil {
		return nil
	}
	data, _ := decodeCallbackData(wire.Data)
	return data
}

// readCallbackBody reads at most MaxCallbackBody bytes of r's body.
func readCallbackBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxCallbackBody {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrCallbackTooLarge, MaxCallbackBody)
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxCallbackBody+1))
	if err != nil {
		return nil, malformed("reading body: %v", err)
	}
	if len(body) > MaxCallbackBody {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrCallbackTooLarge, MaxCallbackBody)
	}
	return body, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCallbackMalformed, fmt.Sprintf(format, args...))
}

// CallbackOption configures the Apirone callback handlers,
// PaymentCallbackHandler and InvoiceCallbackHandler.
// WithCallbackSecret and WithCallbackConfirm are CallbackOptions only:
// AlphaPo signs its callbacks, and AlphaPoCallbackVerifier.Handler, which
// takes AlphaPoCallbackOptions, does not compile with them. The options
// that say how a handler reports (CallbackReportOption) are both.
type CallbackOption interface {
	applyApirone(*callbackSettings)
}

// AlphaPoCallbackOption configures AlphaPoCallbackVerifier.Handler: a
// CallbackReportOption.
type AlphaPoCallbackOption interface {
	applyAlphaPo(*callbackSettings)
}

// CallbackReportOption says how a callback handler of either provider
// reports what it refused, failed or deferred: WithCallbackErrorHandler,
// WithCallbackLogger and WithCallbackObserver. It is a CallbackOption and
// an AlphaPoCallbackOption. Its zero value changes nothing.
type CallbackReportOption struct {
	set func(*callbackSettings)
}

func (o CallbackReportOption) applyApirone(s *callbackSettings) { o.apply(s) }
func (o CallbackReportOption) applyAlphaPo(s *callbackSettings) { o.apply(s) }

func (o CallbackReportOption) apply(s *callbackSettings) {
	if o.set != nil {
		o.set(s)
	}
}

// apironeOption is an option only the Apirone handlers take.
type apironeOption func(*callbackSettings)

func (o apironeOption) applyApirone(s *callbackSettings) { o(s) }

type callbackSettings struct {
	secrets   []acceptedSecret // every WithCallbackSecret given
	hasSecret bool             // WithCallbackSecret was given, even with no value
	onError   func(*http.Request, error)
	logger    *slog.Logger
	observer  func(*http.Request, CallbackReport)
	confirm   *Account // WithCallbackConfirm's; nil: callbacks are taken at their word
}

// acceptedSecret is one secret WithCallbackSecret accepts, under its key.
type acceptedSecret struct {
	key   string
	value secret
}

// newCallbackSettings applies the options of an Apirone handler.
func newCallbackSettings(opts []CallbackOption) *callbackSettings {
	return applyOptions(opts, CallbackOption.applyApirone)
}

// newAlphaPoSettings applies the options of an AlphaPo handler.
func newAlphaPoSettings(opts []AlphaPoCallbackOption) *callbackSettings {
	return applyOptions(opts, AlphaPoCallbackOption.applyAlphaPo)
}

// applyOptions applies each option with apply, skipping nil ones.
func applyOptions[O comparable](opts []O, apply func(O, *callbackSettings)) *callbackSettings {
	s := new(callbackSettings)
	var none O
	for _, opt := range opts {
		if opt != none {
			apply(opt, s)
		}
	}
	return s
}

// WithCallbackSecret makes an Apirone handler accept only callbacks that
// carry one of values under key: in the callback's data (set it in
// Callback.Data when you create the address) or as a query parameter of
// the callback URL (the only place an invoice callback can carry it),
// checked as VerifyCallbackSecret checks it. Any other callback gets 403
// and never reaches your function. An empty value matches nothing, and
// the option with no value, or only empty ones, rejects every callback, so
// a missing secret in your configuration fails closed. The handler removes
// key from the data it passes on, so logging the callback does not log
// the secret.
//
// To rotate a secret, accept the old and the new one together: give both
// values (WithCallbackSecret("secret", newSecret, oldSecret)), or, when
// the key changes too, the option once per key; a callback passes when it
// matches any of them, each compared in constant time. "Receiving
// callbacks" in the package documentation says when to drop the old one.
//
// AlphaPo callbacks are signed: AlphaPoCallbackVerifier.Handler does not
// take this option (it does not compile).
func WithCallbackSecret(key string, values ...string) CallbackOption {
	return apironeOption(func(s *callbackSettings) {
		s.hasSecret = true
		for _, v := range values {
			s.secrets = append(s.secrets, acceptedSecret{key, newSecret(v)})
		}
	})
}

// WithCallbackErrorHandler makes the handler call fn, before it answers,
// for every callback it refuses or fails to process, with the reason:
//
//   - errors.Is(err, ErrCallbackUnverified): a missing or wrong secret or
//     signature, or with WithCallbackConfirm a callback the API does not
//     show (answered 403);
//   - errors.Is(err, ErrCallbackMalformed), ErrCallbackTooLarge or
//     ErrCallbackMethod: not a callback the handler can read (400, 413,
//     405);
//   - otherwise the error your function returned (500), wrapped:
//     errors.Is and errors.As reach it; or, with WithCallbackConfirm, the
//     failure of the read that confirms the callback (500).
//
// A callback your function defers with ErrNotYet is no failure, and fn
// does not hear of it (WithCallbackObserver does); nor of callbacks
// answered with success. err never holds a callback secret, the AlphaPo
// key or an expected signature. r is the request as received, and its
// query, headers and body may: log r.URL.Path, not r.URL. fn runs on the
// request's goroutine: keep it short.
func WithCallbackErrorHandler(fn func(r *http.Request, err error)) CallbackReportOption {
	return CallbackReportOption{func(s *callbackSettings) { s.onError = fn }}
}

// WithCallbackLogger makes the handler log every callback it refuses at
// slog.LevelWarn ("cryptopay: callback refused"), every one your function
// fails at slog.LevelError ("cryptopay: callback not processed") and
// every one your function defers with ErrNotYet at slog.LevelDebug
// ("cryptopay: callback deferred": a payment waiting for its
// confirmations is healthy, and a success is not logged at all), with the
// attributes method, path (never the query, which may hold the secret)
// and reason (the text of the error your function or the check
// returned). Keep secrets out of the callback URL's path. A nil logger
// logs nothing.
func WithCallbackLogger(logger *slog.Logger) CallbackReportOption {
	return CallbackReportOption{func(s *callbackSettings) { s.logger = logger }}
}

// VerifyCallbackSecret checks that an Apirone callback request carries
// one of values under key, by the rules the handlers apply with
// WithCallbackSecret: in the data of a POST's JSON body, or as a query
// parameter of the URL (a GET's data are its query), compared in constant
// time with each value; an empty value matches nothing. Give the old and
// the new secret while you rotate it. It is for a handler of your own:
// call it first, and stop at any error. A wrong or missing secret matches
// ErrCallbackUnverified; a request that is no callback (wrong method,
// body over MaxCallbackBody) matches ErrCallbackMethod or
// ErrCallbackTooLarge. The error never holds a value.
//
// It reads a POST's body and puts back the bytes it read, so that
// ParsePaymentCallback or ParseInvoiceCallback reads the same callback
// afterwards. Called after them, it finds the body consumed and fails
// unless the secret is in the URL: call it first. It does not remove key
// from the callback's data.
func VerifyCallbackSecret(r *http.Request, key string, values ...string) error {
	body, err := readApironeBody(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost && r.Body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	secrets := make([]acceptedSecret, len(values))
	for i, v := range values {
		secrets[i] = acceptedSecret{key, newSecret(v)}
	}
	return verifySecret(r, body, secrets)
}

// verifySecret is VerifyCallbackSecret on a request whose body
// readApironeBody has read, for every secret accepted. Each is compared,
// whether or not an earlier one matched.
func verifySecret(r *http.Request, body []byte, secrets []acceptedSecret) error {
	data, query := bodyData(body), r.URL.Query()
	matched := false
	for _, s := range secrets {
		want := s.value.reveal()
		inData, inURL := secretMatches(data[s.key], want), secretMatches(query.Get(s.key), want)
		matched = matched || inData || inURL
	}
	if matched {
		return nil
	}
	return fmt.Errorf("%w: no matching secret in the callback's data or URL", ErrCallbackUnverified)
}

// secretMatches compares got with want in constant time: the SHA-256 sums
// have the same length whatever the inputs. Empty never matches.
func secretMatches(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// PaymentCallbackHandler returns an http.Handler for Apirone payment
// callbacks (POST JSON or GET query, see ParsePaymentCallback). It calls fn
// with the request's context and answers:
//
//   - 200 text/plain "*ok*" when fn returns nil: Apirone stops calling;
//   - 500 when fn returns an error: Apirone calls again on the next block.
//     An error that matches ErrNotYet (a payment still short of the
//     confirmations you require) is answered the same way but is no
//     failure: it is logged at debug level and not reported to
//     WithCallbackErrorHandler (see WithCallbackObserver);
//   - 400, 405 or 413 for a malformed, wrong-method or oversized request;
//   - 403 when WithCallbackSecret is set and the secret is missing or
//     wrong; fn is not called. The secret is checked before anything else
//     in the callback is parsed, so a forged callback costs little CPU
//     however large its numbers, and gets 403 even when malformed.
//   - with WithCallbackConfirm, 403 when the API does not show the
//     payment, or holds other data for the address, and fn gets the
//     amount and confirmation state the API shows.
//
// The answers other than 200 say nothing of why: WithCallbackErrorHandler
// and WithCallbackLogger report the reason to you.
//
// Answering "*ok*" ends the callbacks for that payment: return ErrNotYet
// while the payment has fewer confirmations than you require.
func PaymentCallbackHandler(fn func(context.Context, *PaymentCallback) error, opts ...CallbackOption) http.Handler {
	return apironeHandler(func(r *http.Request, body []byte) (*PaymentCallback, map[string]string, error) {
		cb, err := parsePaymentCallback(r, body)
		if err != nil {
			return nil, nil, err
		}
		return cb, cb.Data, nil
	}, (*Account).confirmPayment, fn, opts)
}

// InvoiceCallbackHandler returns an http.Handler for Apirone invoice
// callbacks (see ParseInvoiceCallback), answering and reporting as
// PaymentCallbackHandler does, ErrNotYet included. Invoice callbacks
// carry no data: put the secret of WithCallbackSecret in the callback
// URL's query. Re-fetch the invoice in fn before acting on its status, or
// let WithCallbackConfirm put the API's status in the callback.
func InvoiceCallbackHandler(fn func(context.Context, *InvoiceCallback) error, opts ...CallbackOption) http.Handler {
	return apironeHandler(func(r *http.Request, body []byte) (*InvoiceCallback, map[string]string, error) {
		cb, err := parseInvoiceCallback(r, body)
		return cb, nil, err
	}, (*Account).confirmInvoice, fn, opts)
}

// apironeHandler reads a callback, checks its secret (see verifySecret)
// before it parses anything else, then parses it, confirms it through the
// API with confirm if WithCallbackConfirm asks, removes the secret's keys
// from its data, calls fn and answers Apirone. A confirmation that
// refuses the callback (ErrCallbackUnverified, ErrCallbackMalformed)
// answers as a failed check; one that fails otherwise answers as fn
// failing.
func apironeHandler[T any](parse func(*http.Request, []byte) (*T, map[string]string, error), confirm func(*Account, context.Context, *T) error,
	fn func(context.Context, *T) error, opts []CallbackOption) http.Handler {
	s := newCallbackSettings(opts)
	ok := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "*ok*")
	}
	return s.handler("GET, POST", ok, func(r *http.Request) (func() error, error) {
		body, err := readApironeBody(r)
		if err == nil && s.hasSecret {
			err = verifySecret(r, body, s.secrets)
		}
		if err != nil {
			return nil, err
		}
		cb, data, err := parse(r, body)
		if err != nil {
			return nil, err
		}
		handle := func() error { return fn(r.Context(), cb) }
		if s.confirm != nil {
			switch cerr := confirm(s.confirm, r.Context(), cb); {
			case errors.Is(cerr, ErrCallbackUnverified), errors.Is(cerr, ErrCallbackMalformed):
				return nil, cerr
			case cerr != nil:
				handle = func() error { return cerr }
			}
		}
		for _, sec := range s.secrets {
			delete(data, sec.key)
		}
		return handle, nil
	})
}

// handler returns the http.Handler of a callback endpoint. read turns a
// request into the call of the merchant's function, or refuses it with an
// error; the handler answers (see answer) and tells the observer.
func (s *callbackSettings) handler(allow string, ok func(http.ResponseWriter), read func(*http.Request) (func() error, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		handle, err := read(r)
		outcome, status := s.answer(w, r, err, allow, handle, ok)
		if s.observer != nil {
			s.observer(r, CallbackReport{Outcome: outcome, Status: status, Duration: time.Since(start)})
		}
	})
}

// answer answers a callback request: a parse or verification error with
// its status; otherwise it runs handle and answers with ok on success, or
// 500 so that the provider calls again. It reports every refusal and
// failure (see WithCallbackErrorHandler, WithCallbackLogger) and logs a
// deferral. Error bodies never hold a secret, an expected signature or
// the merchant's error.
func (s *callbackSettings) answer(w http.ResponseWriter, r *http.Request, err error, allow string, handle func() error, ok func(http.ResponseWriter)) (CallbackOutcome, int) {
	if err != nil {
		s.report(r, slog.LevelWarn, "cryptopay: callback refused", err)
		status := refusalStatus(err)
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", allow)
		}
		http.Error(w, refusalText(status, err), status)
		return CallbackRefused, status
	}
	switch err = handle(); {
	case err == nil:
		ok(w)
		return CallbackAccepted, http.StatusOK
	case errors.Is(err, ErrNotYet):
		s.log(r, slog.LevelDebug, "cryptopay: callback deferred", err)
		http.Error(w, "callback deferred", http.StatusInternalServerError)
		return CallbackDeferred, http.StatusInternalServerError
	}
	s.report(r, slog.LevelError, "cryptopay: callback not processed", fmt.Errorf("cryptopay: callback not processed: %w", err))
	http.Error(w, "callback not processed", http.StatusInternalServerError)
	return CallbackFailed, http.StatusInternalServerError
}

// refusalStatus is the HTTP status that answers a callback refused with err.
func refusalStatus(err error) int {
	switch {
	case errors.Is(err, ErrCallbackUnverified):
		return http.StatusForbidden
	case errors.Is(err, ErrCallbackMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrCallbackTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// refusalText is the body of a refusal: the reason for a callback that
// could not be read, nothing about a check that failed.
func refusalText(status int, err error) string {
	switch status {
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusMethodNotAllowed:
		return "method not allowed"
	}
	return err.Error()
}

// report hands err to the error handler, if set, and logs it.
func (s *callbackSettings) report(r *http.Request, level slog.Level, msg string, err error) {
	if s.onError != nil {
		s.onError(r, err)
	}
	s.log(r, level, msg, err)
}

// log logs err with the request's method and path, if a logger is set.
func (s *callbackSettings) log(r *http.Request, level slog.Level, msg string, err error) {
	if s.logger != nil {
		s.logger.LogAttrs(r.Context(), level, msg,
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("reason", err.Error()))
	}
}
