package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minRequest is fewer bytes than any request in a TLS record, and more than
// a SETTINGS ACK or WINDOW_UPDATE frame in one.
const minRequest = 100

// secretCall is a call that carries a secret or moves money.
type secretCall struct {
	name  string
	money bool
	send  func(t *testing.T, opts ...Option) error
}

func secretCalls() []secretCall {
	calls := []secretCall{
		{"Login (transfer key in the body)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			return c.Account(testAccountID, testTransferKey).Login(context.Background())
		}},
		{"UpdateSettings (transfer key in the body)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Account(testAccountID, testTransferKey).UpdateSettings(context.Background(), &SettingsParams{
				Currency: "btc", ProcessingFeePolicy: ProcessingFeePercentage,
			})
			return err
		}},
		{"CallbackInfo (transfer key in the query)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
			return err
		}},
		{"Transfer with a token (Authorization)", true, func(t *testing.T, opts ...Option) error {
			c, err := NewClient(opts...)
			require.NoError(t, err)
			acct := c.Account(testAccountID, "")
			acct.UseTokens(Tokens{Access: "opaque-access-token"})
			_, err = acct.Transfer(context.Background(), &TransferParams{
				Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
			})
			return err
		}},
		{"TakeAddress (X-Processing-Key and signature)", false, func(t *testing.T, opts ...Option) error {
			c, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, opts...)
			require.NoError(t, err)
			_, err = c.TakeAddress(context.Background(), takeParams)
			return err
		}},
	}
	for _, mc := range moneyCalls() {
		calls = append(calls, secretCall{mc.name, true, func(t *testing.T, opts ...Option) error {
			return mc.send(t, context.Background(), opts...)
		}})
	}
	return calls
}

// TestRedirectsAreNeverFollowed: whatever client the caller passes, even
// one whose CheckRedirect follows everything, a redirect answer is the
// call's *APIError, and nothing goes to the other URL; a money call that
// got one has an unknown outcome (a 303 means "done, see there").
func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	follow := func(*http.Request, []*http.Request) error { return nil }
	for _, code := range []int{301, 302, 303, 307, 308} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), code)
		}))
		for _, hc := range []*http.Client{{}, {CheckRedirect: follow}} {
			for _, sc := range secretCalls() {
				requests.Store(0)
				what := fmt.Sprintf("%d %s (own CheckRedirect: %t)", code, sc.name, hc.CheckRedirect != nil)
				before := hc.CheckRedirect
				err := sc.send(t, WithHTTPClient(hc), WithBaseURL(srv.URL))
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr, what)
				assert.Equal(t, code, apiErr.StatusCode, what)
				assert.Equal(t, sc.money, errors.Is(err, ErrOutcomeUnknown), "%s: outcome unknown: %v", what, err)
				assert.Equal(t, int32(1), requests.Load(), what)
				assert.Equal(t, fmt.Sprintf("%p", before), fmt.Sprintf("%p", hc.CheckRedirect), "%s: the caller's client is unchanged", what)
			}
		}
		srv.Close()
	}
	assert.Zero(t, elsewhere.Load(), "nothing was sent to the other URL")
}

// TestCallerClientIsReadAtEachCall: the SDK copies the caller's client for
// each try, not once, so a mock activated on it after NewClient (as
// httpmock.ActivateNonDefault does) is used.
func TestCallerClientIsReadAtEachCall(t *testing.T) {
	hc := &http.Client{}
	c, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodGet, apironeAccountURL+"/callback",
		httpmock.NewStringResponder(200, fixture(t, "apirone/account_callback.json")))

	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	assert.Equal(t, 1, httpmock.GetTotalCallCount())
}

// TestMoneyCallFailureByStatus pins where a money call's failure turns
// from unknown to definite: a 3xx answer may follow a transfer that was
// made (303 "see other"), a 4xx one is a refusal, a 5xx one unknown again.
func TestMoneyCallFailureByStatus(t *testing.T) {
	for _, tc := range []struct {
		status  int
		unknown bool
	}{
		{299, true}, {300, true}, {303, true}, {399, true},
		{400, false}, {499, false},
		{500, true},
	} {
		w := newWire(t)
		w.respond(http.MethodPost, apironeAccountURL+"/transfer", tc.status, `{"message":"Something."}`)
		_, err := w.account().Transfer(context.Background(), &TransferParams{
			Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
		})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "status %d", tc.status)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "status %d: %v", tc.status, err)
		assert.Equal(t, 1, w.count(), "status %d: one try", tc.status)
	}
}

func TestCanceledContextSendsNothing(t *testing.T) {
	w := newWire(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := w.account().Info(ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, w.count())
}

func TestTransportErrorHidesTransferKey(t *testing.T) {
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: failingTransport{}}))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testTransferKey)
	assert.NotContains(t, fmt.Sprintf("%+v", err), testTransferKey)
	assert.Contains(t, err.Error(), "connection refused")
	assert.True(t, errors.Is(err, errRefused), "the cause stays reachable")
}

var errRefused = errors.New("dial tcp: connection refused")

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errRefused }

// TestDefaultClientErrors: a failure through the default client reads as one
// through a caller's client, and hides the transfer key in the query and the
// password in the base URL alike.
func TestDefaultClientErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://shop:" + testAlphaSecret + "@" + ln.Addr().String() + "/api"
	require.NoError(t, ln.Close()) // nothing listens there now: connection refused
	var texts []string
	for _, opts := range [][]Option{nil, {WithHTTPClient(&http.Client{})}} {
		c, err := NewClient(append(opts, WithBaseURL(base), WithRetry(RetryPolicy{MaxAttempts: 1}))...)
		require.NoError(t, err)
		_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
		require.Error(t, err)
		var opErr *net.OpError
		assert.ErrorAs(t, err, &opErr, "the cause stays reachable")
		for _, secret := range []string{testTransferKey, testAlphaSecret} {
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
		}
		texts = append(texts, err.Error())
	}
	assert.Equal(t, texts[1], texts[0])
	assert.Contains(t, texts[0], `cryptopay: GET /v2/accounts/`+testAccountID+`/callback: Get "http://shop:REDACTED@`)
}

func TestContextDeadlineEndsAHangingCall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(neverAnswer))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL)) // the default client: 30 s per try
	require.NoError(t, err)
	acct := c.Account(testAccountID, testTransferKey)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = acct.Info(ctx, "")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)

	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = acct.Transfer(ctx, &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}}})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "the transfer was sent and never answered")
	defaultHTTPClient.CloseIdleConnections()
}

func TestDefaultHTTPClient(t *testing.T) {
	c, err := NewClient()
	require.NoError(t, err)
	hc := c.httpClient
	assert.Equal(t, 30*time.Second, c.tryTimeout, "each try is bounded")
	assert.Zero(t, hc.Timeout, "by a context deadline per try, not http.Client.Timeout")
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 64, tr.MaxIdleConnsPerHost, "well above Go's default of 2")
	assert.Equal(t, 256, tr.MaxIdleConns)
	assert.NotNil(t, tr.Proxy, "HTTPS_PROXY is honoured")
	assert.True(t, c.defaultClient)

	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret)
	require.NoError(t, err)
	assert.Same(t, hc.Transport, ap.httpClient.Transport, "one pool for every default client")
}

func TestDefaultClientDoesNotFollowRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere/", func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer defaultHTTPClient.CloseIdleConnections()
	c, err := NewClient(WithBaseURL(srv.URL))
	require.NoError(t, err)

	_, err = c.Account(testAccountID, testTransferKey).Transfer(context.Background(), &TransferParams{
		Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
	})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "a transfer may be done before a redirect (303: see other)")
	assert.Zero(t, elsewhere.Load(), "the key in the body went nowhere else")
}

func TestCallerHTTPClientIsNotModified(t *testing.T) {
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 7 * time.Second}
	before := *hc

	c, err := NewClient(WithHTTPClient(hc), WithBaseURL(srv.URL))
	require.NoError(t, err)
	c.sleep = func(context.Context, time.Duration) error { return nil }
	_, err = c.Account(testAccountID, "").Info(context.Background(), "")
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, int32(3), tries.Load())
	assert.Equal(t, before, *hc)
	assert.Same(t, hc, c.httpClient)
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := newWire(t)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL+"/callback", func(r *http.Request) (*http.Response, error) {
		w.record(r)
		if w.count() == 1 {
			return newJSONResponse(503, `{"message":"busy"}`), nil
		}
		return newJSONResponse(200, fixture(t, "apirone/account_callback.json")), nil
	})
	c, err := NewClient(WithHTTPClient(w.httpClient()), WithLogger(logger))
	require.NoError(t, err)
	c.sleep = w.sleep
	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	require.Contains(t, w.reqs[0].RawQuery, testTransferKey, "the key is in the query sent")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, "one line per try")
	for i, line := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		assert.Equal(t, "DEBUG", rec["level"])
		assert.Equal(t, "cryptopay request", rec["msg"])
		assert.Equal(t, "GET", rec["method"])
		assert.Equal(t, "/v2/accounts/"+testAccountID+"/callback", rec["path"])
		assert.Equal(t, float64(i+1), rec["attempt"])
		assert.Less(t, rec["duration"], float64(time.Minute), "the try's time, with a logger and no observer")
		assert.NotContains(t, line, testTransferKey)
	}
	assert.Contains(t, lines[0], `"status":503`)
	assert.Contains(t, lines[0], `"error":"cryptopay: GET /v2/accounts/`+testAccountID+`/callback: 503 Service Unavailable: busy"`)
	assert.Contains(t, lines[1], `"status":200`)
	assert.NotContains(t, lines[1], `"error"`)

	buf.Reset()
	quiet, err := NewClient(WithHTTPClient(w.httpClient()), WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	require.NoError(t, err)
	_, err = quiet.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	assert.Empty(t, buf.String(), "debug lines stay out of an info-level log")
}

// TestDefaultClientBoundsEachTry: through the default client each try has
// its own deadline (30 s; shortened here), so a hung GET is tried again
// and a hung transfer ends as ErrOutcomeUnknown after its one try.
func TestDefaultClientBoundsEachTry(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select { // the first request hangs until the client gives up on it
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		fmt.Fprintf(w, `{"account":%q,"balance":[]}`, testAccountID)
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(WithBaseURL(srv.URL))
	require.NoError(t, err)
	c.tryTimeout = 100 * time.Millisecond
	c.sleep = func(context.Context, time.Duration) error { return nil }
	acct := c.Account(testAccountID, testTransferKey)

	_, err = acct.Balance(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), n.Load(), "the hung try, then one that answered")

	n.Store(0)
	_, err = acct.Transfer(context.Background(), &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}}})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), n.Load(), "a transfer is tried once")
	defaultHTTPClient.CloseIdleConnections()
}
