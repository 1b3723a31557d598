package cryptopay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signedHeader is what AlphaPo sends with body.
func signedHeader(key, secret string, body []byte) http.Header {
	h := make(http.Header)
	h.Set("Content-Type", "application/json")
	h.Set("X-Processing-Key", key)
	h.Set("X-Processing-Signature", NewSigner(secret).Sign(body))
	return h
}

func signedRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/alphapo", strings.NewReader(string(body)))
	r.Header = signedHeader(testAlphaKey, testAlphaSecret, body)
	return r
}

func testVerifier(t *testing.T) *AlphaPoCallbackVerifier {
	t.Helper()
	v, err := NewAlphaPoCallbackVerifier(testAlphaKey, testAlphaSecret)
	require.NoError(t, err)
	return v
}

// The published callback vector: its signature verifies over the body
// exactly as given, and every field decodes.
func TestAlphaPoCallbackVector(t *testing.T) {
	vec := signingVectors(t)[1]
	v, err := NewAlphaPoCallbackVerifier(testAlphaKey, vec.Secret)
	require.NoError(t, err)
	body := []byte(vec.Body)
	h := http.Header{"X-Processing-Key": {testAlphaKey}, "X-Processing-Signature": {vec.Signature}}

	got, err := v.Parse(body, h)
	require.NoError(t, err)
	assert.Equal(t, &AlphaPoTransaction{
		ID:   3576,
		Type: AlphaPoTxDepositExchange,
		CryptoAddress: &AlphaPoCryptoAddress{
			ID: 7419, Currency: "BTC", ConvertTo: "USD", Address: "2N1QTWoPZ6Z7rQue3KS5YAMUQhKabrN4nHn", ForeignID: "test",
		},
		CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.00100000")},
		CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "USD", Amount: dec("11.40406820"), AmountMinusFee: decp("10.81135268")},
		Transactions: []AlphaPoTxEntry{
			{
				ID: 4418, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
				Address: "2N1QTWoPZ6Z7rQue3KS5YAMUQhKabrN4nHn", Amount: dec("0.00100000"),
				TxID: "daeb0cfb14a2c6d425906f75f14fb4b6b55221a0586a0c890436dd1a9bd9005d", Confirmations: 1,
			},
			{
				ID: 4419, Currency: "BTC", CurrencyTo: "USD", TransactionType: "exchange", Type: "exchange",
				Amount: dec("0.00100000"), AmountTo: decp("11.40406820"),
			},
		},
		Fees:   []AlphaPoFee{{Type: "fee_crypto_deposit_to_fiat", Currency: "USD", Amount: dec("0.59271552")}},
		Status: AlphaPoStatusConfirmed,
	}, got)
	assert.Equal(t, "3576:confirmed", got.DedupeKey())

	// Verification is over the bytes received: the same callback encoded
	// again is different bytes, and does not verify.
	again, err := json.Marshal(got)
	require.NoError(t, err)
	require.NotEqual(t, vec.Body, string(again))
	assert.ErrorIs(t, v.Verify(again, h), ErrCallbackUnverified)
}

// Callback bodies in the shapes of AlphaPo's (CoinsPaid's) published
// examples for each type (docs.cryptoprocessing.com, "Callbacks"), with the
// inconsistencies seen there: confirmations and ids as numbers or strings,
// amounts as strings or numbers, tags as null, numbers or strings.
func TestAlphaPoCallbackTypes(t *testing.T) {
	tests := []struct {
		file string
		want *AlphaPoTransaction
	}{
		// Published examples, one per type: testdata/README.md names the
		// page and tab of each.
		{"deposit.json", &AlphaPoTransaction{
			ID: 1, EndUserReference: "12345", Type: AlphaPoTxDeposit,
			CryptoAddress: &AlphaPoCryptoAddress{
				ID: 1, Currency: "BTC", Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", ForeignID: "user-id:2048",
			},
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512"), AmountMinusFee: decp("6.5119800")},
			Transactions: []AlphaPoTxEntry{{
				ID: 1, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
				Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", Amount: dec("6.53157512"),
				TxID:      "3950ad8149421a850d01dff88f024810e363ac18c9e8dd9bc0b9116e7937ad93",
				RiskScore: "0.5", Confirmations: 3,
			}},
			Fees:   []AlphaPoFee{{Type: "deposit", Currency: "BTC", Amount: dec("0.01959472")}},
			Status: AlphaPoStatusConfirmed,
		}},
		{"deposit_exchange.json", &AlphaPoTransaction{
			ID: 2686510, Type: AlphaPoTxDepositExchange,
			CryptoAddress: &AlphaPoCryptoAddress{
				ID: 382270, Currency: "BTC", ConvertTo: "EUR", Address: "31vnLqxVJ1iShJ5Ly586q8XKucECx12bZS", ForeignID: "13a",
			},
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.01000000")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "EUR", Amount: dec("84.17070222"), AmountMinusFee: decp("79.96216711")},
			Transactions: []AlphaPoTxEntry{
				{
					ID: 714576, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
					Address: "31vnLqxVJ1iShJ5Ly586q8XKucECx12bZS", Amount: dec("0.01000000"),
					TxID:      "3a491da90a1ce5a318d0aeff6867ab98a03219abae29ed68d702291703c3538b",
					RiskScore: "0.42", Confirmations: 1,
				},
				{
					ID: 714577, Currency: "BTC", CurrencyTo: "EUR", TransactionType: "exchange", Type: "exchange",
					Amount: dec("0.01000000"), AmountTo: decp("84.17070222"),
				},
			},
			Fees:   []AlphaPoFee{{Type: "exchange", Currency: "EUR", Amount: dec("4.20853511")}},
			Status: AlphaPoStatusConfirmed,
		}},
		{"invoice.json", &AlphaPoTransaction{
			ID: 588, ForeignID: "8FW1KI7LesB9yxWcK1K", EndUserReference: "12345", Type: AlphaPoTxInvoice,
			CryptoAddress: &AlphaPoCryptoAddress{
				ID: 386897, Currency: "BTC", Address: "2Mvo6FMduhHz1BTDHsQ5GyRoifcG3y4ycpk",
			},
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.02000000"), RemainingAmount: decp("0.01000000")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.02000000")},
			Transactions: []AlphaPoTxEntry{{
				ID: 750294, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
				Address: "2Mvo6FMduhHz1BTDHsQ5GyRoifcG3y4ycpk", Amount: dec("0.01000000"),
				TxID: "528dcda13270f8590853405600bf5634d53aa66d2ce5d3a873006a670f9da788", Confirmations: 0,
			}},
			Fees:    []AlphaPoFee{{Type: "fee_crypto_deposit", Currency: "BTC", Amount: dec("0.0008")}},
			Status:  AlphaPoStatusConfirmed,
			FixedAt: 1592307241, ExpiresAt: 1592308141,
		}},
		// The "Exchange rate is fixed" example of
		// docs.cryptoprocessing.com/api-reference/callbacks/payment-request-callbacks.
		{"payment_request.json", &AlphaPoTransaction{
			PaymentRequestID: "019c0ebf-81e5-751d-aa57-fb9e2cba23c2", ForeignID: "order_12345",
			Type: AlphaPoTxPaymentRequest, Status: AlphaPoStatusProcessing, EndUserEmail: "test@test.com",
			PaymentRequestAddress: &AlphaPoPaymentRequestAddress{
				ID: "019c0ebf-84a1-7bdc-a09c-8b62294cc75d", Currency: "BTC", Network: "bitcoin",
				ConvertTo: "ETH", ConvertToNetwork: "ethereum", Address: "tb1qj0d4rsczat6dx3yy065g98rrz5hewkrdcrz7je",
			},
			PaymentRequestAmount: &AlphaPoCurrencyAmount{Currency: "ETH", Network: "ethereum", Amount: dec("0.3")},
			CurrencySent: &AlphaPoCurrencyAmount{
				Currency: "BTC", Network: "bitcoin", Amount: dec("0.0094"),
				ReceivedAmount: decp("0"), RemainingAmount: decp("0.0094"),
			},
			FixedAt: 1769773958, ExpiresAt: 1769774157, ValidUntil: 1769774157,
		}},
		{"withdrawal.json", &AlphaPoTransaction{
			ID: 1, ForeignID: "10", Type: AlphaPoTxWithdrawal,
			CryptoAddress: &AlphaPoCryptoAddress{
				ID: 1, Currency: "BTC", Address: "115Mn1jCjBh1CNqug7yAB21Hq2rw8PfmTA",
			},
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.02000000")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.02000000")},
			Transactions: []AlphaPoTxEntry{{
				ID: 1, Currency: "BTC", TransactionType: "blockchain", Type: "withdrawal",
				Address: "115Mn1jCjBh1CNqug7yAB21Hq2rw8PfmTA", Amount: dec("0.02"),
				TxID: "bb040d895ef7141ea0b06b04227d8f5dd4ee12d5b890e6e5633f6439393a666b", Confirmations: 3,
			}},
			Fees: []AlphaPoFee{
				{Type: "mining", Currency: "BTC", Amount: dec("0.00007402")},
				{Type: "withdrawal", Currency: "BTC", Amount: dec("0.00002000")},
			},
			Status: AlphaPoStatusConfirmed,
		}},
		// Amounts in its movements are numbers, as published.
		{"withdrawal_exchange.json", &AlphaPoTransaction{
			ID: 1, ForeignID: "20", Type: AlphaPoTxWithdrawalExchange,
			CryptoAddress: &AlphaPoCryptoAddress{
				ID: 1, Currency: "EUR", ConvertTo: "BTC", Address: "1K2btnZ8cqNFBPhaq729Mdj8W6G3w2nBbL",
			},
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "EUR", Amount: dec("381")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.10882300")},
			Transactions: []AlphaPoTxEntry{
				{
					ID: 1, Currency: "EUR", CurrencyTo: "BTC", TransactionType: "exchange", Type: "exchange",
					Amount: dec("381"), AmountTo: decp("0.10882300"),
				},
				{
					ID: 1, Currency: "BTC", TransactionType: "blockchain", Type: "withdrawal",
					Address: "1K2btnZ8cqNFBPhaq729Mdj8W6G3w2nBbL", Amount: dec("0.10882300"),
					TxID: "aa3345b96389e126f1ce88a670d1b1e38f2c3f73fb3ecfff8d9da1b1ce6964a6", Confirmations: 3,
				},
			},
			Fees: []AlphaPoFee{
				{Type: "exchange", Currency: "EUR", Amount: dec("3.04800000")},
				{Type: "mining", Currency: "EUR", Amount: dec("0.04489780")},
			},
			Status: AlphaPoStatusConfirmed,
		}},
		{"exchange.json", &AlphaPoTransaction{
			ID: 2686900, Type: AlphaPoTxExchange,
			CurrencySent:     &AlphaPoCurrencyAmount{Currency: "EUR", Amount: dec("26.75248865")},
			CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.00300000")},
			Transactions: []AlphaPoTxEntry{{
				ID: 715072, Currency: "EUR", CurrencyTo: "BTC", TransactionType: "exchange", Type: "exchange",
				Amount: dec("26.75248865"), AmountTo: decp("0.00300000"),
			}},
			Fees:   []AlphaPoFee{{Type: "exchange", Currency: "EUR", Amount: dec("0.26752489")}},
			Status: AlphaPoStatusConfirmed,
		}},
	}
	v := testVerifier(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := []byte(fixture(t, "alphapo/callbacks/"+tt.file))
			got, err := v.ParseRequest(signedRequest(body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAlphaPoCallbackStatuses(t *testing.T) {
	v := testVerifier(t)
	for _, status := range []AlphaPoStatus{
		AlphaPoStatusConfirmed, AlphaPoStatusNotConfirmed, AlphaPoStatusCancelled, AlphaPoStatusPending,
		AlphaPoStatusDeclined, AlphaPoStatusProcessing, AlphaPoStatusFailed, "some_future_status",
	} {
		body := []byte(`{"id":7,"type":"withdrawal_instant","status":"` + string(status) + `"}`)
		got, err := v.Parse(body, signedHeader(testAlphaKey, testAlphaSecret, body))
		require.NoError(t, err, status)
		assert.Equal(t, status, got.Status)
		assert.Equal(t, AlphaPoTxType("withdrawal_instant"), got.Type, "unknown types pass through")
		assert.Equal(t, "7:"+string(status), got.DedupeKey())
	}
}

func TestAlphaPoVerifyRejects(t *testing.T) {
	v := testVerifier(t)
	body := []byte(fixture(t, "alphapo/callbacks/deposit.json"))
	good := signedHeader(testAlphaKey, testAlphaSecret, body)
	expected := good.Get("X-Processing-Signature")
	with := func(edit func(h http.Header)) http.Header {
		h := good.Clone()
		edit(h)
		return h
	}
	tampered := []byte(strings.Replace(string(body), `"amount": "6.53157512"`, `"amount": "16.53157512"`, 1))
	require.NotEqual(t, body, tampered)

	tests := []struct {
		name   string
		body   []byte
		header http.Header
	}{
		{"tampered body", tampered, good},
		{"trailing newline added", append(append([]byte{}, body...), '\n'), good},
		{"signed with another secret", body, signedHeader(testAlphaKey, "other-secret", body)},
		{"no signature", body, with(func(h http.Header) { h.Del("X-Processing-Signature") })},
		{"empty signature", body, with(func(h http.Header) { h.Set("X-Processing-Signature", "") })},
		{"truncated signature", body, with(func(h http.Header) { h.Set("X-Processing-Signature", expected[:64]) })},
		{"two signatures", body, with(func(h http.Header) { h.Add("X-Processing-Signature", expected) })},
		{"no key", body, with(func(h http.Header) { h.Del("X-Processing-Key") })},
		{"wrong key", body, with(func(h http.Header) { h.Set("X-Processing-Key", "someone-else") })},
		{"two keys", body, with(func(h http.Header) { h.Add("X-Processing-Key", testAlphaKey) })},
		{"no headers", body, http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.body, tt.header)
			require.ErrorIs(t, err, ErrCallbackUnverified)
			assertNoSecrets(t, err.Error(), NewSigner(testAlphaSecret).Sign(tt.body), expected)
			got, err := v.Parse(tt.body, tt.header)
			assert.ErrorIs(t, err, ErrCallbackUnverified)
			assert.Nil(t, got)
		})
	}
	assert.NoError(t, v.Verify(body, with(func(h http.Header) {
		h.Set("X-Processing-Signature", strings.ToUpper(expected))
	})), "hex case does not change the signature")
}

// assertNoSecrets checks that text holds neither the test key and secret
// nor any of the signatures.
func assertNoSecrets(t *testing.T, text string, signatures ...string) {
	t.Helper()
	for _, s := range append(signatures, testAlphaSecret, testAlphaKey) {
		assert.NotContains(t, strings.ToLower(text), strings.ToLower(s))
	}
}

func TestAlphaPoParseMalformed(t *testing.T) {
	v := testVerifier(t)
	for _, body := range []string{`not json`, `{}`, `{"id":5}`, `{"status":"confirmed"}`, `{"id":1,"status":"confirmed","fixed_at":{}}`,
		`{"id":1,"status":"confirmed","transactions":[{"confirmations":"many"}]}`} {
		got, err := v.Parse([]byte(body), signedHeader(testAlphaKey, testAlphaSecret, []byte(body)))
		assert.ErrorIs(t, err, ErrCallbackMalformed, body)
		assert.Nil(t, got)
	}
}

func TestAlphaPoParseRequestLimits(t *testing.T) {
	v := testVerifier(t)
	body := []byte(fixture(t, "alphapo/callbacks/deposit.json"))

	get := signedRequest(body)
	get.Method = http.MethodGet
	_, err := v.ParseRequest(get)
	assert.ErrorIs(t, err, ErrCallbackMethod)

	big := alphaPoCallbackOfSize(MaxCallbackBody + 1)
	_, err = v.ParseRequest(signedRequest(big))
	assert.ErrorIs(t, err, ErrCallbackTooLarge)
	_, err = v.ParseRequest(unknownLength(signedRequest(big)))
	assert.ErrorIs(t, err, ErrCallbackTooLarge)

	_, err = v.ParseRequest(unknownLength(signedRequest(alphaPoCallbackOfSize(MaxCallbackBody))))
	assert.NoError(t, err, "a body of exactly MaxCallbackBody bytes is read")
}

// alphaPoCallbackOfSize is a valid callback body of exactly n bytes.
func alphaPoCallbackOfSize(n int) []byte {
	head, tail := `{"id":1,"status":"confirmed","error":"`, `"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

func TestAlphaPoCallbackHandler(t *testing.T) {
	body := []byte(fixture(t, "alphapo/callbacks/deposit.json"))
	expected := NewSigner(testAlphaSecret).Sign(body)
	tampered := httptest.NewRequest(http.MethodPost, "/alphapo", strings.NewReader(strings.Replace(string(body), "9", "8", 1)))
	tampered.Header = signedHeader(testAlphaKey, testAlphaSecret, body)
	noHeaders := signedRequest(body)
	noHeaders.Header = http.Header{}
	get := signedRequest(body)
	get.Method = http.MethodGet
	oversized := alphaPoCallbackOfSize(MaxCallbackBody + 1)
	notJSON := []byte(`<xml/>`)

	tests := []struct {
		name     string
		req      *http.Request
		fnErr    error
		status   int
		wantCall bool
	}{
		{"valid", signedRequest(body), nil, http.StatusOK, true},
		{"merchant fails", signedRequest(body), errors.New("ledger locked"), http.StatusInternalServerError, true},
		{"tampered", tampered, nil, http.StatusForbidden, false},
		{"missing headers", noHeaders, nil, http.StatusForbidden, false},
		{"GET instead of POST", get, nil, http.StatusMethodNotAllowed, false},
		{"oversized", signedRequest(oversized), nil, http.StatusRequestEntityTooLarge, false},
		{"signed but not JSON", signedRequest(notJSON), nil, http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*AlphaPoTransaction
			h := testVerifier(t).Handler(func(ctx context.Context, cb *AlphaPoTransaction) error {
				got = append(got, cb)
				return tt.fnErr
			})
			rec := serve(h, tt.req)
			assert.Equal(t, tt.status, rec.Code)
			assertNoSecrets(t, rec.Body.String()+fmt.Sprint(rec.Header()), expected)
			if !tt.wantCall {
				assert.Empty(t, got, "the merchant's function is not called")
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, int64(1), got[0].ID)
		})
	}
	rec := serve(testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return nil }), signedRequest(body))
	assert.Empty(t, rec.Body.String(), "success is a bare 200")
	assert.Equal(t, "POST", serve(testVerifier(t).Handler(nil), get).Header().Get("Allow"))
}

func TestNewAlphaPoCallbackVerifier(t *testing.T) {
	_, err := NewAlphaPoCallbackVerifier("", "secret")
	assert.ErrorIs(t, err, ErrInvalidParams)
	_, err = NewAlphaPoCallbackVerifier("key", "")
	assert.ErrorIs(t, err, ErrInvalidParams)

	v, err := NewAlphaPoCallbackVerifier("the-public-key", "the-secret-value")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		out := fmt.Sprintf(verb, v)
		assert.NotContains(t, out, "the-public-key", verb)
		assert.NotContains(t, out, "the-secret-value", verb)
	}
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

// FuzzAlphaPoCallback: a correctly signed body always verifies; whatever
// decodes encodes to JSON that decodes to the same callback; and a body
// verifies only with its own signature.
func FuzzAlphaPoCallback(f *testing.F) {
	f.Add([]byte(vectorBody(f)))
	f.Add([]byte(`{"id":"1","status":"confirmed","transactions":[{"tag":123,"confirmations":"2","amount":1.5}]}`))
	f.Add([]byte(`{"id":1,"status":"x","crypto_address":{"tag":null},"fixed_at":"5"}`))
	v, err := NewAlphaPoCallbackVerifier(testAlphaKey, testAlphaSecret)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		h := signedHeader(testAlphaKey, testAlphaSecret, body)
		cb, err := v.Parse(body, h)
		if errors.Is(err, ErrCallbackUnverified) {
			t.Fatalf("a correctly signed body failed verification: %v", err)
		}
		if err != nil {
			return
		}
		encoded, err := json.Marshal(cb)
		require.NoError(t, err)
		again, err := decodeAlphaPoCallback(encoded)
		require.NoError(t, err, "%s", encoded)
		reencoded, err := json.Marshal(again)
		require.NoError(t, err)
		assert.Equal(t, string(encoded), string(reencoded))
		if string(encoded) != string(body) {
			assert.ErrorIs(t, v.Verify(encoded, h), ErrCallbackUnverified)
		}
	})
}

// vectorBody is the callback vector's body, for seeding a fuzz test.
func vectorBody(f *testing.F) string {
	raw, err := os.ReadFile("testdata/signing/alphapo-callback-vector.json")
	require.NoError(f, err)
	var vec signingVector
	require.NoError(f, json.Unmarshal(raw, &vec))
	return vec.Body
}

// A verifier with no pair (never set, new(...), nil) refuses every
// callback instead of panicking, and Add gives a zero one its first pair.
func TestAlphaPoVerifierZero(t *testing.T) {
	body := []byte(`{"id":7,"type":"deposit","status":"confirmed"}`)
	var field struct{ Verifier AlphaPoCallbackVerifier }
	for name, v := range map[string]*AlphaPoCallbackVerifier{"new": new(AlphaPoCallbackVerifier), "field": &field.Verifier, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, v.Verify(body, signedHeader(testAlphaKey, testAlphaSecret, body)), ErrCallbackUnverified)
			cb, err := v.Parse(body, signedHeader(testAlphaKey, testAlphaSecret, body))
			assert.ErrorIs(t, err, ErrCallbackUnverified)
			assert.Nil(t, cb)
			_, err = v.ParseRequest(signedRequest(body))
			assert.ErrorIs(t, err, ErrCallbackUnverified)
			called := false
			h := v.Handler(func(context.Context, *AlphaPoTransaction) error { called = true; return nil })
			assert.Equal(t, http.StatusForbidden, serve(h, signedRequest(body)).Code)
			assert.False(t, called)
			err = v.Add(testAlphaKey, testAlphaSecret)
			if v == nil {
				assert.ErrorIs(t, err, ErrInvalidParams)
				return
			}
			require.NoError(t, err)
			assert.NoError(t, v.Verify(body, signedHeader(testAlphaKey, testAlphaSecret, body)))
			assert.Equal(t, http.StatusOK, serve(h, signedRequest(body)).Code, "the handler made before Add")
			assert.True(t, called)
		})
	}
}

// A zero verifier's first Add races with nothing: callbacks verified while
// it runs are refused or accepted, never a data race (go test -race).
func TestAlphaPoVerifierZeroConcurrentAdd(t *testing.T) {
	body := []byte(`{"id":7,"type":"deposit","status":"confirmed"}`)
	v := new(AlphaPoCallbackVerifier)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := v.Verify(body, signedHeader(testAlphaKey, testAlphaSecret, body))
			if err != nil {
				assert.ErrorIs(t, err, ErrCallbackUnverified)
			}
		}()
	}
	require.NoError(t, v.Add(testAlphaKey, testAlphaSecret))
	wg.Wait()
	assert.NoError(t, v.Verify(body, signedHeader(testAlphaKey, testAlphaSecret, body)))
}
