package cryptopay

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	payment := func(fnErr error, opts ...CallbackOption) http.Handler {
		return PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return fnErr },
			append(opts, WithCallbackSecret("secret", secret))...)
	}
	invoice := func(fnErr error, opts ...CallbackOption) http.Handler {
		return InvoiceCallbackHandler(func(context.Context, *InvoiceCallback) error { return fnErr },
			append(opts, WithCallbackSecret("secret", secret))...)
	}
	alphaPo := func(fnErr error, opts ...CallbackOption) http.Handler {
		return testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return fnErr }, opts...)
	}
	paid := `{"input_address":"a","input_transaction_hash":"h","confirmations":1,"data":{"secret":"` + secret + `"}}`
	alphaPoBody := []byte(`{"id":7,"type":"deposit","status":"confirmed"}`)
	forgedAlphaPo := postCallback("/alphapo?x=1", string(alphaPoBody))
	forgedAlphaPo.Header = signedHeader(testAlphaKey, "not-the-secret", alphaPoBody)

	tests := []struct {
		name    string
		handler func(fnErr error, opts ...CallbackOption) http.Handler
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
	h := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return nil }, report, logger)
	assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", `{"input_address":"a"}`)).Code)
	assert.Empty(t, logs.String())
}

func TestAlphaPoHandlerRefusesCallbackSecret(t *testing.T) {
	assert.PanicsWithValue(t, "cryptopay: AlphaPoCallbackVerifier.Handler: WithCallbackSecret applies to Apirone callbacks only; AlphaPo callbacks are verified by their signature", func() {
		testVerifier(t).Handler(func(context.Context, *AlphaPoTransaction) error { return nil }, WithCallbackSecret("secret", "s"))
	})
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
