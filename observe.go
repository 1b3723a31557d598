package cryptopay

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// CallInfo describes one try of a call, or a whole call, to the function
// given to WithObserver. It holds no secret: the route is the template the
// provider's docs write, never the filled path or the query (where Apirone
// GET calls carry the transfer key).
type CallInfo struct {
	// Route is the method and route template, e.g.
	// "GET /v2/accounts/{account}/callback" or "POST /v2/addresses/take":
	// few enough values to name a span or label a metric.
	Route string
	// Call is false for one try and true for the report of the whole
	// call, which follows its last try (a call refused before sending, with
	// ErrInvalidParams, has that report only).
	Call bool
	// Attempt is the try's number (1, 2, ...); for a call, the number of
	// tries made (0 when nothing was sent).
	Attempt int
	// Status is the HTTP status of the (last) answer; 0 when none came.
	Status int
	// Duration is how long the try, or the whole call with its waits
	// between tries, took.
	Duration time.Duration
	// Class says what the try or call came to.
	Class ErrorClass
	// MoneyMayHaveMoved is true for a money-moving call (Transfer,
	// WithdrawCrypto, ExchangeFixed, ExchangeNow) that succeeded or whose
	// outcome is unknown (ErrOutcomeUnknown): money may have left.
	MoneyMayHaveMoved bool
}

// ErrorClass is what a try or call came to, in CallInfo.
type ErrorClass string

// Error classes, for metrics and span status.
const (
	ClassOK        ErrorClass = "ok"        // a 2xx answer, decoded
	ClassParams    ErrorClass = "params"    // refused before sending: ErrInvalidParams
	ClassCanceled  ErrorClass = "canceled"  // the context ended
	ClassTransport ErrorClass = "transport" // no answer, or one cut short
	ClassStatus    ErrorClass = "status"    // an error answer: *APIError
	ClassResponse  ErrorClass = "response"  // a 2xx answer that could not be read or decoded
)

// WithObserver calls fn after every try of every call and once for the
// call as a whole (see CallInfo), in the goroutine that made the call: keep
// fn fast. It is the place for traces and metrics: each CallInfo carries
// the route template, status, attempt, duration, error class and whether
// money may have moved, and no secret.
//
// Trace here rather than by wrapping the *http.Client's Transport: a
// transport-level tracer (otelhttp and the like) records the full URL,
// and Apirone's protected GET calls carry the transfer key in the query.
// If you must trace the transport, record the URL without its query
// (req.URL.Path only), never req.URL.String().
func WithObserver(fn func(CallInfo)) Option {
	return func(s *clientOptions) error {
		s.observer = fn
		return nil
	}
}

// observeTry reports try t of the call of ep, which took took.
func (b *backend) observeTry(ep *endpoint, c *callState, t tried, took time.Duration) {
	if b.observer == nil {
		return
	}
	b.observer(CallInfo{
		Route:             ep.method + " " + ep.base + ep.route,
		Attempt:           c.tries,
		Status:            t.status,
		Duration:          took,
		Class:             classify(t.err, t.status),
		MoneyMayHaveMoved: ep.moneyMoving && (t.err == nil || ep.failure(t) != t.err),
	})
}

// observeCall reports the whole call of ep, which ended with err after took.
func (b *backend) observeCall(ep *endpoint, c *callState, err error, took time.Duration) {
	b.observer(CallInfo{
		Route:             ep.method + " " + ep.base + ep.route,
		Call:              true,
		Attempt:           c.tries,
		Status:            c.status,
		Duration:          took,
		Class:             classify(err, c.status),
		MoneyMayHaveMoved: ep.moneyMoving && c.tries > 0 && (err == nil || errors.Is(err, ErrOutcomeUnknown)),
	})
}

// classify says what err, the end of a try or call whose last answer had
// status, came to.
func classify(err error, status int) ErrorClass {
	var apiErr *APIError
	switch {
	case err == nil:
		return ClassOK
	case errors.Is(err, ErrInvalidParams):
		return ClassParams
	case errors.As(err, &apiErr):
		return ClassStatus
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ClassCanceled
	case status >= http.StatusOK && status < http.StatusMultipleChoices:
		return ClassResponse
	}
	return ClassTransport
}

// CallbackOutcome is how a callback handler answered one callback, in
// CallbackReport.
type CallbackOutcome string

// Callback outcomes, for metrics.
const (
	// CallbackAccepted: your function returned nil; answered 200.
	CallbackAccepted CallbackOutcome = "accepted"
	// CallbackDeferred: your function returned an error matching
	// ErrNotYet; answered 500, so that the provider calls again. No
	// failure: WithCallbackErrorHandler does not hear of it.
	CallbackDeferred CallbackOutcome = "deferred"
	// CallbackFailed: your function, or the read WithCallbackConfirm
	// makes, failed; answered 500.
	CallbackFailed CallbackOutcome = "failed"
	// CallbackRefused: not authentic, not shown by the API, or not
	// readable; answered 4xx, and your function was not called.
	CallbackRefused CallbackOutcome = "refused"
)

// CallbackReport describes one callback a handler answered, for the
// function given to WithCallbackObserver. It holds no secret.
type CallbackReport struct {
	Outcome  CallbackOutcome
	Status   int           // the HTTP status answered
	Duration time.Duration // from the request's arrival to the answer, your function included
}

// WithCallbackObserver makes a callback handler of either provider call
// fn after it answered each callback, with what it answered (see
// CallbackReport), in the request's goroutine: keep fn fast. It is the
// place for metrics: every callback is reported, accepted and deferred
// ones included, which WithCallbackErrorHandler and WithCallbackLogger
// leave out or log at debug level. r is the request as received: its query,
// headers and body may hold a secret; use r.URL.Path and r.Context().
func WithCallbackObserver(fn func(r *http.Request, report CallbackReport)) CallbackReportOption {
	return CallbackReportOption{func(s *callbackSettings) { s.observer = fn }}
}
