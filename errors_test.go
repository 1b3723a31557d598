package cryptopay

import (
	"bytes"
	"fmt"
	"strings"

	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPIErrorSentinels pins which statuses match which sentinel, edges
// included.
func TestAPIErrorSentinels(t *testing.T) {
	sentinels := map[string]error{
		"ErrBadRequest": ErrBadRequest, "ErrUnauthorized": ErrUnauthorized, "ErrNotFound": ErrNotFound,
		"ErrRateLimited": ErrRateLimited, "ErrServer": ErrServer,
		"ErrInvalidParams": ErrInvalidParams, "ErrOutcomeUnknown": ErrOutcomeUnknown,
	}
	for _, tc := range []struct {
		status int
		want   string // the one sentinel matched; "": none
	}{
		{200, ""}, {303, ""}, {399, ""},
		{400, "ErrBadRequest"}, {401, "ErrUnauthorized"}, {402, ""}, {403, "ErrUnauthorized"},
		{404, "ErrNotFound"}, {405, ""}, {409, ""}, {421, ""}, {422, "ErrBadRequest"}, {423, ""},
		{428, ""}, {429, "ErrRateLimited"}, {430, ""}, {499, ""},
		{500, "ErrServer"}, {503, "ErrServer"}, {599, "ErrServer"},
	} {
		err := error(&APIError{StatusCode: tc.status})
		for name, sentinel := range sentinels {
			assert.Equal(t, name == tc.want, errors.Is(err, sentinel), "status %d, %s", tc.status, name)
		}
	}
}

// TestRawText: AlphaPo "code" and "errors" values print as plain text,
// whatever JSON the provider put there.
func TestRawText(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{`"bad_header_signature"`, "bad_header_signature"},
		{`"caf\u00e9"`, "café"},
		{` 42 `, "42"},
		{`["too short", "not hex"]`, "too short; not hex"},
		{`[]`, ""},
		{` true `, "true"},
		{`{"min": 1}`, `{"min": 1}`},
	} {
		assert.Equal(t, c.want, rawText(json.RawMessage(c.raw)), c.raw)
	}
}

// TestAPIErrorReadsOnlyItsProvidersMembers: an *APIError holds what the
// call's own provider wrote (Apirone: "message"; AlphaPo: "error", "code"
// and "errors"), never the other provider's members that a body happens to
// carry: the Apirone client took AlphaPo's "errors" and the AlphaPo client
// preferred "message" over its own "error", printing text the provider
// never gave as its error.
func TestAPIErrorReadsOnlyItsProvidersMembers(t *testing.T) {
	const mixed = `{"message":"from a message member","error":"from an error member","code":"some_code",` +
		`"errors":{"amount":"from an errors member"}}`
	ctx := context.Background()
	for _, tc := range []struct {
		name, body string
		call       func(w *wire) error
		route      string
		want       APIError
		text       string
	}{
		{
			name: "Apirone's own body", body: `{"message":"Invalid wallet."}`,
			call:  func(w *wire) error { _, err := w.account().Balance(ctx, nil); return err },
			route: apironeAccountURL + "/balance",
			want:  APIError{Message: "Invalid wallet."},
			text:  "cryptopay: GET /v2/accounts/" + testAccountID + "/balance: 400 Bad Request: Invalid wallet.",
		},
		{
			name: "Apirone, other members", body: mixed,
			call:  func(w *wire) error { _, err := w.account().Balance(ctx, nil); return err },
			route: apironeAccountURL + "/balance",
			want:  APIError{Message: "from a message member"},
			text:  "cryptopay: GET /v2/accounts/" + testAccountID + "/balance: 400 Bad Request: from a message member",
		},
		{
			name: "Apirone, AlphaPo's members only", body: `{"error":"from an error member","code":"c","errors":{"a":"b"}}`,
			call:  func(w *wire) error { _, err := w.account().Balance(ctx, nil); return err },
			route: apironeAccountURL + "/balance",
			want:  APIError{},
			text:  "cryptopay: GET /v2/accounts/" + testAccountID + "/balance: 400 Bad Request",
		},
		{
			name: "AlphaPo's own signature error", body: `{"error":"Bad signature header","code":"bad_header_signature"}`,
			call:  func(w *wire) error { return w.alphapo().Ping(ctx) },
			route: AlphaPoBaseURL + "/v2/ping",
			want:  APIError{Message: "Bad signature header", Code: "bad_header_signature"},
			text:  "cryptopay: GET /v2/ping: 400 Bad Request: Bad signature header (bad_header_signature)",
		},
		{
			name: "AlphaPo's own field errors", body: `{"errors":{"currency":"The currency field is required."}}`,
			call: func(w *wire) error {
				_, err := w.alphapo().TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: "f", EndUserReference: "u"})
				return err
			},
			route: AlphaPoBaseURL + "/v2/addresses/take",
			want:  APIError{Fields: map[string]string{"currency": "The currency field is required."}},
			text:  "cryptopay: POST /v2/addresses/take: 400 Bad Request; currency: The currency field is required.",
		},
		{
			name: "AlphaPo, other members", body: mixed,
			call:  func(w *wire) error { return w.alphapo().Ping(ctx) },
			route: AlphaPoBaseURL + "/v2/ping",
			want:  APIError{Message: "from an error member", Code: "some_code", Fields: map[string]string{"amount": "from an errors member"}},
			text:  "cryptopay: GET /v2/ping: 400 Bad Request: from an error member (some_code); amount: from an errors member",
		},
		{
			name: "AlphaPo, Apirone's member only", body: `{"message":"from a message member"}`,
			call:  func(w *wire) error { return w.alphapo().Ping(ctx) },
			route: AlphaPoBaseURL + "/v2/ping",
			want:  APIError{},
			text:  "cryptopay: GET /v2/ping: 400 Bad Request",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWire(t)
			method := http.MethodGet
			if tc.route == AlphaPoBaseURL+"/v2/addresses/take" {
				method = http.MethodPost
			}
			w.respond(method, tc.route, http.StatusBadRequest, tc.body)
			var apiErr *APIError
			require.ErrorAs(t, tc.call(w), &apiErr)
			assert.Equal(t, tc.want.Message, apiErr.Message)
			assert.Equal(t, tc.want.Code, apiErr.Code)
			assert.Equal(t, tc.want.Fields, apiErr.Fields)
			assert.Equal(t, tc.text, apiErr.Error())
			assert.Equal(t, tc.body, string(apiErr.Body), "the whole answer stays in Body")
		})
	}
}

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

// FuzzAPIErrorBody feeds any error answer to newAPIError, as each
// provider's: it keeps at most 4 KiB of the body, matches the sentinel of
// its status, and prints the provider's message only when the body is JSON.
func FuzzAPIErrorBody(f *testing.F) {
	f.Add(400, []byte(`{"message": "Invalid wallet."}`))
	f.Add(400, []byte(`{"errors": {"currency": ["is required", "is invalid"]}}`))
	f.Add(403, []byte(`{"error": "Bad signature", "code": "bad_header_signature"}`))
	f.Add(429, []byte(`error code: 1015`))
	f.Add(502, []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, p := range []provider{apirone, alphaPo} {
			e := newAPIError(p, http.MethodPost, "/v2/addresses/take", status, body)
			if len(e.Body) > maxErrorBody || !bytes.HasPrefix(body, e.Body) {
				t.Fatalf("Body %q is not a prefix of at most %d bytes", e.Body, maxErrorBody)
			}
			prefix := fmt.Sprintf("cryptopay: POST /v2/addresses/take: %d %s", status, http.StatusText(status))
			msg := e.Error()
			if !strings.HasPrefix(msg, prefix) {
				t.Fatalf("Error() = %q", msg)
			}
			if !json.Valid(e.Body) && msg != prefix {
				t.Fatalf("a body that is not JSON shows in Error(): %q", msg)
			}
			if p == apirone && (e.Code != "" || e.Fields != nil) {
				t.Fatalf("an Apirone error took AlphaPo's members: %+v", e)
			}
			if e.Is(ErrServer) != (status >= 500) || e.Is(ErrNotFound) != (status == 404) {
				t.Fatalf("status %d matches the wrong sentinel", status)
			}
		}
	})
}
