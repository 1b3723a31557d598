package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// rejected checks that err is a *ParamError for field and nothing was sent.
func rejected(t *testing.T, w *wire, err error, field string) {
	t.Helper()
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Equal(t, field, pe.Field)
	assert.Zero(t, w.count(), "requests sent")
}

// TestPingAcceptsAnyAnswer: any 2xx is success, whatever its text (the
// AlphaPoClient.Ping row of alphapoWire serves the documented "OK").
func TestPingAcceptsAnyAnswer(t *testing.T) {
	for _, answer := range []string{"", `{"status":"ok"}`} {
		w := newWire(t)
		w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/ping", 200, answer)
		require.NoError(t, w.alphapo().Ping(context.Background()), answer)
		assert.Equal(t, 1, w.count())
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

// TestLenientResultsDecodeAfresh: decoding into a result that holds an
// earlier value leaves nothing of it, as it did when these types decoded
// through a new mirror.
func TestLenientResultsDecodeAfresh(t *testing.T) {
	taken := TakenAddress{ID: 1, Currency: "BTC", Address: "old", Tag: "memo", ForeignID: "f"}
	require.NoError(t, json.Unmarshal([]byte(`{"address":"new"}`), &taken))
	assert.Equal(t, TakenAddress{Address: "new"}, taken)

	tx := AlphaPoTransaction{ID: 1, Status: "confirmed", CryptoAddress: &AlphaPoCryptoAddress{ID: 2, Tag: "t"}}
	require.NoError(t, json.Unmarshal([]byte(`{"id":"3"}`), &tx))
	assert.Equal(t, AlphaPoTransaction{ID: 3}, tx)
}
