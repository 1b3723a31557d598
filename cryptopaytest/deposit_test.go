package cryptopaytest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitForConfirmation is a merchant that acknowledges a payment only once
// it has a confirmation.
func waitForConfirmation(in received) (int, string) {
	var cb cryptopay.PaymentCallback
	if json.Unmarshal([]byte(in.Body), &cb) != nil || cb.Confirmations < 1 {
		return http.StatusOK, "waiting"
	}
	return http.StatusOK, "*ok*"
}

func TestDepositDeliversCallbackUntilAcknowledged(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, waitForConfirmation)
	addr := e.address("btc", &cryptopay.Callback{URL: rc.URL + "/apirone", Data: map[string]string{"order": "1042"}})

	res := e.deposit(addr, cryptopay.NewAmount(150000), 0)
	require.Len(t, res.Deliveries, 1)
	first := res.Deliveries[0]
	assert.Equal(t, "POST", first.Method)
	assert.Equal(t, rc.URL+"/apirone", first.URL)
	assert.Equal(t, 200, first.Status)
	assert.Equal(t, "waiting", first.Response)
	assert.False(t, first.Acknowledged)
	assert.NoError(t, first.Err)

	calls := rc.calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "application/json", calls[0].Header.Get("Content-Type"))
	assert.Equal(t, first.Body, calls[0].Body)
	var got cryptopay.PaymentCallback
	require.NoError(t, json.Unmarshal([]byte(calls[0].Body), &got))
	assert.Equal(t, cryptopay.PaymentCallback{
		Value: cryptopay.NewAmount(150000), InputAddress: addr, Confirmations: 0, InputTransactionHash: res.TxID,
		Data: map[string]string{"order": "1042"}, Account: e.acct.ID(), Currency: "btc", Payment: res.Payment,
	}, got)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(0), Total: cryptopay.NewAmount(150000)}, e.balance("btc"))

	// The next block confirms it; the merchant acknowledges; later blocks send nothing.
	mined := e.mine(3)
	require.Len(t, mined, 1)
	assert.True(t, mined[0].Acknowledged)
	assert.Equal(t, 1, mined[0].Confirmations)
	assert.Equal(t, "*ok*", mined[0].Response)
	assert.Len(t, rc.calls(), 2)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(150000), Total: cryptopay.NewAmount(150000)}, e.balance("btc"))

	item, err := e.acct.HistoryItem(ctx, res.Payment)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.ItemReceipt, item.Type)
	assert.Equal(t, []string{res.TxID}, item.Txs)
	assert.Equal(t, cryptopay.NewAmount(150000), item.Amount)

	log, err := e.acct.AddressCallbackLog(ctx, addr, nil)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.Pagination{Total: 2, Offset: 0, Limit: 10}, log.Pagination)
	require.Len(t, log.Log, 2)
	latest := log.Log[0]
	// The log shows the callback without its data (the secret's place) and
	// payment id, as Apirone's does.
	assert.Equal(t, cryptopay.CallbackLogRequest{Method: "POST", URL: rc.URL + "/apirone", Args: cryptopay.PaymentCallback{
		Value: cryptopay.NewAmount(150000), InputAddress: addr, Confirmations: 1, InputTransactionHash: res.TxID,
		Account: e.acct.ID(), Currency: "btc",
	}}, latest.Request)
	assert.Equal(t, 200, latest.Response.Status)
	assert.Equal(t, "*ok*", latest.Response.Content)
	assert.Equal(t, "text/plain; charset=utf-8", latest.Response.Headers["Content-Type"])
	assert.Equal(t, "waiting", log.Log[1].Response.Content, "newest first")
	assert.Equal(t, int64(0), log.Log[1].Request.Args.Confirmations)

	older, err := e.acct.AddressCallbackLog(ctx, addr, &cryptopay.PageParams{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Len(t, older.Log, 1)
	assert.Equal(t, "waiting", older.Log[0].Response.Content)
}

func TestCallbackIsResentEveryBlockWhileRefused(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(received) (int, string) { return http.StatusInternalServerError, "*ok*" })
	addr := e.address("btc", &cryptopay.Callback{URL: rc.URL})
	res := e.deposit(addr, cryptopay.NewAmount(1000), 2)
	assert.False(t, res.Deliveries[0].Acknowledged, "*ok* needs status 200")

	mined := e.mine(3)
	require.Len(t, mined, 3)
	for i, d := range mined {
		assert.Equal(t, 3+i, d.Confirmations)
		assert.Equal(t, 500, d.Status)
		assert.False(t, d.Acknowledged)
	}
	log, err := e.acct.AddressCallbackLog(ctx, addr, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, log.Pagination.Total)
}

func TestCallbackStopsAfter255Confirmations(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(received) (int, string) { return http.StatusOK, "no" })
	e.deposit(e.address("btc", &cryptopay.Callback{URL: rc.URL}), cryptopay.NewAmount(1000), 250)
	mined := e.mine(10)
	require.Len(t, mined, 5, "confirmations 251 to 255")
	assert.Equal(t, 255, mined[4].Confirmations)
}

func TestGetCallbackCarriesFieldsInQuery(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, answerOK)
	addr := e.address("btc", &cryptopay.Callback{Method: "GET", URL: rc.URL + "/cb?shop=7", Data: map[string]string{"order": "1042"}})
	res := e.deposit(addr, cryptopay.NewAmount(2500), 1)
	require.Len(t, res.Deliveries, 1)
	assert.True(t, res.Deliveries[0].Acknowledged)
	assert.Equal(t, "GET", res.Deliveries[0].Method)
	assert.Empty(t, res.Deliveries[0].Body)

	calls := rc.calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "GET", calls[0].Method)
	assert.Empty(t, calls[0].Body)
	q, err := url.ParseQuery(calls[0].Query)
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"shop": {"7"}, "order": {"1042"}, "value": {"2500"}, "input_address": {addr}, "confirmations": {"1"},
		"input_transaction_hash": {res.TxID}, "account": {e.acct.ID()}, "currency": {"btc"}, "payment": {res.Payment},
	}, q)
	assert.Empty(t, e.mine(1), "acknowledged")
}

func TestDepositWithoutCallbackOrReceiver(t *testing.T) {
	e := newEnv(t)
	quiet := e.address("btc", nil)
	res := e.deposit(quiet, cryptopay.NewAmount(1), 0)
	assert.Empty(t, res.Deliveries)
	assert.Empty(t, e.mine(1))

	gone := newReceiver(t, answerOK)
	gone.Close()
	addr := e.address("btc", &cryptopay.Callback{URL: gone.URL})
	res = e.deposit(addr, cryptopay.NewAmount(1), 0)
	require.Len(t, res.Deliveries, 1)
	assert.Error(t, res.Deliveries[0].Err)
	assert.Equal(t, 0, res.Deliveries[0].Status)
	log, err := e.acct.AddressCallbackLog(ctx, addr, nil)
	require.NoError(t, err)
	require.Len(t, log.Log, 1)
	assert.Equal(t, 0, log.Log[0].Response.Status)
}

func TestDepositRefusesBadParams(t *testing.T) {
	e := newEnv(t)
	addr := e.address("btc", nil)
	for name, p := range map[string]cryptopaytest.DepositParams{
		"unknown address":        {Address: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Amount: cryptopay.NewAmount(1)},
		"zero amount":            {Address: addr},
		"negative amount":        {Address: addr, Amount: cryptopay.NewAmount(-5)},
		"negative confirmations": {Address: addr, Amount: cryptopay.NewAmount(5), Confirmations: -1},
	} {
		_, err := e.srv.Deposit(ctx, p)
		assert.Error(t, err, name)
	}
	assert.Equal(t, "0", e.balance("btc").Total.String())
}

// Callbacks reach a receiver that calls the server back while it answers.
func TestReceiverMayCallTheServer(t *testing.T) {
	e := newEnv(t)
	seen := make(chan cryptopay.Balance, 1)
	rc := newReceiver(t, func(in received) (int, string) {
		var cb cryptopay.PaymentCallback
		json.Unmarshal([]byte(in.Body), &cb)
		info, err := e.acct.AddressInfo(ctx, cb.InputAddress)
		if err != nil {
			return http.StatusInternalServerError, err.Error()
		}
		seen <- info.Balance
		return http.StatusOK, "*ok*"
	})
	res := e.deposit(e.address("btc", &cryptopay.Callback{URL: rc.URL}), cryptopay.NewAmount(777), 1)
	require.True(t, res.Deliveries[0].Acknowledged, res.Deliveries[0].Response)
	assert.Equal(t, cryptopay.NewAmount(777), (<-seen).Total)
}

func TestConcurrentDeposits(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, answerOK)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{URL: rc.URL}})
			if !assert.NoError(t, err) {
				return
			}
			_, err = e.srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(1000), Confirmations: 1})
			assert.NoError(t, err)
			_, err = e.acct.Balance(ctx, nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, "20000", e.balance("btc").Available.String())
	assert.Len(t, rc.calls(), 20)
}
