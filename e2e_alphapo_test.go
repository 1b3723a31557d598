package cryptopay_test

// End-to-end AlphaPo scenario: the real AlphaPoClient and its callback
// handler against the in-memory server of package cryptopaytest, over
// real sockets.

import (
	"net/http"

	"context"
	"net/http/httptest"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nextCallback returns the callback the shop has received. The server
// delivers callbacks before its test controls return, so it is there
// already.
func nextCallback(t *testing.T, got <-chan *cryptopay.AlphaPoTransaction) *cryptopay.AlphaPoTransaction {
	t.Helper()
	select {
	case cb := <-got:
		return cb
	default:
		t.Fatal("no callback received")
		return nil
	}
}

func alphaPoBalance(t *testing.T, ap *cryptopay.AlphaPoClient, currency string) string {
	t.Helper()
	list, err := ap.Balances(context.Background())
	require.NoError(t, err)
	for _, b := range list {
		if b.Currency == currency {
			return b.Balance.String()
		}
	}
	t.Fatalf("no %s balance", currency)
	return ""
}

// A customer pays into a taken address, the shop hears of it through a
// verified callback, the balance grows; the shop pays out, hears that the
// withdrawal is confirmed, and finds it by its foreign_id.
func TestEndToEndAlphaPoDepositAndWithdrawal(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	key, secret := srv.AlphaPoCredentials()
	ap, err := cryptopay.NewAlphaPoClient(key, secret, cryptopay.WithBaseURL(srv.AlphaPoURL()))
	require.NoError(t, err)

	got := make(chan *cryptopay.AlphaPoTransaction, 10)
	verifier, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	require.NoError(t, err)
	shop := httptest.NewServer(verifier.Handler(func(_ context.Context, cb *cryptopay.AlphaPoTransaction) error {
		got <- cb
		return nil
	}))
	t.Cleanup(shop.Close)
	srv.SetAlphaPoCallbackURL(shop.URL)

	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "LTC", ForeignID: "customer-17", EndUserReference: "user-17"})
	require.NoError(t, err)
	dep, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: addr.Address, Amount: cryptopay.MustDecimal("2.5")})
	require.NoError(t, err)
	require.True(t, dep.Deliveries[0].Acknowledged, "the handler verified the signature and answered 200")

	seen := nextCallback(t, got)
	assert.Equal(t, cryptopay.AlphaPoTxDeposit, seen.Type)
	assert.Equal(t, cryptopay.AlphaPoStatusNotConfirmed, seen.Status)
	assert.Equal(t, addr.Address, seen.CryptoAddress.Address)
	assert.Equal(t, "customer-17", seen.CryptoAddress.ForeignID, "a deposit's customer is the address's foreign_id")
	assert.Empty(t, seen.ForeignID, "as in AlphaPo's deposit callback, there is no top-level foreign_id")
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "LTC", Amount: cryptopay.MustDecimal("2.50000000")}, seen.CurrencySent)
	assert.Equal(t, "0.00000000", alphaPoBalance(t, ap, "LTC"), "not confirmed yet")

	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	confirmed := nextCallback(t, got)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, confirmed.Status)
	assert.Equal(t, seen.ID, confirmed.ID)
	assert.NotEqual(t, seen.DedupeKey(), confirmed.DedupeKey(), "a new status is a new event")
	assert.Equal(t, "2.47500000", alphaPoBalance(t, ap, "LTC"), "amount_minus_fee: 2.5 less the fake's 1 % deposit fee")
	assert.Equal(t, cryptopay.MustDecimal("2.47500000"), *confirmed.CurrencyReceived.AmountMinusFee)

	w, err := ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-1", EndUserReference: "user-17", Currency: "LTC",
		Amount: cryptopay.MustDecimal("1"), Address: "ltc1qg82tmtdnq8gyfh4ghf3gkqgsf4swgsmgvyhqe5",
	})
	require.NoError(t, err)
	assert.Equal(t, "processing", w.Status)
	assert.Equal(t, "1.46500000", alphaPoBalance(t, ap, "LTC"), "the amount and the fake's 1 % fee")

	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	paid := nextCallback(t, got)
	assert.Equal(t, w.ID, paid.ID)
	assert.Equal(t, cryptopay.AlphaPoTxWithdrawal, paid.Type)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, paid.Status)
	assert.Equal(t, "payout-1", paid.ForeignID)
	assert.Empty(t, got, "the acknowledged deposit is not sent again")

	tx, err := ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "payout-1"})
	require.NoError(t, err)
	assert.Equal(t, paid, tx)
}

func TestEndToEndAlphaPoTakeAddress(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	params := &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17", ConvertTo: "EUR"}

	good, err := cryptopay.NewAlphaPoClient(key, secret, cryptopay.WithBaseURL(srv.AlphaPoURL()))
	require.NoError(t, err)
	taken, err := good.TakeAddress(ctx, params)
	require.NoError(t, err)
	assert.NotEmpty(t, taken.Address)
	assert.Equal(t, "customer-17", taken.ForeignID)
	assert.Equal(t, "EUR", taken.ConvertTo)

	bad, err := cryptopay.NewAlphaPoClient(key, "not-the-secret", cryptopay.WithBaseURL(srv.AlphaPoURL()))
	require.NoError(t, err)
	_, err = bad.TakeAddress(ctx, params)
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized)
	var ae *cryptopay.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusForbidden, ae.StatusCode)
	assert.Equal(t, "bad_header_signature", ae.Code)
	assert.NotContains(t, err.Error(), "not-the-secret")
}
