package cryptopay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	assert.Equal(t, RetryPolicy{MaxAttempts: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 10 * time.Second}, p)
	for _, tc := range []struct {
		n        int
		frac     float64
		want     time.Duration
		scenario string
	}{
		{1, 0, 250 * time.Millisecond, "first wait, least jitter"},
		{1, 0.5, 375 * time.Millisecond, "first wait, half jitter"},
		{2, 0, 500 * time.Millisecond, "doubles"},
		{3, 0.999, 1999 * time.Millisecond, "doubles again, almost all jitter"},
		{5, 0, 4 * time.Second, "8 s, halved"},
		{6, 0, 5 * time.Second, "16 s capped at 10 s, halved"},
		{60, 0.5, 7500 * time.Millisecond, "stays capped"},
	} {
		assert.Equal(t, tc.want, p.backoff(tc.n, tc.frac), tc.scenario)
	}
}

// TestIdempotentMethods: the methods RetryPolicy documents as retried
// after any failure; every other one only after a dial error.
func TestIdempotentMethods(t *testing.T) {
	for method, want := range map[string]bool{
		http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true,
		http.MethodPost: false, http.MethodPatch: false, http.MethodPut: false, http.MethodDelete: false,
	} {
		ep := endpoint{method: method}
		assert.Equal(t, want, ep.idempotent(), method)
		assert.Equal(t, !want, ep.mustKnowIfSent(), method)
		ep.moneyMoving = true
		assert.True(t, ep.mustKnowIfSent(), "%s moving money", method)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"2", 2 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"Sat, 01 Mar 2025 12:01:30 GMT", 90 * time.Second, true},
		{"Saturday, 01-Mar-25 12:00:05 GMT", 5 * time.Second, true}, // RFC 850, also an HTTP date
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},      // past: no wait
		{"99999999999999999999", 4294967295 * time.Second, true},    // absurd: huge, so over any cap
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
	} {
		h := http.Header{}
		if tc.value != "" {
			h.Set("Retry-After", tc.value)
		}
		got, ok := retryAfter(h, func() time.Time { return now })
		assert.Equal(t, tc.ok, ok, "%q", tc.value)
		assert.Equal(t, tc.want, got, "%q", tc.value)
	}
}

func TestRetriedGETSucceedsWithTheSameRequest(t *testing.T) {
	w := newWire(t)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL+"/callback", func(r *http.Request) (*http.Response, error) {
		w.record(r)
		if w.count() == 1 {
			return newJSONResponse(503, `{"message":"busy"}`), nil
		}
		return newJSONResponse(200, fixture(t, "apirone/account_callback.json")), nil
	})
	got, err := w.account().CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	assert.Equal(t, "btc", got.Currency)
	require.Equal(t, 2, w.count())
	assert.Equal(t, w.reqs[0], w.reqs[1], "the retry is the same request")
	require.Len(t, w.waited(), 1)
}

func TestRetryResendsTheSameSignedBody(t *testing.T) {
	var bodies, signatures []string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(body))
		signatures = append(signatures, r.Header.Get("X-Processing-Signature"))
		if len(bodies) == 1 {
			return nil, dialRefused()
		}
		return newJSONResponse(201, fixture(t, "alphapo/take_address.json")), nil
	})}
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithHTTPClient(hc))
	require.NoError(t, err)
	ap.sleep = func(context.Context, time.Duration) error { return nil }

	got, err := ap.TakeAddress(context.Background(), takeParams)
	require.NoError(t, err)
	assert.Equal(t, "2NFZ9SmEm3mQ7jqVF4vPXBwCyn9KpmEwkTj", got.Address)
	want, _ := json.Marshal(takeParams)
	assert.Equal(t, []string{string(want), string(want)}, bodies, "the whole body is sent again")
	assert.Equal(t, signatures[0], signatures[1])
	assert.Equal(t, NewSigner(testAlphaSecret).Sign(want), signatures[1])
}

// dialRefused is the error net/http gives when nothing listens.
func dialRefused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: &net.OpError{Err: syscall.ECONNREFUSED}}
}

func TestTransferIsResentOnlyAfterADialError(t *testing.T) {
	transfer := &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}}}
	for _, tc := range []struct {
		name    string
		err     error
		tries   int
		unknown bool
		gotConn bool // the transport reports a connection handed out first
	}{
		{"dial error", dialRefused(), 3, false, false},
		{"dial error wrapped by a custom transport", fmt.Errorf("proxy: %w", dialRefused()), 3, false, false},
		// A listener that accepts and resets at once can fail connect(2)
		// itself: nothing was written.
		{"reset while connecting", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNRESET}, 3, false, false},
		// A transport that fails in its own way proves nothing: the request
		// may have left.
		{"plain error", errRefused, 1, true, false},
		// A transport that had a connection (then resent the request on
		// another one, which it could not dial) may have delivered it.
		{"dial error after a connection was handed out", dialRefused(), 1, true, true},
		{"reset after writing", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, 1, true, false},
		{"timeout", context.DeadlineExceeded, 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tries int
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				tries++
				if trace := httptrace.ContextClientTrace(r.Context()); tc.gotConn && trace != nil && trace.GotConn != nil {
					trace.GotConn(httptrace.GotConnInfo{})
				}
				return nil, tc.err
			})}
			c, err := NewClient(WithHTTPClient(hc))
			require.NoError(t, err)
			c.sleep = func(context.Context, time.Duration) error { return nil }
			_, err = c.Account(testAccountID, testTransferKey).Transfer(context.Background(), transfer)
			require.Error(t, err)
			assert.Equal(t, tc.tries, tries)
			assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "%v", err)
			assert.ErrorIs(t, err, tc.err, "the cause stays reachable")
		})
	}
}

// TestDefaultClientRetriesPOSTsThatNeverLeft: through the default client, a
// POST that fails to connect is tried again, with a body (a dial error is
// proof enough) and without one (the connection watch decides), and a
// transfer that never left is not ErrOutcomeUnknown.
func TestDefaultClientRetriesPOSTsThatNeverLeft(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connection refused
	var tries []int
	c, err := NewClient(WithBaseURL(base), WithObserver(func(ci CallInfo) {
		if ci.Call {
			tries = append(tries, ci.Attempt)
		}
	}))
	require.NoError(t, err)
	c.sleep = func(context.Context, time.Duration) error { return nil }

	_, err = c.Account(testAccountID, testTransferKey).Transfer(context.Background(), &TransferParams{
		Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
	})
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr)
	assert.Equal(t, "dial", opErr.Op)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the transfer never left")
	_, err = c.CreateAccount(context.Background())
	require.Error(t, err)
	assert.Equal(t, []int{3, 3}, tries, "every try of both calls")
}

func TestOtherPOSTsAreNotRetriedNorOutcomeUnknown(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/accounts", 502, "bad gateway")
	w.respond(http.MethodPost, apironeAccountURL+"/addresses", 503, "busy")
	_, err := w.apirone().CreateAccount(context.Background())
	assert.ErrorIs(t, err, ErrServer)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	_, err = w.account().GenerateAddress(context.Background(), &GenerateAddressParams{Currency: "btc"})
	assert.ErrorIs(t, err, ErrServer)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 2, w.count(), "one try each")
	assert.Empty(t, w.waited())
}

func TestTransferRejectedByTheProviderIsNotOutcomeUnknown(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 422, 429} {
		w := newWire(t)
		w.respond(http.MethodPost, apironeAccountURL+"/transfer", status, `{"message":"Insufficient funds."}`)
		_, err := w.account().Transfer(context.Background(), &TransferParams{
			Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
		})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "status %d", status)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "status %d", status)
		assert.Equal(t, 1, w.count())
	}
}

func TestOutcomeUnknownMessage(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/transfer", 502, "bad gateway")
	_, err := w.account().Transfer(context.Background(), &TransferParams{
		Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
	})
	assert.EqualError(t, err, "cryptopay: POST /v2/accounts/"+testAccountID+"/transfer: 502 Bad Gateway: "+
		"outcome unknown: the request may have taken effect; look it up (Apirone: settle.FindTransfer; AlphaPo: TransactionInfo by foreign_id) before trying again")
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrServer)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
}

func TestWithRetry(t *testing.T) {
	for _, tc := range []struct {
		policy RetryPolicy
		tries  int
		waits  [][2]time.Duration // each wait's range
	}{
		{RetryPolicy{MaxAttempts: 1}, 1, nil},
		{RetryPolicy{BaseDelay: time.Second}, 3, // the other fields keep their defaults
			[][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}}},
		{RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 3 * time.Second}, 4,
			[][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}, {1500 * time.Millisecond, 3 * time.Second}}},
	} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL, 500, "oops")
		c, err := NewClient(WithHTTPClient(w.httpClient()), WithRetry(tc.policy))
		require.NoError(t, err)
		c.sleep = w.sleep
		_, err = c.Account(testAccountID, "").Info(context.Background(), "")
		assert.ErrorIs(t, err, ErrServer)
		assert.Equal(t, tc.tries, w.count())
		waits := w.waited()
		require.Len(t, waits, len(tc.waits))
		for i, r := range tc.waits {
			assert.True(t, waits[i] >= r[0] && waits[i] <= r[1], "wait %d = %v, want %v", i, waits[i], r)
		}
	}
	for _, bad := range []RetryPolicy{{MaxAttempts: -1}, {BaseDelay: -1}, {MaxDelay: -time.Second}} {
		_, err := NewClient(WithRetry(bad))
		assert.ErrorIs(t, err, ErrInvalidParams, "%+v", bad)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	w := newWire(t)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL, func(r *http.Request) (*http.Response, error) {
		w.record(r)
		resp := newJSONResponse(503, `{"message":"maintenance"}`)
		resp.Header.Set("Retry-After", time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))
		return resp, nil
	})
	_, err := w.account().Info(context.Background(), "")
	assert.ErrorIs(t, err, ErrServer)
	require.Len(t, w.waited(), 2)
	for _, wait := range w.waited() {
		assert.True(t, wait > 3*time.Second && wait <= 5*time.Second, "wait %v: the date, not the backoff", wait)
	}
}

func TestRetryAfterUpToMaxDelayIsWaited(t *testing.T) {
	for _, tc := range []struct {
		retryAfter string
		tries      int
	}{
		{"10", 3}, // exactly MaxDelay: waited
		{"11", 1}, // longer: the retries end
	} {
		w := newWire(t)
		w.mock.RegisterResponder(http.MethodGet, apironeAccountURL, func(r *http.Request) (*http.Response, error) {
			w.record(r)
			resp := newJSONResponse(503, `{"message":"maintenance"}`)
			resp.Header.Set("Retry-After", tc.retryAfter)
			return resp, nil
		})
		c, err := NewClient(WithHTTPClient(w.httpClient()), WithRetry(RetryPolicy{MaxDelay: 10 * time.Second}))
		require.NoError(t, err)
		c.sleep = w.sleep
		_, err = c.Account(testAccountID, "").Info(context.Background(), "")
		assert.ErrorIs(t, err, ErrServer)
		assert.Equal(t, tc.tries, w.count(), "Retry-After %s", tc.retryAfter)
		for _, wait := range w.waited() {
			assert.Equal(t, 10*time.Second, wait)
		}
	}
}

func TestWaitPastTheDeadlineIsNotStarted(t *testing.T) {
	w := newWire(t)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL, func(r *http.Request) (*http.Response, error) {
		w.record(r)
		resp := newJSONResponse(503, `{"message":"maintenance"}`)
		resp.Header.Set("Retry-After", "5")
		return resp, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := w.account().Info(ctx, "")
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, w.count())
	assert.Empty(t, w.waited())
}

func TestCancelEndsTheWaitAtOnce(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 503, `{"message":"busy"}`)
	c := w.apirone()
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan time.Duration, 1)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waiting <- d
		return sleep(ctx, time.Hour) // the real wait, made long
	}
	go func() { <-waiting; cancel() }()

	_, err := c.Account(testAccountID, "").Info(ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrServer, "the last answer stays reachable")
	assert.Equal(t, 1, w.count(), "no try after the cancelled wait")
}
