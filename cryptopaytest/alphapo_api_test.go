package cryptopaytest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoCurrencies(t *testing.T) {
	e := newAlphaEnv(t)
	list, err := e.ap.Currencies(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 12)
	assert.Equal(t, cryptopay.AlphaPoCurrency{
		ID: 1, Type: "crypto", Currency: "BTC", MinimumAmount: cryptopay.MustDecimal("0.00010000"),
		DepositFeePercent: cryptopay.MustDecimal("1"), WithdrawalFeePercent: cryptopay.MustDecimal("1"), Precision: 8,
	}, list[0])
	assert.Equal(t, "fiat", list[11].Type)
	hidden, err := e.ap.Currencies(ctx, &cryptopay.AlphaPoCurrenciesParams{Visible: new(bool)})
	require.NoError(t, err)
	assert.Empty(t, hidden, "every currency is enabled")

	all, err := e.ap.CurrencyPairs(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, all, 54, "9 crypto currencies to 3 fiat ones, and back")
	pairs, err := e.ap.CurrencyPairs(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.AlphaPoPair{{
		CurrencyFrom: cryptopay.AlphaPoPairCurrency{
			Currency: "BTC", Type: "crypto", MinAmount: cryptopay.MustDecimal("0.00010000"),
			MinAmountDepositWithExchange: cryptopay.MustDecimal("0.00010000"),
		},
		CurrencyTo: cryptopay.AlphaPoPairCurrency{Currency: "EUR", Type: "fiat"},
		RateFrom:   cryptopay.MustDecimal("1"), RateTo: cryptopay.MustDecimal("50000.00000000"),
	}}, pairs)
	_, err = e.ap.CurrencyPairs(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "DOGGO"})
	assert.Equal(t, "The selected currency from is invalid.", fieldError(t, err, "currency_from"))

	// Both directions of a pair are quoted in fiat per crypto unit.
	require.NoError(t, e.srv.SetAlphaPoRate("BTC", cryptopay.MustDecimal("40000")))
	rates, err := e.ap.CurrencyRates(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "GBP", CurrencyTo: "BTC"})
	require.NoError(t, err)
	require.Len(t, rates, 1)
	assert.Equal(t, cryptopay.MustDecimal("32000.00000000"), rates[0].RateTo, "40000 EUR / 1.25 EUR per GBP")
	assert.Equal(t, cryptopay.MustDecimal("1.00000000"), rates[0].CurrencyFrom.MinAmount)
	_, err = e.ap.CurrencyRates(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "ETH"})
	assert.Equal(t, "Exchange is unavailable for given currencies", fieldError(t, err, "currency_from"))

	for name, tc := range map[string]struct{ currency, value string }{
		"EUR is the unit":   {"EUR", "2"},
		"unknown currency":  {"DOGGO", "1"},
		"not positive":      {"BTC", "0"},
		"too many decimals": {"BTC", "0.000000001"},
	} {
		assert.Error(t, e.srv.SetAlphaPoRate(tc.currency, cryptopay.MustDecimal(tc.value)), name)
	}
}

func invoiceParams(foreignID string) *cryptopay.AlphaPoInvoiceParams {
	return &cryptopay.AlphaPoInvoiceParams{
		Timer: true, Title: "Order 1042", Currency: "EUR", SenderCurrency: "BTC", Amount: cryptopay.MustDecimal("100"),
		ForeignID: foreignID, EndUserReference: "user-17", URLSuccess: "https://shop.example/ok", URLFailed: "https://shop.example/failed",
	}
}

func TestAlphaPoInvoicePaidInTwoParts(t *testing.T) {
	e := newAlphaEnv(t)
	inv, err := e.ap.CreateInvoice(ctx, invoiceParams("order-1042"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(inv.URL, e.srv.URL()+"/alphapo/invoice/"), inv.URL)
	assert.Regexp(t, `^bc1q`, inv.Address)
	assert.Equal(t, &cryptopay.AlphaPoInvoice{
		ID: inv.ID, URL: inv.URL, ForeignID: "order-1042", EndUserReference: "user-17", Address: inv.Address,
		Title: "Order 1042", Status: "created", Currency: "EUR", Amount: cryptopay.MustDecimal("100.00000000"),
		SenderCurrency: "BTC", SenderAmount: dec("0.00200000"),
		FixedAt: cryptopay.UnixTime{Time: clockStart}, ReleaseAt: cryptopay.UnixTime{Time: clockStart.Add(15 * time.Minute)}, SecondsLeft: 900,
	}, inv)
	_, err = e.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "order-1042"})
	require.ErrorIs(t, err, cryptopay.ErrNotFound, "no transaction before a payment")

	first := e.deposit(inv.Address, "0.001", 0)
	assert.Equal(t, int64(inv.ID), first.ID, "invoice callbacks carry the invoice's id")
	e.deposit(inv.Address, "0.001", 1)
	cbs := e.callbacks()
	require.Len(t, cbs, 2)
	for i, remaining := range []string{"0.00100000", "0.00000000"} {
		assert.Equal(t, cryptopay.AlphaPoTxInvoice, cbs[i].Type)
		assert.Equal(t, cryptopay.AlphaPoStatusProcessing, cbs[i].Status)
		assert.Equal(t, "order-1042", cbs[i].ForeignID)
		assert.Equal(t, dec(remaining), cbs[i].CurrencySent.RemainingAmount)
		assert.Len(t, cbs[i].Transactions, i+1)
	}
	assert.Equal(t, "0.00000000", e.balance("EUR"), "not paid until every payment is confirmed")

	e.mine(1)
	cbs = e.callbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, cbs[0].Status)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "EUR", Amount: cryptopay.MustDecimal("100.00000000")}, cbs[0].CurrencyReceived)
	assert.Equal(t, &cryptopay.AlphaPoCryptoAddress{ID: cbs[0].CryptoAddress.ID, Currency: "BTC", ConvertTo: "EUR", Address: inv.Address}, cbs[0].CryptoAddress)
	assert.Equal(t, clockStart.Unix(), cbs[0].FixedAt)
	assert.Equal(t, []cryptopay.AlphaPoFee{{Type: "fee_crypto_deposit", Currency: "EUR", Amount: cryptopay.MustDecimal("1.00000000")}}, cbs[0].Fees)
	assert.Equal(t, "99.00000000", e.balance("EUR"), "the invoice's amount less its 1% fee")
	assert.Equal(t, "0.00000000", e.balance("BTC"))

	tx, err := e.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "order-1042"})
	require.NoError(t, err)
	assert.Equal(t, cbs[0], tx)

	_, err = e.ap.CreateInvoice(ctx, invoiceParams("order-1042"))
	assert.Equal(t, "The foreign id has already been taken.", fieldError(t, err, "foreign_id"))
}

func TestAlphaPoInvoiceChoices(t *testing.T) {
	e := newAlphaEnv(t)
	p := invoiceParams("order-1")
	p.Timer, p.SenderCurrency = false, ""
	inv, err := e.ap.CreateInvoice(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "BTC", inv.SenderCurrency, "the fake pays a fiat invoice in BTC when no currency is given")
	assert.True(t, inv.FixedAt.IsZero(), "no timer, no fixed rate")
	assert.Zero(t, inv.SecondsLeft)

	// Paid more than asked, and confirmed: the invoice's amount is credited.
	e.deposit(inv.Address, "0.0025", 1)
	cbs := e.callbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, cbs[0].Status)
	assert.Equal(t, dec("0.00000000"), cbs[0].CurrencySent.RemainingAmount)
	assert.Equal(t, "99.00000000", e.balance("EUR"), "the invoice's amount less its 1% fee")

	p = invoiceParams("order-2")
	p.Currency, p.SenderCurrency, p.Amount = "LTC", "", cryptopay.MustDecimal("2.5")
	inv, err = e.ap.CreateInvoice(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "LTC", inv.SenderCurrency, "a crypto invoice is paid in its currency")
	assert.Equal(t, dec("2.50000000"), inv.SenderAmount)

	p = invoiceParams("order-3")
	p.SenderCurrency = "USD"
	_, err = e.ap.CreateInvoice(ctx, p)
	assert.Equal(t, "Unsupported currency.", fieldError(t, err, "sender_currency"))
}

func TestAlphaPoTransactionInfo(t *testing.T) {
	e := newAlphaEnv(t)
	dep := e.deposit(e.take("BTC", "").Address, "0.01", 1)
	w, err := e.ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-1", EndUserReference: "user-17", Currency: "BTC", Amount: cryptopay.MustDecimal("0.001"), Address: external,
	})
	require.NoError(t, err)
	e.mine(1)
	cbs := e.callbacks()
	require.Len(t, cbs, 2)

	for name, p := range map[string]*cryptopay.AlphaPoTransactionInfoParams{
		"deposit by id":            {ID: dep.ID},
		"deposit by txid":          {TxID: dep.TxID},
		"withdrawal by id":         {ID: int64(w.ID)},
		"withdrawal by foreign_id": {ForeignID: "payout-1"},
		"withdrawal by txid":       {TxID: string(cbs[1].Transactions[0].TxID)},
	} {
		got, err := e.ap.TransactionInfo(ctx, p)
		require.NoError(t, err, name)
		want := cbs[0]
		if strings.HasPrefix(name, "withdrawal") {
			want = cbs[1]
		}
		want.Transactions[0].Confirmations = got.Transactions[0].Confirmations // one more per block since
		assert.Equal(t, want, got, name)
	}

	_, err = e.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "customer-17"})
	require.ErrorIs(t, err, cryptopay.ErrNotFound, "a deposit is found by id only")
	assert.Equal(t, "Transaction not found.", apiError(t, err).Message)

	// What the SDK never sends: no parameter, or two.
	key, secret := e.srv.AlphaPoCredentials()
	url := e.srv.AlphaPoURL() + "/v2/transactions/info"
	status, got := send(t, http.MethodGet, url, `{}`, signed(key, secret, `{}`))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, `{"errors":{"id":"No parameters present"}}`, got)
	two := `{"id":1,"foreign_id":"payout-1"}`
	status, got = send(t, http.MethodGet, url, two, signed(key, secret, two))
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"error":"Validation Exception: more than one param is present"}`, got)
}

// Every signed call checks the key and the signature over the body.
func TestAlphaPoSignedCallsRefuseWrongSecret(t *testing.T) {
	e := newAlphaEnv(t)
	key, _ := e.srv.AlphaPoCredentials()
	bad := alphaPoClient(t, e.srv, key, "not-the-secret")
	amount := cryptopay.MustDecimal("0.001")
	exchange := &cryptopay.AlphaPoExchangeParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, ForeignID: "x"}
	fixed := *exchange
	fixed.Price = dec("50000")
	calls := map[string]func() error{
		"addresses/take": func() error { _, err := bad.TakeAddress(ctx, takeParams("BTC")); return err },
		"accounts/list":  func() error { _, err := bad.Balances(ctx); return err },
		"currencies/list": func() error {
			_, err := bad.Currencies(ctx, nil)
			return err
		},
		"currencies/pairs": func() error { _, err := bad.CurrencyPairs(ctx, nil); return err },
		"currencies/rates": func() error {
			_, err := bad.CurrencyRates(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
			return err
		},
		"withdrawal/crypto": func() error {
			_, err := bad.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
				ForeignID: "w", EndUserReference: "u", Currency: "BTC", Amount: amount, Address: external,
			})
			return err
		},
		"exchange/calculate": func() error {
			_, err := bad.CalculateExchange(ctx, &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount})
			return err
		},
		"exchange/fixed":  func() error { _, err := bad.ExchangeFixed(ctx, &fixed); return err },
		"exchange/now":    func() error { _, err := bad.ExchangeNow(ctx, exchange); return err },
		"invoices/create": func() error { _, err := bad.CreateInvoice(ctx, invoiceParams("i")); return err },
		"transactions/info": func() error {
			_, err := bad.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ID: 1})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, cryptopay.ErrUnauthorized, name)
		ae := apiError(t, err)
		assert.Equal(t, http.StatusForbidden, ae.StatusCode, name)
		assert.Equal(t, "bad_header_signature", ae.Code, name)
	}
}
