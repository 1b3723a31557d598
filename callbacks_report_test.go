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
	"reflect"
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
	h := PaymentCallbackHandler(func(context.Context, *PaymentCallback) error { return nil }, report, logger)
	assert.Equal(t, http.StatusOK, serve(h, postCallback("/cb", `{"input_address":"a"}`)).Code)
	assert.Empty(t, logs.String())
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
