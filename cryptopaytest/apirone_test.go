package cryptopaytest_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateAccountAndInfo(t *testing.T) {
	e := newEnv(t)
	assert.Regexp(t, `^apr-[0-9a-f]{32}$`, e.acct.ID())
	assert.Len(t, e.key, 32)

	other, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, e.acct.ID(), other.Account)
	assert.NotEqual(t, e.key, other.TransferKey)

	info, err := e.acct.Info(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, e.acct.ID(), info.Account)
	units := map[string]string{}
	for _, ci := range info.Info {
		units[ci.Currency] = ci.Units
		assert.Equal(t, cryptopay.FeeNormal, ci.Fee)
		assert.Nil(t, ci.Destinations)
		assert.False(t, ci.Created.IsZero())
	}
	assert.Equal(t, map[string]string{
		"btc": "satoshi", "ltc": "satoshi", "bch": "satoshi", "doge": "satoshi", "tbtc": "satoshi", "trx": "sun", "eth": "wei",
	}, units)

	one, err := e.acct.Info(ctx, "ltc")
	require.NoError(t, err)
	require.Len(t, one.Info, 1)
	assert.Equal(t, "ltc", one.Info[0].Currency)

	_, err = e.acct.Info(ctx, "xyz")
	assert.ErrorIs(t, err, cryptopay.ErrBadRequest)
	assert.Equal(t, "Unsupported currency: xyz.", apiError(t, err).Message)
}

func TestUnknownAccountAndItems(t *testing.T) {
	e := newEnv(t)
	ghost := e.c.Account("apr-00000000000000000000000000000000", e.key)

	_, err := ghost.Balance(ctx, nil)
	require.ErrorIs(t, err, cryptopay.ErrNotFound)
	ae := apiError(t, err)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	assert.Equal(t, "Account not found.", ae.Message)
	assert.JSONEq(t, `{"message":"Account not found."}`, string(ae.Body))

	_, err = ghost.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(1)}}})
	assert.ErrorIs(t, err, cryptopay.ErrNotFound)

	other := newEnv(t)
	theirs := other.address("btc", nil)
	_, err = e.acct.AddressInfo(ctx, theirs)
	require.ErrorIs(t, err, cryptopay.ErrNotFound)
	assert.Equal(t, "Address not found.", apiError(t, err).Message)

	_, err = e.acct.HistoryItem(ctx, "f4d4bf52750db2c5f0af01f0933ed760d54a2e90b08acdbab19bbdb2551d1e5d")
	require.ErrorIs(t, err, cryptopay.ErrNotFound)
	assert.Equal(t, "History item not found.", apiError(t, err).Message)

	status, body := get(t, e.srv.ApironeURL()+"/v2/no-such-thing")
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"message":"Not found."}`, body)
}

func TestTransferKeyIsChecked(t *testing.T) {
	e := newEnv(t)
	addr := e.address("btc", &cryptopay.Callback{URL: "http://127.0.0.1:1/cb"})
	e.deposit(addr, cryptopay.NewAmount(50000), 1)
	wrong := e.c.Account(e.acct.ID(), "wrong-key-wrong-key-wrong-key-00")

	calls := map[string]func() error{
		"callback info": func() error { _, err := wrong.CallbackInfo(ctx, "btc"); return err },
		"address callback info": func() error {
			_, err := wrong.AddressCallbackInfo(ctx, addr)
			return err
		},
		"callback log": func() error { _, err := wrong.AddressCallbackLog(ctx, addr, nil); return err },
		"transfer": func() error {
			_, err := wrong.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(1000)}}})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, cryptopay.ErrUnauthorized, name)
		ae := apiError(t, err)
		assert.Equal(t, http.StatusUnauthorized, ae.StatusCode, name)
		assert.Equal(t, "Invalid transfer key.", ae.Message, name)
	}
	assert.Equal(t, "50000", e.balance("btc").Total.String(), "a refused transfer moves nothing")

	// The SDK refuses to send a protected call without a key, so ask directly.
	status, body := get(t, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"/callback?currency=btc")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Transfer key is required."}`, body)

	// The right key works.
	cb, err := e.acct.AddressCallbackInfo(ctx, addr)
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.Callback{Method: "POST", URL: "http://127.0.0.1:1/cb"}, cb.Callback)
	acb, err := e.acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AccountCallback{Account: e.acct.ID(), Currency: "btc"}, acb)
}

func TestGenerateAddressFormats(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ currency, typ, wantType, pattern string }{
		{"btc", "", "p2sh-p2wpkh", `^3[1-9A-HJ-NP-Za-km-z]{33}$`},
		{"btc", "p2wpkh", "p2wpkh", `^bc1q[02-9ac-hj-np-z]{38}$`},
		{"btc", "p2pkh", "p2pkh", `^1[1-9A-HJ-NP-Za-km-z]{33}$`},
		{"tbtc", "", "p2sh-p2wpkh", `^2[1-9A-HJ-NP-Za-km-z]{34}$`},
		{"ltc", "", "p2sh-p2wpkh", `^M[1-9A-HJ-NP-Za-km-z]{33}$`},
		{"ltc", "p2wpkh", "p2wpkh", `^ltc1q[02-9ac-hj-np-z]{38}$`},
		{"doge", "", "p2pkh", `^D[1-9A-HJ-NP-Za-km-z]{33}$`},
		{"bch", "", "p2pkh", `^q[02-9ac-hj-np-z]{41}$`},
		{"trx", "", "p2pkh", `^T[1-9A-HJ-NP-Za-km-z]{33}$`},
		{"eth", "", "p2pkh", `^0x[0-9a-f]{40}$`},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		addr, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: tc.currency, AddrType: tc.typ})
		require.NoError(t, err, tc)
		assert.Regexp(t, regexp.MustCompile(tc.pattern), addr.Address, tc)
		assert.Equal(t, tc.wantType, addr.Type, tc)
		assert.Equal(t, tc.currency, addr.Currency, tc)
		assert.Equal(t, e.acct.ID(), addr.Account, tc)
		assert.Nil(t, addr.Callback, tc)
		assert.False(t, seen[addr.Address], "addresses are unique")
		seen[addr.Address] = true
	}

	_, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "doge", AddrType: "p2wpkh"})
	require.ErrorIs(t, err, cryptopay.ErrBadRequest)
	assert.Equal(t, "Unsupported address type: p2wpkh.", apiError(t, err).Message)

	url := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID() + "/addresses"
	for body, want := range map[string]string{
		`{"currency":"btc","callback":{"url":"ftp://shop.example.com/cb"}}`:               "callback.url must be a valid URL shorter than 1024 characters.",
		`{"currency":"btc","callback":{"method":"PUT","url":"https://shop.example.com"}}`: "callback.method must be GET or POST.",
		`{"currency":"xyz"}`: "Unsupported currency: xyz.",
		`{}`:                 "currency is required.",
		`not json`:           "Invalid JSON body.",
	} {
		status, got := send(t, http.MethodPost, url, body, nil)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, got, body)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestGenerateAddressStoresCallback(t *testing.T) {
	e := newEnv(t)
	cb := &cryptopay.Callback{Method: "get", URL: "https://shop.example.com/cb?x=1", Data: map[string]string{"order": "1042"}}
	addr, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: cb})
	require.NoError(t, err)
	want := &cryptopay.Callback{Method: "GET", URL: cb.URL, Data: cb.Data}
	assert.Equal(t, want, addr.Callback)

	info, err := e.acct.AddressCallbackInfo(ctx, addr.Address)
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AddressCallback{Account: e.acct.ID(), Currency: "btc", Address: addr.Address, Callback: want}, info)
}

func TestBalancesAndAddressList(t *testing.T) {
	e := newEnv(t)
	a1, a2, a3 := e.address("btc", nil), e.address("btc", nil), e.address("btc", nil)
	l1 := e.address("ltc", nil)
	e.deposit(a2, cryptopay.NewAmount(70000), 1)
	e.deposit(a2, cryptopay.NewAmount(5000), 0)
	e.deposit(a3, cryptopay.NewAmount(30000), 2)
	e.deposit(l1, cryptopay.NewAmount(1), 1)

	all, err := e.acct.Balance(ctx, nil)
	require.NoError(t, err)
	byCurrency := map[string]string{}
	for _, b := range all.Balance {
		byCurrency[b.Currency] = b.Available.String() + "/" + b.Total.String()
	}
	assert.Equal(t, map[string]string{
		"btc": "100000/105000", "ltc": "1/1", "bch": "0/0", "doge": "0/0", "tbtc": "0/0", "trx": "0/0", "eth": "0/0",
	}, byCurrency)

	some, err := e.acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc", Addresses: []string{a1, a2}})
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.Balance{{Currency: "btc", Available: cryptopay.NewAmount(70000), Total: cryptopay.NewAmount(75000)}}, some.Balance)

	_, err = e.acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc", Addresses: []string{l1}})
	assert.ErrorIs(t, err, cryptopay.ErrBadRequest, "an ltc address in a btc balance")

	ab, err := e.acct.AddressBalance(ctx, a2)
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AddressBalance{Account: e.acct.ID(), Address: a2, Balance: cryptopay.Balance{
		Currency: "btc", Available: cryptopay.NewAmount(70000), Total: cryptopay.NewAmount(75000)}}, ab)
	ai, err := e.acct.AddressInfo(ctx, a3)
	require.NoError(t, err)
	assert.Equal(t, "p2sh-p2wpkh", ai.Type)
	assert.Equal(t, cryptopay.Balance{Available: cryptopay.NewAmount(30000), Total: cryptopay.NewAmount(30000)}, ai.Balance)

	list := func(p *cryptopay.AddressesParams) ([]string, cryptopay.Pagination) {
		t.Helper()
		got, err := e.acct.Addresses(ctx, p)
		require.NoError(t, err)
		var out []string
		for _, a := range got.Addresses {
			out = append(out, a.Address)
		}
		return out, got.Pagination
	}
	got, pg := list(nil)
	assert.Equal(t, []string{a1, a2, a3, l1}, got)
	assert.Equal(t, cryptopay.Pagination{Total: 4, Offset: 0, Limit: 10}, pg)
	got, _ = list(&cryptopay.AddressesParams{Currency: "btc", NonEmpty: true})
	assert.Equal(t, []string{a2, a3}, got)
	got, _ = list(&cryptopay.AddressesParams{Address: a3[4:20]})
	assert.Equal(t, []string{a3}, got)
	got, pg = list(&cryptopay.AddressesParams{Currency: "btc", Limit: 2, Offset: 1})
	assert.Equal(t, []string{a2, a3}, got)
	assert.Equal(t, cryptopay.Pagination{Total: 3, Offset: 1, Limit: 2}, pg)
	got, _ = list(&cryptopay.AddressesParams{Currency: "btc", Offset: 5})
	assert.Empty(t, got)

	var iterated []string
	for a, err := range e.acct.AllAddresses(ctx, &cryptopay.AddressesParams{Currency: "btc", Limit: 2}) {
		require.NoError(t, err)
		iterated = append(iterated, a.Address)
	}
	assert.Equal(t, []string{a1, a2, a3}, iterated)

	base := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID() + "/addresses?"
	for query, want := range map[string]string{
		"q=empty:true": "Filter empty takes only false.",
		"q=color:red":  "Invalid filter: color:red.",
		"limit=0":      "Invalid limit: 0.",
		"offset=-1":    "Invalid offset: -1.",
	} {
		status, body := get(t, base+query)
		assert.Equal(t, http.StatusBadRequest, status, query)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, body, query)
	}
}

func TestHistoryFilters(t *testing.T) {
	e := newEnv(t)
	a, b := e.address("btc", nil), e.address("btc", nil)
	day := func(month time.Month) time.Time { return time.Date(2024, month, 10, 12, 0, 0, 0, time.UTC) }
	dep := func(addr string, amount int64, month time.Month) string {
		res, err := e.srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr, Amount: cryptopay.NewAmount(amount), Confirmations: 1, Date: day(month)})
		require.NoError(t, err)
		return res.Payment
	}
	d1, d2, d3 := dep(a, 10000, time.January), dep(b, 20000, time.February), dep(a, 30000, time.March)
	paid, err := e.acct.Transfer(ctx, &cryptopay.TransferParams{
		Currency: "btc", Addresses: []string{b}, Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(5000)}},
	})
	require.NoError(t, err)

	ids := func(p *cryptopay.HistoryParams) []string {
		t.Helper()
		page, err := e.acct.History(ctx, p)
		require.NoError(t, err)
		var out []string
		for _, item := range page.Items {
			out = append(out, item.ID)
		}
		return out
	}
	assert.Equal(t, []string{paid.ID, d3, d2, d1}, ids(nil), "newest first")
	assert.Equal(t, []string{d3, d2, d1}, ids(&cryptopay.HistoryParams{ItemType: cryptopay.ItemReceipt}))
	assert.Equal(t, []string{paid.ID}, ids(&cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment}))
	assert.Equal(t, []string{d3, d1}, ids(&cryptopay.HistoryParams{Address: a}))
	assert.Equal(t, []string{paid.ID, d2}, ids(&cryptopay.HistoryParams{Address: b[3:15]}))
	assert.Equal(t, []string{paid.ID}, ids(&cryptopay.HistoryParams{Address: external}))
	assert.Empty(t, ids(&cryptopay.HistoryParams{Currency: "ltc"}))
	assert.Equal(t, []string{d3, d2}, ids(&cryptopay.HistoryParams{Limit: 2, Offset: 1}))

	plus3 := time.FixedZone("+03", 3*3600)
	from := time.Date(2024, time.February, 1, 0, 0, 0, 0, time.UTC)
	assert.Empty(t, ids(&cryptopay.HistoryParams{DateFrom: from, DateTo: time.Date(2024, time.February, 10, 14, 0, 0, 0, plus3)}),
		"14:00+03:00 is 11:00 UTC, before the deposit")
	assert.Equal(t, []string{d2}, ids(&cryptopay.HistoryParams{DateFrom: from, DateTo: time.Date(2024, time.February, 10, 16, 0, 0, 0, plus3)}))
	assert.Equal(t, []string{d3, d2}, ids(&cryptopay.HistoryParams{ItemType: cryptopay.ItemReceipt, DateFrom: from}))

	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{Limit: 3})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.Pagination{Total: 4, Offset: 0, Limit: 3}, page.Pagination)
	assert.Equal(t, cryptopay.HistoryEntry{
		ID: d3, Date: cryptopay.Time{Time: day(time.March)}, Type: cryptopay.ItemReceipt, Currency: "btc",
		Txs: page.Items[1].Txs, IsConfirmed: true, Amount: cryptopay.NewAmount(30000),
	}, page.Items[1])
	assert.Equal(t, cryptopay.MustAmount("-5140"), page.Items[0].Amount, "a payment lists what left the account")
	assert.False(t, page.Items[0].IsConfirmed)

	var all []string
	for item, err := range e.acct.AllHistory(ctx, &cryptopay.HistoryParams{Limit: 3}) {
		require.NoError(t, err)
		all = append(all, item.ID)
	}
	assert.Equal(t, []string{paid.ID, d3, d2, d1}, all)

	// A '+' sent unencoded arrives as a space; the server reads it back.
	base := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID() + "/history?q="
	status, body := get(t, base+"date_from:2024-02-10T14:00:00+03:00,date_to:2024-02-10T16:00:00+03:00")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, d2)
	assert.NotContains(t, body, d1)
	for q, want := range map[string]string{
		"item_type:refund":    "Invalid item_type: refund.",
		"date_from:yesterday": "Invalid date_from: yesterday.",
	} {
		status, body := get(t, base+q)
		assert.Equal(t, http.StatusBadRequest, status, q)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, body, q)
	}
}

func TestAddressHistoryBlocks(t *testing.T) {
	e := newEnv(t)
	addr := e.address("btc", nil)
	pending := e.deposit(addr, cryptopay.NewAmount(1000), 0)

	h, err := e.acct.AddressHistory(ctx, addr, nil)
	require.NoError(t, err)
	require.Len(t, h.Txs, 1)
	assert.Equal(t, pending.TxID, h.Txs[0].TxID)
	assert.Equal(t, cryptopay.Block{Height: 1}, h.Txs[0].Block, "height 1 is the mempool")

	e.mine(1)
	deep := e.deposit(addr, cryptopay.NewAmount(2000), 3)
	h, err = e.acct.AddressHistory(ctx, addr, nil)
	require.NoError(t, err)
	require.Len(t, h.Txs, 2)
	assert.Equal(t, deep.TxID, h.Txs[0].TxID, "newest first")
	assert.Equal(t, int64(800001-3+1), h.Txs[0].Block.Height)
	assert.Equal(t, int64(800001), h.Txs[1].Block.Height, "mined in the block Mine added")
	assert.Regexp(t, `^0{16}[0-9a-f]{48}$`, h.Txs[1].Block.Hash)
	assert.Equal(t, cryptopay.Pagination{Total: 2, Offset: 0, Limit: 10}, h.Pagination)

	page, err := e.acct.AddressHistory(ctx, addr, &cryptopay.PageParams{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Len(t, page.Txs, 1)
	assert.Equal(t, pending.TxID, page.Txs[0].TxID)
	assert.Equal(t, cryptopay.NewAmount(1000), page.Txs[0].Amount)
}
