package cryptopaytest

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

// fixtures are the providers' reference bodies; the cryptopay tests decode
// the same files (its testdata/apirone and testdata/alphapo), field by field.
//
//go:embed fixtures
var fixtures embed.FS

// Fixture returns a reference response or callback body of Apirone or
// AlphaPo, for a mock (httpmock, an httptest handler) to answer what the
// provider answers: the providers' published examples, or, where the docs
// show none or disagree, a body assembled from them (the module's
// testdata/README.md names the source of each, field by field). The
// cryptopay clients decode every one of them, and the fake's own bodies
// have the same keys and JSON types. It panics if there is no fixture of
// that name, like a missing literal would fail to compile; FixtureNames
// lists them.
//
// Names are "apirone/..." or "alphapo/..." followed by the file name.
// Apirone (answers are bare JSON):
//
//	apirone/create_account.json       POST /v2/accounts
//	apirone/account_info.json         GET /v2/accounts/{account}
//	apirone/account_settings.json     PATCH /v2/accounts/{account}
//	apirone/account_balance.json      GET /v2/accounts/{account}/balance
//	apirone/generate_address.json     POST /v2/accounts/{account}/addresses
//	apirone/account_addresses.json    GET /v2/accounts/{account}/addresses
//	apirone/address_info.json         GET /v2/accounts/{account}/addresses/{address}
//	apirone/address_balance.json      GET /v2/accounts/{account}/addresses/{address}/balance
//	apirone/address_history.json      GET /v2/accounts/{account}/addresses/{address}/history
//	apirone/address_callback.json     GET /v2/accounts/{account}/addresses/{address}/callback
//	apirone/address_callback_log.json GET /v2/accounts/{account}/addresses/{address}/callback-log
//	apirone/account_callback.json     GET /v2/accounts/{account}/callback
//	apirone/estimation.json           GET /v2/accounts/{account}/transfer
//	apirone/transfer.json             POST /v2/accounts/{account}/transfer
//	apirone/account_history.json      GET /v2/accounts/{account}/history
//	apirone/history_item.json         GET /v2/accounts/{account}/history/{id}
//	apirone/invoice.json              POST /v2/accounts/{account}/invoices, and the GETs of one invoice
//	apirone/account_invoices.json     GET /v2/accounts/{account}/invoices
//	apirone/login.json                POST /v2/auth/login
//	apirone/logout.json               POST /v2/auth/logout
//	apirone/currencies.json           OPTIONS /v2/accounts
//	apirone/network_fee.json          GET /v2/networks/{currency}/fee
//	apirone/ticker.json               GET /v2/ticker (one currency)
//	apirone/ticker_several.json       GET /v2/ticker (several currencies)
//	apirone/payment_callback.json     the payment callback Apirone POSTs to you
//
// AlphaPo (answers in {"data": ...}; status 201 where noted):
//
//	alphapo/ping.txt                           GET /v2/ping (text "OK")
//	alphapo/accounts_list.json                 POST /v2/accounts/list
//	alphapo/take_address.json                  POST /v2/addresses/take (201)
//	alphapo/currencies_list.json               POST /v2/currencies/list
//	alphapo/currencies_pairs.json              POST /v2/currencies/pairs
//	alphapo/currencies_rates.json              POST /v2/currencies/rates
//	alphapo/withdrawal_crypto.json             POST /v2/withdrawal/crypto (201)
//	alphapo/withdrawal_crypto_exchange.json    the same, with convert_to and a tag (201)
//	alphapo/withdrawal_crypto_amount_to.json   the same, EUR to BTC (201)
//	alphapo/exchange_calculate.json            POST /v2/exchange/calculate
//	alphapo/exchange_calculate_receiver.json   the same, by receiver amount
//	alphapo/exchange_fixed.json                POST /v2/exchange/fixed (201)
//	alphapo/exchange_now.json                  POST /v2/exchange/now (201)
//	alphapo/exchange_now_receiver.json         the same, by receiver amount (201)
//	alphapo/invoices_create.json               POST /v2/invoices/create
//	alphapo/invoices_create_timer.json         the same, with a timer
//	alphapo/transactions_info.json             GET /v2/transactions/info (bare, as documented)
//	alphapo/transactions_info_envelope.json    the same, in {"data": ...}
//	alphapo/transactions_info_withdrawal.json  the same, a withdrawal with numeric fields
//	alphapo/callbacks/deposit.json             callback bodies AlphaPo POSTs to you: sign
//	alphapo/callbacks/deposit_exchange.json    them with SignAlphaPoCallback or send them
//	alphapo/callbacks/exchange.json            with NewAlphaPoCallbackRequest. A deposit's
//	alphapo/callbacks/invoice.json             customer is crypto_address.foreign_id
//	alphapo/callbacks/withdrawal.json
//	alphapo/callbacks/withdrawal_exchange.json
//	alphapo/callbacks/payment_request.json     a payment request's (rate fixed)
//
// The ids in them (account "apr-e729d9982f079fa86b10a0e3aa6ff37b" and so
// on) are the documentation's examples, and do not fit one another.
//
// Stories are fixtures that do: each is one flow, in the reference bodies'
// shapes, with the same account, address, ids, transactions and amounts
// throughout, so that a mock can play the flow from them alone (see
// ExampleFixture_findTransfer):
//
//	stories/apirone-deposit/   an address (generate_address.json) with a callback,
//	                           a payment of 30000 satoshi to it: its callbacks at 0 and
//	                           1 confirmations (payment_callback_0.json, _1.json), the
//	                           address history and the account history showing it
//	stories/apirone-transfer/  a transfer of 10000 satoshi from that address
//	                           (transfer.json), the account history listing it after the
//	                           deposit, its history item and the address history
//	stories/apirone-invoice/   an invoice of 25000 satoshi through its statuses:
//	                           invoice_created.json, _partpaid, _paid, _completed
//	stories/alphapo-withdrawal/ a withdrawal of 0.01 BTC (withdrawal_crypto.json, 201), its
//	                           transactions/info while unconfirmed (transactions_info.json)
//	                           and its confirmed callback (callback_confirmed.json)
func Fixture(name string) []byte {
	b, err := fixtures.ReadFile("fixtures/" + name)
	if err != nil {
		panic("cryptopaytest: no fixture " + name + "; see FixtureNames")
	}
	return b
}

// FixtureNames returns the names Fixture knows, sorted.
func FixtureNames() []string {
	var names []string
	fs.WalkDir(fixtures, "fixtures", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(path, "fixtures/"))
		}
		return err
	})
	slices.Sort(names)
	return names
}
