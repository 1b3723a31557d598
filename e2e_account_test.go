package cryptopay_test

// End-to-end scenarios: the real clients against the in-memory server of
// package cryptopaytest, over real sockets.

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// merchantReceiver is a shop's callback endpoint: it checks the shared
// secret the shop put in the callback data, hands each callback to the
// test, and acknowledges it with "*ok*".
func merchantReceiver(t *testing.T, secret string) (*httptest.Server, <-chan cryptopay.PaymentCallback) {
	got := make(chan cryptopay.PaymentCallback, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cb cryptopay.PaymentCallback
		if err := json.NewDecoder(r.Body).Decode(&cb); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if subtle.ConstantTimeCompare([]byte(cb.Data["secret"]), []byte(secret)) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		got <- cb
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "*ok*")
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestEndToEndMerchantFlow(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	shop, callbacks := merchantReceiver(t, "s3cret")

	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(srv.ApironeURL()))
	require.NoError(t, err)
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)

	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{URL: shop.URL + "/apirone", Data: map[string]string{"order": "1042", "secret": "s3cret"}},
	})
	require.NoError(t, err)

	// A customer pays 0.0015 BTC; it is mined at once.
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(150000), Confirmations: 1})
	require.NoError(t, err)
	require.Len(t, dep.Deliveries, 1)
	assert.True(t, dep.Deliveries[0].Acknowledged, "the shop answered *ok*")
	cb := <-callbacks
	assert.Equal(t, cryptopay.PaymentCallback{
		Value: cryptopay.NewAmount(150000), InputAddress: addr.Address, Confirmations: 1, InputTransactionHash: dep.TxID,
		Data: map[string]string{"order": "1042", "secret": "s3cret"}, Account: created.Account, Currency: "btc", Payment: dep.Payment,
	}, cb)
	receipt, err := acct.HistoryItem(ctx, cb.Payment)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.ItemReceipt, receipt.Type)
	assert.Equal(t, cb.Value, receipt.Amount)

	// The shop sends half its balance on, fee included in the amount.
	params := &cryptopay.TransferParams{
		Currency:              "btc",
		Destinations:          []cryptopay.Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: cryptopay.Percent(50)}},
		SubtractFeeFromAmount: true,
	}
	est, err := acct.EstimateTransfer(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(75000), est.Amount)
	assert.Equal(t, est.Amount, est.Total)
	assert.Positive(t, est.Fee.Network.Amount.Sign())
	assert.Equal(t, est.Amount.Sub(est.Fee.Network.Amount), est.Destinations[0].Amount)

	sent, err := acct.Transfer(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, est.Destinations, sent.Destinations, "the transfer did what the estimate said")
	assert.Equal(t, est.Fee, sent.Fee)

	page, err := acct.History(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.Equal(t, sent.ID, page.Items[0].ID)
	assert.Equal(t, cryptopay.ItemPayment, page.Items[0].Type)
	assert.Equal(t, cryptopay.NewAmount(-75000), page.Items[0].Amount)
	assert.Equal(t, dep.Payment, page.Items[1].ID)
	item, err := acct.HistoryItem(ctx, sent.ID)
	require.NoError(t, err)
	assert.Equal(t, sent.Destinations, item.Destinations)
	assert.Equal(t, sent.Total, item.Total)

	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(75000), bal.Balance[0].Total, "the change stays in the account")

	log, err := acct.AddressCallbackLog(ctx, addr.Address, nil)
	require.NoError(t, err)
	require.Len(t, log.Log, 1)
	assert.Equal(t, "*ok*", log.Log[0].Response.Content)
}
