package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTakeAddress(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 201, fixture(t, "alphapo/take_address.json"))

	got, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{
		Currency: "BTC", ForeignID: "new_BTC_address_1714", ConvertTo: "EUR", EndUserReference: "guest_user_17",
	})
	require.NoError(t, err)

	req := w.only()
	wantBody := `{"currency":"BTC","foreign_id":"new_BTC_address_1714","convert_to":"EUR","end_user_reference":"guest_user_17"}`
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/v2/addresses/take", req.Path)
	assert.Equal(t, wantBody, req.Body)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, testAlphaKey, req.Header.Get("X-Processing-Key"))
	assert.Equal(t, NewSigner(testAlphaSecret).Sign([]byte(wantBody)), req.Header.Get("X-Processing-Signature"))
	assert.Equal(t, &TakenAddress{
		ID: 23553829, Currency: "BTC", Address: "2NFZ9SmEm3mQ7jqVF4vPXBwCyn9KpmEwkTj",
		ForeignID: "new_BTC_address12", EndUserReference: "guest_user_17",
	}, got)
}

func TestTakeAddressSignsThePublishedVector(t *testing.T) {
	// API-NOTES.md: secret AbCdEfG123456 over exactly this body.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, fixture(t, "alphapo/take_address.json"))
	_, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{Currency: "BTC", ForeignID: "123456", EndUserReference: "u1"})
	require.NoError(t, err)
	req := w.only()
	assert.Equal(t, NewSigner(testAlphaSecret).Sign([]byte(req.Body)), req.Header.Get("X-Processing-Signature"))

	c, err := NewAlphaPoClient("k", testAlphaSecret, WithHTTPClient(w.httpClient()))
	require.NoError(t, err)
	h := http.Header{}
	c.sign(h, []byte(`{"currency":"BTC","foreign_id":"123456"}`))
	assert.Equal(t, "03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec",
		h.Get("X-Processing-Signature"))
}

func TestTakeAddressTagForms(t *testing.T) {
	for body, want := range map[string]string{
		`{"data":{"id":"7","tag":null}}`:     "",
		`{"data":{"id":7,"tag":"memo-1"}}`:   "memo-1",
		`{"data":{"id":7,"tag":3456789012}}`: "3456789012",
		`{"data":{"id":7,"address":"r9x"}}`:  "",
	} {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, body)
		got, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{Currency: "XRP", ForeignID: "f", EndUserReference: "u"})
		require.NoError(t, err, body)
		assert.Equal(t, want, got.Tag, body)
		assert.Equal(t, int64(7), got.ID, body)
	}
}

func TestTakeAddressRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		p     *TakeAddressParams
		field string
	}{
		"nil":             {nil, "currency"},
		"no currency":     {&TakeAddressParams{ForeignID: "f", EndUserReference: "u"}, "currency"},
		"no foreign id":   {&TakeAddressParams{Currency: "BTC", EndUserReference: "u"}, "foreign_id"},
		"long foreign id": {&TakeAddressParams{Currency: "BTC", ForeignID: strings.Repeat("x", 256), EndUserReference: "u"}, "foreign_id"},
		"no end user":     {&TakeAddressParams{Currency: "BTC", ForeignID: "f"}, "end_user_reference"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.alphapo().TakeAddress(context.Background(), tc.p)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Zero(t, w.count())
		})
	}
}

func TestTakeAddressErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		is     error
		msg    string
		code   string
		fields map[string]string
	}{
		{403, `{"error":"Bad signature header","code":"bad_header_signature"}`, ErrUnauthorized, "Bad signature header", "bad_header_signature", nil},
		{400, `{"errors":{"currency":"The selected currency is invalid.","foreign_id":["required","too long"]}}`, ErrBadRequest, "", "",
			map[string]string{"currency": "The selected currency is invalid.", "foreign_id": "required; too long"}},
		{429, `error code: 1015`, ErrRateLimited, "", "", nil},
	}
	for _, tc := range cases {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", tc.status, tc.body)
		_, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{Currency: "BTC", ForeignID: "f", EndUserReference: "u"})
		require.ErrorIs(t, err, tc.is)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, tc.msg, apiErr.Message)
		assert.Equal(t, tc.code, apiErr.Code)
		assert.Equal(t, tc.fields, apiErr.Fields)
		assert.Equal(t, tc.body, string(apiErr.Body))
		assert.Equal(t, "/v2/addresses/take", apiErr.Path)
	}
}

func TestNewAlphaPoClientNeedsCredentials(t *testing.T) {
	_, err := NewAlphaPoClient("", "s")
	assert.ErrorIs(t, err, ErrInvalidParams)
	_, err = NewAlphaPoClient("k", "")
	assert.ErrorIs(t, err, ErrInvalidParams)
}

func TestAlphaPoClientHidesCredentials(t *testing.T) {
	c, err := NewAlphaPoClient("public-key-123", "very-secret-456")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, "very-secret-456", verb)
		assert.NotContains(t, out, "public-key-123", verb)
	}
}

// assertSigned checks a signed AlphaPo request as the server received it:
// method, path under /api/v2, the exact body, and a signature over exactly
// those bytes.
func assertSigned(t *testing.T, req sent, method, path, body string) {
	t.Helper()
	assert.Equal(t, method, req.Method)
	assert.Equal(t, "/api"+path, req.Path)
	assert.Equal(t, body, req.Body)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, testAlphaKey, req.Header.Get("X-Processing-Key"))
	assert.Equal(t, NewSigner(testAlphaSecret).Sign([]byte(body)), req.Header.Get("X-Processing-Signature"))
}

// rejected checks that err is a *ParamError for field and nothing was sent.
func rejected(t *testing.T, w *wire, err error, field string) {
	t.Helper()
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Equal(t, field, pe.Field)
	assert.Zero(t, w.count(), "requests sent")
}

func TestPing(t *testing.T) {
	// docs.cryptoprocessing.com/api-reference/endpoints/ping: GET /ping,
	// no security, text/html "OK".
	for _, answer := range []string{"OK", "", `{"status":"ok"}`} {
		w := newWire(t)
		w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/ping", 200, answer)
		require.NoError(t, w.alphapo().Ping(context.Background()), answer)
		req := w.only()
		assert.Equal(t, "GET", req.Method)
		assert.Equal(t, "/api/v2/ping", req.Path)
		assert.Empty(t, req.Body)
		assert.Empty(t, req.Header.Get("X-Processing-Signature"))
		assert.Empty(t, req.Header.Get("X-Processing-Key"))
		assert.Empty(t, req.Header.Get("Content-Type"))
	}
}

func TestPingFailure(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/ping", 503, "<html>down</html>")
	err := w.alphapo().Ping(context.Background())
	assert.ErrorIs(t, err, ErrServer)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/v2/ping", apiErr.Path)
}

func TestAlphaPoBaseURLPresets(t *testing.T) {
	for _, base := range []string{AlphaPoBaseURL, CoinsPaidBaseURL, CoinsPaidSandboxBaseURL, "http://127.0.0.1:8080/proxy/api/v2/"} {
		w := newWire(t)
		want := strings.TrimSuffix(base, "/") + "/v2/accounts/list"
		w.respond(http.MethodPost, want, 200, `{"data":[]}`)
		c, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithHTTPClient(w.httpClient()), WithBaseURL(base))
		require.NoError(t, err)
		_, err = c.Balances(context.Background())
		require.NoError(t, err, base)
		assert.Equal(t, 1, w.count(), base)
	}
	assert.Equal(t, "https://app.cryptoprocessing.com/api", CoinsPaidBaseURL)
	assert.Equal(t, "https://app.sandbox.cryptoprocessing.com/api", CoinsPaidSandboxBaseURL)
}

func TestForeignIDCountsCharacters(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 201, fixture(t, "alphapo/take_address.json"))
	_, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{Currency: "BTC", ForeignID: strings.Repeat("é", 255), EndUserReference: "u"})
	require.NoError(t, err)

	w = newWire(t)
	_, err = w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{Currency: "BTC", ForeignID: strings.Repeat("é", 256), EndUserReference: "u"})
	rejected(t, w, err, "foreign_id")
}
