package cryptopay_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newShopAccount creates an account on srv, through a client that does not
// retry (a failure the test injects stays one).
func newShopAccount(t *testing.T, srv *cryptopaytest.Server) *cryptopay.Account {
	t.Helper()
	c := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	created, err := c.CreateAccount(context.Background())
	require.NoError(t, err)
	return c.Account(created.Account, created.TransferKey)
}

// post sends body to url and returns the status.
func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// Under WithCallbackConfirm the payment handler refuses a callback the API
// does not show, and passes the merchant the API's amount and
// confirmation state.
func TestPaymentCallbackConfirm(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)

	var got []cryptopay.PaymentCallback
	var refused []error
	shop := httptest.NewServer(cryptopay.PaymentCallbackHandler(func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		got = append(got, *cb)
		return nil
	}, cryptopay.WithCallbackConfirm(acct), cryptopay.WithCallbackErrorHandler(func(_ *http.Request, err error) {
		refused = append(refused, err)
	})))
	defer shop.Close()

	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc", Callback: &cryptopay.Callback{URL: shop.URL, Data: map[string]string{"order": "1042"}},
	})
	require.NoError(t, err)

	// A real payment passes, with the API's values, unconfirmed then
	// confirmed.
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(25000)})
	require.NoError(t, err)
	require.Len(t, dep.Deliveries, 1)
	require.True(t, dep.Deliveries[0].Acknowledged)
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	require.Len(t, got, 1, "the 0-confirmation callback was acknowledged; Mine sends nothing more")
	assert.Equal(t, cryptopay.NewAmount(25000), got[0].Value)
	assert.Equal(t, int64(0), got[0].Confirmations)
	assert.Equal(t, dep.TxID, got[0].InputTransactionHash)
	assert.Equal(t, map[string]string{"order": "1042"}, got[0].Data)

	// The same callback, replayed by hand: now confirmed per the API.
	sent := dep.Deliveries[0].Body
	require.Equal(t, http.StatusOK, post(t, shop.URL, sent))
	require.Len(t, got, 2)
	assert.Equal(t, int64(1), got[1].Confirmations, "the API shows it confirmed; the callback said 0")
	assert.Equal(t, strings.TrimSuffix(got[0].DedupeKey(), "unconfirmed")+"confirmed", got[1].DedupeKey())

	// A tampered value gets the API's value.
	tampered := strings.Replace(sent, `"value":25000`, `"value":99925000`, 1)
	require.NotEqual(t, sent, tampered)
	require.Equal(t, http.StatusOK, post(t, shop.URL, tampered))
	require.Len(t, got, 3)
	assert.Equal(t, cryptopay.NewAmount(25000), got[2].Value)

	// Forged: a transaction that never paid this address, an address of
	// no account of ours, another account: 403, never reaching the shop.
	forged := []string{
		strings.Replace(sent, dep.TxID, strings.Repeat("ab", 32), 1),
		strings.Replace(sent, addr.Address, "bc1qnotanaddressofthisaccount0000000000000", 1),
		strings.Replace(sent, acct.ID(), "apr-00000000000000000000000000000000", 1),
	}
	for i, body := range forged {
		require.NotEqual(t, sent, body, i)
		assert.Equal(t, http.StatusForbidden, post(t, shop.URL, body), i)
	}
	assert.Len(t, got, 3)
	require.Len(t, refused, 3)
	for _, err := range refused {
		assert.ErrorIs(t, err, cryptopay.ErrCallbackUnverified)
	}

	// The API failing is no refusal: 500, so that Apirone calls again.
	srv.FailNext("GET /v2/accounts/{account}/addresses/{address}/history", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	assert.Equal(t, http.StatusInternalServerError, post(t, shop.URL, sent))
	require.Len(t, refused, 4)
	assert.ErrorIs(t, refused[3], cryptopay.ErrServer)
	assert.NotErrorIs(t, refused[3], cryptopay.ErrCallbackUnverified)
	assert.Len(t, got, 3)
}

// Under WithCallbackConfirm the invoice handler refuses an invoice the
// account does not hold and passes the status the API gives.
func TestInvoiceCallbackConfirm(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)
	other := newShopAccount(t, srv)

	var got []cryptopay.InvoiceCallback
	shop := httptest.NewServer(cryptopay.InvoiceCallbackHandler(func(_ context.Context, cb *cryptopay.InvoiceCallback) error {
		got = append(got, *cb)
		return nil
	}, cryptopay.WithCallbackConfirm(acct)))
	defer shop.Close()

	inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Amount: cryptopay.NewAmount(25000), Lifetime: time.Hour, CallbackURL: shop.URL})
	require.NoError(t, err)
	theirs, err := other.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Amount: cryptopay.NewAmount(1), Lifetime: time.Hour})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: theirs.Address, Amount: cryptopay.NewAmount(1), Confirmations: 1})
	require.NoError(t, err)

	// Tampered: the invoice is unpaid, whatever the callback says.
	assert.Equal(t, http.StatusOK, post(t, shop.URL, `{"invoice":"`+inv.ID+`","status":"completed"}`))
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCreated}}, got)

	// Forged: no such invoice, or another account's (completed) one.
	assert.Equal(t, http.StatusForbidden, post(t, shop.URL, `{"invoice":"NoSuchInvoice00","status":"completed"}`))
	assert.Equal(t, http.StatusForbidden, post(t, shop.URL, `{"invoice":"`+theirs.ID+`","status":"completed"}`))
	assert.Len(t, got, 1)

	// Real: paid and confirmed.
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: inv.Address, Amount: cryptopay.NewAmount(25000), Confirmations: 1})
	require.NoError(t, err)
	require.NotEmpty(t, dep.Deliveries)
	assert.Equal(t, cryptopay.InvoiceCompleted, got[len(got)-1].Status)

	// Without credentials the confirmation cannot be made: 500, not 403.
	noKey := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})).Account(acct.ID(), "")
	var failure error
	h := cryptopay.InvoiceCallbackHandler(func(context.Context, *cryptopay.InvoiceCallback) error { return nil },
		cryptopay.WithCallbackConfirm(noKey), cryptopay.WithCallbackErrorHandler(func(_ *http.Request, err error) { failure = err }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/inv", strings.NewReader(`{"invoice":"`+inv.ID+`","status":"paid"}`)))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.True(t, errors.Is(failure, cryptopay.ErrInvalidParams), "%v", failure)
}

// WithCallbackConfirm(nil) would take every forged callback at its word:
// it panics when the handler is set up.
func TestCallbackConfirmNil(t *testing.T) {
	assert.PanicsWithValue(t, "cryptopay: WithCallbackConfirm: nil *Account: a handler would take forged callbacks at their word", func() {
		cryptopay.PaymentCallbackHandler(func(context.Context, *cryptopay.PaymentCallback) error { return nil }, cryptopay.WithCallbackConfirm(nil))
	})
}

// confirmingShop is a payment handler under WithCallbackConfirm that
// credits each DedupeKey once, to the order its data names.
type confirmingShop struct {
	*httptest.Server
	credited map[string]string // DedupeKey: order
	refused  []error
}

func newConfirmingShop(t *testing.T, acct *cryptopay.Account) *confirmingShop {
	shop := &confirmingShop{credited: map[string]string{}}
	shop.Server = httptest.NewServer(cryptopay.PaymentCallbackHandler(func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		if _, seen := shop.credited[cb.DedupeKey()]; !seen {
			shop.credited[cb.DedupeKey()] = cb.Data["order"]
		}
		return nil
	}, cryptopay.WithCallbackConfirm(acct), cryptopay.WithCallbackErrorHandler(func(_ *http.Request, err error) {
		shop.refused = append(shop.refused, err)
	})))
	t.Cleanup(shop.Close)
	return shop
}

// The attack on confirmation without a secret: the attacker pays his own
// cheap order, then replays its real payment's callback with the data of
// an expensive order. The API confirms the transaction; the data must be
// checked too, or the expensive order is credited and the genuine
// callback, with the same DedupeKey, is dropped as a duplicate. Both
// callback forms: data in the POST body, and in the GET query.
func TestCallbackConfirmForgedData(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			ctx := context.Background()
			srv := cryptopaytest.NewServer(dropCallbacks) // the attacker sends first: the shop gets none yet
			defer srv.Close()
			acct := newShopAccount(t, srv)
			shop := newConfirmingShop(t, acct)

			cheap, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc",
				Callback: &cryptopay.Callback{Method: method, URL: shop.URL + "/pay?shop=main", Data: map[string]string{"order": "cheap-1"}}})
			require.NoError(t, err)
			dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: cheap.Address, Amount: cryptopay.NewAmount(1000), Confirmations: 1})
			require.NoError(t, err)
			require.Len(t, dep.Deliveries, 1)
			genuine := dep.Deliveries[0]

			for name, forge := range map[string]func(string) string{
				"order replaced": func(s string) string { return strings.Replace(s, "cheap-1", "expensive-2", 1) },
				"data added":     func(s string) string { return addData(t, method, s, "note", "x") },
				"query replaced": func(s string) string { return strings.Replace(s, "shop=main", "shop=other", 1) },
			} {
				forged := forge(callbackText(genuine))
				if forged == callbackText(genuine) {
					continue // POST data does not carry the URL's query
				}
				assert.Equal(t, http.StatusForbidden, deliverText(t, method, genuine.URL, forged), name)
			}
			assert.Empty(t, shop.credited, "no forged callback credited")
			for _, err := range shop.refused {
				assert.ErrorIs(t, err, cryptopay.ErrCallbackUnverified)
			}

			assert.Equal(t, http.StatusOK, deliverText(t, method, genuine.URL, callbackText(genuine)))
			assert.Equal(t, map[string]string{strings.Join([]string{"btc", cheap.Address, dep.TxID, "confirmed"}, ":"): "cheap-1"}, shop.credited,
				"the genuine callback credits its own order")
		})
	}
}

// An account's callback carries no wallet: a callback that names one is
// forged, and refused rather than passed on with a wallet the API does
// not show.
func TestCallbackConfirmForgedWallet(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer(dropCallbacks)
	defer srv.Close()
	acct := newShopAccount(t, srv)
	shop := newConfirmingShop(t, acct)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc",
		Callback: &cryptopay.Callback{URL: shop.URL, Data: map[string]string{"order": "1"}}})
	require.NoError(t, err)
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(1000), Confirmations: 1})
	require.NoError(t, err)
	body := dep.Deliveries[0].Body
	forged := strings.Replace(body, `"input_address"`, `"wallet":"btc-00000000000000000000000000000000","input_address"`, 1)
	require.NotEqual(t, body, forged)

	assert.Equal(t, http.StatusForbidden, post(t, shop.URL, forged))
	assert.Empty(t, shop.credited)
	assert.Equal(t, http.StatusOK, post(t, shop.URL, body))
	assert.Len(t, shop.credited, 1)
}

// A callback whose input_address or invoice id could not be a path
// segment is malformed: 400, reported as ErrCallbackMalformed at warn
// level, never 500 and an error line.
func TestCallbackConfirmMalformedPath(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)
	var refused []error
	var logs strings.Builder
	opts := []cryptopay.CallbackOption{
		cryptopay.WithCallbackConfirm(acct),
		cryptopay.WithCallbackErrorHandler(func(_ *http.Request, err error) { refused = append(refused, err) }),
		cryptopay.WithCallbackLogger(slog.New(slog.NewTextHandler(&logs, nil))),
	}
	payment := cryptopay.PaymentCallbackHandler(func(context.Context, *cryptopay.PaymentCallback) error { return nil }, opts...)
	invoice := cryptopay.InvoiceCallbackHandler(func(context.Context, *cryptopay.InvoiceCallback) error { return nil }, opts...)
	for _, bad := range []string{"a/b", "..", ".", "a?b", "a%2fb"} {
		refused, logs = nil, strings.Builder{}
		rec := httptest.NewRecorder()
		payment.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb",
			strings.NewReader(`{"input_address":"`+bad+`","input_transaction_hash":"h","account":"`+acct.ID()+`"}`)))
		assert.Equal(t, http.StatusBadRequest, rec.Code, bad)
		rec = httptest.NewRecorder()
		invoice.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/inv", strings.NewReader(`{"invoice":"`+bad+`","status":"paid"}`)))
		assert.Equal(t, http.StatusBadRequest, rec.Code, bad)
		require.Len(t, refused, 2, bad)
		for _, err := range refused {
			assert.ErrorIs(t, err, cryptopay.ErrCallbackMalformed, bad)
			assert.NotErrorIs(t, err, cryptopay.ErrInvalidParams, bad)
		}
		assert.NotContains(t, logs.String(), "level=ERROR", bad)
	}
}

// dropCallbacks makes the fake's callbacks fail before they reach the
// shop (503), so that a test delivers them itself.
var dropCallbacks = cryptopaytest.WithCallbackClient(&http.Client{Transport: dropAll{}})

type dropAll struct{}

func (dropAll) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}}, nil
}

// callbackText is what identifies a delivery: its body, or for GET its URL.
func callbackText(d cryptopaytest.Delivery) string {
	if d.Method == http.MethodGet {
		return d.URL
	}
	return d.Body
}

// deliverText sends a callback as callbackText gives it and returns the status.
func deliverText(t *testing.T, method, target, text string) int {
	t.Helper()
	if method == http.MethodPost {
		return post(t, target, text)
	}
	resp, err := http.Get(text)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// addData adds key=value to the callback's data.
func addData(t *testing.T, method, text, key, value string) string {
	t.Helper()
	if method == http.MethodGet {
		return text + "&" + url.QueryEscape(key) + "=" + url.QueryEscape(value)
	}
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &body))
	data, _ := body["data"].(map[string]any)
	data[key] = value
	out, err := json.Marshal(body)
	require.NoError(t, err)
	return string(out)
}

// With a secret too, the data is checked with the secret in it, and the
// function gets it without: the check runs before the secret is removed.
// Without the transfer key the address's callback cannot be read: 500, so
// that Apirone calls again, never a callback taken at its word.
func TestCallbackConfirmWithSecret(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer(dropCallbacks)
	defer srv.Close()
	acct := newShopAccount(t, srv)
	var got []map[string]string
	handle := func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		got = append(got, cb.Data)
		return nil
	}
	shop := httptest.NewServer(cryptopay.PaymentCallbackHandler(handle, cryptopay.WithCallbackSecret("secret", "s3cret"), cryptopay.WithCallbackConfirm(acct)))
	defer shop.Close()
	noKey := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})).Account(acct.ID(), "")
	keyless := httptest.NewServer(cryptopay.PaymentCallbackHandler(handle, cryptopay.WithCallbackConfirm(noKey)))
	defer keyless.Close()

	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc",
		Callback: &cryptopay.Callback{URL: shop.URL, Data: map[string]string{"order": "1", "secret": "s3cret"}}})
	require.NoError(t, err)
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(1000)})
	require.NoError(t, err)
	body := dep.Deliveries[0].Body

	assert.Equal(t, http.StatusOK, post(t, shop.URL, body))
	assert.Equal(t, []map[string]string{{"order": "1"}}, got)
	assert.Equal(t, http.StatusInternalServerError, post(t, keyless.URL, body))
	assert.Len(t, got, 1)
}

// The confirming reads, against answers the fake does not give: each
// case is one way a callback must be refused, or corrected, by what the
// API shows, and the reads it costs. (Pins the survivors of a mutation
// run on callbacks_confirm.go.)
func TestCallbackConfirmReads(t *testing.T) {
	const (
		account = "apr-e729d9982f079fa86b10a0e3aa6ff37b"
		address = "3N5unaGDEGnS6f2J9W9dBnA2cavymLNdqmU"
		hash    = "7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0"
	)
	base := cryptopay.ApironeBaseURL + "/v2/accounts/" + account + "/addresses/" + address
	withCallback := `{"account":"` + account + `","currency":"btc","address":"` + address + `","callback":{"method":"POST","url":"https://shop.example/cb","data":{"order":"7"}}}`
	tx := func(id string, amount, height int64) string {
		return fmt.Sprintf(`{"txid":%q,"amount":%d,"block":{"hash":"b","height":%d},"deleted":false}`, id, amount, height)
	}
	others := func(n int) []string {
		list := make([]string, n)
		for i := range list {
			list[i] = tx(fmt.Sprintf("%064x", i), 1000, 800000)
		}
		return list
	}
	page := func(total int, txs ...string) string {
		return fmt.Sprintf(`{"account":%q,"currency":"btc","address":%q,"txs":[%s],"pagination":{"total":%d,"offset":0,"limit":100}}`,
			account, address, strings.Join(txs, ","), total)
	}
	paid := func(conf string) string {
		return `{"value":99999,"input_address":"` + address + `","confirmations":` + conf + `,"input_transaction_hash":"` + hash +
			`","data":{"order":"7"},"account":"` + account + `","currency":"btc"}`
	}
	tests := []struct {
		name     string
		callback string
		info     string
		pages    []string // the address history, by offset 0, 100, ...
		status   int
		conf     int64 // what fn gets
		requests int
	}{
		{"no transaction hash", strings.Replace(paid("1"), hash, "", 1), withCallback, nil, 403, 0, 0},
		{"no callback in the API", paid("1"), `{"account":"` + account + `","currency":"btc","address":"` + address + `","callback":null}`, nil, 403, 0, 1},
		{"zero amount", paid("1"), withCallback, []string{page(1, tx(hash, 0, 800000))}, 403, 0, 2},
		{"spent", paid("1"), withCallback, []string{page(1, tx(hash, -1000, 800000))}, 403, 0, 2},
		{"mempool, the callback claims 6", paid("6"), withCallback, []string{page(1, tx(hash, 1000, 1))}, 200, 0, 2},
		{"the first block", paid("0"), withCallback, []string{page(1, tx(hash, 1000, 2))}, 200, 1, 2},
		{"confirmed, the callback's count kept", paid("6"), withCallback, []string{page(1, tx(hash, 1000, 800000))}, 200, 6, 2},
		{"on the second page", paid("1"), withCallback, []string{page(101, others(100)...), page(101, tx(hash, 1000, 800000))}, 200, 1, 3},
		{"on no page", paid("1"), withCallback, []string{page(101, others(100)...), page(101, others(1)...)}, 403, 0, 3},
		{"a page short of the total", paid("1"), withCallback, []string{page(150, others(99)...), page(150, tx(hash, 1000, 800000))}, 200, 1, 3},
		{"an empty page before the total", paid("1"), withCallback, []string{page(500, others(100)...), page(500)}, 403, 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodGet, base+"/callback", httpmock.NewStringResponder(200, tt.info))
			offset := 0
			for _, p := range tt.pages {
				query := "limit=100"
				if offset > 0 {
					query += fmt.Sprintf("&offset=%d", offset)
				}
				mock.RegisterResponderWithQuery(http.MethodGet, base+"/history", query, httpmock.NewStringResponder(200, p))
				offset += strings.Count(p, `"txid"`)
			}
			c, err := cryptopay.NewClient(cryptopay.WithHTTPClient(&http.Client{Transport: mock}))
			require.NoError(t, err)
			acct := c.Account(account, "82ookirnTwWNXXqFwdOQMVZIamt8s1uT")
			var got []cryptopay.PaymentCallback
			h := cryptopay.PaymentCallbackHandler(func(_ context.Context, cb *cryptopay.PaymentCallback) error {
				got = append(got, *cb)
				return nil
			}, cryptopay.WithCallbackConfirm(acct))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a page walk that never ends fails, not hangs
			defer cancel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodPost, "/cb", strings.NewReader(tt.callback)))
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, tt.requests, mock.GetTotalCallCount(), "API reads")
			if tt.status != http.StatusOK {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, tt.conf, got[0].Confirmations)
			assert.Equal(t, cryptopay.NewAmount(1000), got[0].Value, "the API's amount")
		})
	}
}

// TestCallbackOptionsTypeCheck type-checks calls of each handler with each
// option, as the compiler would: an Apirone-only option given to the
// AlphaPo handler does not compile; every other pairing does.
func TestCallbackOptionsTypeCheck(t *testing.T) {
	options := map[string]bool{ // the option call: Apirone only
		`cryptopay.WithCallbackSecret("secret", "s")`: true,
		`cryptopay.WithCallbackConfirm(acct)`:         true,
		`cryptopay.WithCallbackErrorHandler(nil)`:     false,
		`cryptopay.WithCallbackLogger(nil)`:           false,
		`cryptopay.WithCallbackObserver(nil)`:         false,
		`cryptopay.CallbackReportOption{}`:            false,
	}
	handlers := map[string]bool{ // the handler call, opt for the option: AlphaPo's
		`cryptopay.PaymentCallbackHandler(func(context.Context, *cryptopay.PaymentCallback) error { return nil }, opt)`: false,
		`cryptopay.InvoiceCallbackHandler(func(context.Context, *cryptopay.InvoiceCallback) error { return nil }, opt)`: false,
		`v.Handler(func(context.Context, *cryptopay.AlphaPoTransaction) error { return nil }, opt)`:                     true,
	}
	fset := token.NewFileSet()
	var files []*ast.File
	want := map[string]bool{}   // function name: compiles
	call := map[string]string{} // function name: the call it makes
	for h, alphaPo := range handlers {
		for o, apironeOnly := range options {
			name := fmt.Sprintf("f%d", len(want))
			src := fmt.Sprintf(`package options

import (
	"context"

	"github.com/cryptopay-go/cryptopay"
)

var (
	acct *cryptopay.Account
	v    *cryptopay.AlphaPoCallbackVerifier
)

func %s() { _ = %s }
`, name, strings.Replace(h, "opt", o, 1))
			files = append(files, mustParse(t, fset, name+".go", src))
			want[name] = !(alphaPo && apironeOnly)
			call[name] = strings.Replace(h, "opt", o, 1)
		}
	}
	imp := exportImporter(t, fset, [][]*ast.File{files[:1]})
	for _, f := range files {
		name := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Name.Name
		var errs []string
		conf := types.Config{Importer: imp, Error: func(err error) { errs = append(errs, err.Error()) }}
		conf.Check("options", fset, []*ast.File{f}, nil)
		if want[name] {
			assert.Empty(t, errs, call[name])
			continue
		}
		require.Len(t, errs, 1, call[name])
		assert.Contains(t, errs[0], "does not implement cryptopay.AlphaPoCallbackOption", call[name])
	}
}
