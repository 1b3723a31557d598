package cryptopaytest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// external2 is a second destination outside the server.
const external2 = "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ"

// settings updates the account's settings and returns the answer.
func (e *env) settings(p *cryptopay.SettingsParams) *cryptopay.AccountSettings {
	e.t.Helper()
	got, err := e.acct.UpdateSettings(ctx, p)
	require.NoError(e.t, err)
	return got
}

// rawInfo returns the account's info for currency as raw JSON fields.
func (e *env) rawInfo(currency string) map[string]json.RawMessage {
	e.t.Helper()
	status, body := get(e.t, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"?currency="+currency)
	require.Equal(e.t, http.StatusOK, status, body)
	var info struct{ Info []map[string]json.RawMessage }
	require.NoError(e.t, json.Unmarshal([]byte(body), &info))
	require.Len(e.t, info.Info, 1)
	return info.Info[0]
}

func TestUpdateSettings(t *testing.T) {
	e := newEnv(t)
	assert.JSONEq(t, `"percentage"`, string(e.rawInfo("btc")["processing-fee-policy"]), "the default")

	cb := &cryptopay.Callback{URL: "https://shop.example.com/cb", Data: map[string]string{"shop": "7"}}
	dests := []cryptopay.Destination{to(external, cryptopay.Percent(60)), to(external2, cryptopay.Percent(40))}
	got := e.settings(&cryptopay.SettingsParams{Currency: "btc", Callback: cb, Destinations: dests, ProcessingFeePolicy: cryptopay.ProcessingFeeFixed})
	stored := &cryptopay.Callback{Method: "POST", URL: cb.URL, Data: cb.Data}
	answered := &cryptopay.Callback{URL: cb.URL, Data: cb.Data} // the settings answer has no method
	assert.Equal(t, &cryptopay.AccountSettings{
		Account: e.acct.ID(), Currency: "btc", Callback: answered, Destinations: dests, ProcessingFeePolicy: cryptopay.ProcessingFeeFixed,
	}, got)

	info, err := e.acct.Info(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, dests, info.Info[0].Destinations)
	assert.Equal(t, cryptopay.FeeNormal, info.Info[0].Fee)
	assert.Equal(t, cryptopay.ProcessingFeeFixed, info.Info[0].ProcessingFeePolicy)
	raw := e.rawInfo("btc")
	assert.JSONEq(t, `"fixed"`, string(raw["processing-fee-policy"]))
	assert.JSONEq(t, `[{"address":"`+external+`","amount":"60%"},{"address":"`+external2+`","amount":"40%"}]`, string(raw["destinations"]))
	assert.JSONEq(t, `null`, string(e.rawInfo("ltc")["destinations"]), "other currencies keep theirs")

	acb, err := e.acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, stored, acb.Callback)

	// A field left out stays; the policy alone changes.
	got = e.settings(&cryptopay.SettingsParams{Currency: "btc", ProcessingFeePolicy: cryptopay.ProcessingFeePercentage})
	assert.Equal(t, dests, got.Destinations)
	assert.Equal(t, answered, got.Callback)
	assert.Equal(t, cryptopay.ProcessingFeePercentage, got.ProcessingFeePolicy)

	// null stops forwarding.
	got = e.settings(&cryptopay.SettingsParams{Currency: "btc", ResetDestinations: true})
	assert.Nil(t, got.Destinations)
	info, err = e.acct.Info(ctx, "btc")
	require.NoError(t, err)
	assert.Nil(t, info.Info[0].Destinations)
}

func TestAccountCallbackAppliesToNewAddresses(t *testing.T) {
	e := newEnv(t)
	before := e.address("btc", nil)
	e.settings(&cryptopay.SettingsParams{Currency: "btc", Callback: &cryptopay.Callback{Method: "GET", URL: "https://shop.example.com/all"}})
	own := &cryptopay.Callback{URL: "https://shop.example.com/own"}

	addr, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.Callback{Method: "GET", URL: "https://shop.example.com/all"}, addr.Callback)
	withOwn, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: own})
	require.NoError(t, err)
	assert.Equal(t, "https://shop.example.com/own", withOwn.Callback.URL)
	ltc, err := e.acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "ltc"})
	require.NoError(t, err)
	assert.Nil(t, ltc.Callback, "the callback is per currency")

	old, err := e.acct.AddressCallbackInfo(ctx, before)
	require.NoError(t, err)
	assert.Nil(t, old.Callback, "addresses made before keep none")
}

func TestUpdateSettingsRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	url := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID()
	key := `"transfer-key":"` + e.key + `"`
	for body, want := range map[string]string{
		`{` + key + `}`:                  "currency is required.",
		`{` + key + `,"currency":"xyz"}`: "Unsupported currency: xyz.",
		`{` + key + `,"currency":"btc","callback":{"url":"x"}}`:                                                         "callback.url must be a valid URL shorter than 1024 characters.",
		`{` + key + `,"currency":"btc","destinations":[{"address":"a","amount":1000}]}`:                                 "Forwarding amounts must be percentages.",
		`{` + key + `,"currency":"btc","destinations":[{"address":"a","amount":"0%"}]}`:                                 "Destination percentage must be from 1 to 100.",
		`{` + key + `,"currency":"btc","destinations":[{"amount":"5%"}]}`:                                               "Destination address is required.",
		`{` + key + `,"currency":"btc","destinations":[{"address":"a","amount":"60%"},{"address":"b","amount":"50%"}]}`: "Destination percentages add up to more than 100.",
		`{` + key + `,"currency":"btc","destinations":"a"}`:                                                             "destinations must be a list of {address, amount}.",
		`{` + key + `,"currency":"btc","processing-fee-policy":"free"}`:                                                 "processing-fee-policy must be fixed or percentage.",
		`{"currency":"btc","processing-fee-policy":"fixed"}`:                                                            "Transfer key is required.",
		`{"transfer-key":"wrong","currency":"btc","destinations":null}`:                                                 "Invalid transfer key.",
	} {
		status, got := send(t, http.MethodPatch, url, body, nil)
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized}, status, body)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, got, body)
	}
	assert.JSONEq(t, `"percentage"`, string(e.rawInfo("btc")["processing-fee-policy"]), "nothing changed")
}

func TestDestinationWithoutAmountForwardsEverything(t *testing.T) {
	e := newEnv(t)
	status, body := send(t, http.MethodPatch, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID(),
		`{"transfer-key":"`+e.key+`","currency":"btc","destinations":[{"address":"`+external+`"}]}`, nil)
	require.Equal(t, http.StatusOK, status, body)
	info, err := e.acct.Info(ctx, "btc")
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.Destination{to(external, cryptopay.Percent(100))}, info.Info[0].Destinations)
}

// Forwarding 60% and 40% of a 100000 satoshi receipt: one input, two
// outputs and no change make a normal fee of 10+68+62 = 140, shared 84/56.
func TestDepositIsForwardedOnceConfirmed(t *testing.T) {
	e := newEnv(t)
	e.settings(&cryptopay.SettingsParams{Currency: "btc", Destinations: []cryptopay.Destination{
		to(external, cryptopay.Percent(60)), to(external2, cryptopay.Percent(40)),
	}})
	rc := newReceiver(t, waitForConfirmation)
	addr := e.address("btc", &cryptopay.Callback{URL: rc.URL})

	res := e.deposit(addr, cryptopay.NewAmount(100000), 0)
	var first cryptopay.PaymentCallback
	require.NoError(t, json.Unmarshal([]byte(res.Deliveries[0].Body), &first))
	assert.Empty(t, first.TransactionHash, "nothing forwarded before a confirmation")
	assert.Nil(t, first.Destinations)
	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	assert.Empty(t, page.Items)

	mined := e.mine(1)
	require.Len(t, mined, 1)
	var confirmed cryptopay.PaymentCallback
	require.NoError(t, json.Unmarshal([]byte(mined[0].Body), &confirmed))
	wantDests := []cryptopay.AddressAmount{{Address: external, Amount: cryptopay.NewAmount(59916)}, {Address: external2, Amount: cryptopay.NewAmount(39944)}}
	assert.Equal(t, wantDests, confirmed.Destinations)
	require.NotEmpty(t, confirmed.TransactionHash)

	page, err = e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	item, err := e.acct.HistoryItem(ctx, page.Items[0].ID)
	require.NoError(t, err)
	assert.Equal(t, []string{confirmed.TransactionHash}, item.Txs)
	assert.Equal(t, wantDests, item.Destinations)
	assert.Equal(t, cryptopay.NewAmount(100000), item.Amount)
	assert.Equal(t, cryptopay.NewAmount(100000), item.Total)
	assert.Equal(t, cryptopay.FeeInfo{SubtractFromAmount: true, Network: cryptopay.NetworkFee{
		Strategy: cryptopay.FeeNormal, Amount: cryptopay.NewAmount(140), Rate: cryptopay.MustDecimal("1"),
	}}, item.Fee)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(0), Total: cryptopay.NewAmount(0)}, e.balance("btc"))
}

// Forwarding 50% of a confirmed 100000 satoshi receipt: one destination
// plus change make a fee of 140; the other half comes back as change.
func TestPartialForwardingKeepsTheRest(t *testing.T) {
	e := newEnv(t)
	e.settings(&cryptopay.SettingsParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Percent(50))}})
	rc := newReceiver(t, answerOK)
	addr := e.address("btc", &cryptopay.Callback{Method: "GET", URL: rc.URL})

	e.deposit(addr, cryptopay.NewAmount(100000), 1)
	calls := rc.calls()
	require.Len(t, calls, 1)
	cb, err := cryptopay.ParsePaymentCallback(httptest.NewRequest(http.MethodGet, "/?"+calls[0].Query, nil))
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.AddressAmount{{Address: external, Amount: cryptopay.NewAmount(49860)}}, cb.Destinations)
	assert.NotEmpty(t, cb.TransactionHash)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(0), Total: cryptopay.NewAmount(50000)}, e.balance("btc"))
	e.mine(1)
	assert.Equal(t, cryptopay.Balance{Currency: "btc", Available: cryptopay.NewAmount(50000), Total: cryptopay.NewAmount(50000)}, e.balance("btc"))
}

func TestReceiptTooSmallToForwardStays(t *testing.T) {
	e := newEnv(t)
	e.settings(&cryptopay.SettingsParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Percent(100))}})
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100), 1)
	assert.Equal(t, "100", e.balance("btc").Available.String(), "100 satoshi cannot pay a 109 fee")
}

// trx has no change: forwarding 100% of 10 TRX pays the fee (1000 × 270
// sun) from it and leaves nothing.
func TestForwardingWithoutChange(t *testing.T) {
	e := newEnv(t)
	e.settings(&cryptopay.SettingsParams{Currency: "trx", Destinations: []cryptopay.Destination{to("TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC", cryptopay.Percent(100))}})
	res := e.deposit(e.address("trx", nil), cryptopay.NewAmount(10_000_000), 1)
	page, err := e.acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	item, err := e.acct.HistoryItem(ctx, page.Items[0].ID)
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.AddressAmount{{Address: "TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC", Amount: cryptopay.NewAmount(9_730_000)}}, item.Destinations)
	assert.Equal(t, cryptopay.NewAmount(270_000), item.Fee.Network.Amount)
	assert.Equal(t, "0", e.balance("trx").Total.String())
	receipt, err := e.acct.HistoryItem(ctx, res.Payment)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(10_000_000), receipt.Amount)
}
