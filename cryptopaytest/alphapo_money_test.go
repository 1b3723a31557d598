package cryptopaytest_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoPing(t *testing.T) {
	e := newAlphaEnv(t)
	require.NoError(t, e.ap.Ping(ctx))
	key, _ := e.srv.AlphaPoCredentials()
	require.NoError(t, alphaPoClient(t, e.srv, key, "wrong-secret").Ping(ctx), "ping is unsigned")
	status, body := get(t, e.srv.AlphaPoURL()+"/v2/ping")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "OK", body)
}

func TestAlphaPoBalancesMoveWithDepositsWithdrawalsAndExchanges(t *testing.T) {
	e := newAlphaEnv(t)
	list, err := e.ap.Balances(ctx)
	require.NoError(t, err)
	require.Len(t, list, 12, "every currency, zero balances included")
	assert.Equal(t, cryptopay.AlphaPoBalance{Currency: "BTC", Type: "crypto", Balance: cryptopay.MustDecimal("0.00000000")}, list[0])
	assert.Equal(t, cryptopay.AlphaPoBalance{Currency: "EUR", Type: "fiat", Balance: cryptopay.MustDecimal("0.00000000")}, list[9])

	// A deposit counts once it is confirmed, less its 1% fee.
	addr := e.take("BTC", "")
	dep := e.deposit(addr.Address, "0.50505051", 0)
	assert.Equal(t, "0.00000000", e.balance("BTC"))
	e.mine(1)
	assert.Equal(t, "0.50000000", e.balance("BTC"))
	cbs := e.callbacks()
	require.Len(t, cbs, 2)
	assert.Equal(t, []string{string(cryptopay.AlphaPoStatusNotConfirmed), string(cryptopay.AlphaPoStatusConfirmed)},
		[]string{string(cbs[0].Status), string(cbs[1].Status)})
	assert.Equal(t, dep.ID, cbs[1].ID)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{
		Currency: "BTC", Amount: cryptopay.MustDecimal("0.50505051"), AmountMinusFee: dec("0.50000000"),
	}, cbs[1].CurrencyReceived)
	assert.Equal(t, []cryptopay.AlphaPoFee{{Type: "deposit", Currency: "BTC", Amount: cryptopay.MustDecimal("0.00505051")}}, cbs[1].Fees)

	// A withdrawal debits the amount and the 1 % fee at once.
	w, err := e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-1", EndUserReference: "user-17", Currency: "BTC", Amount: cryptopay.MustDecimal("0.1"), Address: external,
	})
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AlphaPoWithdrawal{
		ID: w.ID, ForeignID: "payout-1", EndUserReference: "user-17", Type: "withdrawal", Status: "processing",
		Amount: cryptopay.MustDecimal("0.10000000"), SenderAmount: cryptopay.MustDecimal("0.10000000"), SenderCurrency: "BTC",
		ReceiverAmount: cryptopay.MustDecimal("0.10000000"), ReceiverCurrency: "BTC",
	}, w)
	assert.Equal(t, "0.39900000", e.balance("BTC"))

	// An exchange debits what it sends and its 1 % fee at once, and
	// credits what it receives when it completes, on the next block.
	x, err := e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{
		SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: dec("0.1"), ForeignID: "exchange-1",
	})
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AlphaPoExchange{
		ID: x.ID, ForeignID: "exchange-1", Type: "exchange", Status: "processing",
		SenderCurrency: "BTC", SenderAmount: cryptopay.MustDecimal("0.10000000"),
		ReceiverCurrency: "EUR", ReceiverAmount: cryptopay.MustDecimal("5000.00000000"),
		FeeCurrency: "BTC", FeeAmount: cryptopay.MustDecimal("0.00100000"), Price: cryptopay.MustDecimal("50000.00000000"),
	}, x)
	assert.Equal(t, "0.29800000", e.balance("BTC"))
	assert.Equal(t, "0.00000000", e.balance("EUR"))
	assert.Empty(t, e.callbacks(), "nothing is announced while processing")

	mined := e.mine(1)
	require.Len(t, mined, 2, "the withdrawal's and the exchange's callbacks")
	assert.Equal(t, "0.29800000", e.balance("BTC"))
	assert.Equal(t, "5000.00000000", e.balance("EUR"))

	cbs = e.callbacks()
	require.Len(t, cbs, 2)
	wcb, xcb := cbs[0], cbs[1]
	assert.Equal(t, w.ID, wcb.ID)
	assert.Equal(t, cryptopay.AlphaPoTxWithdrawal, wcb.Type)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, wcb.Status)
	assert.Equal(t, "payout-1", wcb.ForeignID)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "BTC", Amount: cryptopay.MustDecimal("0.10000000")}, wcb.CurrencySent)
	assert.Equal(t, []cryptopay.AlphaPoFee{{Type: "mining", Currency: "BTC", Amount: cryptopay.MustDecimal("0.00100000")}}, wcb.Fees)
	require.Len(t, wcb.Transactions, 1)
	assert.Equal(t, "blockchain", wcb.Transactions[0].TransactionType)
	assert.Equal(t, external, wcb.Transactions[0].Address)
	assert.Equal(t, int64(1), wcb.Transactions[0].Confirmations)
	assert.Regexp(t, `^[0-9a-f]{64}$`, string(wcb.Transactions[0].TxID))

	assert.Equal(t, x.ID, xcb.ID)
	assert.Equal(t, cryptopay.AlphaPoTxExchange, xcb.Type)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, xcb.Status)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "EUR", Amount: cryptopay.MustDecimal("5000.00000000")}, xcb.CurrencyReceived)
	require.Len(t, xcb.Transactions, 1)
	assert.Equal(t, "EUR", xcb.Transactions[0].CurrencyTo)
	assert.Equal(t, dec("5000.00000000"), xcb.Transactions[0].AmountTo)

	assert.Empty(t, e.mine(2), "acknowledged callbacks are not sent again")
}

func TestAlphaPoWithdrawalRefusals(t *testing.T) {
	e := newAlphaEnv(t)
	e.fund("BTC", "0.01")
	withdraw := func(foreignID, currency, amount string) error {
		_, err := e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
			ForeignID: foreignID, EndUserReference: "user-17", Currency: currency, Amount: cryptopay.MustDecimal(amount), Address: external,
		})
		return err
	}

	require.NoError(t, withdraw("payout-1", "BTC", "0.001"))
	assert.Equal(t, "0.00899000", e.balance("BTC"))
	err := withdraw("payout-1", "BTC", "0.001")
	assert.Equal(t, "The foreign id has already been taken.", fieldError(t, err, "foreign_id"))
	assert.Equal(t, "0.00899000", e.balance("BTC"), "a repeated foreign_id pays nothing")

	for name, tc := range map[string]struct{ currency, amount, field, want string }{
		"amount and fee exceed the balance": {"BTC", "0.009", "amount", "Not enough funds."},
		"below the minimum":                 {"BTC", "0.00009", "amount", "The amount must be at least 0.0001."},
		"more than 8 decimal places":        {"BTC", "0.000100001", "amount", "The amount may have at most 8 decimal places."},
		"unknown currency":                  {"DOGGO", "1", "currency", "Unsupported currency."},
		"fiat without convert_to":           {"EUR", "10", "convert_to", "This field is required for a fiat currency."},
	} {
		assert.Equal(t, tc.want, fieldError(t, withdraw("payout-2", tc.currency, tc.amount), tc.field), name)
	}
	assert.Equal(t, "0.00899000", e.balance("BTC"))

	require.NoError(t, withdraw("payout-2", "BTC", "0.0089"), "a refused withdrawal leaves its foreign_id free")
	assert.Equal(t, "0.00000100", e.balance("BTC"))

	// Missing fields, which the SDK never sends.
	key, secret := e.srv.AlphaPoCredentials()
	status, got := send(t, http.MethodPost, e.srv.AlphaPoURL()+"/v2/withdrawal/crypto", `{}`, signed(key, secret, `{}`))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, `{"errors":{
		"foreign_id":"This field is required.","end_user_reference":"This field is required.",
		"currency":"This field is required.","amount":"The amount must be greater than 0.","address":"This field is required."}}`, got)
}

func TestAlphaPoConversions(t *testing.T) {
	e := newAlphaEnv(t)

	// A deposit to an address taken with convert_to arrives converted.
	addr := e.take("BTC", "EUR")
	e.deposit(addr.Address, "0.01", 1)
	cbs := e.callbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, cryptopay.AlphaPoTxDepositExchange, cbs[0].Type)
	assert.Equal(t, "EUR", cbs[0].CryptoAddress.ConvertTo)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "BTC", Amount: cryptopay.MustDecimal("0.01000000")}, cbs[0].CurrencySent)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{
		Currency: "EUR", Amount: cryptopay.MustDecimal("500.00000000"), AmountMinusFee: dec("495.00000000"),
	}, cbs[0].CurrencyReceived)
	assert.Equal(t, []cryptopay.AlphaPoFee{{Type: "exchange", Currency: "EUR", Amount: cryptopay.MustDecimal("5.00000000")}}, cbs[0].Fees)
	require.Len(t, cbs[0].Transactions, 2)
	assert.Equal(t, "exchange", cbs[0].Transactions[1].TransactionType)
	assert.Equal(t, "0.00000000", e.balance("BTC"))
	assert.Equal(t, "495.00000000", e.balance("EUR"), "amount_minus_fee is credited")

	// A withdrawal from the EUR balance sends BTC.
	w, err := e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-eur", EndUserReference: "user-17", Currency: "EUR", ConvertTo: "BTC",
		Amount: cryptopay.MustDecimal("100"), Address: external,
	})
	require.NoError(t, err)
	assert.Equal(t, "withdrawal_exchange", w.Type)
	assert.Equal(t, cryptopay.MustDecimal("100.00000000"), w.SenderAmount)
	assert.Equal(t, "BTC", w.ReceiverCurrency)
	assert.Equal(t, cryptopay.MustDecimal("0.00200000"), w.ReceiverAmount)
	assert.Equal(t, "394.00000000", e.balance("EUR"), "100 EUR and the 1 EUR fee")

	e.mine(1)
	cbs = e.callbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, cryptopay.AlphaPoTxWithdrawalExchange, cbs[0].Type)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, cbs[0].Status)
	require.Len(t, cbs[0].Transactions, 2)
	assert.Equal(t, "exchange", cbs[0].Transactions[0].TransactionType)
	assert.Equal(t, "blockchain", cbs[0].Transactions[1].TransactionType)
	assert.Equal(t, cryptopay.MustDecimal("0.00200000"), cbs[0].Transactions[1].Amount)

	// Exchanges go crypto to fiat and back, not between crypto currencies.
	_, err = e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{
		SenderCurrency: "BTC", ReceiverCurrency: "ETH", SenderAmount: dec("0.001"), ForeignID: "exchange-1",
	})
	assert.Equal(t, "Exchange is unavailable for given currencies", fieldError(t, err, "sender_currency"))
	_, err = e.ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ConvertTo: "ETH", ForeignID: "c", EndUserReference: "u"})
	assert.Equal(t, "Unsupported currency.", fieldError(t, err, "convert_to"))
}

func TestAlphaPoExchangeFixedHonoursItsQuote(t *testing.T) {
	e := newAlphaEnv(t)
	e.fund("BTC", "1")
	asked := &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: dec("0.2")}
	quote, err := e.ap.CalculateExchange(ctx, asked)
	require.NoError(t, err)
	assert.Equal(t, &cryptopay.AlphaPoQuote{
		SenderCurrency: "BTC", SenderAmount: cryptopay.MustDecimal("0.20000000"),
		ReceiverCurrency: "EUR", ReceiverAmount: cryptopay.MustDecimal("10000.00000000"),
		FeeCurrency: "BTC", FeeAmount: cryptopay.MustDecimal("0.00200000"), Price: cryptopay.MustDecimal("50000.00000000"),
		FixedAt: cryptopay.UnixTime{Time: clockStart}, ReleaseAt: cryptopay.UnixTime{Time: clockStart.Add(time.Minute)}, FixPeriod: 60,
	}, quote)

	// The market falls; the quote still holds a second before release.
	require.NoError(t, e.srv.SetAlphaPoRate("BTC", cryptopay.MustDecimal("40000")))
	e.clock.Advance(59 * time.Second)
	fixed, err := e.ap.ExchangeFixed(ctx, quote.FixedParams(asked, "exchange-fixed"))
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("50000.00000000"), fixed.Price)
	assert.Equal(t, cryptopay.MustDecimal("10000.00000000"), fixed.ReceiverAmount)

	now, err := e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{
		SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: dec("0.2"), ForeignID: "exchange-now",
	})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("40000.00000000"), now.Price)
	assert.Equal(t, cryptopay.MustDecimal("8000.00000000"), now.ReceiverAmount)

	// Released: refused, and nothing moves.
	e.clock.Advance(time.Second)
	_, err = e.ap.ExchangeFixed(ctx, quote.FixedParams(asked, "exchange-late"))
	assert.Equal(t, "No quote with this price holds: calculate the exchange again.", fieldError(t, err, "price"))
	// Another amount than quoted: refused too.
	quote, err = e.ap.CalculateExchange(ctx, asked)
	require.NoError(t, err)
	other := quote.FixedParams(asked, "exchange-other")
	other.SenderAmount = dec("0.3")
	_, err = e.ap.ExchangeFixed(ctx, other)
	assert.Equal(t, "No quote with this price holds: calculate the exchange again.", fieldError(t, err, "price"))

	assert.Equal(t, "0.59600000", e.balance("BTC"), "1 - 2 × (0.2 + 0.002 fee)")
	e.mine(1)
	assert.Equal(t, "18000.00000000", e.balance("EUR"))
}

func TestAlphaPoExchangeByReceiverAmount(t *testing.T) {
	e := newAlphaEnv(t)
	e.fund("BTC", "0.1")
	quote, err := e.ap.CalculateExchange(ctx, &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "USD", ReceiverAmount: dec("1000")})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("62500.00000000"), quote.Price, "50000 EUR / 0.8 EUR per USD")
	assert.Equal(t, cryptopay.MustDecimal("0.01600000"), quote.SenderAmount)
	assert.Equal(t, cryptopay.MustDecimal("0.00016000"), quote.FeeAmount)

	// Fiat to crypto at the same price: EUR 100 buys 0.002 BTC.
	_, err = e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", ReceiverAmount: dec("200"), ForeignID: "to-eur"})
	require.NoError(t, err)
	e.mine(1)
	x, err := e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "EUR", ReceiverCurrency: "BTC", SenderAmount: dec("100"), ForeignID: "to-btc"})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("0.00200000"), x.ReceiverAmount)
	assert.Equal(t, cryptopay.MustDecimal("1.00000000"), x.FeeAmount)
	assert.Equal(t, "99.00000000", e.balance("EUR"))

	_, err = e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "EUR", ReceiverCurrency: "BTC", SenderAmount: dec("99"), ForeignID: "to-btc-2"})
	assert.Equal(t, "Not enough funds.", fieldError(t, err, "sender_amount"), "99 EUR and its 0.99 EUR fee")
	_, err = e.ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "EUR", ReceiverCurrency: "BTC", SenderAmount: dec("1"), ForeignID: "to-eur"})
	assert.Equal(t, "The foreign id has already been taken.", fieldError(t, err, "foreign_id"))
}

// The withdrawal is made, then the answer is lost: the client cannot tell
// whether it happened. TransactionInfo by the foreign_id settles it, and
// sending it again is refused, so the money leaves once.
func TestAlphaPoWithdrawalAnswerLost(t *testing.T) {
	e := newAlphaEnv(t)
	e.fund("BTC", "0.01")
	e.srv.FailNext("POST /v2/withdrawal/crypto", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})
	p := &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-77", EndUserReference: "user-17", Currency: "BTC", Amount: cryptopay.MustDecimal("0.002"), Address: external,
	}

	_, err := e.ap.WithdrawCrypto(ctx, p)
	require.ErrorIs(t, err, cryptopay.ErrOutcomeUnknown, "no answer came: it may have taken effect")
	var ae *cryptopay.APIError
	assert.False(t, errors.As(err, &ae), "no answer came: %v", err)

	tx, err := e.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: p.ForeignID})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.AlphaPoTxWithdrawal, tx.Type)
	assert.Equal(t, cryptopay.AlphaPoStatusNotConfirmed, tx.Status, "processing reads as not_confirmed")
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "BTC", Amount: cryptopay.MustDecimal("0.00200000")}, tx.CurrencySent)
	assert.Equal(t, "0.00798000", e.balance("BTC"))

	_, err = e.ap.WithdrawCrypto(ctx, p)
	assert.Equal(t, "The foreign id has already been taken.", fieldError(t, err, "foreign_id"))
	assert.Equal(t, "0.00798000", e.balance("BTC"))

	e.mine(1)
	tx, err = e.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: p.ForeignID})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, tx.Status)
}

func TestAlphaPoWithdrawalByAmountTo(t *testing.T) {
	e := newAlphaEnv(t)
	e.deposit(e.take("BTC", "EUR").Address, "0.01", 1) // 500 EUR
	e.fund("BTC", "0.01")

	// From the EUR balance, exactly amount_to BTC is sent and what it
	// costs at 50000 EUR/BTC is debited, with the 1 % fee.
	w, err := e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-to", EndUserReference: "user-17", Currency: "EUR", ConvertTo: "BTC",
		AmountTo: dec("0.002"), Address: external,
		SenderType: cryptopay.AlphaPoLegalEntity, SenderData: &cryptopay.AlphaPoUserData{LegalName: "Example GmbH", CountryOfRegistration: "DEU"},
		ReceiverType: cryptopay.AlphaPoSelf,
	})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.MustDecimal("100.00000000"), w.SenderAmount)
	assert.Equal(t, cryptopay.MustDecimal("0.00200000"), w.ReceiverAmount)
	assert.Equal(t, "394.00000000", e.balance("EUR"), "495 less 100 EUR and the 1 EUR fee")

	// Without conversion amount_to is the amount.
	_, err = e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-btc", EndUserReference: "user-17", Currency: "BTC", AmountTo: dec("0.001"), Address: external,
	})
	require.NoError(t, err)
	assert.Equal(t, "0.00899000", e.balance("BTC"))
}

// TestAlphaPoRefusesBadUserData: the fake checks what another language's
// client may send, as the SDK checks it before sending.
func TestAlphaPoRefusesBadUserData(t *testing.T) {
	e := newAlphaEnv(t)
	e.fund("BTC", "1")
	key, secret := e.srv.AlphaPoCredentials()
	post := func(path, body string) string {
		status, got := send(t, http.MethodPost, e.srv.AlphaPoURL()+path, body, signed(key, secret, body))
		assert.Equal(t, http.StatusBadRequest, status, body)
		return got
	}
	withdrawal := `{"foreign_id":"w-1","end_user_reference":"u-1","currency":"BTC","address":"` + external + `",`
	assert.JSONEq(t, `{"errors":{"amount_to":"Give amount or amount_to, not both."}}`,
		post("/v2/withdrawal/crypto", withdrawal+`"amount":"0.01","amount_to":"0.01"}`))
	assert.JSONEq(t, `{"errors":{"sender_data.date_of_birth":"Must be a date written YYYY-MM-DD.",
		"receiver_data":"Must be empty for this type."}}`,
		post("/v2/withdrawal/crypto", withdrawal+`"amount":"0.01","sender_type":"natural",`+
			`"sender_data":{"first_name":"Friedrich","last_name":"Müller","date_of_birth":"17.08.1995"},`+
			`"receiver_type":"self","receiver_data":{"legal_name":"Example GmbH"}}`))
	assert.JSONEq(t, `{"errors":{"sender_data.country_of_registration":"Must be an ISO 3166-1 alpha-3 code."}}`,
		post("/v2/addresses/take", `{"currency":"BTC","foreign_id":"u-1","end_user_reference":"u-1",`+
			`"sender_type":"legal","sender_data":{"legal_name":"Example GmbH","country_of_registration":"DE"}}`))
	assert.JSONEq(t, `{"errors":{"sender_type":"The selected type is invalid.","end_user_reference":"This field is required."}}`,
		post("/v2/invoices/create", `{"timer":false,"title":"Order 1","currency":"EUR","amount":"10","foreign_id":"i-1",`+
			`"url_success":"https://shop.example/ok","url_failed":"https://shop.example/failed",`+
			`"sender_data":{"legal_name":"Example GmbH","country_of_registration":"DEU"}}`))
}
