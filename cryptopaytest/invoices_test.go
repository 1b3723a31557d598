package cryptopaytest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invoice creates an invoice of amount satoshi (0: open) reporting to url.
func (e *env) invoice(amount int64, url string) *cryptopay.Invoice {
	e.t.Helper()
	inv, err := e.acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Amount: cryptopay.NewAmount(amount), CallbackURL: url})
	require.NoError(e.t, err)
	return inv
}

// status re-fetches the invoice and returns its status.
func (e *env) status(id string) cryptopay.InvoiceStatus {
	e.t.Helper()
	inv, err := e.acct.Invoice(ctx, id)
	require.NoError(e.t, err)
	return inv.Status
}

// invoiceCallbacks decodes the invoice callbacks among ds.
func invoiceCallbacks(t *testing.T, ds []cryptopaytest.Delivery) []cryptopay.InvoiceCallback {
	t.Helper()
	var out []cryptopay.InvoiceCallback
	for _, d := range ds {
		var cb cryptopay.InvoiceCallback
		require.NoError(t, json.Unmarshal([]byte(d.Body), &cb))
		out = append(out, cb)
	}
	return out
}

func TestCreateInvoice(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, cryptopaytest.WithClock(func() time.Time { return start }))
	user := &cryptopay.InvoiceUserData{
		Title: "Order 1042", Merchant: "SHOP", Price: "$10.00",
		Items:  []cryptopay.InvoiceItem{{Name: "T-shirt", Cost: "$5.00", Qty: 2, Total: "$10.00"}},
		Extras: []cryptopay.InvoiceExtra{{Name: "Shipping", Price: "$0.00"}},
	}
	inv, err := e.acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{
		Currency: "btc", Amount: cryptopay.NewAmount(25000), Lifetime: 30 * time.Minute,
		CallbackURL: "https://shop.example.com/invoice", Linkback: "https://shop.example.com/thanks", UserData: user,
	})
	require.NoError(t, err)
	assert.Regexp(t, `^[1-9A-HJ-NP-Za-km-z]{16}$`, inv.ID)
	assert.Equal(t, &cryptopay.Invoice{
		Account: e.acct.ID(), ID: inv.ID, Created: cryptopay.Time{Time: start}, Currency: "btc", Address: inv.Address,
		Expire: cryptopay.Time{Time: start.Add(30 * time.Minute)}, Amount: cryptopay.NewAmount(25000), UserData: user,
		Status:   cryptopay.InvoiceCreated,
		History:  []cryptopay.InvoiceEvent{{Date: cryptopay.Time{Time: start}, Status: cryptopay.InvoiceCreated}},
		Linkback: "https://shop.example.com/thanks", CallbackURL: "https://shop.example.com/invoice",
		InvoiceURL: e.srv.URL() + "/invoice?id=" + inv.ID,
	}, inv)

	addr, err := e.acct.AddressInfo(ctx, inv.Address)
	require.NoError(t, err, "the invoice's address is an address of the account")
	assert.Equal(t, "p2sh-p2wpkh", addr.Type)

	private, err := e.acct.Invoice(ctx, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, inv, private)

	public, err := e.c.Invoice(ctx, inv.ID)
	require.NoError(t, err)
	want := *inv
	want.Account, want.CallbackURL = "", ""
	assert.Equal(t, &want, public)
	_, body := get(t, e.srv.ApironeURL()+"/v2/invoices/"+inv.ID)
	assert.NotContains(t, body, `"account"`)
	assert.NotContains(t, body, `"callback-url"`)
}

func TestInvoiceExpiryAndOpenAmount(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, cryptopaytest.WithClock(func() time.Time { return start }))
	expire := start.Add(2 * time.Hour)
	inv, err := e.acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Lifetime: time.Minute, Expire: expire})
	require.NoError(t, err)
	assert.Equal(t, expire, inv.Expire.Time, "expire wins over lifetime")
	assert.Equal(t, cryptopay.NewAmount(0), inv.Amount)
	_, body := get(t, e.srv.ApironeURL()+"/v2/invoices/"+inv.ID)
	assert.Contains(t, body, `"amount":null`, "an open amount")

	byDefault, err := e.acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, start.Add(time.Hour), byDefault.Expire.Time, "an hour by default")

	e.deposit(inv.Address, cryptopay.NewAmount(777), 0)
	assert.Equal(t, cryptopay.InvoicePaid, e.status(inv.ID), "any payment pays an open amount")
}

// Partial payments, then the rest; the callbacks follow each status
// change, and the last is re-sent with each block until acknowledged.
func TestInvoiceStatusFollowsPayments(t *testing.T) {
	e := newEnv(t)
	acks := 0
	rc := newReceiver(t, func(in received) (int, string) {
		if acks++; acks < 3 {
			return http.StatusOK, "*ok*"
		}
		return http.StatusInternalServerError, "busy" // the third callback on: refused
	})
	inv := e.invoice(25000, rc.URL+"/invoice?secret=s3")

	first := e.deposit(inv.Address, cryptopay.NewAmount(10000), 0)
	require.Len(t, first.Deliveries, 1)
	d := first.Deliveries[0]
	assert.Equal(t, "POST", d.Method)
	assert.Equal(t, rc.URL+"/invoice?secret=s3", d.URL)
	assert.JSONEq(t, `{"invoice":"`+inv.ID+`","status":"partpaid"}`, d.Body)
	assert.True(t, d.Acknowledged)
	assert.Equal(t, cryptopay.InvoicePartPaid, e.status(inv.ID))

	again := e.deposit(inv.Address, cryptopay.NewAmount(5000), 0)
	assert.Empty(t, again.Deliveries, "still partpaid: no callback")
	rest := e.deposit(inv.Address, cryptopay.NewAmount(10000), 0)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoicePaid}}, invoiceCallbacks(t, rest.Deliveries))
	assert.True(t, rest.Deliveries[0].Acknowledged)

	mined := e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}}, invoiceCallbacks(t, mined))
	assert.False(t, mined[0].Acknowledged)
	assert.Equal(t, 500, mined[0].Status)
	resent := e.mine(2)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}, {Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}},
		invoiceCallbacks(t, resent), "only the latest, until acknowledged")
	assert.Len(t, rc.calls(), 5)

	got, err := e.acct.Invoice(ctx, inv.ID)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.InvoiceCompleted, got.Status)
	require.Len(t, got.History, 5)
	var statuses []cryptopay.InvoiceStatus
	for _, ev := range got.History {
		statuses = append(statuses, ev.Status)
	}
	assert.Equal(t, []cryptopay.InvoiceStatus{"created", "partpaid", "partpaid", "paid", "completed"}, statuses)
	assert.Equal(t, first.TxID, got.History[1].TxID)
	assert.Equal(t, cryptopay.NewAmount(10000), got.History[1].Amount)
	assert.Equal(t, cryptopay.NewAmount(5000), got.History[2].Amount)
	assert.Equal(t, rest.TxID, got.History[3].TxID)
	assert.Empty(t, got.History[4].TxID)

	late := e.deposit(inv.Address, cryptopay.NewAmount(1), 0)
	assert.Empty(t, late.Deliveries, "a completed invoice takes no more payments")
	assert.Equal(t, cryptopay.InvoiceCompleted, e.status(inv.ID))
	assert.Equal(t, "25001", e.balance("btc").Total.String(), "the money is the account's all the same")
}

func TestOverpaidInvoiceCompletes(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, answerOK)
	inv := e.invoice(25000, rc.URL)
	res := e.deposit(inv.Address, cryptopay.NewAmount(30000), 0)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceOverpaid}}, invoiceCallbacks(t, res.Deliveries))
	mined := e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}}, invoiceCallbacks(t, mined))
	assert.Empty(t, e.mine(1), "acknowledged")
}

func TestConfirmedPaymentCompletesAtOnce(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, answerOK)
	inv := e.invoice(25000, rc.URL)
	res := e.deposit(inv.Address, cryptopay.NewAmount(25000), 1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoicePaid}, {Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}},
		invoiceCallbacks(t, res.Deliveries), "one callback per status change, in order")
	assert.Equal(t, cryptopay.InvoiceCompleted, e.status(inv.ID))
}

func TestInvoiceExpires(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, answerOK)
	unpaid := e.invoice(25000, rc.URL)
	part := e.invoice(25000, rc.URL)
	paid := e.invoice(25000, rc.URL)
	e.deposit(part.Address, cryptopay.NewAmount(1000), 1)
	e.deposit(paid.Address, cryptopay.NewAmount(25000), 0)

	got, err := e.srv.Advance(ctx, 59*time.Minute)
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = e.srv.Advance(ctx, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: unpaid.ID, Status: cryptopay.InvoiceExpired}, {Invoice: part.ID, Status: cryptopay.InvoiceExpired}},
		invoiceCallbacks(t, got))

	inv, err := e.acct.Invoice(ctx, part.ID)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.InvoiceExpired, inv.Status)
	last := inv.History[len(inv.History)-1]
	assert.Equal(t, cryptopay.InvoiceEvent{Date: part.Expire, Status: cryptopay.InvoiceExpired}, last, "dated at the expiry")
	assert.Equal(t, cryptopay.InvoicePaid, e.status(paid.ID), "a paid invoice waits for its confirmation")

	res := e.deposit(unpaid.Address, cryptopay.NewAmount(25000), 0)
	assert.Empty(t, res.Deliveries)
	assert.Equal(t, cryptopay.InvoiceExpired, e.status(unpaid.ID), "too late")

	mined := e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: paid.ID, Status: cryptopay.InvoiceCompleted}}, invoiceCallbacks(t, mined))
}

func TestInvoiceExpiresOnReadWithInjectedClock(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, cryptopaytest.WithClock(func() time.Time { return now }))
	rc := newReceiver(t, answerOK)
	inv := e.invoice(25000, rc.URL)

	now = now.Add(2 * time.Hour) // the test's own clock moves; no Advance
	assert.Equal(t, cryptopay.InvoiceExpired, e.status(inv.ID))
	assert.Empty(t, rc.calls(), "reads send nothing")
	mined := e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceExpired}}, invoiceCallbacks(t, mined), "the next control does")
}

func TestInvoiceListAndAuth(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for range 3 {
		ids = append(ids, e.invoice(1000, "").ID)
	}
	list, err := e.acct.Invoices(ctx, &cryptopay.PageParams{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, e.acct.ID(), list.Account)
	assert.Equal(t, cryptopay.Pagination{Total: 3, Offset: 0, Limit: 2}, list.Pagination)
	require.Len(t, list.Invoices, 2)
	assert.Equal(t, ids[2], list.Invoices[0].ID, "newest first")
	assert.Equal(t, e.acct.ID(), list.Invoices[0].Account, "private views")

	var all []string
	for inv, err := range e.acct.AllInvoices(ctx, &cryptopay.PageParams{Limit: 2}) {
		require.NoError(t, err)
		all = append(all, inv.ID)
	}
	assert.Equal(t, []string{ids[2], ids[1], ids[0]}, all)

	wrong := e.c.Account(e.acct.ID(), "wrong-key")
	_, err = wrong.Invoices(ctx, nil)
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized)
	_, err = wrong.Invoice(ctx, ids[0])
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized)

	theirs := newEnv(t)
	_, err = theirs.acct.Invoice(ctx, ids[0])
	assert.ErrorIs(t, err, cryptopay.ErrNotFound, "another server, another account")
	sameServer, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)
	_, err = e.c.Account(sameServer.Account, sameServer.TransferKey).Invoice(ctx, ids[0])
	require.ErrorIs(t, err, cryptopay.ErrNotFound)
	assert.Equal(t, "Invoice not found.", apiError(t, err).Message)
	_, err = e.c.Invoice(ctx, "NoSuchInvoice123")
	assert.ErrorIs(t, err, cryptopay.ErrNotFound)
}

func TestCreateInvoiceRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	url := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID() + "/invoices"
	for body, want := range map[string]string{
		`{}`:                              "currency is required.",
		`{"currency":"xyz"}`:              "Unsupported currency: xyz.",
		`{"currency":"btc","amount":-1}`:  "amount must not be negative.",
		`{"currency":"btc","lifetime":0}`: "lifetime must be a positive number of seconds.",
		`{"currency":"btc","expire":"2001-01-01T00:00:00"}`: "expire must be in the future.",
		`{"currency":"btc","callback-url":"ftp://x"}`:       "callback-url must be a valid URL shorter than 1024 characters.",
		`{"currency":"btc","user-data":[1]}`:                "user-data must be an object.",
		`{"currency":"btc","amount":1.5}`:                   "Invalid JSON body.",
	} {
		status, got := send(t, http.MethodPost, url, body, nil)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.JSONEq(t, `{"message":`+quote(want)+`}`, got, body)
	}
	list, err := e.acct.Invoices(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, list.Invoices)
}

// Apirone's Invoices page spells the callback field callback_url in its
// example; the fake takes both spellings, and echoes user-data as sent.
func TestCreateInvoiceTakesDocumentedSpellings(t *testing.T) {
	e := newEnv(t)
	status, body := send(t, http.MethodPost, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"/invoices",
		`{"currency":"btc","amount":"25000","callback_url":"https://shop.example.com/cb","user-data":{"price":{"currency":"usd","amount":100}}}`, nil)
	require.Equal(t, http.StatusOK, status, body)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.JSONEq(t, `"https://shop.example.com/cb"`, string(got["callback-url"]))
	assert.JSONEq(t, `25000`, string(got["amount"]))
	assert.JSONEq(t, `{"price":{"currency":"usd","amount":100}}`, string(got["user-data"]))
}

// A newer status supersedes an unacknowledged older one: only the latest
// is sent again.
func TestOnlyTheLatestInvoiceCallbackIsResent(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(received) (int, string) { return http.StatusOK, "later" })
	inv := e.invoice(25000, rc.URL)
	e.deposit(inv.Address, cryptopay.NewAmount(10000), 0)
	e.deposit(inv.Address, cryptopay.NewAmount(15000), 0)

	mined := e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}}, invoiceCallbacks(t, mined))
	mined = e.mine(1)
	assert.Equal(t, []cryptopay.InvoiceCallback{{Invoice: inv.ID, Status: cryptopay.InvoiceCompleted}}, invoiceCallbacks(t, mined))
	assert.Len(t, rc.calls(), 4, "partpaid, paid, completed twice")
}

func TestInvoiceCallbackStopsAfter255Attempts(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(received) (int, string) { return http.StatusOK, "later" })
	inv := e.invoice(0, rc.URL)
	e.deposit(inv.Address, cryptopay.NewAmount(1000), 1) // paid, then completed
	mined := e.mine(260)
	assert.Len(t, mined, 254, "completed: sent once by Deposit, then 254 times more")
	assert.Len(t, rc.calls(), 256)
}
