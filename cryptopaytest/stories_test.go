package cryptopaytest_test

import (
	"encoding/json"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// storyReferences maps a story file's name (without the _N or _status
// suffix) to the reference body whose shape it has.
var storyReferences = map[string]string{
	"apirone-deposit/generate_address":     "apirone/generate_address.json",
	"apirone-deposit/payment_callback":     "apirone/payment_callback.json",
	"apirone-deposit/address_history":      "apirone/address_history.json",
	"apirone-deposit/account_history":      "apirone/account_history.json",
	"apirone-transfer/transfer":            "apirone/transfer.json",
	"apirone-transfer/history_item":        "apirone/history_item.json",
	"apirone-transfer/account_history":     "apirone/account_history.json",
	"apirone-transfer/address_history":     "apirone/address_history.json",
	"apirone-invoice/invoice":              "apirone/invoice.json",
	"alphapo-withdrawal/withdrawal_crypto": "alphapo/withdrawal_crypto.json",
	"alphapo-withdrawal/transactions_info": "alphapo/callbacks/withdrawal.json",
	"alphapo-withdrawal/callback":          "alphapo/callbacks/withdrawal.json",
}

// Every story file has the keys and JSON types of the provider's
// reference body it stands for, as the fake's bodies do.
func TestStoriesHaveTheReferenceShapes(t *testing.T) {
	stories := 0
	for _, name := range cryptopaytest.FixtureNames() {
		rest, ok := strings.CutPrefix(name, "stories/")
		if !ok {
			continue
		}
		stories++
		key := strings.TrimSuffix(rest, ".json")
		if i := strings.LastIndexByte(key, '_'); i > strings.LastIndexByte(key, '/') && !isReference(key) {
			key = key[:i]
		}
		ref, ok := storyReferences[key]
		if !assert.True(t, ok, "%s: no reference shape", name) {
			continue
		}
		assert.Empty(t, differences(t, ref, "story", cryptopaytest.Fixture(name)), "%s against %s", name, ref)
	}
	assert.Equal(t, 16, stories)
}

func isReference(key string) bool {
	_, ok := storyReferences[key]
	return ok
}

// story decodes the story file flow/name.
func story(t *testing.T, flow, name string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(cryptopaytest.Fixture(path.Join("stories", flow, name)), &v))
	return v
}

// at follows keys (strings) and indexes (ints) into v.
func at(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// The files of each story tell one flow: the same account, address,
// ids, transactions and amounts throughout.
func TestStoriesAgree(t *testing.T) {
	addr := story(t, "apirone-deposit", "generate_address.json")
	paid := story(t, "apirone-deposit", "payment_callback_1.json")
	waiting := story(t, "apirone-deposit", "payment_callback_0.json")
	depositTxs := story(t, "apirone-deposit", "address_history.json")
	depositItems := story(t, "apirone-deposit", "account_history.json")
	assert.Equal(t, addr["address"], paid["input_address"])
	assert.Equal(t, addr["account"], paid["account"])
	assert.Equal(t, at(addr, "callback", "data"), paid["data"], "the callback echoes the address's data")
	assert.Equal(t, paid["input_transaction_hash"], waiting["input_transaction_hash"])
	assert.Equal(t, []any{0.0, 1.0}, []any{waiting["confirmations"], paid["confirmations"]})
	assert.Equal(t, paid["input_transaction_hash"], at(depositTxs, "txs", 0, "txid"))
	assert.Equal(t, paid["value"], at(depositTxs, "txs", 0, "amount"))
	assert.Equal(t, paid["payment"], at(depositItems, "items", 0, "id"), "the callback's payment is the receipt's history id")
	assert.Equal(t, paid["value"], at(depositItems, "items", 0, "amount"))

	transfer := story(t, "apirone-transfer", "transfer.json")
	item := story(t, "apirone-transfer", "history_item.json")
	page := story(t, "apirone-transfer", "account_history.json")
	txs := story(t, "apirone-transfer", "address_history.json")
	delete(transfer, "change-address") // the only field a history item lacks
	assert.Equal(t, transfer, item, "the history item is the transfer's answer")
	assert.Equal(t, item["id"], at(page, "items", 0, "id"))
	assert.Equal(t, at(item, "txs"), at(page, "items", 0, "txs"))
	assert.Equal(t, -item["total"].(float64), at(page, "items", 0, "amount"))
	assert.Equal(t, at(item, "txs", 0), at(txs, "txs", 0, "txid"))
	assert.Equal(t, addr["address"], txs["address"], "paid from the deposit's address")
	assert.Equal(t, at(depositItems, "items", 0), at(page, "items", 1), "the deposit, as the deposit story has it")
	assert.Equal(t, at(depositTxs, "txs", 0), at(txs, "txs", 1))

	var last map[string]any
	for i, status := range []string{"created", "partpaid", "paid", "completed"} {
		inv := story(t, "apirone-invoice", "invoice_"+status+".json")
		assert.Equal(t, status, inv["status"])
		history := inv["history"].([]any)
		require.Len(t, history, i+1)
		if last != nil {
			assert.Equal(t, last["history"], history[:i], "each status adds to the history")
			assert.Equal(t, last["invoice"], inv["invoice"])
		}
		last = inv
	}
	paidIn := at(last, "history", 1, "amount").(float64) + at(last, "history", 2, "amount").(float64)
	assert.Equal(t, last["amount"], paidIn, "paid in two parts")

	w := story(t, "alphapo-withdrawal", "withdrawal_crypto.json")["data"].(map[string]any)
	for _, name := range []string{"transactions_info.json", "callback_confirmed.json"} {
		tx := story(t, "alphapo-withdrawal", name)
		assert.Equal(t, w["id"], tx["id"], name)
		assert.Equal(t, w["foreign_id"], tx["foreign_id"], name)
		assert.Equal(t, w["receiver_amount"], at(tx, "currency_received", "amount"), name)
		assert.Equal(t, w["amount"], at(tx, "transactions", 0, "amount"), name)
	}
}
