package cryptopay

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alphapoRow is one call of an AlphaPo endpoint method and the wire
// contract it must keep. AlphaPo takes no query: every request's is empty.
type alphapoRow struct {
	// name is "AlphaPoClient.Method", optionally followed by a space and
	// what the row varies.
	name string
	// fixture is the answer served, a file under testdata, with status
	// (0 means 200).
	fixture string
	status  int
	// call makes the call with a client holding testAlphaKey and
	// testAlphaSecret.
	call func(ctx context.Context, c *AlphaPoClient) (any, error)
	// method, path (escaped, as the server reads it) and body (exact; ""
	// for none) are the request expected.
	method, path, body string
	// signed: the request carries X-Processing-Key and the signature of
	// exactly body; otherwise neither.
	signed bool
	// want is the decoded result.
	want any
}

// alphapoWire is the wire contract of every AlphaPo endpoint method: one
// row per method (TestAlphaPoWireCoversEveryEndpoint), and more rows where
// other parameters change the request or the docs show other answers. Each
// row says where its request and answer come from: docs.cryptoprocessing.com
// (current) or coinspaid/docs api-documentation/api-reference.md (older).
func alphapoWire() []alphapoRow {
	pairs := []AlphaPoPair{
		{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "BTC", Type: "crypto", MinAmount: dec("0.00300000"), MinAmountDepositWithExchange: dec("0.00010000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "EUR", Type: "fiat"},
			RateFrom:     dec("1"), RateTo: dec("8795.80000000"),
		},
		{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "EUR", Type: "fiat", MinAmount: dec("25.00000000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "BTC", Type: "crypto"},
			RateFrom:     dec("1"), RateTo: dec("8885.72951839"),
		},
		{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "BCH", Type: "crypto", MinAmount: dec("0.00020000"), MinAmountDepositWithExchange: dec("0.00100000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "USD", Type: "fiat"},
			RateFrom:     dec("1"), RateTo: dec("332.28264751"),
		},
		{
			CurrencyFrom: AlphaPoPairCurrency{Currency: "USD", Type: "fiat", MinAmount: dec("30.00000000")},
			CurrencyTo:   AlphaPoPairCurrency{Currency: "BCH", Type: "crypto"},
			RateFrom:     dec("1"), RateTo: dec("335.94361522"),
		},
	}
	currencies := []AlphaPoCurrency{{
		ID: 1, Type: "crypto", Currency: "BTC", MinimumAmount: dec("0.001"),
		DepositFeePercent: dec("0.99"), WithdrawalFeePercent: dec("0"), Precision: 8,
	}}
	visible := true

	return []alphapoRow{
		{
			// Ping: docs.cryptoprocessing.com/api-reference/endpoints/ping:
			// GET /ping, no security, text/html "OK".
			name: "AlphaPoClient.Ping", fixture: "alphapo/ping.txt",
			call:   func(ctx context.Context, c *AlphaPoClient) (any, error) { return nil, c.Ping(ctx) },
			method: "GET", path: "/api/v2/ping",
		},
		{
			// Response: coinspaid/docs, /v2/accounts/list.
			name: "AlphaPoClient.Balances", fixture: "alphapo/accounts_list.json",
			call:   func(ctx context.Context, c *AlphaPoClient) (any, error) { return c.Balances(ctx) },
			method: "POST", path: "/api/v2/accounts/list", body: `{}`, signed: true,
			want: []AlphaPoBalance{
				{Currency: "DOGE", Type: "crypto", Balance: dec("13234.91276375")},
				{Currency: "ADA", Type: "crypto", Balance: dec("7272.36400468")},
				{Currency: "EUR", Type: "fiat", Balance: dec("5973.97568920")},
				{Currency: "USDT", Type: "crypto", Balance: dec("0.00000000")},
			},
		},

		// Addresses
		{
			name: "AlphaPoClient.TakeAddress", fixture: "alphapo/take_address.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.TakeAddress(ctx, &TakeAddressParams{
					Currency: "BTC", ForeignID: "new_BTC_address_1714", ConvertTo: "EUR", EndUserReference: "guest_user_17",
				})
			},
			method: "POST", path: "/api/v2/addresses/take", signed: true,
			body: `{"currency":"BTC","foreign_id":"new_BTC_address_1714","convert_to":"EUR","end_user_reference":"guest_user_17"}`,
			want: &TakenAddress{
				ID: 23553829, Currency: "BTC", Address: "2NFZ9SmEm3mQ7jqVF4vPXBwCyn9KpmEwkTj",
				ForeignID: "new_BTC_address12", EndUserReference: "guest_user_17",
			},
		},

		// Currencies
		{
			// Response: coinspaid/docs, /v2/currencies/list.
			name: "AlphaPoClient.Currencies", fixture: "alphapo/currencies_list.json",
			call:   func(ctx context.Context, c *AlphaPoClient) (any, error) { return c.Currencies(ctx, nil) },
			method: "POST", path: "/api/v2/currencies/list", body: `{}`, signed: true,
			want: currencies,
		},
		{
			name: "AlphaPoClient.Currencies visible", fixture: "alphapo/currencies_list.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.Currencies(ctx, &AlphaPoCurrenciesParams{Visible: &visible})
			},
			method: "POST", path: "/api/v2/currencies/list", body: `{"visible":true}`, signed: true,
			want: currencies,
		},
		{
			name: "AlphaPoClient.Currencies hidden", fixture: "alphapo/currencies_list.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.Currencies(ctx, &AlphaPoCurrenciesParams{Visible: new(bool)})
			},
			method: "POST", path: "/api/v2/currencies/list", body: `{"visible":false}`, signed: true,
			want: currencies,
		},
		{
			// Response: coinspaid/docs, /v2/currencies/pairs.
			name: "AlphaPoClient.CurrencyPairs", fixture: "alphapo/currencies_pairs.json",
			call:   func(ctx context.Context, c *AlphaPoClient) (any, error) { return c.CurrencyPairs(ctx, nil) },
			method: "POST", path: "/api/v2/currencies/pairs", body: `{}`, signed: true,
			want: pairs,
		},
		{
			name: "AlphaPoClient.CurrencyPairs empty params", fixture: "alphapo/currencies_pairs.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CurrencyPairs(ctx, &AlphaPoPairsParams{})
			},
			method: "POST", path: "/api/v2/currencies/pairs", body: `{}`, signed: true,
			want: pairs,
		},
		{
			name: "AlphaPoClient.CurrencyPairs from", fixture: "alphapo/currencies_pairs.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CurrencyPairs(ctx, &AlphaPoPairsParams{CurrencyFrom: "BTC"})
			},
			method: "POST", path: "/api/v2/currencies/pairs", body: `{"currency_from":"BTC"}`, signed: true,
			want: pairs,
		},
		{
			name: "AlphaPoClient.CurrencyPairs to", fixture: "alphapo/currencies_pairs.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CurrencyPairs(ctx, &AlphaPoPairsParams{CurrencyTo: "EUR"})
			},
			method: "POST", path: "/api/v2/currencies/pairs", body: `{"currency_to":"EUR"}`, signed: true,
			want: pairs,
		},
		{
			name: "AlphaPoClient.CurrencyPairs from and to", fixture: "alphapo/currencies_pairs.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CurrencyPairs(ctx, &AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
			},
			method: "POST", path: "/api/v2/currencies/pairs", body: `{"currency_from":"BTC","currency_to":"EUR"}`, signed: true,
			want: pairs,
		},
		{
			// Response: docs.cryptoprocessing.com/api-reference/endpoints/currencies-rates.
			name: "AlphaPoClient.CurrencyRates", fixture: "alphapo/currencies_rates.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CurrencyRates(ctx, &AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
			},
			method: "POST", path: "/api/v2/currencies/rates", body: `{"currency_from":"BTC","currency_to":"EUR"}`, signed: true,
			want: []AlphaPoPair{{
				CurrencyFrom: AlphaPoPairCurrency{Currency: "BTC", Type: "crypto", MinAmount: dec("0.00010000"), MinAmountDepositWithExchange: dec("0.00020000")},
				CurrencyTo:   AlphaPoPairCurrency{Currency: "EUR", Type: "fiat"},
				RateFrom:     dec("1"), RateTo: dec("58077.41037702"),
			}},
		},

		// Exchange
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-calculate.
			name: "AlphaPoClient.CalculateExchange", fixture: "alphapo/exchange_calculate.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CalculateExchange(ctx, &AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.02")})
			},
			method: "POST", path: "/api/v2/exchange/calculate", signed: true,
			body: `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.02"}`,
			want: &AlphaPoQuote{
				SenderCurrency: "BTC", SenderAmount: dec("0.02000000"),
				ReceiverCurrency: "EUR", ReceiverAmount: dec("1546.28528889"),
				FeeCurrency: "BTC", FeeAmount: dec("0.00100000"), Price: dec("77314.26444450"),
				FixedAt:   UnixTime{time.Date(2026, 4, 2, 23, 33, 39, 0, time.UTC)},
				ReleaseAt: UnixTime{time.Date(2026, 4, 2, 23, 34, 39, 0, time.UTC)},
				FixPeriod: 60,
			},
		},
		{
			// Response with a numeric sender_amount: coinspaid/docs, /v2/exchange/calculate.
			name: "AlphaPoClient.CalculateExchange by receiver amount", fixture: "alphapo/exchange_calculate_receiver.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CalculateExchange(ctx, &AlphaPoQuoteParams{
					SenderCurrency: "BTC", ReceiverCurrency: "EUR", ReceiverAmount: decp("8549.8168"), PricePrecision: 8,
				})
			},
			method: "POST", path: "/api/v2/exchange/calculate", signed: true,
			body: `{"sender_currency":"BTC","receiver_currency":"EUR","receiver_amount":"8549.8168","price_precision":8}`,
			want: &AlphaPoQuote{
				SenderCurrency: "BTC", SenderAmount: dec("1"),
				ReceiverCurrency: "EUR", ReceiverAmount: dec("8549.81680000"),
				FeeCurrency: "BTC", FeeAmount: dec("85.49816800"), Price: dec("8549.81680000"),
				FixedAt:   UnixTime{time.Unix(1564293159, 0).UTC()},
				ReleaseAt: UnixTime{time.Unix(1564293219, 0).UTC()},
				FixPeriod: 60,
			},
		},
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-fixed.
			name: "AlphaPoClient.ExchangeFixed", fixture: "alphapo/exchange_fixed.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				asked := &AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.003")}
				quote := &AlphaPoQuote{Price: dec("77314.26444333")}
				return c.ExchangeFixed(ctx, quote.FixedParams(asked, "test_foreign_id_0250"))
			},
			method: "POST", path: "/api/v2/exchange/fixed", signed: true,
			body: `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.003","foreign_id":"test_foreign_id_0250","price":"77314.26444333"}`,
			want: &AlphaPoExchange{
				ID: 134704049, ForeignID: "test_foreign_id_0250", Type: "exchange", Status: "processing",
				SenderCurrency: "BTC", SenderAmount: dec("0.00300000"),
				ReceiverCurrency: "EUR", ReceiverAmount: dec("231.94279333"),
				FeeCurrency: "BTC", FeeAmount: dec("0.00015000"), Price: dec("77314.26444333"),
			},
		},
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-now.
			name: "AlphaPoClient.ExchangeNow", fixture: "alphapo/exchange_now.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.ExchangeNow(ctx, &AlphaPoExchangeParams{
					SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.003"), ForeignID: "test_foreign_id_0319",
				})
			},
			method: "POST", path: "/api/v2/exchange/now", signed: true,
			body: `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.003","foreign_id":"test_foreign_id_0319"}`,
			want: &AlphaPoExchange{
				ID: 134704200, ForeignID: "test_foreign_id_0319", Type: "exchange", Status: "processing",
				SenderCurrency: "BTC", SenderAmount: dec("0.00300000"),
				ReceiverCurrency: "EUR", ReceiverAmount: dec("231.94279333"),
				FeeCurrency: "BTC", FeeAmount: dec("0.00015000"), Price: dec("77314.26444333"),
			},
		},
		{
			// Response: docs.cryptoprocessing.com/api-reference/exchange/exchange-regardless-of-the-exchange-rate.
			name: "AlphaPoClient.ExchangeNow by receiver amount", fixture: "alphapo/exchange_now_receiver.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.ExchangeNow(ctx, &AlphaPoExchangeParams{
					SenderCurrency: "EUR", ReceiverCurrency: "BTC", ReceiverAmount: decp("0.1"), ForeignID: "user_1714",
				})
			},
			method: "POST", path: "/api/v2/exchange/now", signed: true,
			body: `{"sender_currency":"EUR","receiver_currency":"BTC","receiver_amount":"0.1","foreign_id":"user_1714"}`,
			want: &AlphaPoExchange{
				ID: 678287, ForeignID: "user_1714", Type: "exchange", Status: "processing",
				SenderCurrency: "EUR", SenderAmount: dec("1966.61957532"),
				ReceiverCurrency: "BTC", ReceiverAmount: dec("0.10000000"),
				FeeCurrency: "EUR", FeeAmount: dec("19.66619575"), Price: dec("0.00005084"),
			},
		},

		// Invoices
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/invoices-create.
			name: "AlphaPoClient.CreateInvoice", fixture: "alphapo/invoices_create.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CreateInvoice(ctx, &AlphaPoInvoiceParams{
					Title: "Invoice Title", Currency: "EUR", Amount: dec("100"), ForeignID: "test_foreign_id_0344",
					EndUserReference: "12345", URLSuccess: "https://example.com/success", URLFailed: "https://example.com/failed",
					EmailUser: "user@example.com", SenderType: "natural",
					SenderData: &AlphaPoUserData{FirstName: "Friedrich", LastName: "Müller", DateOfBirth: "1995-08-17"},
				})
			},
			method: "POST", path: "/api/v2/invoices/create", signed: true,
			body: `{"timer":false,"title":"Invoice Title","currency":"EUR","amount":"100",` +
				`"foreign_id":"test_foreign_id_0344","end_user_reference":"12345","url_success":"https://example.com/success",` +
				`"url_failed":"https://example.com/failed","email_user":"user@example.com","sender_type":"natural",` +
				`"sender_data":{"first_name":"Friedrich","last_name":"Müller","date_of_birth":"1995-08-17"}}`,
			want: &AlphaPoInvoice{
				ID: 826900, URL: "https://invoices.sandbox.cryptoprocessing.com/invoice/Jyf1cQ",
				ForeignID: "test_foreign_id_0344", EndUserReference: "12345", Title: "Invoice Title",
				Status: "created", Currency: "EUR", Amount: dec("100.00000000"),
			},
		},
		{
			// Response: the "2nd Type of Invoice response" (a timer) of
			// coinspaid/docs api-documentation/callbacks.md (testdata/README.md).
			name: "AlphaPoClient.CreateInvoice with timer", fixture: "alphapo/invoices_create_timer.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.CreateInvoice(ctx, &AlphaPoInvoiceParams{
					Timer: true, Title: "TEST NAME", Description: "Order 164", Type: "fill_or_kill", Currency: "EUR", SenderCurrency: "BTC",
					Amount: dec("106.75"), ForeignID: "164", EndUserReference: "12345", URLSuccess: "https://merchant.name.com/url_success",
					URLFailed: "https://merchant.name.com/url_failed",
				})
			},
			method: "POST", path: "/api/v2/invoices/create", signed: true,
			body: `{"timer":true,"title":"TEST NAME","description":"Order 164","type":"fill_or_kill",` +
				`"currency":"EUR","sender_currency":"BTC","amount":"106.75","foreign_id":"164","end_user_reference":"12345",` +
				`"url_success":"https://merchant.name.com/url_success","url_failed":"https://merchant.name.com/url_failed"}`,
			want: &AlphaPoInvoice{
				ID: 26, URL: "https://wallet.coinspaid.com/invoice/XJrbOG", ForeignID: "197", Title: "Invoice Title", Status: "pending",
				Currency: "BTC", Amount: dec("0.01000000"),
				FixedAt:     UnixTime{time.Unix(1592315493, 0).UTC()},
				ReleaseAt:   UnixTime{time.Unix(1592316393, 0).UTC()},
				SecondsLeft: 899,
			},
		},

		// Transactions
		{
			// Request and response (sent without the "data" envelope):
			// docs.cryptoprocessing.com/api-reference/endpoints/transactions-info.
			// A GET with a signed JSON body, as the docs show.
			name: "AlphaPoClient.TransactionInfo", fixture: "alphapo/transactions_info.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.TransactionInfo(ctx, &AlphaPoTransactionInfoParams{ForeignID: "test_foreign_id_0250"})
			},
			method: "GET", path: "/api/v2/transactions/info", body: `{"foreign_id":"test_foreign_id_0250"}`, signed: true,
			want: &AlphaPoTransaction{
				ID: 1, EndUserReference: "12345", Type: "deposit", Status: "confirmed",
				CryptoAddress: &AlphaPoCryptoAddress{ID: 1, Currency: "BTC", Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", ForeignID: "12345"},
				CurrencySent:  &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512")},
				CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512"),
					AmountMinusFee: decp("6.5119800")},
				Transactions: []AlphaPoTxEntry{{
					ID: 1, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
					Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", Amount: dec("6.53157512"),
					TxID:      "3950ad8149421a850d01dff88f024810e363ac18c9e8dd9bc0b9116e7937ad93",
					RiskScore: "0.5", Confirmations: 3,
				}},
				Fees: []AlphaPoFee{{Type: "deposit", Currency: "BTC", Amount: dec("0.01959472")}},
			},
		},
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/transactions/fetch-transaction-metadata,
			// whose example sends amounts and even the txid as JSON numbers.
			name: "AlphaPoClient.TransactionInfo by id, numeric forms", fixture: "alphapo/transactions_info_withdrawal.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.TransactionInfo(ctx, &AlphaPoTransactionInfoParams{ID: 2769144})
			},
			method: "GET", path: "/api/v2/transactions/info", body: `{"id":2769144}`, signed: true,
			want: &AlphaPoTransaction{
				ID: 2769144, ForeignID: "withdrawal:823188", Type: AlphaPoTxWithdrawal, Status: "confirmed",
				CryptoAddress:    &AlphaPoCryptoAddress{ID: 411002, Currency: "BTC", Address: "tb1q73h009ezpcltv85vnyvz8n3r5umv2v4n54rhp2"},
				CurrencySent:     &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("0.0001")},
				CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("10000")},
				Transactions: []AlphaPoTxEntry{{
					ID: 823194, Currency: "BTC", TransactionType: "blockchain", Type: "withdrawal",
					Address: "tb1q73h009ezpcltv85vnyvz8n3r5umv2v4n54rhp2", Amount: dec("0.0001"),
					TxID: "7.854431205445763e+76",
				}},
				Fees: []AlphaPoFee{
					{Type: "mining", Currency: "BTC", Amount: dec("0")},
					{Type: "fee_crypto_deposit_wallet_client", Currency: "BTC", Amount: dec("0")},
				},
			},
		},
		{
			// The other AlphaPo answers come as {"data": ...}; this one is
			// accepted in that form too.
			name: "AlphaPoClient.TransactionInfo by txid, in an envelope", fixture: "alphapo/transactions_info_envelope.json",
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.TransactionInfo(ctx, &AlphaPoTransactionInfoParams{TxID: "3950ad81"})
			},
			method: "GET", path: "/api/v2/transactions/info", body: `{"txid":"3950ad81"}`, signed: true,
			want: &AlphaPoTransaction{
				ID: 2687669, ForeignID: "wph27bmsp81", Type: AlphaPoTxExchange, Status: AlphaPoStatusNotConfirmed,
				Transactions: []AlphaPoTxEntry{{
					ID: 5, Currency: "BTC", CurrencyTo: "EUR", TransactionType: "exchange", Type: "exchange",
					Amount: dec("0.001"), AmountTo: decp("6.33984642"),
				}},
			},
		},

		// Withdrawals
		{
			// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/withdrawal-crypto.
			name: "AlphaPoClient.WithdrawCrypto", fixture: "alphapo/withdrawal_crypto.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.WithdrawCrypto(ctx, &AlphaPoWithdrawParams{
					ForeignID:        "test_foreign_id_0148",
					EndUserReference: "test_end_user_reference",
					Currency:         "BTC",
					Amount:           dec("0.00020000"),
					Address:          "tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc",
					SenderType:       "legal",
					SenderData:       &AlphaPoUserData{LegalName: "Example GmbH", CountryOfRegistration: "DEU"},
					ReceiverType:     "natural",
					ReceiverData:     &AlphaPoUserData{FirstName: "Friedrich", LastName: "Müller", DateOfBirth: "1995-08-17"},
				})
			},
			method: "POST", path: "/api/v2/withdrawal/crypto", signed: true,
			body: `{"foreign_id":"test_foreign_id_0148","end_user_reference":"test_end_user_reference",` +
				`"currency":"BTC","address":"tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc",` +
				`"sender_type":"legal","sender_data":{"legal_name":"Example GmbH","country_of_registration":"DEU"},` +
				`"receiver_type":"natural","receiver_data":{"first_name":"Friedrich","last_name":"Müller","date_of_birth":"1995-08-17"},` +
				`"amount":"0.00020000"}`,
			want: &AlphaPoWithdrawal{
				ID: 134702815, ForeignID: "test_foreign_id_0148", EndUserReference: "test_end_user_reference",
				Type: "withdrawal", Status: "processing", Amount: dec("0.00020000"),
				SenderAmount: dec("0.00020000"), SenderCurrency: "BTC",
				ReceiverAmount: dec("0.00020000"), ReceiverCurrency: "BTC",
			},
		},
		{
			// Response forms: coinspaid/docs (foreign_id 122929) and the
			// current schema example, which sends receiver_amount as a number.
			name: "AlphaPoClient.WithdrawCrypto with conversion and tag", fixture: "alphapo/withdrawal_crypto_exchange.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.WithdrawCrypto(ctx, &AlphaPoWithdrawParams{
					ForeignID: "122929", EndUserReference: "user_12345", Currency: "EUR", ConvertTo: "XRP",
					Amount: dec("100"), Address: "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", Tag: "3456789012",
				})
			},
			method: "POST", path: "/api/v2/withdrawal/crypto", signed: true,
			body: `{"foreign_id":"122929","end_user_reference":"user_12345",` +
				`"currency":"EUR","convert_to":"XRP","address":"rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh","tag":"3456789012","amount":"100"}`,
			want: &AlphaPoWithdrawal{
				ID: 1, ForeignID: "122929", Type: "withdrawal_exchange", Status: "processing", Amount: dec("100"),
				SenderAmount: dec("100.00000000"), SenderCurrency: "EUR",
				ReceiverAmount: dec("123"), ReceiverCurrency: "XRP",
			},
		},
		{
			// Request: the EUR to BTC example of
			// docs.cryptoprocessing.com/withdrawals/integration-guide with
			// amount_to (api-reference/endpoints/withdrawal-crypto: "You can
			// only specify either amount_to or amount") for amount.
			// Response: docs.alphapo.net/api-reference/withdrawal/withdraw-crypto.
			name: "AlphaPoClient.WithdrawCrypto by amount to send", fixture: "alphapo/withdrawal_crypto_amount_to.json", status: 201,
			call: func(ctx context.Context, c *AlphaPoClient) (any, error) {
				return c.WithdrawCrypto(ctx, &AlphaPoWithdrawParams{
					ForeignID: "user_2317", EndUserReference: "guest_user17", Currency: "EUR", ConvertTo: "BTC",
					AmountTo: decp("0.000015"), Address: "tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc",
				})
			},
			method: "POST", path: "/api/v2/withdrawal/crypto", signed: true,
			body: `{"foreign_id":"user_2317","end_user_reference":"guest_user17","currency":"EUR","convert_to":"BTC",` +
				`"amount_to":"0.000015","address":"tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc"}`,
			want: &AlphaPoWithdrawal{
				ID: 678388, ForeignID: "user_2317", EndUserReference: "guest_user17", Type: "withdrawal_exchange",
				Status: "processing", Amount: dec("25.00000000"), SenderAmount: dec("25.00000000"), SenderCurrency: "EUR",
				ReceiverAmount: dec("0.000015"), ReceiverCurrency: "BTC",
			},
		},
	}
}

// alphapoHost is the scheme and host of AlphaPoBaseURL: a request sent
// anywhere else finds no responder.
var alphapoHost = regexp.QuoteMeta(strings.TrimSuffix(AlphaPoBaseURL, "/api"))

func TestAlphaPoWire(t *testing.T) {
	for _, row := range alphapoWire() {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			w := newWire(t)
			status := row.status
			if status == 0 {
				status = 200
			}
			w.respond(row.method, "=~^"+alphapoHost+"/", status, fixture(t, row.fixture))

			got, err := row.call(context.Background(), w.alphapo())
			require.NoError(t, err)

			req := w.only()
			assert.Equal(t, row.method, req.Method, "method")
			assert.Equal(t, row.path, req.Path, "path")
			assert.Empty(t, req.RawQuery, "query")
			assert.Equal(t, row.body, req.Body, "body")
			if row.signed {
				assert.Equal(t, testAlphaKey, req.Header.Get("X-Processing-Key"))
				assert.Equal(t, NewSigner(testAlphaSecret).Sign([]byte(row.body)), req.Header.Get("X-Processing-Signature"))
			} else {
				assert.Empty(t, req.Header.Get("X-Processing-Key"))
				assert.Empty(t, req.Header.Get("X-Processing-Signature"))
			}
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

func TestAlphaPoWireCoversEveryEndpoint(t *testing.T) {
	var names []string
	for _, row := range alphapoWire() {
		names = append(names, row.name)
	}
	checkCoversEndpoints(t, names, reflect.TypeFor[*AlphaPoClient]())
}
