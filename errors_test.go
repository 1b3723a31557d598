package cryptopay

import (
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
