package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApironeErrorBody(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/balance", 400, `{"message": "Invalid wallet."}`)
	_, err := w.account().Balance(context.Background(), nil)

	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, "Invalid wallet.", apiErr.Message)
	assert.Equal(t, "GET", apiErr.Method)
	assert.Equal(t, "/v2/accounts/"+testAccountID+"/balance", apiErr.Path)
	assert.ErrorIs(t, err, ErrBadRequest)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "cryptopay: GET /v2/accounts/"+testAccountID+"/balance: 400 Bad Request: Invalid wallet.", err.Error())
}

func TestErrorStatusesMatchSentinels(t *testing.T) {
	for status, sentinel := range map[int]error{
		401: ErrUnauthorized, 403: ErrUnauthorized, 404: ErrNotFound, 429: ErrRateLimited,
		500: ErrServer, 502: ErrServer, 503: ErrServer,
	} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL+"/callback", status, `{"message":"nope"}`)
		_, err := w.account().CallbackInfo(context.Background(), "btc")
		assert.ErrorIs(t, err, sentinel, "status %d", status)
		assert.NotContains(t, err.Error(), testTransferKey, "status %d", status)
	}
}

func TestHTMLErrorPage(t *testing.T) {
	w := newWire(t)
	page := "<html><body><h1>502 Bad Gateway</h1>" + strings.Repeat("x", 10000) + "</body></html>"
	w.respond(http.MethodGet, apironeAccountURL, 502, page)
	_, err := w.account().Info(context.Background(), "")

	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Empty(t, apiErr.Message)
	assert.Equal(t, page[:maxErrorBody], string(apiErr.Body), "the body is kept, bounded")
	assert.NotContains(t, err.Error(), "<html>", "the body stays out of the message")
	assert.ErrorIs(t, err, ErrServer)
}

func TestEmptySuccessBody(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, "")
	_, err := w.account().Info(context.Background(), "")
	assert.ErrorContains(t, err, "empty response body")
}

// TestDecodeEnvelopes: where decode takes a 2xx result from, for each
// envelope: an Apirone answer is the result even when it has a "data"
// member, and a bare list is the result whatever the envelope.
func TestDecodeEnvelopes(t *testing.T) {
	type item struct{ X int }
	for _, tc := range []struct {
		envelope envelope
		body     string
		want     []item
	}{
		{bare, `[{"x":1}]`, []item{{1}}},
		{inData, `[{"x":1}]`, []item{{1}}},
		{maybeInData, `[{"x":1}]`, []item{{1}}},
		{inData, `{"data":[{"x":2}]}`, []item{{2}}},
		{maybeInData, `{"data":[{"x":2}]}`, []item{{2}}},
	} {
		var got []item
		require.NoError(t, decode(&endpoint{envelope: tc.envelope}, 200, []byte(tc.body), &got), tc.body)
		assert.Equal(t, tc.want, got, "envelope %d, %s", tc.envelope, tc.body)
	}
	var got item
	require.NoError(t, decode(&endpoint{envelope: bare}, 200, []byte(`{"data":{"x":1},"x":2}`), &got))
	assert.Equal(t, item{2}, got, "Apirone: the whole answer")
	require.NoError(t, decode(&endpoint{envelope: maybeInData}, 200, []byte(`{"x":3}`), &got))
	assert.Equal(t, item{3}, got, "maybeInData without data: the whole answer")
}

// TestErrorIn2xxBody: a 2xx body holding nothing but error keys is an
// *APIError whatever their order, spacing or escaping; a result that has
// such a key among others is a result; AlphaPo's envelope must hold data.
func TestErrorIn2xxBody(t *testing.T) {
	// Each client takes the message from its own provider's member only
	// (Apirone's "message", AlphaPo's "error"); a body of error members is
	// an *APIError for both.
	for _, tc := range []struct{ body, apirone, alphaPo string }{
		{`{"message":"Invalid wallet."}`, "Invalid wallet.", ""},
		{" \n\t{ \"code\" : 7 , \"message\":\"Invalid wallet.\"}", "Invalid wallet.", ""},
		{`{"\u006dessage":"Invalid wallet."}`, "Invalid wallet.", ""},
		{`{"error":"Invalid wallet.","errors":null}`, "", "Invalid wallet."},
	} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL, 200, tc.body)
		_, err := w.account().Info(context.Background(), "")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, tc.body)
		assert.Equal(t, 200, apiErr.StatusCode, tc.body)
		assert.Equal(t, tc.apirone, apiErr.Message, tc.body)

		w = newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, tc.body)
		_, err = w.alphapo().TakeAddress(context.Background(), takeParams)
		require.ErrorAs(t, err, &apiErr, tc.body)
		assert.Equal(t, tc.alphaPo, apiErr.Message, tc.body)
	}
	for _, body := range []string{`{"message":"note","account":"apr-1"}`, `{"account":"apr-1","error":"note"}`} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL, 200, body)
		info, err := w.account().Info(context.Background(), "")
		require.NoError(t, err, body)
		assert.Equal(t, "apr-1", info.Account, body)
	}
	for body, want := range map[string]string{
		`{"message":"note","data":{"address":"2NFZ"}}`: "",
		`{"data":null}`:                                              `response has no "data"`,
		`{"address":"2NFZ"}`:                                         `response has no "data"`,
		`{"dAtA":{"address":"2NFZ"}}`:                                `response has no "data"`,
		`{"dAtA":{"address":"2NFZ"},"note":"data"}`:                  `response has no "data"`,
		`{"info":{"data":{"address":"2NFZ"}}}`:                       `response has no "data"`,
		`{"data":{"address":"2NFZ"},"data":null}`:                    `response has no "data"`,
		`{"data":{"address":"2NFZ"},"Data":{"address":"elsewhere"}}`: "",
		`{"DATA":{"address":"elsewhere"},"data":{"address":"2NFZ"}}`: "",
		`{"d\u0061ta":{"address":"2NFZ"}}`:                           "",
		`{"d\u0061t":{"address":"2NFZ"}}`:                            `response has no "data"`,
		`{"data":{"address":"2NFZ"},"more":[1,{"x":"}"},"\""]}`:      "",
		`{"data":{"address":"2N"`:                                    "decoding response",
		`[{"address":"2NFZ"}]`:                                       "decoding response",
	} {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, body)
		taken, err := w.alphapo().TakeAddress(context.Background(), takeParams)
		if want != "" {
			assert.ErrorContains(t, err, want, body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, "2NFZ", taken.Address, body)
	}
}

func TestTruncatedJSON(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, `{"account":"apr-1","info":[`)
	_, err := w.account().Info(context.Background(), "")
	assert.ErrorContains(t, err, "decoding response")
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

func TestCanceledContextSendsNothing(t *testing.T) {
	w := newWire(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := w.account().Info(ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, w.count())
}

func TestOptions(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, "http://localhost:8080/api/v2/accounts/"+testAccountID, 200, fixture(t, "apirone/account_info.json"))
	c, err := NewClient(WithHTTPClient(w.httpClient()), WithBaseURL("http://localhost:8080/api/"), WithUserAgent("shop/1.0"))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, "").Info(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "shop/1.0", w.only().Header.Get("User-Agent"))

	for _, bad := range []string{"", "apirone.com/api", "ftp://x", "https://x/api?k=v", "http://"} {
		_, err := NewClient(WithBaseURL(bad))
		assert.ErrorIs(t, err, ErrInvalidParams, bad)
	}
	_, err = NewClient(WithHTTPClient(nil))
	assert.ErrorIs(t, err, ErrInvalidParams)
}

// TestDefaultClientErrors: a failure through the default client, whose tries
// skip http.Client.Do, reads as one through a caller's client, and hides the
// transfer key in the query and the password in the base URL alike.
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

func TestClientFormat(t *testing.T) {
	c, err := NewClient()
	require.NoError(t, err)
	assert.Equal(t, "cryptopay.Client{https://apirone.com/api}", fmt.Sprintf("%+v", c))
}

// TestNoQueryNoQuestionMark: a call without query parameters sends a URL
// without a bare "?".
func TestNoQueryNoQuestionMark(t *testing.T) {
	var sent string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r.URL.String()
		return newJSONResponse(200, `{"account":"`+testAccountID+`","balance":[]}`), nil
	})}
	c, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, "").Balance(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, ApironeBaseURL+"/v2/accounts/"+testAccountID+"/balance", sent)
}

// TestRequestTarget: the request line and Host a server receives, for base
// URLs and path arguments with and without characters to escape, and the
// base URL's user info sent as Basic authorization.
func TestRequestTarget(t *testing.T) {
	type got struct{ uri, host, auth string }
	var last got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last = got{r.RequestURI, r.Host, r.Header.Get("Authorization")}
		w.Write([]byte(`{"address":"x"}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		base, address string
		want          got
	}{
		{srv.URL + "/api", benchAddress, got{"/api/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, ""}},
		{srv.URL + "/api/", "a b+ä", got{"/api/v2/accounts/" + testAccountID + "/addresses/a%20b+%C3%A4", host, ""}},
		{srv.URL + "/my%20api", benchAddress, got{"/my%20api/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, ""}},
		{srv.URL + "/my%20api", "a b", got{"/my%20api/v2/accounts/" + testAccountID + "/addresses/a%20b", host, ""}},
		{"http://shop:p%40ss@" + host, benchAddress, got{"/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, "Basic c2hvcDpwQHNz"}},
	} {
		c, err := NewClient(WithBaseURL(tc.base), WithRetry(RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		last = got{}
		_, err = c.Account(testAccountID, "").AddressInfo(context.Background(), tc.address)
		require.NoError(t, err, tc.base)
		assert.Equal(t, tc.want, last, "%s %s", tc.base, tc.address)
	}
}
