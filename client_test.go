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

func TestClientFormat(t *testing.T) {
	c, err := NewClient()
	require.NoError(t, err)
	assert.Equal(t, "cryptopay.Client{https://apirone.com/api}", fmt.Sprintf("%+v", c))
}
