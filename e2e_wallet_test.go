package cryptopay_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// TestEndToEndWalletFlow: a wallet's life on cryptopaytest: create it,
// an address with a callback, a deposit whose callback names the wallet,
// a transfer out, and the protected calls with the transfer key and with
// tokens.
func TestEndToEndWalletFlow(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	shop, callbacks := merchantReceiver(t, "s3cret")
	c := srv.Client()

	created, err := c.CreateWallet(ctx, &cryptopay.CreateWalletParams{Currency: "ltc", ProcessingFeePolicy: cryptopay.ProcessingFeeFixed})
	require.NoError(t, err)
	assert.Equal(t, "ltc", created.Currency)
	w := c.Wallet(created.Wallet, created.TransferKey)
	assert.Equal(t, "ltc", w.Currency())
	info, err := w.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, created.Wallet, info.Wallet)
	assert.Equal(t, "ltc", info.Currency)
	assert.Equal(t, cryptopay.ProcessingFeeFixed, info.ProcessingFeePolicy)

	// No currency on a wallet's calls.
	addr, err := w.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Callback: &cryptopay.Callback{URL: shop.URL + "/apirone", Data: map[string]string{"order": "7", "secret": "s3cret"}},
	})
	require.NoError(t, err)
	assert.Equal(t, created.Wallet, addr.Wallet)
	assert.Empty(t, addr.Account)
	assert.Equal(t, "ltc", addr.Currency)

	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(2_000_000), Confirmations: 1})
	require.NoError(t, err)
	require.Len(t, dep.Deliveries, 1)
	assert.True(t, dep.Deliveries[0].Acknowledged)
	cb := <-callbacks
	assert.Equal(t, created.Wallet, cb.Wallet, "a wallet's callback carries wallet")
	assert.Empty(t, cb.Account)
	assert.Equal(t, "ltc", cb.Currency)

	bal, err := w.Balance(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.WalletBalance{Wallet: created.Wallet,
		Balance: cryptopay.Balance{Available: cryptopay.NewAmount(2_000_000), Total: cryptopay.NewAmount(2_000_000)}}, *bal)

	params := &cryptopay.TransferParams{
		Destinations:          []cryptopay.Destination{{Address: "LQTpS3VaYTjCr4s9Y1t5zbeY26zevf7Fb3", Amount: cryptopay.Units(500_000)}},
		SubtractFeeFromAmount: true,
	}
	est, err := w.EstimateTransfer(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, created.Wallet, est.Wallet)
	sent, err := w.Transfer(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, created.Wallet, sent.Wallet)
	assert.Equal(t, est.Destinations, sent.Destinations)
	item, err := w.HistoryItem(ctx, sent.ID)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.ItemPayment, item.Type)
	page, err := w.History(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)

	// Protected calls: the transfer key, then tokens; a handle without
	// either is refused before sending.
	log, err := w.AddressCallbackLog(ctx, addr.Address, nil)
	require.NoError(t, err)
	require.Len(t, log.Log, 1)
	assert.Equal(t, created.Wallet, log.Log[0].Request.Args.Wallet)
	require.NoError(t, w.Login(ctx))
	settings, err := w.UpdateSettings(ctx, &cryptopay.SettingsParams{Currency: "ltc",
		Callback: &cryptopay.Callback{URL: shop.URL + "/wallet"}})
	require.NoError(t, err)
	assert.Equal(t, created.Wallet, settings.Wallet)
	require.NoError(t, w.Refresh(ctx))
	saved, err := w.CallbackInfo(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, shop.URL+"/wallet", saved.Callback.URL)
	_, err = c.Wallet(created.Wallet, "").Transfer(ctx, params)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)

	// The wallet is not an account, nor is an account a wallet.
	_, err = c.Account(created.Wallet, created.TransferKey).Info(ctx, "")
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	acct, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	_, err = c.Wallet("ltc-"+acct.Account[len("apr-"):], acct.TransferKey).Info(ctx)
	var apiErr *cryptopay.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 404, apiErr.StatusCode)
}
