package cryptopay_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An invoice paid in full: the shop hears of each status change through
// InvoiceCallbackHandler, re-fetches the invoice as the handler's doc
// says, and ships once it is completed.
func TestEndToEndInvoice(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(srv.ApironeURL()))
	require.NoError(t, err)
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)

	type seen struct {
		callback cryptopay.InvoiceCallback
		invoice  *cryptopay.Invoice // as re-fetched in the handler
	}
	heard := make(chan seen, 10)
	shop := httptest.NewServer(cryptopay.InvoiceCallbackHandler(func(ctx context.Context, cb *cryptopay.InvoiceCallback) error {
		inv, err := c.Invoice(ctx, cb.Invoice)
		if err != nil {
			return err // Apirone calls again
		}
		heard <- seen{*cb, inv}
		return nil
	}, cryptopay.WithCallbackSecret("secret", "s3cret")))
	defer shop.Close()

	inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{
		Currency: "btc", Amount: cryptopay.NewAmount(25000), Lifetime: time.Hour,
		CallbackURL: shop.URL + "/apirone/invoice?secret=s3cret",
		UserData:    &cryptopay.InvoiceUserData{Title: "Order 1042"},
	})
	require.NoError(t, err)
	require.Equal(t, cryptopay.InvoiceCreated, inv.Status)

	// The customer pays the whole amount; it is in the mempool.
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: inv.Address, Amount: cryptopay.NewAmount(25000)})
	require.NoError(t, err)
	require.Len(t, dep.Deliveries, 1)
	assert.True(t, dep.Deliveries[0].Acknowledged, "the handler answered *ok*")
	got := <-heard
	assert.Equal(t, cryptopay.InvoiceCallback{Invoice: inv.ID, Status: cryptopay.InvoicePaid}, got.callback)
	assert.Equal(t, cryptopay.InvoicePaid, got.invoice.Status)
	assert.False(t, got.invoice.Status.IsFinal(), "not yet: wait for the confirmation")
	require.Len(t, got.invoice.History, 2)
	assert.Equal(t, cryptopay.InvoiceEvent{Date: got.invoice.History[1].Date, Status: cryptopay.InvoicePaid, TxID: dep.TxID, Amount: cryptopay.NewAmount(25000)},
		got.invoice.History[1])

	// A block confirms it: completed.
	mined, err := srv.Mine(ctx, 1)
	require.NoError(t, err)
	require.Len(t, mined, 1)
	assert.True(t, mined[0].Acknowledged)
	got = <-heard
	assert.Equal(t, cryptopay.InvoiceCallback{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}, got.callback)
	assert.True(t, got.invoice.Status.IsFinal())

	private, err := acct.Invoice(ctx, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.InvoiceCompleted, private.Status)
	assert.Equal(t, "Order 1042", private.UserData.Title)
	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(25000), bal.Balance[0].Available)

	more, err := srv.Mine(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, more, "every callback was acknowledged")
	assert.Empty(t, heard)
}
