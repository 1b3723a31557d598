package cryptopay

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says which failed tries are made again and how long to wait
// in between. A zero field takes its default.
//
// What is retried:
//   - GET, HEAD and OPTIONS calls, after a connection error or timeout
//     (including a response body cut short) and after HTTP 429, 500, 502,
//     503 and 504.
//   - Any call, POST and PATCH included, whose request provably never left:
//     the transport reported a dial error (*net.OpError with Op "dial":
//     connection refused, DNS failure, dial timeout) and had not handed the
//     request a connection (httptrace GotConn never fired).
//
// Nothing else is resent: a POST or PATCH (Transfer, GenerateAddress,
// CreateAccount, TakeAddress) that may have reached the server is tried
// once, whatever the answer. Its body is sent with Content-Length and
// without Request.GetBody, so net/http cannot resend it either (its HTTP/2
// transport would after a stream reset with PROTOCOL_ERROR or
// REFUSED_STREAM, or after GOAWAY). A POST without a body (CreateAccount,
// Logout, the token refresh) net/http may still resend then; none moves
// money. No call is retried once the context is done.
//
// Waits: after try n the wait is a random duration from d/2 to d, where d
// is BaseDelay·2^(n-1) capped at MaxDelay. When the answer carries
// Retry-After (delay-seconds or an HTTP date), that wait is used instead;
// a Retry-After longer than MaxDelay ends the retries at once and the call
// returns that answer's error. A wait that would end after the context's
// deadline is not started, and a wait ends at once when the context is done.
type RetryPolicy struct {
	// MaxAttempts is the number of tries in all, the first included;
	// 1 turns retries off. Default 3.
	MaxAttempts int
	// BaseDelay is the backoff before the second try; it doubles for each
	// further try. Default 500 ms.
	BaseDelay time.Duration
	// MaxDelay is the longest wait between tries, Retry-After included.
	// Default 10 s.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 10 * time.Second
	}
	return p
}

// backoff is the wait after try n (1, 2, ...) for a random fraction frac
// in [0, 1): from d/2 to d, d = BaseDelay·2^(n-1) capped at MaxDelay.
func (p RetryPolicy) backoff(n int, frac float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + time.Duration(frac*float64(d/2))
}

// sleep waits d, or less when ctx is done first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// mustKnowIfSent reports whether a failed try of ep must find out if the
// request provably never left (tried.neverSent): only a call that is not
// idempotent or moves money depends on it, as any other is retried after
// every transport error and fails alike either way.
func (ep *endpoint) mustKnowIfSent() bool {
	return !ep.idempotent() || ep.moneyMoving
}

// idempotent reports whether sending ep twice has the effect of sending it
// once, so that it may be retried after it may have arrived.
func (ep *endpoint) idempotent() bool {
	return ep.method == http.MethodGet || ep.method == http.MethodHead || ep.method == http.MethodOptions
}

// isDialError reports a failure to open a connection.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (a date in the past means no wait), against the time now returns, asked
// only for a date. ok is false when it is absent or malformed.
func retryAfter(h http.Header, now func() time.Time) (wait time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, _ := strconv.ParseUint(v, 10, 32) // too large: the largest uint32
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now()), 0), true
	}
	return 0, false
}

// retryableStatus: answers a GET may get differently a moment later.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryWait says whether try n of ep, which came to t, is to be followed by
// another, and after what wait (see RetryPolicy).
func (b *backend) retryWait(ctx context.Context, ep *endpoint, n int, t tried) (time.Duration, bool) {
	if n >= b.retry.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	if !t.neverSent && !(ep.idempotent() && (t.broken || retryableStatus(t.status))) {
		return 0, false
	}
	wait := b.retry.backoff(n, rand.Float64())
	if t.hasRetryAfter {
		if t.retryAfter > b.retry.MaxDelay {
			return 0, false
		}
		wait = t.retryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return 0, false
	}
	return wait, true
}

// failure is the error a call returns after its last try. For a
// money-moving call that may have taken effect it matches ErrOutcomeUnknown:
// every failure except a dial error and a 4xx answer (which the provider
// only gives to a request it did not carry out). A 3xx answer is unknown:
// a 303 means "done, see there", and a proxy may redirect after passing
// the request on.
func (ep *endpoint) failure(t tried) error {
	if ep.moneyMoving && !t.neverSent && (t.status < 400 || t.status >= 500) {
		return &outcomeUnknownError{err: t.err}
	}
	return t.err
}
