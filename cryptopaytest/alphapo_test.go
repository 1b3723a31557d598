package cryptopaytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func alphaPoClient(t *testing.T, srv *cryptopaytest.Server, key, secret string) *cryptopay.AlphaPoClient {
	t.Helper()
	ap, err := cryptopay.NewAlphaPoClient(key, secret, cryptopay.WithBaseURL(srv.AlphaPoURL()))
	require.NoError(t, err)
	return ap
}

func takeParams(currency string) *cryptopay.TakeAddressParams {
	return &cryptopay.TakeAddressParams{Currency: currency, ForeignID: "customer-17", EndUserReference: "user-17"}
}

func TestTakeAddress(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithAlphaPoCredentials("my-key", "my-secret"))
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	assert.Equal(t, "my-key", key)
	assert.Equal(t, "my-secret", secret)
	ap := srv.AlphaPoClient()

	p := takeParams("BTC")
	p.ConvertTo = "EUR"
	got, err := ap.TakeAddress(ctx, p)
	require.NoError(t, err)
	assert.Regexp(t, `^bc1q[02-9ac-hj-np-z]{38}$`, got.Address)
	assert.Equal(t, &cryptopay.TakenAddress{
		ID: 1, Currency: "BTC", ConvertTo: "EUR", Address: got.Address, ForeignID: "customer-17", EndUserReference: "user-17",
	}, got)

	again, err := ap.TakeAddress(ctx, p)
	require.NoError(t, err)
	assert.NotEqual(t, got.Address, again.Address, "each take hands out a new address")
	assert.Equal(t, int64(2), again.ID)

	xrp, err := ap.TakeAddress(ctx, takeParams("XRP"))
	require.NoError(t, err)
	assert.Regexp(t, `^r`, xrp.Address)
	assert.Regexp(t, `^[1-9]{9}$`, xrp.Tag)
}

func TestTakeAddressWireShape(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	body := `{"currency":"ETH","foreign_id":"f1","end_user_reference":"u1"}`
	status, got := send(t, http.MethodPost, srv.AlphaPoURL()+"/v2/addresses/take", body, signed(key, secret, body))
	require.Equal(t, http.StatusOK, status)
	var wire struct {
		Data map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &wire))
	assert.Equal(t, float64(1), wire.Data["id"])
	assert.Nil(t, wire.Data["tag"])
	assert.Contains(t, wire.Data, "tag")
	assert.NotContains(t, wire.Data, "convert_to", "no conversion, no convert_to")
	assert.Equal(t, "f1", wire.Data["foreign_id"])
}

func signed(key, secret, body string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Processing-Key", key)
	h.Set("X-Processing-Signature", cryptopay.NewSigner(secret).Sign([]byte(body)))
	return h
}

func TestTakeAddressRefusesBadCredentials(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()

	for name, tc := range map[string]struct{ key, secret, want, code string }{
		"wrong secret": {key, "not-the-secret", "Bad signature header", "bad_header_signature"},
		"wrong key":    {"not-the-key", secret, "Bad key header", "bad_header_key"},
	} {
		_, err := alphaPoClient(t, srv, tc.key, tc.secret).TakeAddress(ctx, takeParams("BTC"))
		require.ErrorIs(t, err, cryptopay.ErrUnauthorized, name)
		ae := apiError(t, err)
		assert.Equal(t, http.StatusForbidden, ae.StatusCode, name)
		assert.Equal(t, tc.want, ae.Message, name)
		assert.Equal(t, tc.code, ae.Code, name)
	}

	// Missing headers, which the SDK never sends.
	url, body := srv.AlphaPoURL()+"/v2/addresses/take", `{"currency":"BTC","foreign_id":"f","end_user_reference":"u"}`
	noKey := signed(key, secret, body)
	noKey.Del("X-Processing-Key")
	noSig := signed(key, secret, body)
	noSig.Del("X-Processing-Signature")
	for name, tc := range map[string]struct {
		header http.Header
		want   string
	}{
		"no key":       {noKey, `{"error":"No key header","code":"required_header_key"}`},
		"no signature": {noSig, `{"error":"No signature header","code":"required_header_signature"}`},
	} {
		status, got := send(t, http.MethodPost, url, body, tc.header)
		assert.Equal(t, http.StatusForbidden, status, name)
		assert.JSONEq(t, tc.want, got, name)
	}
}

func TestTakeAddressValidatesFields(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	url := srv.AlphaPoURL() + "/v2/addresses/take"

	for body, want := range map[string]string{
		`{}`: `{"errors":{"currency":"This field is required.","foreign_id":"This field is required.","end_user_reference":"This field is required."}}`,
		`{"currency":"DOGGO","foreign_id":"f","end_user_reference":"u","convert_to":"YEN"}`: `{"errors":{"currency":"Unsupported currency.","convert_to":"Unsupported currency."}}`,
		`{"currency":"BTC",`: `{"error":"Bad content format","code":"bad_content_format"}`,
	} {
		status, got := send(t, http.MethodPost, url, body, signed(key, secret, body))
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.JSONEq(t, want, got, body)
	}
}

func TestAlphaPoDepositSendsSignedCallbacks(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	taken, err := srv.AlphaPoClient().TakeAddress(ctx, takeParams("BTC"))
	require.NoError(t, err)

	var refused atomic.Bool
	rc := newReceiver(t, func(in received) (int, string) {
		if !cryptopay.NewSigner(secret).Verify([]byte(in.Body), in.Header.Get("X-Processing-Signature")) || in.Header.Get("X-Processing-Key") != key {
			return http.StatusForbidden, "bad signature"
		}
		if refused.CompareAndSwap(false, true) { // the first time only
			return http.StatusServiceUnavailable, ""
		}
		return http.StatusOK, ""
	})

	res, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
		Address: taken.Address, Amount: cryptopay.MustDecimal("0.01000000"), CallbackURL: rc.URL + "/alphapo",
	})
	require.NoError(t, err)
	require.Len(t, res.Deliveries, 1)
	assert.Equal(t, http.StatusServiceUnavailable, res.Deliveries[0].Status, "the signature verified; the receiver refused")
	assert.False(t, res.Deliveries[0].Acknowledged)

	var cb map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Deliveries[0].Body), &cb))
	assert.Equal(t, float64(res.ID), cb["id"])
	assert.Equal(t, "deposit", cb["type"])
	assert.Equal(t, "not_confirmed", cb["status"])
	assert.NotContains(t, cb, "foreign_id", "a deposit callback has the customer's id in crypto_address only")
	assert.Equal(t, "", cb["error"])
	assert.Equal(t, map[string]any{"currency": "BTC", "amount": "0.01000000"}, cb["currency_sent"])
	addr := cb["crypto_address"].(map[string]any)
	assert.Equal(t, taken.Address, addr["address"])
	assert.Equal(t, "customer-17", addr["foreign_id"])
	txs := cb["transactions"].([]any)
	require.Len(t, txs, 1)
	assert.Equal(t, res.TxID, txs[0].(map[string]any)["txid"])
	assert.Equal(t, float64(0), txs[0].(map[string]any)["confirmations"])

	// Next block: confirmed, sent again and acknowledged; then nothing more.
	mined, err := srv.Mine(ctx, 1)
	require.NoError(t, err)
	require.Len(t, mined, 1)
	assert.True(t, mined[0].Acknowledged)
	assert.Contains(t, mined[0].Body, `"status":"confirmed"`)
	mined, err = srv.Mine(ctx, 2)
	require.NoError(t, err)
	assert.Empty(t, mined)
	assert.Len(t, rc.calls(), 2)
}

func TestAlphaPoDepositRefusesBadParams(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	taken, err := srv.AlphaPoClient().TakeAddress(ctx, takeParams("LTC"))
	require.NoError(t, err)
	for name, p := range map[string]cryptopaytest.AlphaPoDepositParams{
		"unknown address": {Address: "ltc1qnotours", Amount: cryptopay.MustDecimal("1"), CallbackURL: "http://127.0.0.1:1"},
		"no amount":       {Address: taken.Address, CallbackURL: "http://127.0.0.1:1"},
		"no callback URL": {Address: taken.Address, Amount: cryptopay.MustDecimal("1")},
	} {
		_, err := srv.AlphaPoDeposit(ctx, p)
		assert.Error(t, err, name)
	}
}

func TestServerPrintsNoSecret(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithAlphaPoCredentials("k", "super-secret-value"))
	defer srv.Close()
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(format, srv)
		assert.NotContains(t, got, "super-secret-value", format)
		assert.Equal(t, "cryptopaytest.Server{"+srv.URL()+"}", got, format)
	}
}
