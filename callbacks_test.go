package cryptopay

import (
	"context"
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
