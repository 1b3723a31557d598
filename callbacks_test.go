package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallbackInfo(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))

	got, err := w.account().CallbackInfo(context.Background(), "tbtc")
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/callback", req.Path)
	assert.Equal(t, "currency=tbtc&transfer-key="+testTransferKey, req.RawQuery)
	assert.Equal(t, &AccountCallback{
		Account:  testAccountID,
		Currency: "btc",
		Callback: &Callback{Method: "POST", URL: "https://example.com", Data: map[string]string{"key": "secret"}},
	}, got)
}

func TestAddressCallbackInfo(t *testing.T) {
	w := newWire(t)
	addr := "3N5unaGDEGnS6f2J9W9dBnA2cavymLNdqmU"
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/"+addr+"/callback", 200, fixture(t, "apirone/address_callback.json"))

	got, err := w.account().AddressCallbackInfo(context.Background(), addr)
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses/"+addr+"/callback", req.Path)
	assert.Equal(t, "transfer-key="+testTransferKey, req.RawQuery)
	assert.Equal(t, &AddressCallback{
		Account:  testAccountID,
		Currency: "btc",
		Address:  addr,
		Callback: &Callback{Method: "POST", URL: "https://example.com", Data: map[string]string{"key": "secret"}},
	}, got)
}

func TestAddressCallbackLog(t *testing.T) {
	w := newWire(t)
	addr := "3N5unaGDEGnS6f2J9W9dBnA2cavymLNdqmU"
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/"+addr+"/callback-log", 200, fixture(t, "apirone/address_callback_log.json"))

	got, err := w.account().AddressCallbackLog(context.Background(), addr, &PageParams{Limit: 5, Offset: 1})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses/"+addr+"/callback-log", req.Path)
	assert.Equal(t, "limit=5&offset=1&transfer-key="+testTransferKey, req.RawQuery)
	assert.Equal(t, &CallbackLogPage{
		Account:  testAccountID,
		Currency: "btc",
		Address:  addr,
		Log: []CallbackLogEntry{{
			Date: ts(t, "2021-12-26T08:49:24.487630"),
			Request: CallbackLogRequest{
				Method: "POST",
				URL:    "https://example.com",
				Args: PaymentCallback{
					Value:                NewAmount(10000),
					InputAddress:         "3MxnbK5gY11gKTfoybNcBLJZe4qwYMqG2FZ",
					Confirmations:        1,
					InputTransactionHash: "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de",
					Account:              "apr-e7be0e8eabd391b499fe64647576fad5",
					Currency:             "btc",
				},
			},
			Response: CallbackLogResponse{
				Status: 200,
				Headers: map[string]string{
					"Server":            "nginx",
					"Content-Type":      "text/plain; charset=UTF-8",
					"Transfer-Encoding": "chunked",
					"Vary":              "Accept-Encoding",
					"X-Request-Id":      "bf4cd064-f6ea-4ccc-afd8-455d80eeb910",
					"X-Token-Id":        "7df4ab05-494f-41d9-bd78-61424d1aee25",
					"Cache-Control":     "no-cache, private",
					"Date":              "Sun, 26 Dec 2021 08:49:24 GMT",
				},
				Content: "*ok*",
			},
		}},
		Pagination: Pagination{Total: 1, Offset: 0, Limit: 10},
	}, got)
}

func TestProtectedCallsWithoutTransferKeySendNothing(t *testing.T) {
	w := newWire(t)
	acct := w.apirone().Account(testAccountID, "")
	ctx := context.Background()
	_, err1 := acct.CallbackInfo(ctx, "btc")
	_, err2 := acct.AddressCallbackInfo(ctx, "3N5u")
	_, err3 := acct.AddressCallbackLog(ctx, "3N5u", nil)
	for _, err := range []error{err1, err2, err3} {
		var pe *ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "transfer-key", pe.Field)
	}
	assert.Zero(t, w.count())
}

func TestCallbackInfoNeedsCurrency(t *testing.T) {
	w := newWire(t)
	_, err := w.account().CallbackInfo(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Zero(t, w.count())
}
