package cryptopay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// During a rotation the handler accepts the old and the new secret, under
// one key or two, refuses any other, and strips every configured key from
// the data it passes on.
func TestCallbackSecretRotation(t *testing.T) {
	const oldSecret, newSecret = "old-5ecret-0001", "new-5ecret-0002"
	body := func(data string) string {
		return `{"input_address":"a","input_transaction_hash":"h","confirmations":1,"data":` + data + `}`
	}
	var got []map[string]string
	record := func(_ context.Context, cb *PaymentCallback) error { got = append(got, cb.Data); return nil }
	handlers := map[string]http.Handler{
		"one option, two values": PaymentCallbackHandler(record, WithCallbackSecret("secret", newSecret, oldSecret)),
		"two options":            PaymentCallbackHandler(record, WithCallbackSecret("secret", newSecret), WithCallbackSecret("secret", oldSecret)),
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			got = nil
			assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", body(`{"secret":"`+newSecret+`","order":"1"}`))).Code)
			assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", body(`{"secret":"`+oldSecret+`","order":"2"}`))).Code)
			assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb?secret="+oldSecret, body(`{"order":"3"}`))).Code)
			assert.Equal(t, http.StatusForbidden, serve(h, postCallback("/cb", body(`{"secret":"other-5ecret","order":"4"}`))).Code)
			assert.Equal(t, []map[string]string{{"order": "1"}, {"order": "2"}, {"order": "3"}}, got)
		})
	}

	// A new key name: callbacks carry either key; both are stripped.
	got = nil
	h := PaymentCallbackHandler(record, WithCallbackSecret("token", newSecret), WithCallbackSecret("secret", oldSecret))
	assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", body(`{"token":"`+newSecret+`","secret":"junk","order":"1"}`))).Code)
	assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", body(`{"secret":"`+oldSecret+`","order":"2"}`))).Code)
	assert.Equal(t, http.StatusForbidden, serve(h, postCallback("/cb", body(`{"token":"`+oldSecret+`","order":"3"}`))).Code,
		"a secret counts only under its own key")
	assert.Equal(t, []map[string]string{{"order": "1"}, {"order": "2"}}, got)

	// No value at all fails closed, as an empty one does.
	assert.Equal(t, http.StatusForbidden, serve(PaymentCallbackHandler(record, WithCallbackSecret("secret")),
		postCallback("/cb", body(`{"secret":""}`))).Code)

	// VerifyCallbackSecret takes the same values.
	assert.NoError(t, VerifyCallbackSecret(postCallback("/cb", body(`{"secret":"`+oldSecret+`"}`)), "secret", newSecret, oldSecret))
	err := VerifyCallbackSecret(postCallback("/cb", body(`{"secret":"other"}`)), "secret", newSecret, oldSecret)
	assert.ErrorIs(t, err, ErrCallbackUnverified)
	assert.NotContains(t, err.Error(), oldSecret)
	assert.NotContains(t, err.Error(), newSecret)
	assert.ErrorIs(t, VerifyCallbackSecret(postCallback("/cb", body(`{"secret":"x"}`)), "secret"), ErrCallbackUnverified)
}

// One verifier serves several merchants: each callback verifies with its
// own pair only, and the handler's function learns whose it is.
func TestAlphaPoVerifierSeveralPairs(t *testing.T) {
	v, err := NewAlphaPoCallbackVerifier("key-a", "secret-a")
	require.NoError(t, err)
	require.NoError(t, v.Add("key-b", "secret-b"))
	assert.ErrorIs(t, v.Add("", "secret-c"), ErrInvalidParams)
	assert.ErrorIs(t, v.Add("key-c", ""), ErrInvalidParams)

	const body = `{"id":7,"type":"deposit","status":"confirmed"}`
	signed := func(key, secret string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/alphapo", strings.NewReader(body))
		r.Header.Set("X-Processing-Key", key)
		r.Header.Set("X-Processing-Signature", NewSigner(secret).Sign([]byte(body)))
		return r
	}
	var keys []string
	h := v.Handler(func(ctx context.Context, tx *AlphaPoTransaction) error {
		keys = append(keys, AlphaPoCallbackKey(ctx))
		return nil
	})
	assert.Equal(t, http.StatusOK, serve(h, signed("key-a", "secret-a")).Code)
	assert.Equal(t, http.StatusOK, serve(h, signed("key-b", "secret-b")).Code)
	assert.Equal(t, http.StatusForbidden, serve(h, signed("key-a", "secret-b")).Code, "another merchant's secret")
	assert.Equal(t, http.StatusForbidden, serve(h, signed("key-c", "secret-a")).Code, "an unknown key")
	assert.Equal(t, []string{"key-a", "key-b"}, keys)

	assert.Empty(t, AlphaPoCallbackKey(context.Background()))
	req := signed("key-b", "secret-b")
	tx, err := v.ParseRequest(req)
	require.NoError(t, err)
	assert.Equal(t, int64(7), tx.ID)
}
