package cryptopay

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Sentinel errors for errors.Is. An *APIError matches the one its HTTP status
// stands for; client-side checks match ErrInvalidParams.
var (
	// ErrInvalidParams: the call's arguments failed a check before anything
	// was sent. The error names the field.
	ErrInvalidParams = errors.New("cryptopay: invalid parameters")
	// ErrBadRequest: the provider rejected the request (HTTP 400 or 422).
	ErrBadRequest = errors.New("cryptopay: bad request")
	// ErrUnauthorized: missing or wrong credentials (HTTP 401 or 403).
	ErrUnauthorized = errors.New("cryptopay: unauthorized")
	// ErrNotFound: the account, address or item does not exist (HTTP 404).
	ErrNotFound = errors.New("cryptopay: not found")
	// ErrRateLimited: too many requests (HTTP 429).
	ErrRateLimited = errors.New("cryptopay: rate limited")
	// ErrServer: the provider failed (HTTP 5xx).
	ErrServer = errors.New("cryptopay: server error")
	// ErrOutcomeUnknown: a money-moving call failed after the request may
	// have reached the provider, so it may or may not have taken effect.
	// Look the operation up before trying again: an Apirone transfer with
	// [github.com/cryptopay-go/cryptopay/settle.FindTransfer], an AlphaPo
	// one with [AlphaPoClient.TransactionInfo] by its foreign_id. See
	// "Moving money and ErrOutcomeUnknown" in the package documentation.
	ErrOutcomeUnknown = errors.New("cryptopay: outcome unknown")
	// ErrNotYet: returned (or wrapped) by a callback or replay function,
	// it says "call me again later" without reporting a failure: a
	// payment still waiting for confirmations, say. The callback handlers
	// answer it 500 so that the provider calls again, and count it as
	// deferred, not failed: logged at debug level, not reported to
	// WithCallbackErrorHandler, CallbackDeferred to WithCallbackObserver.
	// Replays keep the event for the next run.
	ErrNotYet = errors.New("cryptopay: not yet")
)

// maxErrorBody is how much of an error response an *APIError keeps.
const maxErrorBody = 4 << 10

// APIError is an answer from the provider with an HTTP status of 300 or
// more, or a 2xx answer whose JSON body carries an error ("message",
// "error" or "errors") instead of a result. Its Error text holds the
// method, the path (never the query, which may carry a transfer key), the
// status and the provider's message.
//
// Each client reads only its own provider's error members: an Apirone
// call's answer fills Message from "message" alone, an AlphaPo call's
// fills Message, Code and Fields from "error", "code" and "errors". Any
// other member is in Body only.
type APIError struct {
	StatusCode int    // HTTP status
	Method     string // request method
	Path       string // request path, without query
	// Message is the provider's error text: Apirone's "message" on an
	// Apirone call, AlphaPo's "error" on an AlphaPo call.
	Message string
	// Code is AlphaPo's "code", e.g. "bad_header_signature"; always ""
	// on an Apirone call.
	Code string
	// Fields is AlphaPo's "errors", field name to message; always nil on
	// an Apirone call.
	Fields map[string]string
	Body   []byte // the first bytes of the response body (at most 4 KiB)
}

// Error returns e.g. `cryptopay: POST /v2/accounts/apr-.../transfer: 400 Bad Request: Invalid wallet.`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cryptopay: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
	}
	return b.String()
}

// Is matches the sentinel error for the status: ErrBadRequest,
// ErrUnauthorized, ErrNotFound, ErrRateLimited or ErrServer.
func (e *APIError) Is(target error) bool {
	switch s := e.StatusCode; target {
	case ErrBadRequest:
		return s == http.StatusBadRequest || s == http.StatusUnprocessableEntity
	case ErrUnauthorized:
		return s == http.StatusUnauthorized || s == http.StatusForbidden
	case ErrNotFound:
		return s == http.StatusNotFound
	case ErrRateLimited:
		return s == http.StatusTooManyRequests
	case ErrServer:
		return s >= 500
	}
	return false
}

// provider is the API a call is made to, which says how its error answers
// read (see newAPIError).
type provider uint8

const (
	// apirone writes {"message": "..."}
	// (https://apirone.com/docs/account: "Error response").
	apirone provider = iota
	// alphaPo writes {"error": "...", "code": "..."} or
	// {"errors": {"field": "message"}}
	// (https://docs.cryptoprocessing.com/api-documentation/api-reference).
	alphaPo
)

// apiError builds the *APIError of an error answer to the call of ep,
// read as ep's provider writes errors, with the call's credentials hidden.
func (c *callState) apiError(ep *endpoint, status int, body []byte) *APIError {
	return newAPIError(ep.provider, ep.method, ep.path, status, body, c.credentials(ep)...)
}

// newAPIError builds an *APIError from a response body prefix, taking the
// error members of provider p only. Bodies that are not JSON (an HTML page
// from a proxy, plain text) leave Message empty. secrets are the
// credentials the call carried or the client holds: an answer that echoes
// one shows REDACTED in its place (see redact).
func newAPIError(p provider, method, path string, status int, body []byte, secrets ...string) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.Body = body
	if p == alphaPo {
		e.readAlphaPo(body)
	} else {
		var wire struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &wire) == nil {
			e.Message = wire.Message
		}
	}
	e.redact(secrets)
	return e
}

// readAlphaPo fills Message, Code and Fields from an AlphaPo error body.
func (e *APIError) readAlphaPo(body []byte) {
	var wire struct {
		Error  string                     `json:"error"`
		Code   json.RawMessage            `json:"code"`
		Errors map[string]json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &wire) != nil {
		return
	}
	e.Message, e.Code = wire.Error, rawText(wire.Code)
	if len(wire.Errors) > 0 {
		e.Fields = make(map[string]string, len(wire.Errors))
		for k, v := range wire.Errors {
			e.Fields[k] = rawText(v)
		}
	}
}

// minSecretLen is the length under which a secret is not looked for in an
// answer: it could match ordinary text. Real keys and tokens are longer.
const minSecretLen = 8

// minSecretTail is the length from which the start of a secret at the
// end of a Body cut at maxErrorBody is hidden.
const minSecretTail = 4

// redact replaces each secret in e's Message, Code, Fields and Body with
// REDACTED, in every form an answer may echo it (see secretForms). A Body
// cut at maxErrorBody that ends in the first minSecretTail or more bytes
// of one has that end replaced too.
func (e *APIError) redact(secrets []string) {
	forms := secretForms(secrets)
	if len(forms) == 0 {
		return
	}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redacted)
	}
	r := strings.NewReplacer(pairs...)
	e.Message, e.Code = r.Replace(e.Message), r.Replace(e.Code)
	if e.Fields != nil {
		fields := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			fields[r.Replace(k)] = r.Replace(v)
		}
		e.Fields = fields
	}
	body := r.Replace(string(e.Body))
	if len(e.Body) == maxErrorBody {
		body = redactTail(body, forms)
	}
	e.Body = []byte(body)
}

// redactTail replaces the end of s when it is the start of one of forms.
func redactTail(s string, forms []string) string {
	for _, f := range forms {
		for n := len(f) - 1; n >= minSecretTail; n-- {
			if strings.HasSuffix(s, f[:n]) {
				return s[:len(s)-n] + redacted
			}
		}
	}
	return s
}

// secretForms returns the secrets of at least minSecretLen bytes in the
// forms an answer may echo them: as they are, JSON-escaped (plain, with
// <, > and & escaped as Go does, with "\/" as PHP does) and URL-escaped
// (query and path), longest first so that no form is hidden only in part.
func secretForms(secrets []string) []string {
	var forms []string
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		plain := jsonEscape(s, false)
		forms = append(forms, s, plain, jsonEscape(s, true), strings.ReplaceAll(plain, "/", `\/`),
			url.QueryEscape(s), url.PathEscape(s))
	}
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return slices.Compact(forms)
}

// jsonEscape returns s as a JSON string without its quotes; html escapes
// <, > and & too.
func jsonEscape(s string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	enc.Encode(s)     // a string always encodes
	out := b.String() // "...", then a newline
	return out[1 : len(out)-2]
}

// rawText renders a JSON scalar or list of scalars as plain text: strings
// unquoted, lists joined with "; ".
func rawText(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, len(list))
		for i, item := range list {
			parts[i] = rawText(item)
		}
		return strings.Join(parts, "; ")
	}
	if s, isNull, err := unquoteScalar(raw); err == nil && !isNull {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// ParamError is a client-side check that failed: nothing was sent. It
// matches ErrInvalidParams.
type ParamError struct {
	Field   string // the parameter, as the API names it
	Problem string // what is wrong with it
}

// Error returns e.g. "cryptopay: invalid parameters: currency: is required".
func (e *ParamError) Error() string {
	return "cryptopay: invalid parameters: " + e.Field + ": " + e.Problem
}

// Is reports whether target is ErrInvalidParams.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParams }

func invalid(field, format string, args ...any) error {
	return &ParamError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// outcomeUnknownError is the failure of a money-moving call that may have
// taken effect. It matches ErrOutcomeUnknown and the error it wraps.
type outcomeUnknownError struct {
	err error
}

func (e *outcomeUnknownError) Error() string {
	return e.err.Error() + ": outcome unknown: the request may have taken effect; look it up " +
		"(Apirone: settle.FindTransfer; AlphaPo: TransactionInfo by foreign_id) before trying again"
}

func (e *outcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.err} }
