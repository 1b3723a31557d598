package cryptopay_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
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
