package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docsPaymentCallback is the transaction callback example of Apirone's
// "Receiving callbacks" page (https://apirone.com/docs/receiving-callbacks),
// stored as testdata/apirone/payment_callback.json.
var docsPaymentCallback = PaymentCallback{
	Value:                NewAmount(30000),
	InputAddress:         "2N5DUsqXGdytkDsVRF5AQUnMi2s46Q3xRQr",
	Confirmations:        1,
	InputTransactionHash: "7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0",
	Data:                 map[string]string{"id": "test new bitcoin wallet"},
	Account:              "apr-6da0dd459c0907e66fda52b8567b00e7",
	Currency:             "tbtc",
	TransactionHash:      "1a16d74a5c6afd29a209242b825428efacccedb8e43da08703c3d2d73ebe4f51",
	Payment:              "d5eb22388bc534a3f56fa6ac7ec9fc222392b6ed609febe71f8ca42c8681e7ed",
	Destinations:         []AddressAmount{{Address: "2MubB6DVoK9mzUffqb2WWkfdVCJfadaXqrs", Amount: NewAmount(29895)}},
}

// docsPaymentQuery is the same callback in the GET form.
const docsPaymentQuery = "value=30000&input_address=2N5DUsqXGdytkDsVRF5AQUnMi2s46Q3xRQr&confirmations=1" +
	"&input_transaction_hash=7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0" +
	"&id=test+new+bitcoin+wallet&account=apr-6da0dd459c0907e66fda52b8567b00e7&currency=tbtc" +
	"&transaction_hash=1a16d74a5c6afd29a209242b825428efacccedb8e43da08703c3d2d73ebe4f51" +
	"&payment=d5eb22388bc534a3f56fa6ac7ec9fc222392b6ed609febe71f8ca42c8681e7ed" +
	"&destinations=2MubB6DVoK9mzUffqb2WWkfdVCJfadaXqrs:29895"

func postCallback(target, body string) *http.Request {
	return httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
}

func getCallback(target, query string) *http.Request {
	return httptest.NewRequest(http.MethodGet, target+"?"+query, nil)
}

func TestParsePaymentCallbackPOST(t *testing.T) {
	got, err := ParsePaymentCallback(postCallback("/cb", fixture(t, "apirone/payment_callback.json")))
	require.NoError(t, err)
	assert.Equal(t, &docsPaymentCallback, got)
}

func TestParsePaymentCallbackGET(t *testing.T) {
	got, err := ParsePaymentCallback(getCallback("/cb", docsPaymentQuery))
	require.NoError(t, err)
	assert.Equal(t, &docsPaymentCallback, got)
}

func TestParsePaymentCallbackGETDestinationsAsJSON(t *testing.T) {
	q := url.Values{
		"input_address": {"addr-in"},
		"destinations":  {`[{"address":"a1","amount":100},{"address":"a2","amount":"123456789012345678901234"}]`},
	}
	got, err := ParsePaymentCallback(getCallback("/cb", q.Encode()))
	require.NoError(t, err)
	assert.Equal(t, []AddressAmount{
		{Address: "a1", Amount: NewAmount(100)},
		{Address: "a2", Amount: MustAmount("123456789012345678901234")},
	}, got.Destinations)
	assert.Nil(t, got.Data, "destinations is not a data field")
}

func TestParsePaymentCallbackLenient(t *testing.T) {
	body := `{"value":"123456789012345678901234","input_address":"0xabc","confirmations":"3","currency":"eth",
		"data":{"order":1042,"paid":true,"note":null,"nested":{"a":1},"s":"x"}}`
	got, err := ParsePaymentCallback(postCallback("/cb", body))
	require.NoError(t, err)
	assert.Equal(t, "123456789012345678901234", got.Value.String())
	assert.Equal(t, int64(3), got.Confirmations)
	assert.Equal(t, map[string]string{"order": "1042", "paid": "true", "note": "", "nested": `{"a":1}`, "s": "x"}, got.Data)

	for _, data := range []string{`[]`, `null`, `{}`} {
		got, err := ParsePaymentCallback(postCallback("/cb", `{"input_address":"a","data":`+data+`}`))
		require.NoError(t, err, data)
		assert.Nil(t, got.Data, data)
	}
}

func TestParsePaymentCallbackErrors(t *testing.T) {
	tests := []struct {
		name string
		req  *http.Request
		want error
	}{
		{"no input_address", postCallback("/cb", `{"value":1}`), ErrCallbackMalformed},
		{"not JSON", postCallback("/cb", `value=1`), ErrCallbackMalformed},
		{"empty body", postCallback("/cb", ``), ErrCallbackMalformed},
		{"data a string", postCallback("/cb", `{"input_address":"a","data":"x"}`), ErrCallbackMalformed},
		{"data a list", postCallback("/cb", `{"input_address":"a","data":["x"]}`), ErrCallbackMalformed},
		{"value a fraction", postCallback("/cb", `{"input_address":"a","value":1.5}`), ErrCallbackMalformed},
		{"GET no input_address", getCallback("/cb", "value=1"), ErrCallbackMalformed},
		{"GET bad value", getCallback("/cb", "input_address=a&value=1.5"), ErrCallbackMalformed},
		{"GET bad confirmations", getCallback("/cb", "input_address=a&confirmations=x"), ErrCallbackMalformed},
		{"GET bad destinations", getCallback("/cb", "input_address=a&destinations=a1"), ErrCallbackMalformed},
		{"GET destination without address", getCallback("/cb", "input_address=a&destinations=:1"), ErrCallbackMalformed},
		{"GET second destination without address", getCallback("/cb", "input_address=a&destinations=a:1,:2"), ErrCallbackMalformed},
		{"JSON destination without address", postCallback("/cb", `{"input_address":"a","destinations":[{"address":"b","amount":1},{"amount":2}]}`), ErrCallbackMalformed},
		{"GET JSON destination with empty address", getCallback("/cb", `input_address=a&destinations=[{"address":"","amount":1}]`), ErrCallbackMalformed},
		{"PUT", httptest.NewRequest(http.MethodPut, "/cb", strings.NewReader("{}")), ErrCallbackMethod},
		{"oversized", postCallback("/cb", paymentCallbackOfSize(MaxCallbackBody+1)), ErrCallbackTooLarge},
		{"oversized, length unknown", unknownLength(postCallback("/cb", paymentCallbackOfSize(MaxCallbackBody+1))), ErrCallbackTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePaymentCallback(tt.req)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
		})
	}
}

// paymentCallbackOfSize is a valid payment callback of exactly n bytes.
func paymentCallbackOfSize(n int) string {
	head := `{"input_address":"a","data":{"pad":"`
	tail := `"}}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestPaymentCallbackBodyCap(t *testing.T) {
	for _, req := range []*http.Request{
		postCallback("/cb", paymentCallbackOfSize(MaxCallbackBody)),
		unknownLength(postCallback("/cb", paymentCallbackOfSize(MaxCallbackBody))),
	} {
		cb, err := ParsePaymentCallback(req)
		require.NoError(t, err, "a body of exactly MaxCallbackBody bytes is read")
		assert.Equal(t, "a", cb.InputAddress)
	}
}

// unknownLength hides the request's Content-Length, as a chunked body does.
func unknownLength(r *http.Request) *http.Request {
	r.ContentLength = -1
	return r
}

func TestParseInvoiceCallback(t *testing.T) {
	want := &InvoiceCallback{Invoice: "ZEuHyVCCNpCSabbf", Status: InvoicePaid}

	got, err := ParseInvoiceCallback(postCallback("/inv", `{"invoice":"ZEuHyVCCNpCSabbf","status":"paid","extra":1}`))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	got, err = ParseInvoiceCallback(getCallback("/inv", "invoice=ZEuHyVCCNpCSabbf&status=paid"))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	got, err = ParseInvoiceCallback(postCallback("/inv", `{"invoice":"i1","status":"refunded-someday"}`))
	require.NoError(t, err)
	assert.Equal(t, InvoiceStatus("refunded-someday"), got.Status, "unknown statuses pass through")

	_, err = ParseInvoiceCallback(postCallback("/inv", `{"status":"paid"}`))
	assert.ErrorIs(t, err, ErrCallbackMalformed)
}

func TestCallbackDedupeKeys(t *testing.T) {
	cb := docsPaymentCallback
	cb.Confirmations = 0
	unconfirmed := cb.DedupeKey()
	cb.Confirmations = 1
	first := cb.DedupeKey()
	cb.Confirmations = 2
	second := cb.DedupeKey()
	assert.Equal(t, "tbtc:2N5DUsqXGdytkDsVRF5AQUnMi2s46Q3xRQr:7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0:unconfirmed", unconfirmed)
	assert.Equal(t, "tbtc:2N5DUsqXGdytkDsVRF5AQUnMi2s46Q3xRQr:7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0:confirmed", first)
	assert.Equal(t, first, second, "a repeat at a later block is the same event")

	assert.Equal(t, "ZEuHyVCCNpCSabbf:paid", (&InvoiceCallback{Invoice: "ZEuHyVCCNpCSabbf", Status: InvoicePaid}).DedupeKey())
}

// serve runs h on req and returns the recorded answer.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestPaymentCallbackHandler(t *testing.T) {
	var got []*PaymentCallback
	failNext := false
	h := PaymentCallbackHandler(func(ctx context.Context, cb *PaymentCallback) error {
		got = append(got, cb)
		if failNext {
			return errors.New("database down: dsn=postgres://u:pw@db")
		}
		return nil
	})

	rec := serve(h, postCallback("/cb", fixture(t, "apirone/payment_callback.json")))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/plain", rec.Header().Get("Content-Type"))
	assert.Equal(t, "*ok*", rec.Body.String())

	rec = serve(h, getCallback("/cb", docsPaymentQuery))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "*ok*", rec.Body.String())
	require.Len(t, got, 2)
	assert.Equal(t, &docsPaymentCallback, got[0])
	assert.Equal(t, &docsPaymentCallback, got[1])

	failNext = true
	rec = serve(h, postCallback("/cb", fixture(t, "apirone/payment_callback.json")))
	assert.Equal(t, http.StatusInternalServerError, rec.Code, "Apirone must call again")
	assert.NotContains(t, rec.Body.String(), "*ok*")
	assert.NotContains(t, rec.Body.String(), "pw@db", "the merchant's error stays private")
	assert.Len(t, got, 3)
}

func TestPaymentCallbackHandlerRejects(t *testing.T) {
	called := 0
	h := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { called++; return nil })
	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"malformed", postCallback("/cb", `{"value":`), http.StatusBadRequest},
		{"PUT", httptest.NewRequest(http.MethodPut, "/cb", nil), http.StatusMethodNotAllowed},
		{"oversized", postCallback("/cb", paymentCallbackOfSize(MaxCallbackBody+1)), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(h, tt.req)
			assert.Equal(t, tt.status, rec.Code)
			assert.NotEqual(t, "*ok*", rec.Body.String())
		})
	}
	assert.Equal(t, "GET, POST", serve(h, httptest.NewRequest(http.MethodDelete, "/cb", nil)).Header().Get("Allow"))
	assert.Zero(t, called)
}

func TestPaymentCallbackHandlerSecret(t *testing.T) {
	const secret = "s3cr3t-value-5b0f"
	withSecret := func(data string) string {
		return `{"input_address":"a","input_transaction_hash":"h","confirmations":1,"data":` + data + `}`
	}
	tests := []struct {
		name     string
		req      *http.Request
		status   int
		wantData map[string]string
	}{
		{"in data", postCallback("/cb", withSecret(`{"secret":"`+secret+`","order":"7"}`)), 200, map[string]string{"order": "7"}},
		{"in the URL", postCallback("/cb?secret="+secret, withSecret(`{"order":"7"}`)), 200, map[string]string{"order": "7"}},
		{"GET form", getCallback("/cb", "input_address=a&order=7&secret="+secret), 200, map[string]string{"order": "7"}},
		{"wrong", postCallback("/cb", withSecret(`{"secret":"s3cr3t-value-5b0e"}`)), 403, nil},
		{"prefix", postCallback("/cb", withSecret(`{"secret":"s3cr3t"}`)), 403, nil},
		{"empty", postCallback("/cb", withSecret(`{"secret":""}`)), 403, nil},
		{"missing", postCallback("/cb", withSecret(`{"order":"7"}`)), 403, nil},
		{"other key", postCallback("/cb", withSecret(`{"token":"`+secret+`"}`)), 403, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *PaymentCallback
			h := PaymentCallbackHandler(func(_ context.Context, cb *PaymentCallback) error { got = cb; return nil },
				WithCallbackSecret("secret", secret))
			rec := serve(h, tt.req)
			assert.Equal(t, tt.status, rec.Code)
			assert.NotContains(t, rec.Body.String(), secret)
			if tt.status != http.StatusOK {
				assert.Nil(t, got, "the merchant's function is not called")
				return
			}
			assert.Equal(t, "*ok*", rec.Body.String())
			require.NotNil(t, got)
			assert.Equal(t, tt.wantData, got.Data, "the secret is removed before the callback is handed over")
		})
	}
}

// TestForgedCallbackRefusedBeforeParsing: a forged callback is refused with
// 403 before its amounts are parsed, so one carrying a million-digit number
// costs no big-number work (an Apirone one used to take seconds of CPU;
// AlphaPo's handler always verified the signature over the raw body first).
func TestForgedCallbackRefusedBeforeParsing(t *testing.T) {
	fill := func(head, tail string) string { // exactly MaxCallbackBody bytes
		return head + strings.Repeat("9", MaxCallbackBody-len(head)-len(tail)) + tail
	}
	huge := strings.Repeat("9", 1_000_000)
	payment := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error {
		t.Error("a forged callback reached the merchant's function")
		return nil
	}, WithCallbackSecret("secret", "s3cr3t"))
	invoice := InvoiceCallbackHandler(func(context.Context, *InvoiceCallback) error {
		t.Error("a forged callback reached the merchant's function")
		return nil
	}, WithCallbackSecret("secret", "s3cr3t"))
	alphaPo := testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error {
		t.Error("a forged callback reached the merchant's function")
		return nil
	})
	alphaPoBody := fill(`{"id":1,"status":"confirmed","currency_received":{"currency":"BTC","amount":`, `}}`)
	forgedAlphaPo := postCallback("/alphapo", alphaPoBody)
	forgedAlphaPo.Header = signedHeader(testAlphaKey, "not-the-secret", []byte(alphaPoBody))
	tests := []struct {
		name string
		h    http.Handler
		req  *http.Request
	}{
		{"alphapo (signature first)", alphaPo, forgedAlphaPo},
		{"payment, number", payment, postCallback("/cb", fill(`{"input_address":"a","data":{"secret":"forged"},"value":`, `}`))},
		{"payment, string", payment, postCallback("/cb?secret=forged", fill(`{"input_address":"a","value":"`, `"}`))},
		{"payment, destination", payment, postCallback("/cb", fill(`{"input_address":"a","destinations":[{"address":"b","amount":`, `}]}`))},
		{"payment, GET", payment, getCallback("/cb", "input_address=a&secret=forged&value="+huge)},
		{"invoice", invoice, postCallback("/inv?secret=forged", fill(`{"invoice":"i","status":"paid","x":`, `}`))},
		// A forged callback that is also malformed is refused as forged:
		// the secret is checked before any amount is parsed (before, these
		// got 400 after the parse).
		{"payment, bad value", payment, postCallback("/cb", `{"input_address":"a","data":{"secret":"forged"},"value":"12x"}`)},
		{"payment, GET, bad value", payment, getCallback("/cb", "input_address=a&secret=forged&value=12x")},
		{"payment, bad destination", payment, postCallback("/cb?secret=forged", `{"input_address":"a","destinations":[{"address":"b","amount":"1e"}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, http.StatusForbidden, serve(tt.h, tt.req).Code)
		})
	}
}

func TestCallbackSecretEmptyFailsClosed(t *testing.T) {
	called := false
	h := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { called = true; return nil },
		WithCallbackSecret("secret", "")) // e.g. an unset environment variable
	for _, body := range []string{`{"input_address":"a"}`, `{"input_address":"a","data":{"secret":""}}`} {
		assert.Equal(t, http.StatusForbidden, serve(h, postCallback("/cb", body)).Code, body)
	}
	assert.False(t, called)
}

func TestInvoiceCallbackHandler(t *testing.T) {
	var got []*InvoiceCallback
	h := InvoiceCallbackHandler(func(_ context.Context, cb *InvoiceCallback) error {
		got = append(got, cb)
		return nil
	}, WithCallbackSecret("key", "k-123"))

	rec := serve(h, postCallback("/inv?key=k-123", `{"invoice":"inv1","status":"completed"}`))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/plain", rec.Header().Get("Content-Type"))
	assert.Equal(t, "*ok*", rec.Body.String())
	assert.Equal(t, []*InvoiceCallback{{Invoice: "inv1", Status: InvoiceCompleted}}, got)

	rec = serve(h, postCallback("/inv?key=k-124", `{"invoice":"inv1","status":"completed"}`))
	assert.Equal(t, http.StatusForbidden, rec.Code)
	rec = serve(h, postCallback("/inv?key=k-123", `{"status":"completed"}`))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Len(t, got, 1)
}

// FuzzParsePaymentCallbackJSON: whatever decodes encodes and decodes back
// to the same callback.
func FuzzParsePaymentCallbackJSON(f *testing.F) {
	f.Add([]byte(`{"value":30000,"input_address":"2N5D","confirmations":1,"data":{"id":"1"},"destinations":[{"address":"a","amount":1}]}`))
	f.Add([]byte(`{"value":"123456789012345678901234","input_address":"x","confirmations":"3","data":[]}`))
	f.Add([]byte(`{"input_address":"x","data":{"n":1,"b":true,"z":null,"o":{"a":[1]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := ParsePaymentCallback(postCallback("/cb", string(body)))
		if err != nil {
			return
		}
		assertPaymentRoundTrip(t, cb)
	})
}

// FuzzParsePaymentCallbackQuery: the GET form and the JSON form agree.
func FuzzParsePaymentCallbackQuery(f *testing.F) {
	f.Add(docsPaymentQuery)
	f.Add("input_address=a&value=-5&confirmations=%2B3&destinations=a:1,b:2&x=y")
	f.Add(`input_address=a&destinations=[{"address":"a","amount":"7"}]`)
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "/cb", nil)
		req.URL.RawQuery = query
		for k, vs := range req.URL.Query() {
			if !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
				return // JSON cannot carry invalid UTF-8 unchanged
			}
		}
		cb, err := ParsePaymentCallback(req)
		if err != nil {
			return
		}
		assertPaymentRoundTrip(t, cb)
	})
}

func assertPaymentRoundTrip(t *testing.T, cb *PaymentCallback) {
	t.Helper()
	encoded, err := json.Marshal(cb)
	require.NoError(t, err)
	again, err := ParsePaymentCallback(postCallback("/cb", string(encoded)))
	require.NoError(t, err, "%s", encoded)
	if len(cb.Destinations) == 0 {
		cb.Destinations = nil // an empty list is not encoded
	}
	assert.Equal(t, cb, again)
}

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

// ledgerError is a merchant's own error type, to check errors.As.
type ledgerError struct{ order string }

func (e *ledgerError) Error() string { return "ledger locked for order " + e.order }

// TestCallbackFailuresReported: every callback a handler refuses or fails
// reaches the error handler with a reason errors.Is/As can tell apart, and
// the logger at warn (refused) or error (failed) with method, path and
// reason; neither ever shows the callback secret, the AlphaPo key or
// secret, or the query.
func TestCallbackFailuresReported(t *testing.T) {
	const secret = "cb-secret-7f3a91"
	failing := &ledgerError{order: "1042"}
	payment := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return fnErr },
			apironeOptions(opts, WithCallbackSecret("secret", secret))...)
	}
	invoice := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return InvoiceCallbackHandler(func(context.Context, *InvoiceCallback) error { return fnErr },
			apironeOptions(opts, WithCallbackSecret("secret", secret))...)
	}
	alphaPo := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return fnErr }, alphaPoOptions(opts)...)
	}
	paid := `{"input_address":"a","input_transaction_hash":"h","confirmations":1,"data":{"secret":"` + secret + `"}}`
	alphaPoBody := []byte(`{"id":7,"type":"deposit","status":"confirmed"}`)
	forgedAlphaPo := postCallback("/alphapo?x=1", string(alphaPoBody))
	forgedAlphaPo.Header = signedHeader(testAlphaKey, "not-the-secret", alphaPoBody)

	tests := []struct {
		name    string
		handler func(fnErr error, opts ...CallbackReportOption) http.Handler
		req     *http.Request
		fnErr   error
		status  int
		reason  error
		level   string
	}{
		{"payment, secret under another key", payment, postCallback("/cb?token="+secret, `{"input_address":"a","data":{"order":"`+secret+`"}}`), nil, 403, ErrCallbackUnverified, "WARN"},
		{"payment, wrong secret", payment, getCallback("/cb", "input_address=a&secret=guess"), nil, 403, ErrCallbackUnverified, "WARN"},
		{"payment, malformed", payment, postCallback("/cb?secret="+secret, `{"value":"many","data":{"secret":"`+secret+`"}}`), nil, 400, ErrCallbackMalformed, "WARN"},
		{"payment, GET malformed", payment, getCallback("/cb", "secret="+secret+"&input_address=a&confirmations=some"), nil, 400, ErrCallbackMalformed, "WARN"},
		{"payment, too large", payment, postCallback("/cb?secret="+secret, paymentCallbackOfSize(MaxCallbackBody+1)), nil, 413, ErrCallbackTooLarge, "WARN"},
		{"payment, PUT", payment, httptest.NewRequest(http.MethodPut, "/cb?secret="+secret, strings.NewReader(paid)), nil, 405, ErrCallbackMethod, "WARN"},
		{"payment, merchant fails", payment, postCallback("/cb?secret="+secret, paid), failing, 500, failing, "ERROR"},
		{"invoice, wrong secret", invoice, postCallback("/inv?secret=guess", `{"invoice":"i","status":"paid"}`), nil, 403, ErrCallbackUnverified, "WARN"},
		{"invoice, malformed", invoice, postCallback("/inv?secret="+secret, `{"status":"paid"}`), nil, 400, ErrCallbackMalformed, "WARN"},
		{"invoice, merchant fails", invoice, postCallback("/inv?secret="+secret, `{"invoice":"i","status":"paid"}`), failing, 500, failing, "ERROR"},
		{"alphapo, forged", alphaPo, forgedAlphaPo, nil, 403, ErrCallbackUnverified, "WARN"},
		{"alphapo, malformed", alphaPo, signedRequest([]byte(`{"id":7}`)), nil, 400, ErrCallbackMalformed, "WARN"},
		{"alphapo, GET", alphaPo, httptest.NewRequest(http.MethodGet, "/alphapo", nil), nil, 405, ErrCallbackMethod, "WARN"},
		{"alphapo, merchant fails", alphaPo, signedRequest(alphaPoBody), failing, 500, failing, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reported []error
			var logs bytes.Buffer
			h := tt.handler(tt.fnErr, WithCallbackErrorHandler(func(r *http.Request, err error) {
				assert.Same(t, tt.req, r, "the request as received")
				reported = append(reported, err)
			}), WithCallbackLogger(slog.New(slog.NewJSONHandler(&logs, nil))))

			rec := serve(h, tt.req)
			assert.Equal(t, tt.status, rec.Code)
			require.Len(t, reported, 1, "reported once")
			err := reported[0]
			assert.ErrorIs(t, err, tt.reason)
			for _, other := range []error{ErrCallbackUnverified, ErrCallbackMalformed, ErrCallbackTooLarge, ErrCallbackMethod} {
				if other != tt.reason {
					assert.NotErrorIs(t, err, other)
				}
			}
			if tt.fnErr != nil {
				var le *ledgerError
				require.ErrorAs(t, err, &le)
				assert.Same(t, failing, le)
			}

			var line struct{ Level, Msg, Method, Path, Reason string }
			require.NoError(t, json.Unmarshal(logs.Bytes(), &line), "one JSON line: %s", logs.String())
			assert.Equal(t, tt.level, line.Level)
			assert.Equal(t, tt.req.Method, line.Method)
			assert.Equal(t, tt.req.URL.Path, line.Path, "the path, never the query")
			assert.Equal(t, err.Error(), line.Reason)
			for _, text := range []string{err.Error(), logs.String(), rec.Body.String()} {
				assert.NotContains(t, text, secret)
				assertNoSecrets(t, text)
			}
		})
	}
}

func TestCallbackSuccessNotReported(t *testing.T) {
	report := WithCallbackErrorHandler(func(_ *http.Request, err error) { t.Errorf("reported: %v", err) })
	var logs bytes.Buffer
	logger := WithCallbackLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	h := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return nil }, report, logger, nil, CallbackReportOption{})
	assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", `{"input_address":"a"}`)).Code)
	assert.Empty(t, logs.String())
	a := testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return nil }, nil, CallbackReportOption{}) // no-ops
	assert.Equal(t, http.StatusOK, serve(a, signedRequest([]byte(`{"id":7,"type":"deposit","status":"confirmed"}`))).Code)
}

// apironeOptions is opts and more, for an Apirone handler.
func apironeOptions(opts []CallbackReportOption, more ...CallbackOption) []CallbackOption {
	for _, o := range opts {
		more = append(more, o)
	}
	return more
}

// alphaPoOptions is opts, for an AlphaPo handler.
func alphaPoOptions(opts []CallbackReportOption) []AlphaPoCallbackOption {
	var all []AlphaPoCallbackOption
	for _, o := range opts {
		all = append(all, o)
	}
	return all
}

// TestVerifyCallbackSecret: the exported check accepts and refuses what
// the handlers do, and leaves the callback readable.
func TestVerifyCallbackSecret(t *testing.T) {
	const secret = "s3cr3t-value-5b0f"
	body := func(data string) string {
		return `{"input_address":"a","input_transaction_hash":"h","confirmations":1,"data":` + data + `}`
	}
	tests := []struct {
		name string
		req  func() *http.Request
		want error
	}{
		{"in data", func() *http.Request { return postCallback("/cb", body(`{"secret":"`+secret+`","order":"7"}`)) }, nil},
		{"in the URL", func() *http.Request { return postCallback("/cb?secret="+secret, body(`{"order":"7"}`)) }, nil},
		{"GET form", func() *http.Request { return getCallback("/cb", "input_address=a&order=7&secret="+secret) }, nil},
		{"invoice, in the URL", func() *http.Request { return postCallback("/inv?secret="+secret, `{"invoice":"i","status":"paid"}`) }, nil},
		{"wrong", func() *http.Request { return postCallback("/cb", body(`{"secret":"s3cr3t-value-5b0e"}`)) }, ErrCallbackUnverified},
		{"prefix", func() *http.Request { return postCallback("/cb", body(`{"secret":"s3cr3t"}`)) }, ErrCallbackUnverified},
		{"empty", func() *http.Request { return postCallback("/cb?secret=", body(`{"secret":""}`)) }, ErrCallbackUnverified},
		{"missing", func() *http.Request { return postCallback("/cb", body(`{"order":"7"}`)) }, ErrCallbackUnverified},
		{"other key", func() *http.Request { return postCallback("/cb?token="+secret, body(`{"token":"`+secret+`"}`)) }, ErrCallbackUnverified},
		{"PUT", func() *http.Request { return httptest.NewRequest(http.MethodPut, "/cb?secret="+secret, nil) }, ErrCallbackMethod},
		{"too large", func() *http.Request {
			return postCallback("/cb?secret="+secret, paymentCallbackOfSize(MaxCallbackBody+1))
		}, ErrCallbackTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req()
			err := VerifyCallbackSecret(req, "secret", secret)
			assert.ErrorIs(t, err, tt.want)
			if err != nil {
				assert.NotContains(t, err.Error(), secret)
			}

			// The handler applies the same rule: it refuses exactly these.
			status := serve(PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return nil },
				WithCallbackSecret("secret", secret)), tt.req()).Code
			assert.Equal(t, err == nil, status == http.StatusOK || status == http.StatusBadRequest, "handler answered %d", status)
			if err != nil {
				return
			}
			got, gotErr := ParsePaymentCallback(req)
			want, wantErr := ParsePaymentCallback(tt.req())
			assert.Equal(t, wantErr, gotErr)
			assert.Equal(t, want, got, "the body is put back")
		})
	}
	assert.ErrorIs(t, VerifyCallbackSecret(postCallback("/cb", body(`{"secret":"`+secret+`"}`)), "secret", ""),
		ErrCallbackUnverified, "an empty value matches nothing")
}

// TestCallbackOptionsCompileChecked: each handler's variadic option type
// is assignable from exactly the options it honours, by the compiler's
// rules (reflect.Type.AssignableTo implements Go's assignability), so
// handing WithCallbackSecret or WithCallbackConfirm to the AlphaPo handler
// does not compile, and the reporting options go to every handler.
func TestCallbackOptionsCompileChecked(t *testing.T) {
	optionOf := func(handler any) reflect.Type { // the element type of the last, variadic parameter
		ft := reflect.TypeOf(handler)
		require.True(t, ft.IsVariadic())
		return ft.In(ft.NumIn() - 1).Elem()
	}
	returned := func(option any) reflect.Type { return reflect.TypeOf(option).Out(0) }
	handlers := map[string]reflect.Type{
		"PaymentCallbackHandler":          optionOf(PaymentCallbackHandler),
		"InvoiceCallbackHandler":          optionOf(InvoiceCallbackHandler),
		"AlphaPoCallbackVerifier.Handler": optionOf((*AlphaPoCallbackVerifier).Handler),
	}
	apironeOnly := map[string]reflect.Type{
		"WithCallbackSecret":  returned(WithCallbackSecret),
		"WithCallbackConfirm": returned(WithCallbackConfirm),
	}
	reporting := map[string]reflect.Type{
		"WithCallbackErrorHandler": returned(WithCallbackErrorHandler),
		"WithCallbackLogger":       returned(WithCallbackLogger),
		"WithCallbackObserver":     returned(WithCallbackObserver),
	}
	for h, param := range handlers {
		for o, typ := range reporting {
			assert.True(t, typ.AssignableTo(param), "%s(%s) must compile", h, o)
		}
		for o, typ := range apironeOnly {
			assert.Equal(t, h != "AlphaPoCallbackVerifier.Handler", typ.AssignableTo(param), "%s(%s) compiles", h, o)
		}
	}
}

// TestCallbackNotYet: a function that returns ErrNotYet (wrapped) gets
// the provider to call again (500), as a failure would, but it is no
// failure: the error handler does not hear of it, the logger logs it at
// debug level, and the observer reports it deferred. Every other answer
// reaches the observer with its outcome.
func TestCallbackNotYet(t *testing.T) {
	notYet := fmt.Errorf("order 7: 0 of 2 confirmations: %w", ErrNotYet)
	failing := errors.New("ledger down")
	payment := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return fnErr }, apironeOptions(opts)...)
	}
	invoice := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return InvoiceCallbackHandler(func(context.Context, *InvoiceCallback) error { return fnErr }, apironeOptions(opts)...)
	}
	alphaPo := func(fnErr error, opts ...CallbackReportOption) http.Handler {
		return testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return fnErr }, alphaPoOptions(opts)...)
	}
	handlers := []struct {
		name    string
		handler func(fnErr error, opts ...CallbackReportOption) http.Handler
		good    func() *http.Request
		bad     func() *http.Request
	}{
		{"payment", payment, func() *http.Request { return postCallback("/cb", `{"input_address":"a"}`) },
			func() *http.Request { return postCallback("/cb", `{}`) }},
		{"invoice", invoice, func() *http.Request { return postCallback("/inv", `{"invoice":"i","status":"paid"}`) },
			func() *http.Request { return postCallback("/inv", `{}`) }},
		{"alphapo", alphaPo, func() *http.Request { return signedRequest([]byte(`{"id":7,"type":"deposit","status":"confirmed"}`)) },
			func() *http.Request { return signedRequest([]byte(`{"id":7}`)) }},
	}
	cases := []struct {
		name     string
		fnErr    error
		bad      bool
		status   int
		outcome  CallbackOutcome
		reported bool
		level    string
	}{
		{"not yet", notYet, false, 500, CallbackDeferred, false, "DEBUG"},
		{"failed", failing, false, 500, CallbackFailed, true, "ERROR"},
		{"accepted", nil, false, 200, CallbackAccepted, false, ""},
		{"refused", nil, true, 400, CallbackRefused, true, "WARN"},
	}
	for _, h := range handlers {
		for _, tc := range cases {
			t.Run(h.name+"/"+tc.name, func(t *testing.T) {
				var reported []error
				var reports []CallbackReport
				var logs bytes.Buffer
				handler := h.handler(tc.fnErr,
					WithCallbackErrorHandler(func(_ *http.Request, err error) { reported = append(reported, err) }),
					WithCallbackLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
					WithCallbackObserver(func(_ *http.Request, r CallbackReport) { reports = append(reports, r) }))
				req := h.good()
				if tc.bad {
					req = h.bad()
				}
				rec := serve(handler, req)
				assert.Equal(t, tc.status, rec.Code)
				assert.Equal(t, tc.reported, len(reported) == 1, "reported to the error handler: %v", reported)
				require.Len(t, reports, 1)
				assert.Equal(t, tc.outcome, reports[0].Outcome)
				assert.Equal(t, tc.status, reports[0].Status)
				assert.Positive(t, reports[0].Duration)
				if tc.level == "" {
					assert.Empty(t, logs.String())
					return
				}
				var line struct{ Level, Msg, Reason string }
				require.NoError(t, json.Unmarshal(logs.Bytes(), &line), "one JSON line: %s", logs.String())
				assert.Equal(t, tc.level, line.Level)
				if tc.fnErr == notYet {
					assert.Equal(t, "cryptopay: callback deferred", line.Msg)
					assert.Equal(t, notYet.Error(), line.Reason)
					assert.NotContains(t, rec.Body.String(), "order 7", "the answer never holds the merchant's error")
				}
			})
		}
	}
}
