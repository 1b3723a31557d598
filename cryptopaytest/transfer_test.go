package cryptopaytest_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func to(address string, amount cryptopay.DestinationAmount) cryptopay.Destination {
	return cryptopay.Destination{Address: address, Amount: amount}
}

// The btc network fee is rate × (10 + 68·inputs + 31·(destinations+1)):
// 1 input, 1 destination at the normal rate (1) is 140 satoshi.
func TestEstimateTransfer(t *testing.T) {
	e := newEnv(t)
	a1, a2 := e.address("btc", nil), e.address("btc", nil)
	e.deposit(a1, cryptopay.NewAmount(100000), 1)
	e.deposit(a2, cryptopay.NewAmount(50000), 1)
	other := "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ"

	type want struct {
		dests        []int64
		amount, fee  int64
		total        int64
		strategy     cryptopay.FeeStrategy
		rate         string
		subtractFees bool
	}
	cases := map[string]struct {
		p    cryptopay.TransferParams
		want want
	}{
		"one input": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}},
			want{[]int64{10000}, 10000, 140, 10140, cryptopay.FeeNormal, "1", false},
		},
		"two inputs": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(120000))}},
			want{[]int64{120000}, 120000, 208, 120208, cryptopay.FeeNormal, "1", false},
		},
		"fee subtracted": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}, SubtractFeeFromAmount: true},
			want{[]int64{9860}, 10000, 140, 10000, cryptopay.FeeNormal, "1", true},
		},
		"percent of the balance, fee shared in proportion": {
			cryptopay.TransferParams{
				Destinations:          []cryptopay.Destination{to(external, cryptopay.Percent(50)), to(other, cryptopay.Units(30000))},
				SubtractFeeFromAmount: true,
			},
			// 75000 + 30000 needs both inputs: fee 10+136+93 = 239, split 170 (75/105 of it, rounded down) and 69.
			want{[]int64{74830, 29931}, 105000, 239, 105000, cryptopay.FeeNormal, "1", true},
		},
		"everything": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Percent(100))}, SubtractFeeFromAmount: true},
			want{[]int64{149792}, 150000, 208, 150000, cryptopay.FeeNormal, "1", true},
		},
		"priority": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}, Fee: cryptopay.FeePriority},
			want{[]int64{10000}, 10000, 420, 10420, cryptopay.FeePriority, "3", false},
		},
		"custom": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}, Fee: cryptopay.FeeCustom, FeeRate: 5},
			want{[]int64{10000}, 10000, 700, 10700, cryptopay.FeeCustom, "5", false},
		},
		"from one address": {
			cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(40000))}, Addresses: []string{a2}},
			want{[]int64{40000}, 40000, 140, 40140, cryptopay.FeeNormal, "1", false},
		},
	}
	for name, tc := range cases {
		p := tc.p
		p.Currency = "btc"
		est, err := e.acct.EstimateTransfer(ctx, &p)
		require.NoError(t, err, name)
		var dests []int64
		for _, d := range est.Destinations {
			n, _ := d.Amount.Int64()
			dests = append(dests, n)
		}
		amount, _ := est.Amount.Int64()
		total, _ := est.Total.Int64()
		fee, _ := est.Fee.Network.Amount.Int64()
		assert.Equal(t, tc.want, want{dests, amount, fee, total, est.Fee.Network.Strategy, est.Fee.Network.Rate.String(), est.Fee.SubtractFromAmount}, name)
		assert.Equal(t, e.acct.ID(), est.Account, name)
	}
	assert.Equal(t, "150000", e.balance("btc").Total.String(), "estimates move nothing")
}

func TestEstimateTransferRefusals(t *testing.T) {
	e := newEnv(t)
	a1 := e.address("btc", nil)
	l1 := e.address("ltc", nil)
	e.deposit(a1, cryptopay.NewAmount(100000), 1)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(900000), 0) // unconfirmed: not spendable

	cases := map[string]struct {
		p    cryptopay.TransferParams
		want string
	}{
		"more than available": {cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(99861))}}, "Insufficient funds."},
		"everything plus fee": {cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Percent(100))}}, "Insufficient funds."},
		"fee eats it":         {cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(140))}, SubtractFeeFromAmount: true}, "Amount is too small to pay the network fee."},
		"foreign source":      {cryptopay.TransferParams{Destinations: []cryptopay.Destination{to(external, cryptopay.Units(1000))}, Addresses: []string{l1}}, "Address " + l1 + " is not a btc address of the account."},
	}
	for name, tc := range cases {
		p := tc.p
		p.Currency = "btc"
		_, err := e.acct.EstimateTransfer(ctx, &p)
		require.ErrorIs(t, err, cryptopay.ErrBadRequest, name)
		assert.Equal(t, tc.want, apiError(t, err).Message, name)
		_, err = e.acct.Transfer(ctx, &p)
		require.ErrorIs(t, err, cryptopay.ErrBadRequest, name)
	}
	assert.Equal(t, "100000", e.balance("btc").Available.String(), "refused transfers move nothing")

	// Checks the SDK makes before sending, asked directly.
	base := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID() + "/transfer?currency=btc&"
	for query, want := range map[string]string{
		"destinations=" + external + ":0":            "Destination amount must be positive.",
		"destinations=" + external + ":101%25":       "Destination percentage must be from 1 to 100.",
		"destinations=" + external + ":ten":          "Invalid destination: " + external + ":ten.",
		"destinations=":                              "destinations are required.",
		"destinations=" + external + ":1&fee=max":    "Unsupported fee strategy: max.",
		"destinations=" + external + ":1&fee=custom": "fee-rate is required with the custom fee.",
	} {
		status, body := get(t, base+query)
		assert.Equal(t, http.StatusBadRequest, status, query)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, body, query)
	}
}

func TestTransferMovesMoneyAndMakesChange(t *testing.T) {
	e := newEnv(t)
	a1, a2 := e.address("btc", nil), e.address("btc", nil)
	e.deposit(a1, cryptopay.NewAmount(100000), 1)
	e.deposit(a2, cryptopay.NewAmount(50000), 1)

	res, err := e.acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.ItemPayment, res.Type)
	assert.Regexp(t, `^[0-9a-f]{64}$`, res.ID)
	require.Len(t, res.Txs, 1)
	assert.Equal(t, []cryptopay.AddressAmount{{Address: external, Amount: cryptopay.NewAmount(10000)}}, res.Destinations)
	assert.Equal(t, cryptopay.NewAmount(10000), res.Amount)
	assert.Equal(t, cryptopay.NewAmount(10140), res.Total)
	assert.Equal(t, cryptopay.NewAmount(140), res.Fee.Network.Amount)
	require.NotEmpty(t, res.ChangeAddress)

	// a1 is spent whole; 100000 − 10140 comes back to a new address, spendable once mined.
	change, err := e.acct.AddressInfo(ctx, res.ChangeAddress)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.Balance{Available: cryptopay.NewAmount(0), Total: cryptopay.NewAmount(89860)}, change.Balance)
	spent, err := e.acct.AddressBalance(ctx, a1)
	require.NoError(t, err)
	assert.Equal(t, "0/0", spent.Available.String()+"/"+spent.Total.String())
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(50000), Total: cryptopay.NewAmount(139860)}, e.balance("btc"))
	e.mine(1)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(139860), Total: cryptopay.NewAmount(139860)}, e.balance("btc"))

	item, err := e.acct.HistoryItem(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.HistoryItem{
		Account: e.acct.ID(), Currency: "btc", Created: res.Created, Type: cryptopay.ItemPayment, ID: res.ID, Txs: res.Txs,
		Destinations: res.Destinations, Amount: res.Amount, Total: res.Total, Fee: res.Fee,
	}, item)
	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.True(t, page.Items[0].IsConfirmed, "mined")

	ah, err := e.acct.AddressHistory(ctx, a1, nil)
	require.NoError(t, err)
	require.Len(t, ah.Txs, 2)
	assert.Equal(t, res.Txs[0], ah.Txs[0].TxID)
	assert.Equal(t, cryptopay.NewAmount(-100000), ah.Txs[0].Amount)
}

func TestFeeRateIsANumberOnTheWire(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)
	status, body := get(t, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"/transfer?currency=btc&destinations="+external+":10000")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"account":"`+e.acct.ID()+`","currency":"btc","destinations":[{"address":"`+external+`","amount":10000}],
		"amount":10000,"total":10140,"fee":{"subtract-from-amount":false,"network":{"strategy":"normal","amount":140,"rate":1}}}`, body)
}

// Wei amounts exceed int64; the server keeps them exact. Ethereum spends
// exactly (no change); its fee is 21000 × 1 gwei per destination.
func TestTransferWeiAmounts(t *testing.T) {
	e := newEnv(t)
	addr := e.address("eth", nil)
	e.deposit(addr, cryptopay.MustAmount("50000000000000000000"), 1)

	res, err := e.acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "eth", Destinations: []cryptopay.Destination{to("0x52908400098527886E0F7030069857D2E4169EE7", cryptopay.Percent(40))}})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustAmount("20000000000000000000"), res.Amount)
	assert.Equal(t, cryptopay.MustAmount("21000000000000"), res.Fee.Network.Amount)
	assert.Equal(t, cryptopay.MustAmount("20000021000000000000"), res.Total)
	assert.Empty(t, res.ChangeAddress)
	assert.Equal(t, cryptopay.MustAmount("29999979000000000000"), e.balance("eth").Total)

	res, err = e.acct.Transfer(ctx, &cryptopay.TransferParams{
		Currency: "eth", SubtractFeeFromAmount: true,
		Destinations: []cryptopay.Destination{to("0x52908400098527886E0F7030069857D2E4169EE7", cryptopay.Percent(100))},
	})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustAmount("29999958000000000000"), res.Destinations[0].Amount)
	assert.Equal(t, "0", e.balance("eth").Total.String())
}

func TestSourceListedTwiceCountsOnce(t *testing.T) {
	e := newEnv(t)
	a := e.address("btc", nil)
	e.deposit(a, cryptopay.NewAmount(10000), 1)

	b, err := e.acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc", Addresses: []string{a, a}})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(10000), b.Balance[0].Total)
	_, err = e.acct.Transfer(ctx, &cryptopay.TransferParams{
		Currency: "btc", Addresses: []string{a, a}, Destinations: []cryptopay.Destination{to(external, cryptopay.Units(15000))},
	})
	require.ErrorIs(t, err, cryptopay.ErrBadRequest)
	assert.Equal(t, "10000", e.balance("btc").Total.String())
}

// Concurrent transfers from one confirmed input: the first spends it (its
// change is unconfirmed), so exactly one succeeds and money moves once.
func TestConcurrentTransfersSpendOnce(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)

	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(10000))}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	succeeded := 0
	for err := range errs {
		if err == nil {
			succeeded++
			continue
		}
		assert.ErrorIs(t, err, cryptopay.ErrBadRequest)
	}
	assert.Equal(t, 1, succeeded)
	assert.Equal(t, "89860", e.balance("btc").Total.String())
	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
}
