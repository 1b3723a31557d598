package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistory(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/history", 200, fixture(t, "apirone/account_history.json"))

	plus4 := time.FixedZone("+04", 4*3600)
	got, err := w.account().History(context.Background(), &HistoryParams{
		Currency: "tbtc",
		Limit:    10,
		Offset:   5,
		ItemType: ItemPayment,
		Address:  "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu",
		DateFrom: time.Date(2021, 1, 1, 0, 0, 1, 0, plus4),
		DateTo:   time.Date(2021, 1, 31, 23, 59, 59, 0, plus4),
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/history", req.Path)
	assert.Equal(t, "currency=tbtc&limit=10&offset=5&q=item_type%3Apayment%2Caddress%3A3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"+
		"%2Cdate_from%3A2021-01-01T00%3A00%3A01%2B04%3A00%2Cdate_to%3A2021-01-31T23%3A59%3A59%2B04%3A00", req.RawQuery)
	q, err := url.ParseQuery(req.RawQuery)
	require.NoError(t, err)
	assert.Equal(t, "item_type:payment,address:3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu,date_from:2021-01-01T00:00:01+04:00,date_to:2021-01-31T23:59:59+04:00",
		q.Get("q"), "the server must read the + of the offset, not a space")

	assert.Equal(t, &HistoryPage{
		Account: testAccountID,
		Items: []HistoryEntry{
			{
				ID: "f4d4bf52750db2c5f0af01f0933ed760d54a2e90b08acdbab19bbdb2551d1e5d", Date: ts(t, "2022-02-08T12:35:49.027991"),
				Type: ItemReceipt, Currency: "tbtc", Txs: []string{"f4d4bf52750db2c5f0af01f0933ed760d54a2e90b08acdbab19bbdb2551d1e5d"},
				IsConfirmed: true, Amount: NewAmount(20000),
			},
			{
				ID: "aa2ebb45733152ebf6c573ffd16dca18515c7f399137d9c0c589bea3023044c2", Date: ts(t, "2022-01-27T06:43:44.994261"),
				Type: ItemPayment, Currency: "tbtc", Txs: []string{"0ecb0f0ff789e1f448087c2d7791920be143bc6f6b05b42c7f73bf8f447c2994"},
				IsConfirmed: true, Amount: NewAmount(-10000),
			},
		},
		Pagination: Pagination{Total: 17, Offset: 0, Limit: 10},
	}, got)
}

func TestHistoryUTCDateUsesNumericOffset(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/history", 200, fixture(t, "apirone/account_history.json"))
	_, err := w.account().History(context.Background(), &HistoryParams{DateFrom: time.Date(2022, 10, 13, 0, 0, 1, 0, time.UTC)})
	require.NoError(t, err)
	q, _ := url.ParseQuery(w.only().RawQuery)
	assert.Equal(t, "date_from:2022-10-13T00:00:01+00:00", q.Get("q"))
}

func TestAllHistory(t *testing.T) {
	w := newWire(t)
	const total = 25
	w.pages(apironeAccountURL+"/history", "items", total, func(i int) string {
		return fmt.Sprintf(`{"id":"item%d","type":"receipt","amount":%d}`, i, i+1)
	})

	sum := NewAmount(0)
	n := 0
	for item, err := range w.account().AllHistory(context.Background(), &HistoryParams{ItemType: ItemReceipt, Limit: 10}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("item%d", n), item.ID)
		sum = sum.Add(item.Amount)
		n++
	}
	assert.Equal(t, total, n)
	assert.Equal(t, "325", sum.String())
	require.Equal(t, 3, w.count())
	assert.Equal(t, "limit=10&offset=20&q=item_type%3Areceipt", w.reqs[2].RawQuery)
}

func TestHistoryItem(t *testing.T) {
	w := newWire(t)
	id := "5fe79fb866bb3b9b297f3935f6ab1b029f74d59629a19a8c028812d26642b108"
	w.respond(http.MethodGet, apironeAccountURL+"/history/"+id, 200, fixture(t, "apirone/history_item.json"))

	got, err := w.account().HistoryItem(context.Background(), id)
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/history/"+id, req.Path)
	assert.Equal(t, &HistoryItem{
		Account:      testAccountID,
		Currency:     "btc",
		Created:      ts(t, "2022-01-27T06:43:44.931779"),
		Type:         ItemPayment,
		ID:           id,
		Txs:          []string{"0ecb0f0ff789e1f448087c2d7791920be143bc6f6b05b42c7f73bf8f447c2994"},
		Destinations: []AddressAmount{{Address: "2MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9866)}},
		Amount:       NewAmount(10000),
		Total:        NewAmount(10000),
		Fee:          FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(134), Rate: MustDecimal("1")}},
	}, got)
}

func TestAddressHistory(t *testing.T) {
	w := newWire(t)
	addr := "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/"+addr+"/history", 200, fixture(t, "apirone/address_history.json"))

	got, err := w.account().AddressHistory(context.Background(), addr, &PageParams{Limit: 10, Offset: 10})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses/"+addr+"/history", req.Path)
	assert.Equal(t, "limit=10&offset=10", req.RawQuery)
	assert.Equal(t, &AddressHistoryPage{
		Account:  testAccountID,
		Currency: "btc",
		Address:  addr,
		Txs: []AddressTx{{
			TxID:    "ad44fa07e253d7917b86caf4abe1d1817b1a896beaa15ec7971741f075c30e99",
			Created: ts(t, "2021-12-20T14:18:33.347286"),
			Amount:  NewAmount(-30000),
			Block:   Block{Hash: "00000000000000de74f3ed6e5db226dabe634e55e90e968623b9fa41a0fde513", Height: 2132472},
		}},
	}, got)
}
