package cryptopay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
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
