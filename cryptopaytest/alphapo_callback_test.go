package cryptopaytest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// The published callback vector: the helper produces its signature.
func TestSignAlphaPoCallbackVector(t *testing.T) {
	raw, err := os.ReadFile("../testdata/signing/alphapo-callback-vector.json")
	require.NoError(t, err)
	var vec struct{ Secret, Body, Signature string }
	require.NoError(t, json.Unmarshal(raw, &vec))

	h := cryptopaytest.SignAlphaPoCallback("merchant-key", vec.Secret, []byte(vec.Body))
	assert.Equal(t, http.Header{
		"Content-Type":           {"application/json"},
		"X-Processing-Key":       {"merchant-key"},
		"X-Processing-Signature": {vec.Signature},
	}, h)
}

// A callback built by the helper and sent over a real connection passes the
// SDK's verifier and reaches the merchant's function.
func TestNewAlphaPoCallbackRequest(t *testing.T) {
	v, err := cryptopay.NewAlphaPoCallbackVerifier("merchant-key", "merchant-secret")
	require.NoError(t, err)
	got := make(chan *cryptopay.AlphaPoTransaction, 1)
	srv := httptest.NewServer(v.Handler(func(_ context.Context, cb *cryptopay.AlphaPoTransaction) error {
		got <- cb
		return nil
	}))
	defer srv.Close()

	body, err := json.Marshal(cryptopay.AlphaPoTransaction{
		ID:     42,
		Type:   cryptopay.AlphaPoTxDeposit,
		Status: cryptopay.AlphaPoStatusConfirmed,
		CurrencyReceived: &cryptopay.AlphaPoCurrencyAmount{
			Currency: "BTC", Amount: cryptopay.MustDecimal("0.01000000"),
		},
	})
	require.NoError(t, err)

	resp, err := srv.Client().Do(cryptopaytest.NewAlphaPoCallbackRequest(srv.URL+"/alphapo", "merchant-key", "merchant-secret", body))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cb := <-got
	assert.Equal(t, "42:confirmed", cb.DedupeKey())
	assert.Equal(t, "0.01000000", cb.CurrencyReceived.Amount.String())

	resp, err = srv.Client().Do(cryptopaytest.NewAlphaPoCallbackRequest(srv.URL+"/alphapo", "merchant-key", "wrong-secret", body))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestNewAlphaPoCallbackRequestPanicsOnBadURL(t *testing.T) {
	assert.PanicsWithValue(t, "cryptopaytest: NewAlphaPoCallbackRequest: invalid url", func() {
		cryptopaytest.NewAlphaPoCallbackRequest("http://a b/?token=t0k3n", "k", "s", nil)
	})
}
