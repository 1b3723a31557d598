package cryptopay

import (
	"context"
	"encoding/json"
	"iter"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireRow is one call of an endpoint method and the wire contract it must
// keep: the request it sends and what it makes of the answer.
type wireRow struct {
	// name is "Receiver.Method", optionally followed by a space and what
	// the row varies (e.g. "Account.Info all currencies").
	name string
	// fixture is the answer served, a file under testdata.
	fixture string
	// call makes the call; a is c's account testAccountID with the
	// transfer key testTransferKey.
	call func(ctx context.Context, c *Client, a *Account) (any, error)
	// wallet, in a row without call, makes the call on c's wallet
	// testWalletID with the transfer key testTransferKey.
	wallet func(ctx context.Context, c *Client, w *Wallet) (any, error)
	// method, path (escaped, as the server reads it), query (raw) and body
	// (exact JSON; "" for none) are the request expected.
	method, path, query, body string
	// auth is the Authorization header expected; "" for none.
	auth string
	// want is the decoded result.
	want any
}

// do makes row's call with the transfer key key.
func (row wireRow) do(ctx context.Context, c *Client, key string) (any, error) {
	if row.wallet != nil {
		return row.wallet(ctx, c, c.Wallet(testWalletID, key))
	}
	return row.call(ctx, c, c.Account(testAccountID, key))
}

// testWalletID is the wallet of the Apirone docs' settings example.
const testWalletID = "btc-c70afacf0b7d7808e8be36bfd7ceed71"

// apironeWire is the wire contract of every Apirone endpoint method: one
// row per method (TestApironeWireCoversEveryEndpoint), and more rows where
// other parameters change the request. The wallet API's rows are in
// apironeWalletWire.
//
// Of the fixtures, login.json, logout.json, account_settings.json,
// currencies.json, network_fee.json, ticker.json, ticker_several.json,
// invoice.json and account_invoices.json are built from the shapes the docs
// (https://apirone.com/docs) describe, which show no example of them; the
// others are the docs' own examples.
func apironeWire(t *testing.T) []wireRow {
	const (
		acctPath = "/api/v2/accounts/" + testAccountID
		addr     = "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"
		addr2    = "3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"
		cbAddr   = "3N5unaGDEGnS6f2J9W9dBnA2cavymLNdqmU"
		itemID   = "5fe79fb866bb3b9b297f3935f6ab1b029f74d59629a19a8c028812d26642b108"
		key      = testTransferKey
	)
	none := []Destination(nil)
	plus4 := time.FixedZone("+04", 4*3600)
	settings := &AccountSettings{
		Account:             testAccountID,
		Currency:            "btc",
		Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
		Destinations:        []Destination{{Address: addr, Amount: Percent(100)}},
		ProcessingFeePolicy: ProcessingFeePercentage,
	}
	transferResult := &TransferResult{
		HistoryItem: HistoryItem{
			Account:      testAccountID,
			Currency:     "btc",
			Created:      ts(t, "2021-12-10T14:04:15.102174"),
			Type:         ItemPayment,
			ID:           itemID,
			Txs:          []string{"0dcb43459dd8895c935f43a756ed14c56cddfc79bf5a82a508f94418514b9393"},
			Destinations: []AddressAmount{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9507)}},
			Amount:       NewAmount(10000),
			Total:        NewAmount(10000),
			Fee:          FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(493), Rate: MustDecimal("2.97")}},
		},
		ChangeAddress: "3Mzma4RhoZVh2Y3D7hkGQHi797TTq43eMHc",
	}
	estimation := &Estimation{
		Account:      testAccountID,
		Currency:     "btc",
		Destinations: []AddressAmount{{Address: "3N6aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: NewAmount(9744)}},
		Amount:       NewAmount(10000),
		Total:        NewAmount(10000),
		Fee: FeeInfo{
			SubtractFromAmount: true,
			Network:            NetworkFee{Strategy: FeeNormal, Amount: NewAmount(256), Rate: MustDecimal("1.0")},
		},
	}
	invoice := &Invoice{
		Account:  testAccountID,
		ID:       "amr94MKUQCYAzR6c",
		Created:  ts(t, "2022-02-22T08:00:30.123456"),
		Currency: "btc",
		Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
		Expire:   ts(t, "2022-02-22T09:00:30.123456"),
		Amount:   NewAmount(25000),
		UserData: &InvoiceUserData{
			Title: "Order 1042", Merchant: "SHOP", URL: "https://exampleshop.com", Price: "$10.00", SubPrice: "incl. VAT",
			Items:  []InvoiceItem{{Name: "T-shirt", Cost: "$5.00", Qty: 2, Total: "$10.00"}},
			Extras: []InvoiceExtra{{Name: "Shipping", Price: "$0.00"}},
		},
		Status: InvoicePartPaid,
		History: []InvoiceEvent{
			{Date: ts(t, "2022-02-22T08:00:30.123456"), Status: InvoiceCreated},
			{Date: ts(t, "2022-02-22T08:10:00.000001"), Status: InvoicePartPaid,
				TxID: "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de", Amount: NewAmount(10000)},
		},
		Linkback:    "https://exampleshop.com/thanks",
		CallbackURL: "https://exampleshop.com/callback",
		InvoiceURL:  "https://apirone.com/invoice?id=amr94MKUQCYAzR6c",
	}
	accountInfo := &AccountInfo{
		Account: testAccountID,
		Info: []CurrencyInfo{
			{Currency: "btc", Created: ts(t, "2022-03-13T10:13:00.904188"), Units: "satoshi",
				Destinations: []Destination{{Address: "3N1nvw5pTR9wEZSq1GcJJjt7dXi2AUtp1Rn", Amount: Percent(100)}}, Fee: FeeNormal,
				ProcessingFeePolicy: ProcessingFeePercentage},
			{Currency: "ltc", Created: ts(t, "2022-03-13T14:33:43.388854"), Units: "satoshi", Destinations: none, Fee: FeeNormal,
				ProcessingFeePolicy: ProcessingFeeFixed},
			{Currency: "doge", Created: ts(t, "2022-03-13T14:33:43.425453"), Units: "satoshi", Destinations: none, Fee: FeeNormal,
				ProcessingFeePolicy: ProcessingFeeFixed},
			{Currency: "bch", Created: ts(t, "2022-03-13T14:33:43.440855"), Units: "satoshi", Destinations: none, Fee: FeeNormal,
				ProcessingFeePolicy: ProcessingFeeFixed},
		},
	}
	addressEntry := AddressEntry{
		Address: addr, Type: "p2sh-p2wpkh",
		Created: ts(t, "2021-11-04T15:08:25.078103"),
		Balance: Balance{Available: NewAmount(1218381), Total: NewAmount(1218381)},
	}
	historyEntries := []HistoryEntry{
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
	}
	historyPage := &HistoryPage{Account: testAccountID, Items: historyEntries, Pagination: Pagination{Total: 17, Offset: 0, Limit: 10}}
	accessToken := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2Mzc0OTYwMDAsImV4cCI6MTYzNzQ5NjYwMCwic3ViIjoiYXByLWU3MjlkOTk4MmYwNzlmYTg2YjEwYTBlM2FhNmZmMzdiIn0.c2lnbmF0dXJl"
	farToken := jwt(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), "far")

	return append([]wireRow{
		// Accounts
		{
			name: "Client.CreateAccount", fixture: "apirone/create_account.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return c.CreateAccount(ctx) },
			method: "POST", path: "/api/v2/accounts",
			want: &CreatedAccount{
				Account:     "apr-f9e1211f4b52a50bcf3c36819fdc4ad3",
				Created:     ts(t, "2021-11-03T11:03:55.083199"),
				TransferKey: "4sSm9aeXQiqMBmeEs42NTjZidJuGrqm7",
			},
		},
		{
			name: "Account.Info", fixture: "apirone/account_info.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.Info(ctx, "btc") },
			method: "GET", path: acctPath, query: "currency=btc",
			want: accountInfo,
		},
		{
			name: "Account.Info all currencies", fixture: "apirone/account_info.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.Info(ctx, "") },
			method: "GET", path: acctPath,
			want: accountInfo,
		},
		{
			name: "Account.Balance", fixture: "apirone/account_balance.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Balance(ctx, &BalanceParams{Currency: "btc", Addresses: []string{addr, addr2}})
			},
			method: "GET", path: acctPath + "/balance", query: "addresses=" + addr + "%2C" + addr2 + "&currency=btc",
			want: &AccountBalance{
				Account: testAccountID,
				Balance: []Balance{{Currency: "btc", Available: NewAmount(0), Total: NewAmount(0)}},
			},
		},
		{
			name: "Account.Balance nil params", fixture: "apirone/account_balance.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.Balance(ctx, nil) },
			method: "GET", path: acctPath + "/balance",
			want: &AccountBalance{
				Account: testAccountID,
				Balance: []Balance{{Currency: "btc", Available: NewAmount(0), Total: NewAmount(0)}},
			},
		},
		{
			name: "Account.UpdateSettings", fixture: "apirone/account_settings.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.UpdateSettings(ctx, &SettingsParams{
					Currency:            "btc",
					Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
					Destinations:        []Destination{{Address: addr, Amount: Percent(100)}},
					ProcessingFeePolicy: ProcessingFeePercentage,
				})
			},
			method: "PATCH", path: acctPath,
			body: `{"currency":"btc","transfer-key":"` + key + `","callback":{"url":"https://example.com","data":{"optional_key":"132534"}},` +
				`"destinations":[{"address":"` + addr + `","amount":"100%"}],"processing-fee-policy":"percentage"}`,
			want: settings,
		},
		{
			name: "Account.UpdateSettings reset destinations", fixture: "apirone/account_settings.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.UpdateSettings(ctx, &SettingsParams{Currency: "btc", ResetDestinations: true})
			},
			method: "PATCH", path: acctPath,
			body: `{"currency":"btc","transfer-key":"` + key + `","destinations":null}`,
			want: settings,
		},
		{
			name: "Account.UpdateSettings leaves unset fields out", fixture: "apirone/account_settings.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.UpdateSettings(ctx, &SettingsParams{Currency: "btc", ProcessingFeePolicy: ProcessingFeeFixed})
			},
			method: "PATCH", path: acctPath,
			body: `{"currency":"btc","transfer-key":"` + key + `","processing-fee-policy":"fixed"}`,
			want: settings,
		},
		{
			// destination_rules go as they are given
			name: "Account.UpdateSettings destination rules", fixture: "apirone/account_settings.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.UpdateSettings(ctx, &SettingsParams{Currency: "btc",
					DestinationRules: json.RawMessage(`[{"address":"` + addr + `","threshold":100000}]`)})
			},
			method: "PATCH", path: acctPath,
			body: `{"currency":"btc","transfer-key":"` + key + `","destination_rules":[{"address":"` + addr + `","threshold":100000}]}`,
			want: settings,
		},

		// Addresses
		{
			name: "Account.GenerateAddress", fixture: "apirone/generate_address.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.GenerateAddress(ctx, &GenerateAddressParams{
					Currency: "btc",
					AddrType: "p2sh-p2wpkh",
					Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
				})
			},
			method: "POST", path: acctPath + "/addresses",
			// public: no transfer key
			body: `{"currency":"btc","addr-type":"p2sh-p2wpkh","callback":{"method":"POST","url":"http://example.com/callback","data":{"id":"1"}}}`,
			want: &Address{
				Account:  testAccountID,
				Currency: "btc",
				Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
				Created:  ts(t, "2021-11-04T08:38:33.389076"),
				Type:     "p2sh-p2wpkh",
				Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
			},
		},
		{
			name: "Account.GenerateAddress minimal", fixture: "apirone/generate_address.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.GenerateAddress(ctx, &GenerateAddressParams{Currency: "btc"})
			},
			method: "POST", path: acctPath + "/addresses",
			body: `{"currency":"btc"}`,
			want: &Address{
				Account:  testAccountID,
				Currency: "btc",
				Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
				Created:  ts(t, "2021-11-04T08:38:33.389076"),
				Type:     "p2sh-p2wpkh",
				Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
			},
		},
		{
			name: "Account.AddressInfo", fixture: "apirone/address_info.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.AddressInfo(ctx, addr) },
			method: "GET", path: acctPath + "/addresses/" + addr,
			want: &AddressInfo{
				Account: testAccountID, Currency: "btc", Address: addr, Type: "p2sh-p2wpkh",
				Created: ts(t, "2021-12-16T11:53:14.691862"),
				Balance: Balance{Available: NewAmount(100000), Total: NewAmount(100000)},
			},
		},
		{
			name: "Account.AddressBalance", fixture: "apirone/address_balance.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.AddressBalance(ctx, addr) },
			method: "GET", path: acctPath + "/addresses/" + addr + "/balance",
			want: &AddressBalance{
				Account: testAccountID, Address: addr,
				Balance: Balance{Currency: "btc", Available: NewAmount(100000), Total: NewAmount(100000)},
			},
		},
		{
			name: "Account.Addresses", fixture: "apirone/account_addresses.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Addresses(ctx, &AddressesParams{Currency: "btc", Limit: 10, Offset: 20, Address: addr, NonEmpty: true})
			},
			method: "GET", path: acctPath + "/addresses",
			query: "currency=btc&limit=10&offset=20&q=address%3A" + addr + "%2Cempty%3Afalse",
			want: &AddressPage{
				Account:    testAccountID,
				Currency:   "btc",
				Addresses:  []AddressEntry{addressEntry},
				Pagination: Pagination{Total: 23, Offset: 0, Limit: 10},
			},
		},
		{
			name: "Account.AllAddresses", fixture: "apirone/account_addresses.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return first(a.AllAddresses(ctx, &AddressesParams{Currency: "btc", NonEmpty: true}))
			},
			method: "GET", path: acctPath + "/addresses",
			query: "currency=btc&limit=100&q=empty%3Afalse",
			want:  addressEntry,
		},

		// Transfers
		{
			name: "Account.EstimateTransfer", fixture: "apirone/estimation.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return c.Account(testAccountID, "").EstimateTransfer(ctx, &TransferParams{
					Currency: "btc",
					Destinations: []Destination{
						{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: Units(10000)},
						{Address: "3BntRGKDUxxSjnFjfzDNeAziAgUtGhbkcF", Amount: Percent(50)},
					},
					Fee:                   FeeNormal,
					SubtractFeeFromAmount: true,
					Addresses:             []string{addr, addr2},
				})
			},
			method: "GET", path: acctPath + "/transfer",
			query: "addresses=" + addr + "%2C" + addr2 +
				"&currency=btc" +
				"&destinations=3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ%3A10000%2C3BntRGKDUxxSjnFjfzDNeAziAgUtGhbkcF%3A50%25" +
				"&fee=normal&subtract-fee-from-amount=true",
			want: estimation,
		},
		{
			// with the transfer key at hand: still none sent
			name: "Account.EstimateTransfer custom fee", fixture: "apirone/estimation.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.EstimateTransfer(ctx, &TransferParams{
					Currency:     "btc",
					Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
					Fee:          FeeCustom,
					FeeRate:      7,
				})
			},
			method: "GET", path: acctPath + "/transfer",
			query: "currency=btc&destinations=3N2a%3A1&fee=custom&fee-rate=7",
			want:  estimation,
		},
		{
			name: "Account.EstimateTransfer priority fee", fixture: "apirone/estimation.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.EstimateTransfer(ctx, &TransferParams{
					Currency:     "eth",
					Destinations: []Destination{{Address: "0xabc", Amount: Units(1)}},
					Fee:          FeeCustom, FeeRate: 20, PriorityFee: 2,
				})
			},
			method: "GET", path: acctPath + "/transfer",
			query: "currency=eth&destinations=0xabc%3A1&fee=custom&fee-rate=20&priority-fee=2",
			want:  estimation,
		},
		{
			// the transfer key goes in the body, never in the URL
			name: "Account.Transfer", fixture: "apirone/transfer.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Transfer(ctx, &TransferParams{
					Currency:              "btc",
					Addresses:             []string{addr, addr2},
					Destinations:          []Destination{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: Units(10000)}},
					Fee:                   FeeNormal,
					SubtractFeeFromAmount: true,
				})
			},
			method: "POST", path: acctPath + "/transfer",
			body: `{"currency":"btc","transfer-key":"` + key + `",` +
				`"addresses":["` + addr + `","` + addr2 + `"],` +
				`"destinations":[{"address":"3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm","amount":10000}],` +
				`"fee":"normal","subtract-fee-from-amount":true}`,
			want: transferResult,
		},
		{
			name: "Account.Transfer percent and huge amounts", fixture: "apirone/transfer.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Transfer(ctx, &TransferParams{
					Currency: "eth",
					Destinations: []Destination{
						{Address: "0xabc", Amount: UnitsOf(MustAmount("123456789012345678901234"))},
						{Address: "0xdef", Amount: Percent(50)},
					},
					Fee: FeeCustom, FeeRate: 12,
				})
			},
			method: "POST", path: acctPath + "/transfer",
			body: `{"currency":"eth","transfer-key":"` + key + `",` +
				`"destinations":[{"address":"0xabc","amount":123456789012345678901234},{"address":"0xdef","amount":"50%"}],` +
				`"fee":"custom","fee-rate":12}`,
			want: transferResult,
		},
		{
			name: "Account.Transfer priority fee", fixture: "apirone/transfer.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Transfer(ctx, &TransferParams{
					Currency:     "eth",
					Destinations: []Destination{{Address: "0xabc", Amount: Units(1)}},
					Fee:          FeeCustom, FeeRate: 20, PriorityFee: 2,
				})
			},
			method: "POST", path: acctPath + "/transfer",
			body: `{"currency":"eth","transfer-key":"` + key + `","destinations":[{"address":"0xabc","amount":1}],` +
				`"fee":"custom","fee-rate":20,"priority-fee":2}`,
			want: transferResult,
		},
		{
			// with a token: the bearer token and no transfer key
			name: "Account.Transfer with tokens", fixture: "apirone/transfer.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				a.UseTokens(Tokens{Access: farToken, Refresh: "r1"})
				return a.Transfer(ctx, &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1000)}}})
			},
			method: "POST", path: acctPath + "/transfer",
			body: `{"currency":"btc","destinations":[{"address":"3N2a","amount":1000}]}`,
			auth: "Bearer " + farToken,
			want: transferResult,
		},

		// History
		{
			// the + of a zone offset is percent-encoded, or the server reads a space
			name: "Account.History", fixture: "apirone/account_history.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.History(ctx, &HistoryParams{
					Currency: "tbtc",
					Limit:    10,
					Offset:   5,
					ItemType: ItemPayment,
					Address:  addr,
					DateFrom: time.Date(2021, 1, 1, 0, 0, 1, 0, plus4),
					DateTo:   time.Date(2021, 1, 31, 23, 59, 59, 0, plus4),
				})
			},
			method: "GET", path: acctPath + "/history",
			query: "currency=tbtc&limit=10&offset=5&q=item_type%3Apayment%2Caddress%3A" + addr +
				"%2Cdate_from%3A2021-01-01T00%3A00%3A01%2B04%3A00%2Cdate_to%3A2021-01-31T23%3A59%3A59%2B04%3A00",
			want: historyPage,
		},
		{
			name: "Account.History UTC date uses a numeric offset", fixture: "apirone/account_history.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.History(ctx, &HistoryParams{DateFrom: time.Date(2022, 10, 13, 0, 0, 1, 0, time.UTC)})
			},
			method: "GET", path: acctPath + "/history",
			query: "q=date_from%3A2022-10-13T00%3A00%3A01%2B00%3A00",
			want:  historyPage,
		},
		{
			name: "Account.AllHistory", fixture: "apirone/account_history.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return first(a.AllHistory(ctx, &HistoryParams{ItemType: ItemReceipt}))
			},
			method: "GET", path: acctPath + "/history",
			query: "limit=100&q=item_type%3Areceipt",
			want:  historyEntries[0],
		},
		{
			name: "Account.HistoryItem", fixture: "apirone/history_item.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.HistoryItem(ctx, itemID) },
			method: "GET", path: acctPath + "/history/" + itemID,
			want: &HistoryItem{
				Account:      testAccountID,
				Currency:     "btc",
				Created:      ts(t, "2022-01-27T06:43:44.931779"),
				Type:         ItemPayment,
				ID:           itemID,
				Txs:          []string{"0ecb0f0ff789e1f448087c2d7791920be143bc6f6b05b42c7f73bf8f447c2994"},
				Destinations: []AddressAmount{{Address: "2MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9866)}},
				Amount:       NewAmount(10000),
				Total:        NewAmount(10000),
				Fee:          FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(134), Rate: MustDecimal("1")}},
			},
		},
		{
			name: "Account.AddressHistory", fixture: "apirone/address_history.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.AddressHistory(ctx, addr, &PageParams{Limit: 10, Offset: 10})
			},
			method: "GET", path: acctPath + "/addresses/" + addr + "/history", query: "limit=10&offset=10",
			want: &AddressHistoryPage{
				Account:  testAccountID,
				Currency: "btc",
				Address:  addr,
				Txs: []AddressTx{{
					TxID:    "ad44fa07e253d7917b86caf4abe1d1817b1a896beaa15ec7971741f075c30e99",
					Created: ts(t, "2021-12-20T14:18:33.347286"),
					Amount:  NewAmount(-30000),
					Block:   Block{Hash: "00000000000000de74f3ed6e5db226dabe634e55e90e968623b9fa41a0fde513", Height: 2132472},
				}},
			},
		},

		// Callbacks
		{
			name: "Account.CallbackInfo", fixture: "apirone/account_callback.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return a.CallbackInfo(ctx, "tbtc") },
			method: "GET", path: acctPath + "/callback", query: "currency=tbtc&transfer-key=" + key,
			want: &AccountCallback{
				Account:  testAccountID,
				Currency: "btc",
				Callback: &Callback{Method: "POST", URL: "https://example.com", Data: map[string]string{"key": "secret"}},
			},
		},
		{
			name: "Account.AddressCallbackInfo", fixture: "apirone/address_callback.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.AddressCallbackInfo(ctx, cbAddr)
			},
			method: "GET", path: acctPath + "/addresses/" + cbAddr + "/callback", query: "transfer-key=" + key,
			want: &AddressCallback{
				Account:  testAccountID,
				Currency: "btc",
				Address:  cbAddr,
				Callback: &Callback{Method: "POST", URL: "https://example.com", Data: map[string]string{"key": "secret"}},
			},
		},
		{
			name: "Account.AddressCallbackLog", fixture: "apirone/address_callback_log.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.AddressCallbackLog(ctx, cbAddr, &PageParams{Limit: 5, Offset: 1})
			},
			method: "GET", path: acctPath + "/addresses/" + cbAddr + "/callback-log", query: "limit=5&offset=1&transfer-key=" + key,
			want: &CallbackLogPage{
				Account:  testAccountID,
				Currency: "btc",
				Address:  cbAddr,
				Log: []CallbackLogEntry{{
					Date: ts(t, "2021-12-26T08:49:24.487630"),
					Request: CallbackLogRequest{
						Method: "POST",
						URL:    "https://example.com",
						Args: PaymentCallback{
							Value:                NewAmount(10000),
							InputAddress:         "3MxnbK5gY11gKTfoybNcBLJZe4qwYMqG2FZ",
							Confirmations:        1,
							InputTransactionHash: "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de",
							Account:              "apr-e7be0e8eabd391b499fe64647576fad5",
							Currency:             "btc",
						},
					},
					Response: CallbackLogResponse{
						Status: 200,
						Headers: map[string]string{
							"Server":            "nginx",
							"Content-Type":      "text/plain; charset=UTF-8",
							"Transfer-Encoding": "chunked",
							"Vary":              "Accept-Encoding",
							"X-Request-Id":      "bf4cd064-f6ea-4ccc-afd8-455d80eeb910",
							"X-Token-Id":        "7df4ab05-494f-41d9-bd78-61424d1aee25",
							"Cache-Control":     "no-cache, private",
							"Date":              "Sun, 26 Dec 2021 08:49:24 GMT",
						},
						Content: "*ok*",
					},
				}},
				Pagination: Pagination{Total: 1, Offset: 0, Limit: 10},
			},
		},

		// Invoices
		{
			name: "Account.CreateInvoice", fixture: "apirone/invoice.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return c.Account(testAccountID, "").CreateInvoice(ctx, &InvoiceParams{
					Currency:    "btc",
					Amount:      NewAmount(25000),
					Lifetime:    time.Hour,
					Expire:      time.Date(2022, 2, 22, 9, 0, 30, 0, time.UTC),
					CallbackURL: "https://exampleshop.com/callback",
					Linkback:    "https://exampleshop.com/thanks",
					UserData: &InvoiceUserData{
						Merchant: "SHOP", Price: "$10.00",
						Items: []InvoiceItem{{Name: "T-shirt", Cost: "$5.00", Qty: 2, Total: "$10.00"}},
					},
				})
			},
			method: "POST", path: acctPath + "/invoices",
			body: `{"currency":"btc","amount":25000,"lifetime":3600,"expire":"2022-02-22T09:00:30.000000",` +
				`"callback-url":"https://exampleshop.com/callback","linkback":"https://exampleshop.com/thanks",` +
				`"user-data":{"merchant":"SHOP","price":"$10.00","items":[{"name":"T-shirt","cost":"$5.00","qty":2,"total":"$10.00"}]}}`,
			want: invoice,
		},
		{
			// no amount means an open amount; no transfer key though one is at hand
			name: "Account.CreateInvoice open amount", fixture: "apirone/invoice.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.CreateInvoice(ctx, &InvoiceParams{Currency: "btc"})
			},
			method: "POST", path: acctPath + "/invoices",
			body: `{"currency":"btc"}`,
			want: invoice,
		},
		{
			name: "Client.Invoice", fixture: "apirone/invoice.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return c.Invoice(ctx, "amr94MKUQCYAzR6c")
			},
			method: "GET", path: "/api/v2/invoices/amr94MKUQCYAzR6c",
			want: invoice,
		},
		{
			name: "Account.Invoice", fixture: "apirone/invoice.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Invoice(ctx, "amr94MKUQCYAzR6c")
			},
			method: "GET", path: acctPath + "/invoices/amr94MKUQCYAzR6c", query: "transfer-key=" + key,
			want: invoice,
		},
		{
			name: "Account.Invoices", fixture: "apirone/account_invoices.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.Invoices(ctx, &PageParams{Limit: 2, Offset: 4})
			},
			method: "GET", path: acctPath + "/invoices", query: "limit=2&offset=4&transfer-key=" + key,
			want: &InvoicePage{Account: testAccountID, Invoices: []Invoice{*invoice}, Pagination: Pagination{Total: 5, Offset: 4, Limit: 2}},
		},
		{
			name: "Account.AllInvoices", fixture: "apirone/account_invoices.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return first(a.AllInvoices(ctx, nil))
			},
			method: "GET", path: acctPath + "/invoices", query: "limit=100&transfer-key=" + key,
			want: *invoice,
		},

		// Service
		{
			name: "Client.ServiceInfo", fixture: "apirone/currencies.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return c.ServiceInfo(ctx) },
			method: "OPTIONS", path: "/api/v2/accounts",
			want: &ServiceInfo{Currencies: []CurrencySpec{
				{Name: "Bitcoin", Abbr: "btc", Units: "satoshi", UnitsFactor: MustDecimal("0.00000001"), DustRate: NewAmount(1000)},
				{Name: "Ethereum", Abbr: "eth", Units: "wei", UnitsFactor: MustDecimal("0.000000000000000001"), DustRate: MustAmount("100000000000000")},
				{Name: "Tether (Tron)", Abbr: "usdt@trx", Units: "sun", UnitsFactor: MustDecimal("0.000001"), DustRate: NewAmount(0)},
			}},
		},
		{
			name: "Client.WalletServiceInfo", fixture: "apirone/currencies.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return c.WalletServiceInfo(ctx) },
			method: "OPTIONS", path: "/api/v2/wallets",
			want: &ServiceInfo{Currencies: []CurrencySpec{
				{Name: "Bitcoin", Abbr: "btc", Units: "satoshi", UnitsFactor: MustDecimal("0.00000001"), DustRate: NewAmount(1000)},
				{Name: "Ethereum", Abbr: "eth", Units: "wei", UnitsFactor: MustDecimal("0.000000000000000001"), DustRate: MustAmount("100000000000000")},
				{Name: "Tether (Tron)", Abbr: "usdt@trx", Units: "sun", UnitsFactor: MustDecimal("0.000001"), DustRate: NewAmount(0)},
			}},
		},
		{
			// the request and the answer's shape follow Apirone's PHP SDK
			// (Utils::estimate) and the plugins that read it
			name: "Account.ToCrypto", fixture: "apirone/tocrypto.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("10.5"), Fiat: "usd",
					Currencies: []string{"btc", "usdt@trx", "ltc"}, WithFee: true, Factor: MustDecimal("1.05")})
			},
			method: "GET", path: acctPath + "/tocrypto",
			query: "amount=10.5&currencies=btc%2Cusdt%40trx%2Cltc&factor=1.05&fee=1&fiat=usd",
			want: []CryptoQuote{
				{Currency: "btc", Min: NewAmount(15873), Fee: MustDecimal("0.12")},
				{Currency: "usdt@trx", Min: NewAmount(10120000), Fee: MustDecimal("0.12")},
				{Currency: "ltc", Err: "Amount is less than the minimum"},
			},
		},
		{
			name: "Account.ToCrypto without fee or factor", fixture: "apirone/tocrypto.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				q, err := a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("10"), Fiat: "eur", Currencies: []string{"btc"}})
				return len(q), err
			},
			method: "GET", path: acctPath + "/tocrypto",
			query: "amount=10&currencies=btc&fiat=eur",
			want:  3,
		},
		{
			name: "Client.NetworkFees", fixture: "apirone/network_fee.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return c.NetworkFees(ctx, "usdt@trx") },
			method: "GET", path: "/api/v2/networks/usdt@trx/fee",
			want: []NetworkFeeRate{
				{Strategy: FeeNormal, Rate: MustDecimal("1")},
				{Strategy: FeePriority, Rate: MustDecimal("2.5")},
			},
		},
		{
			name: "Client.Ticker", fixture: "apirone/ticker.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return c.Ticker(ctx, []string{"btc"}, "usd", "eur")
			},
			method: "GET", path: "/api/v2/ticker", query: "currency=btc&fiat=usd%2Ceur",
			want: Rates{"btc": {"usd": MustDecimal("56716.86"), "eur": MustDecimal("50000.1")}},
		},
		{
			name: "Client.Ticker several currencies", fixture: "apirone/ticker_several.json",
			call:   func(ctx context.Context, c *Client, a *Account) (any, error) { return c.Ticker(ctx, nil, "usd") },
			method: "GET", path: "/api/v2/ticker", query: "fiat=usd",
			want: Rates{"btc": {"usd": MustDecimal("56716.86")}, "ltc": {"usd": MustDecimal("70.5")}},
		},

		// Tokens
		{
			name: "Account.Login", fixture: "apirone/login.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				err := a.Login(ctx)
				return a.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/login",
			body: `{"login":"` + testAccountID + `","password":"` + key + `"}`,
			want: Tokens{Access: accessToken, Refresh: "dGhlLXJlZnJlc2gtdG9rZW4"},
		},
		{
			name: "Account.Logout", fixture: "apirone/logout.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				a.UseTokens(Tokens{Access: "acc", Refresh: "ref"})
				err := a.Logout(ctx)
				return a.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/logout",
			auth: "Bearer acc",
			want: Tokens{},
		},
		{
			name: "Account.Refresh", fixture: "apirone/login.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				a.UseTokens(Tokens{Access: farToken, Refresh: "ref"}) // far from expiry: renewed anyway
				err := a.Refresh(ctx)
				return a.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/refresh-token",
			auth: "Bearer ref",
			want: Tokens{Access: accessToken, Refresh: "dGhlLXJlZnJlc2gtdG9rZW4"},
		},
	}, apironeWalletWire(t)...)
}

// apironeWalletWire is the wire contract of the wallet API: a row for each
// of *Wallet's methods and for CreateWallet. The wallet fixtures
// (create_wallet.json, wallet_*.json) are built from the shapes the wallet
// docs (https://apirone.com/docs/wallet) describe: the account API's
// answers with "wallet" in place of "account", and Info and Balance in the
// wallet's single-currency form.
func apironeWalletWire(t *testing.T) []wireRow {
	const (
		walletPath = "/api/v2/wallets/" + testWalletID
		addr       = "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"
		addr2      = "3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"
		cbAddr     = "3N5unaGDEGnS6f2J9W9dBnA2cavymLNdqmU"
		itemID     = "5fe79fb866bb3b9b297f3935f6ab1b029f74d59629a19a8c028812d26642b108"
		key        = testTransferKey
	)
	secretCallback := &Callback{Method: "POST", URL: "https://example.com", Data: map[string]string{"key": "secret"}}
	address := &Address{
		Wallet: testWalletID, Currency: "btc", Address: "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
		Created: ts(t, "2021-11-04T08:38:33.389076"), Type: "p2sh-p2wpkh",
		Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
	}
	estimation := &Estimation{
		Wallet: testWalletID, Currency: "btc",
		Destinations: []AddressAmount{{Address: "3N6aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: NewAmount(9744)}},
		Amount:       NewAmount(10000), Total: NewAmount(10000),
		Fee: FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(256), Rate: MustDecimal("1.0")}},
	}
	historyEntries := []HistoryEntry{
		{
			ID: "f4d4bf52750db2c5f0af01f0933ed760d54a2e90b08acdbab19bbdb2551d1e5d", Date: ts(t, "2022-02-08T12:35:49.027991"),
			Type: ItemReceipt, Currency: "btc", Txs: []string{"f4d4bf52750db2c5f0af01f0933ed760d54a2e90b08acdbab19bbdb2551d1e5d"},
			IsConfirmed: true, Amount: NewAmount(20000),
		},
		{
			ID: "aa2ebb45733152ebf6c573ffd16dca18515c7f399137d9c0c589bea3023044c2", Date: ts(t, "2022-01-27T06:43:44.994261"),
			Type: ItemPayment, Currency: "btc", Txs: []string{"0ecb0f0ff789e1f448087c2d7791920be143bc6f6b05b42c7f73bf8f447c2994"},
			IsConfirmed: true, Amount: NewAmount(-10000),
		},
	}
	addressEntry := AddressEntry{
		Address: addr, Type: "p2sh-p2wpkh", Created: ts(t, "2021-11-04T15:08:25.078103"),
		Balance: Balance{Available: NewAmount(1218381), Total: NewAmount(1218381)},
	}
	settings := &AccountSettings{
		Wallet: testWalletID, Currency: "btc",
		Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
		Destinations:        []Destination{{Address: addr, Amount: Percent(100)}},
		ProcessingFeePolicy: ProcessingFeePercentage,
	}
	accessToken := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2Mzc0OTYwMDAsImV4cCI6MTYzNzQ5NjYwMCwic3ViIjoiYXByLWU3MjlkOTk4MmYwNzlmYTg2YjEwYTBlM2FhNmZmMzdiIn0.c2lnbmF0dXJl"

	return []wireRow{
		{
			name: "Client.CreateWallet", fixture: "apirone/create_wallet.json",
			call: func(ctx context.Context, c *Client, a *Account) (any, error) {
				return c.CreateWallet(ctx, &CreateWalletParams{
					Currency:            "btc",
					Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "value"}},
					Destinations:        []Destination{{Address: addr, Amount: Percent(100)}},
					Fee:                 FeeCustom,
					FeeRate:             3,
					ProcessingFeePolicy: ProcessingFeeFixed,
				})
			},
			method: "POST", path: "/api/v2/wallets",
			body: `{"currency":"btc","callback":{"url":"https://example.com","data":{"optional_key":"value"}},` +
				`"destinations":[{"address":"` + addr + `","amount":"100%"}],"fee":"custom","fee-rate":3,"processing-fee-policy":"fixed"}`,
			want: &CreatedWallet{
				Wallet: testWalletID, Currency: "btc",
				Created:     ts(t, "2022-01-25T13:24:18.498876"),
				TransferKey: "oAqmClPQ69a2upN83N5XoPCBeH3XID41",
			},
		},
		{
			name: "Wallet.Info", fixture: "apirone/wallet_info.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.Info(ctx) },
			method: "GET", path: walletPath,
			want: &WalletInfo{
				Wallet: testWalletID,
				CurrencyInfo: CurrencyInfo{
					Currency: "btc", Created: ts(t, "2022-01-25T13:24:18.498876"), Units: "satoshi",
					Destinations:        []Destination{{Address: "35Gnk75DbehHXkshBX1QzpKdq4AJDW6KKv", Amount: Percent(100)}},
					Fee:                 FeeNormal,
					ProcessingFeePolicy: ProcessingFeePercentage,
				},
				Callback: &Callback{Method: "GET", URL: "https://example.com/"},
			},
		},
		{
			// no currency: the wallet's is implied, and a matching one is not sent
			name: "Wallet.Balance", fixture: "apirone/wallet_balance.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.Balance(ctx, &BalanceParams{Currency: "btc", Addresses: []string{addr, addr2}})
			},
			method: "GET", path: walletPath + "/balance", query: "addresses=" + addr + "%2C" + addr2,
			want: &WalletBalance{Wallet: testWalletID, Balance: Balance{Available: NewAmount(2011997), Total: NewAmount(2011997)}},
		},
		{
			name: "Wallet.GenerateAddress", fixture: "apirone/wallet_generate_address.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.GenerateAddress(ctx, &GenerateAddressParams{
					AddrType: "p2sh-p2wpkh",
					Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
				})
			},
			method: "POST", path: walletPath + "/addresses",
			body: `{"addr-type":"p2sh-p2wpkh","callback":{"method":"POST","url":"http://example.com/callback","data":{"id":"1"}}}`,
			want: address,
		},
		{
			name: "Wallet.GenerateAddress nil params", fixture: "apirone/wallet_generate_address.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.GenerateAddress(ctx, nil) },
			method: "POST", path: walletPath + "/addresses",
			body: `{}`,
			want: address,
		},
		{
			name: "Wallet.AddressInfo", fixture: "apirone/wallet_address_info.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.AddressInfo(ctx, addr) },
			method: "GET", path: walletPath + "/addresses/" + addr,
			want: &AddressInfo{
				Wallet: testWalletID, Currency: "btc", Address: addr, Type: "p2sh-p2wpkh",
				Created: ts(t, "2021-12-16T11:53:14.691862"),
				Balance: Balance{Available: NewAmount(100000), Total: NewAmount(100000)},
			},
		},
		{
			name: "Wallet.AddressBalance", fixture: "apirone/wallet_address_balance.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.AddressBalance(ctx, addr) },
			method: "GET", path: walletPath + "/addresses/" + addr + "/balance",
			want: &AddressBalance{
				Wallet: testWalletID, Address: addr,
				Balance: Balance{Currency: "btc", Available: NewAmount(100000), Total: NewAmount(100000)},
			},
		},
		{
			name: "Wallet.Addresses", fixture: "apirone/wallet_addresses.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.Addresses(ctx, &AddressesParams{Limit: 10, Offset: 20, Address: addr, NonEmpty: true})
			},
			method: "GET", path: walletPath + "/addresses",
			query: "limit=10&offset=20&q=address%3A" + addr + "%2Cempty%3Afalse",
			want: &AddressPage{
				Wallet: testWalletID, Currency: "btc",
				Addresses:  []AddressEntry{addressEntry},
				Pagination: Pagination{Total: 23, Offset: 0, Limit: 10},
			},
		},
		{
			name: "Wallet.AllAddresses", fixture: "apirone/wallet_addresses.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return first(w.AllAddresses(ctx, nil))
			},
			method: "GET", path: walletPath + "/addresses", query: "limit=100",
			want: addressEntry,
		},
		{
			name: "Wallet.EstimateTransfer", fixture: "apirone/wallet_estimation.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.EstimateTransfer(ctx, &TransferParams{
					Destinations:          []Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: Units(10000)}},
					Fee:                   FeeCustom,
					FeeRate:               2,
					SubtractFeeFromAmount: true,
				})
			},
			method: "GET", path: walletPath + "/transfer",
			query: "destinations=3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ%3A10000&fee=custom&fee-rate=2&subtract-fee-from-amount=true",
			want:  estimation,
		},
		{
			// the transfer key goes in the body, never in the URL; no currency
			name: "Wallet.Transfer", fixture: "apirone/wallet_transfer.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.Transfer(ctx, &TransferParams{
					Currency:     "btc",
					Destinations: []Destination{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: Units(10000)}},
					Fee:          FeeNormal, SubtractFeeFromAmount: true,
				})
			},
			method: "POST", path: walletPath + "/transfer",
			body: `{"transfer-key":"` + key + `","destinations":[{"address":"3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm","amount":10000}],` +
				`"fee":"normal","subtract-fee-from-amount":true}`,
			want: &TransferResult{
				HistoryItem: HistoryItem{
					Wallet: testWalletID, Currency: "btc", Created: ts(t, "2021-12-10T14:04:15.102174"),
					Type: ItemPayment, ID: itemID,
					Txs:          []string{"0dcb43459dd8895c935f43a756ed14c56cddfc79bf5a82a508f94418514b9393"},
					Destinations: []AddressAmount{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9507)}},
					Amount:       NewAmount(10000), Total: NewAmount(10000),
					Fee: FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(493), Rate: MustDecimal("2.97")}},
				},
				ChangeAddress: "3Mzma4RhoZVh2Y3D7hkGQHi797TTq43eMHc",
			},
		},
		{
			name: "Wallet.History", fixture: "apirone/wallet_history.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.History(ctx, &HistoryParams{Limit: 5, ItemType: ItemReceipt, Address: addr})
			},
			method: "GET", path: walletPath + "/history",
			query: "limit=5&q=item_type%3Areceipt%2Caddress%3A" + addr,
			want:  &HistoryPage{Wallet: testWalletID, Items: historyEntries, Pagination: Pagination{Total: 17, Offset: 0, Limit: 10}},
		},
		{
			name: "Wallet.AllHistory", fixture: "apirone/wallet_history.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return first(w.AllHistory(ctx, nil))
			},
			method: "GET", path: walletPath + "/history", query: "limit=100",
			want: historyEntries[0],
		},
		{
			name: "Wallet.HistoryItem", fixture: "apirone/wallet_history_item.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.HistoryItem(ctx, itemID) },
			method: "GET", path: walletPath + "/history/" + itemID,
			want: &HistoryItem{
				Wallet: testWalletID, Currency: "btc", Created: ts(t, "2022-01-27T06:43:44.931779"),
				Type: ItemPayment, ID: itemID,
				Txs:          []string{"0ecb0f0ff789e1f448087c2d7791920be143bc6f6b05b42c7f73bf8f447c2994"},
				Destinations: []AddressAmount{{Address: "2MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9866)}},
				Amount:       NewAmount(10000), Total: NewAmount(10000),
				Fee: FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(134), Rate: MustDecimal("1")}},
			},
		},
		{
			name: "Wallet.AddressHistory", fixture: "apirone/wallet_address_history.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.AddressHistory(ctx, addr, &PageParams{Limit: 10})
			},
			method: "GET", path: walletPath + "/addresses/" + addr + "/history", query: "limit=10",
			want: &AddressHistoryPage{
				Wallet: testWalletID, Currency: "btc", Address: addr,
				Txs: []AddressTx{{
					TxID:    "ad44fa07e253d7917b86caf4abe1d1817b1a896beaa15ec7971741f075c30e99",
					Created: ts(t, "2021-12-20T14:18:33.347286"),
					Amount:  NewAmount(-30000),
					Block:   Block{Hash: "00000000000000de74f3ed6e5db226dabe634e55e90e968623b9fa41a0fde513", Height: 2132472},
				}},
			},
		},
		{
			name: "Wallet.CallbackInfo", fixture: "apirone/wallet_callback.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) { return w.CallbackInfo(ctx, "") },
			method: "GET", path: walletPath + "/callback", query: "transfer-key=" + key,
			want: &AccountCallback{Wallet: testWalletID, Currency: "btc", Callback: secretCallback},
		},
		{
			name: "Wallet.AddressCallbackInfo", fixture: "apirone/wallet_address_callback.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.AddressCallbackInfo(ctx, cbAddr)
			},
			method: "GET", path: walletPath + "/addresses/" + cbAddr + "/callback", query: "transfer-key=" + key,
			want: &AddressCallback{Wallet: testWalletID, Currency: "btc", Address: cbAddr, Callback: secretCallback},
		},
		{
			name: "Wallet.AddressCallbackLog", fixture: "apirone/wallet_address_callback_log.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				page, err := w.AddressCallbackLog(ctx, cbAddr, nil)
				if err != nil {
					return nil, err
				}
				return []string{page.Wallet, page.Log[0].Request.Args.Wallet, page.Log[0].Request.Args.Account}, nil
			},
			method: "GET", path: walletPath + "/addresses/" + cbAddr + "/callback-log", query: "transfer-key=" + key,
			want: []string{testWalletID, testWalletID, ""}, // the callbacks it logged carry wallet, not account
		},
		{
			name: "Wallet.UpdateSettings", fixture: "apirone/wallet_settings.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				return w.UpdateSettings(ctx, &SettingsParams{
					Callback:     &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
					Destinations: []Destination{{Address: addr, Amount: Percent(100)}},
				})
			},
			method: "PATCH", path: walletPath,
			body: `{"transfer-key":"` + key + `","callback":{"url":"https://example.com","data":{"optional_key":"132534"}},` +
				`"destinations":[{"address":"` + addr + `","amount":"100%"}]}`,
			want: settings,
		},
		{
			name: "Wallet.Login", fixture: "apirone/login.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				err := w.Login(ctx)
				return w.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/login",
			body: `{"login":"` + testWalletID + `","password":"` + key + `"}`,
			want: Tokens{Access: accessToken, Refresh: "dGhlLXJlZnJlc2gtdG9rZW4"},
		},
		{
			// with tokens: the bearer token, and no transfer key in the body
			name: "Wallet.Transfer with tokens", fixture: "apirone/wallet_transfer.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				w.UseTokens(Tokens{Access: "acc", Refresh: "ref"})
				res, err := w.Transfer(ctx, &TransferParams{Destinations: []Destination{{Address: "3N2a", Amount: Units(1000)}}})
				if err != nil {
					return nil, err
				}
				return res.Wallet, nil
			},
			method: "POST", path: walletPath + "/transfer",
			body: `{"destinations":[{"address":"3N2a","amount":1000}]}`,
			auth: "Bearer acc",
			want: testWalletID,
		},
		{
			name: "Wallet.Logout", fixture: "apirone/logout.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				w.UseTokens(Tokens{Access: "acc", Refresh: "ref"})
				err := w.Logout(ctx)
				return w.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/logout",
			auth: "Bearer acc",
			want: Tokens{},
		},
		{
			name: "Wallet.Refresh", fixture: "apirone/login.json",
			wallet: func(ctx context.Context, c *Client, w *Wallet) (any, error) {
				w.UseTokens(Tokens{Access: "acc", Refresh: "ref"})
				err := w.Refresh(ctx)
				return w.Tokens(), err
			},
			method: "POST", path: "/api/v2/auth/refresh-token",
			auth: "Bearer ref",
			want: Tokens{Access: accessToken, Refresh: "dGhlLXJlZnJlc2gtdG9rZW4"},
		},
	}
}

// first returns the first item of seq, which must have one.
func first[T any](seq iter.Seq2[T, error]) (any, error) {
	for item, err := range seq {
		return item, err
	}
	return nil, nil
}

// apironeHost is the scheme and host of ApironeBaseURL: a request sent
// anywhere else finds no responder.
var apironeHost = regexp.QuoteMeta(strings.TrimSuffix(ApironeBaseURL, "/api"))

func TestApironeWire(t *testing.T) {
	for _, row := range apironeWire(t) {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			w := newWire(t)
			w.respond(row.method, "=~^"+apironeHost+"/", 200, fixture(t, row.fixture))
			c := w.apirone()

			got, err := row.do(context.Background(), c, testTransferKey)
			require.NoError(t, err)

			req := w.only()
			assert.Equal(t, row.method, req.Method, "method")
			assert.Equal(t, row.path, req.Path, "path")
			assert.Equal(t, row.query, req.RawQuery, "query")
			assert.Equal(t, row.body, req.Body, "body")
			assert.Equal(t, row.auth, req.Header.Get("Authorization"), "Authorization")
			assert.Equal(t, "application/json", req.Header.Get("Accept"))
			assert.Equal(t, "cryptopay-go/"+Version, req.Header.Get("User-Agent"))
			if row.body == "" {
				assert.Empty(t, req.Header.Get("Content-Type"), "no body, no Content-Type")
			} else {
				assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
			}
			assert.Equal(t, row.want, got)
		})
	}
}

func TestApironeWireCoversEveryEndpoint(t *testing.T) {
	var names []string
	for _, row := range apironeWire(t) {
		names = append(names, row.name)
	}
	checkCoversEndpoints(t, names, reflect.TypeFor[*Client](), reflect.TypeFor[*Account](), reflect.TypeFor[*Wallet]())
}

// TestApironeProtectedCallsNeedCredentials: every call that sends the
// transfer key fails without one (and without tokens), sending nothing.
func TestApironeProtectedCallsNeedCredentials(t *testing.T) {
	for _, row := range apironeWire(t) {
		if !strings.Contains(row.query+row.body, testTransferKey) {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			w := newWire(t)
			c := w.apirone()
			_, err := row.do(context.Background(), c, "")
			assert.ErrorIs(t, err, ErrInvalidParams)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "transfer-key", pe.Field)
			assert.Zero(t, w.count())
		})
	}
}
