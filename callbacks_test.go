package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallbackInfoNeedsCurrency(t *testing.T) {
	w := newWire(t)
	_, err := w.account().CallbackInfo(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Zero(t, w.count())
}

// DeliveredData is the Data a callback of that configuration arrives
// with: a POST's data; a GET's data and URL query, the query first, less
// the payment's own fields.
func TestCallbackDeliveredData(t *testing.T) {
	data := map[string]string{"order": "7", "shop": "data", "value": "1"}
	tests := []struct {
		method, url string
		want        map[string]string
	}{
		{"", "https://shop.example/cb?shop=url", data},
		{"POST", "https://shop.example/cb?shop=url", data},
		{"GET", "https://shop.example/cb?shop=url&tag=a&tag=b&confirmations=9", map[string]string{"order": "7", "shop": "url", "tag": "a"}},
		{"get", "https://shop.example/cb", map[string]string{"order": "7", "shop": "data"}},
	}
	for _, tt := range tests {
		cb := &Callback{Method: tt.method, URL: tt.url, Data: data}
		assert.Equal(t, tt.want, cb.DeliveredData(), "%s %s", tt.method, tt.url)
	}
	assert.Nil(t, (&Callback{Method: "GET", URL: "https://shop.example/cb?value=1"}).DeliveredData())
	assert.Equal(t, map[string]string{"order": "7", "shop": "data", "value": "1"}, data, "cb.Data unchanged")

	// Exactly what the GET handler puts in PaymentCallback.Data.
	cb := &Callback{Method: "GET", URL: "https://shop.example/cb?shop=url&tag=a", Data: data}
	q := url.Values{"input_address": {"a"}, "value": {"5"}}
	for k, v := range data {
		q.Set(k, v)
	}
	parsed, err := ParsePaymentCallback(httptest.NewRequest(http.MethodGet, cb.URL+"&"+q.Encode(), nil))
	require.NoError(t, err)
	assert.Equal(t, cb.DeliveredData(), parsed.Data)
}

// Apirone's docs answer callback data with numbers ("invoice_id": 1234
// in https://apirone.com/docs/address; the example is
// "data":{"user":"john","order":123456}): every call that
// returns a Callback reads number and boolean values as their text, as
// PaymentCallback.Data does, instead of failing the whole call (for
// GenerateAddress, after the address was made).
func TestCallbackDataLenient(t *testing.T) {
	const callback = `{"method":"POST","url":"https://shop.example/cb","data":{"user":"john","order":123456,"paid":false,"note":null}}`
	want := &Callback{Method: "POST", URL: "https://shop.example/cb", Data: map[string]string{"user": "john", "order": "123456", "paid": "false", "note": ""}}
	ctx := context.Background()
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/addresses", 200,
		`{"account":"`+testAccountID+`","currency":"btc","address":"3N3K","type":"p2sh-p2wpkh","callback":`+callback+`}`)
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/3N3K/callback", 200,
		`{"account":"`+testAccountID+`","currency":"btc","address":"3N3K","callback":`+callback+`}`)
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200,
		`{"account":"`+testAccountID+`","currency":"btc","callback":`+callback+`}`)
	acct := w.account()

	addr, err := acct.GenerateAddress(ctx, &GenerateAddressParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, want, addr.Callback)
	info, err := acct.AddressCallbackInfo(ctx, "3N3K")
	require.NoError(t, err)
	assert.Equal(t, want, info.Callback)
	saved, err := acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, want, saved.Callback)

	var cb Callback
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"url":"u","data":"x"}`), &cb), "want a JSON object")
	require.NoError(t, json.Unmarshal([]byte(`{"url":"u","data":[]}`), &cb))
	assert.Nil(t, cb.Data)
}

func TestCallbackHidesSecrets(t *testing.T) {
	cb := Callback{Method: "POST", URL: "https://shop.example.com/cb?token=url-secret", Data: map[string]string{"secret": "data-secret", "order": "1042"}}
	p := &GenerateAddressParams{Currency: "btc", Callback: &cb}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{cb, &cb, p} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "url-secret", verb)
			assert.NotContains(t, out, "data-secret", verb)
		}
	}
	assert.Equal(t, "cryptopay.Callback{Method:POST URL:https://shop.example.com/cb?REDACTED DataKeys:[order secret]}", fmt.Sprint(cb))
}
