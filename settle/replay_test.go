package settle_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shop is a merchant's payment processing: one idempotent function that
// credits each order once it is confirmed, served by the callback handler
// and by the replay alike. down makes it fail, as a shop whose database
// is away.
type shop struct {
	mu      sync.Mutex
	down    bool
	calls   int               // every call of handle
	credits map[string]string // DedupeKey -> order, once each
	data    []map[string]string
}

func (s *shop) handle(_ context.Context, cb *cryptopay.PaymentCallback) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.data = append(s.data, cb.Data)
	switch {
	case s.down:
		return errors.New("database is down")
	case cb.Confirmations < 1:
		return cryptopay.ErrNotYet
	}
	if _, done := s.credits[cb.DedupeKey()]; !done {
		s.credits[cb.DedupeKey()] = cb.Data["order"]
	}
	return nil
}

// confirmedKey is the DedupeKey of the confirmed callback among ds.
func confirmedKey(t *testing.T, ds []cryptopaytest.Delivery) string {
	t.Helper()
	for _, d := range ds {
		var cb cryptopay.PaymentCallback
		require.NoError(t, json.Unmarshal([]byte(d.Body), &cb))
		if cb.Confirmations > 0 {
			return cb.DedupeKey()
		}
	}
	t.Fatal("no confirmed callback")
	return ""
}

// A shop whose handler was down past Apirone's last re-delivery misses
// payments; one replay delivers each once, with the keys the callbacks had,
// and a second replay, from the cursor, delivers nothing.
func TestReplayCatchesUpMissedCallbacks(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)
	const secret = "s3cret-for-callbacks"
	check := cryptopay.WithCallbackSecret("secret", secret)
	s := &shop{credits: map[string]string{}}
	endpoint := httptest.NewServer(cryptopay.PaymentCallbackHandler(s.handle, check))
	defer endpoint.Close()
	address := func(order string) string {
		addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
			URL: endpoint.URL, Data: map[string]string{"order": order, "secret": secret},
		}})
		require.NoError(t, err)
		return addr.Address
	}

	// Order 1 is paid and credited through its callback.
	_, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("1"), Amount: cryptopay.NewAmount(1000)})
	require.NoError(t, err)
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	require.Len(t, s.credits, 1)

	// The shop goes down; orders 2 (in the mempool) and 3 (mined) are paid
	// and Apirone gives up after 255 confirmations.
	s.down = true
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("2"), Amount: cryptopay.NewAmount(2000)})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("3"), Amount: cryptopay.NewAmount(3000), Confirmations: 1})
	require.NoError(t, err)
	missed, err := srv.Mine(ctx, 256)
	require.NoError(t, err)
	require.NotEmpty(t, missed)
	for _, d := range missed {
		require.False(t, d.Acknowledged)
	}
	after, err := srv.Mine(ctx, 1)
	require.NoError(t, err)
	require.Empty(t, after, "Apirone no longer calls")
	s.down = false
	require.Len(t, s.credits, 1, "orders 2 and 3 were missed")
	// The confirmed callbacks Apirone tried to send for orders 2 and 3.
	keys := map[string]bool{}
	byURL := map[string][]cryptopaytest.Delivery{}
	for _, d := range missed {
		var cb cryptopay.PaymentCallback
		require.NoError(t, json.Unmarshal([]byte(d.Body), &cb))
		byURL[cb.InputAddress] = append(byURL[cb.InputAddress], d)
	}
	for _, ds := range byURL {
		keys[confirmedKey(t, ds)] = true
	}
	require.Len(t, keys, 2)

	// The cron job, with a cursor that went through its text form.
	var cur settle.Cursor
	require.NoError(t, cur.UnmarshalText(nil))
	s.calls, s.data = 0, nil
	cur, err = replay(ctx, acct, cur, s.handle, settle.WithSecretKeys("secret"))
	require.NoError(t, err)
	assert.Equal(t, 3, s.calls, "every receipt once: order 1 again (a no-op), 2 and 3")
	require.Len(t, s.credits, 3)
	for key := range keys {
		assert.Contains(t, s.credits, key, "the replay's key is the callback's")
	}
	var orders []string
	for _, order := range s.credits {
		orders = append(orders, order)
	}
	assert.ElementsMatch(t, []string{"1", "2", "3"}, orders)
	for _, data := range s.data {
		assert.NotContains(t, data, "secret", "the replay strips the secret as the handler does")
		assert.Contains(t, data, "order")
	}

	text, err := cur.MarshalText()
	require.NoError(t, err)
	var restored settle.Cursor
	require.NoError(t, restored.UnmarshalText(text))
	assert.Equal(t, cur, restored)

	s.calls = 0
	again, err := replay(ctx, acct, restored, s.handle, settle.WithSecretKeys("secret"))
	require.NoError(t, err)
	assert.Zero(t, s.calls, "nothing new")
	assert.Equal(t, restored, again)
}

// An unconfirmed receipt, or one the function failed, holds the cursor:
// the next replay delivers it again, and nothing it delivered already.
func TestReplayHoldsUnfinishedReceipts(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)
	s := &shop{credits: map[string]string{}}
	gone := httptest.NewServer(nil)
	gone.Close() // the callbacks reach no one: only replays deliver
	address := func(order string) string {
		addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
			URL: gone.URL, Data: map[string]string{"order": order},
		}})
		require.NoError(t, err)
		return addr.Address
	}
	start := srv.Now()
	_, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("1"), Amount: cryptopay.NewAmount(1000), Confirmations: 1, Date: start.Add(time.Second)})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("2"), Amount: cryptopay.NewAmount(2000), Date: start.Add(2 * time.Second)})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("3"), Amount: cryptopay.NewAmount(3000), Confirmations: 1, Date: start.Add(3 * time.Second)})
	require.NoError(t, err)

	rep, err := settle.Replay(ctx, acct, settle.Cursor{Time: start}, s.handle)
	cur := rep.Cursor
	require.NoError(t, err, "order 2 in the mempool is deferred, not a failure")
	assert.Len(t, rep.Deferred, 1, "order 2 is in the mempool")
	assert.Equal(t, 3, s.calls)
	assert.Len(t, s.credits, 2)
	assert.Equal(t, start.Add(2*time.Second), cur.Time, "held at order 2")
	assert.Len(t, cur.Seen, 1, "order 3; order 2 deferred")

	// Nothing changed: order 2 is delivered again, as Apirone would call
	// again; order 3 is not.
	s.calls = 0
	rep, err = settle.Replay(ctx, acct, cur, s.handle)
	cur = rep.Cursor
	require.NoError(t, err)
	assert.Len(t, rep.Deferred, 1)
	assert.Equal(t, 1, s.calls)

	// Confirmed now: delivered once more, credited; the cursor moves on.
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	s.calls = 0
	cur, err = replay(ctx, acct, cur, s.handle)
	require.NoError(t, err)
	assert.Equal(t, 1, s.calls)
	assert.Len(t, s.credits, 3)
	assert.Equal(t, start.Add(3*time.Second), cur.Time)

	// A failing function holds the cursor at its receipt; the others are
	// delivered and not again.
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("4"), Amount: cryptopay.NewAmount(4000), Confirmations: 1, Date: start.Add(4 * time.Second)})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("5"), Amount: cryptopay.NewAmount(5000), Confirmations: 1, Date: start.Add(5 * time.Second)})
	require.NoError(t, err)
	failOrder4 := func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Data["order"] == "4" {
			return errors.New("order 4 is locked")
		}
		return s.handle(ctx, cb)
	}
	s.calls = 0
	cur, err = replay(ctx, acct, cur, failOrder4)
	assert.ErrorContains(t, err, "order 4 is locked")
	assert.Equal(t, 1, s.calls, "order 5")
	assert.Equal(t, start.Add(4*time.Second), cur.Time)
	s.calls = 0
	_, err = replay(ctx, acct, cur, s.handle)
	require.NoError(t, err)
	assert.Equal(t, 1, s.calls, "order 4 only")
	assert.Len(t, s.credits, 5)

	// A function that accepts an unconfirmed payment gets it again once
	// confirmed: the cursor waited at it.
	var keys []string
	acceptAll := func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		keys = append(keys, cb.DedupeKey())
		return nil
	}
	cur, err = replay(ctx, acct, cur, acceptAll)
	require.NoError(t, err)
	keys = nil
	addr6 := address("6")
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr6, Amount: cryptopay.NewAmount(6000), Date: start.Add(6 * time.Second)})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: address("7"), Amount: cryptopay.NewAmount(7000), Confirmations: 1, Date: start.Add(7 * time.Second)})
	require.NoError(t, err)
	cur, err = replay(ctx, acct, cur, acceptAll)
	require.NoError(t, err)
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	_, err = replay(ctx, acct, cur, acceptAll)
	require.NoError(t, err)
	require.Len(t, keys, 3, "order 6 unconfirmed, order 7, order 6 confirmed")
	assert.Regexp(t, "^btc:"+addr6+":[0-9a-f]+:unconfirmed$", keys[0])
	assert.Regexp(t, "^btc:"+addr6+":[0-9a-f]+:confirmed$", keys[2])
}

func TestReplayCursorText(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 123456000, time.UTC)
	cur := settle.Cursor{Time: at, Seen: []string{"abc:confirmed", "inv1:paid"}}
	text, err := cur.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024-05-01T12:00:00.123456Z abc:confirmed inv1:paid", string(text))
	var back settle.Cursor
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, cur, back)
	js, err := json.Marshal(cur)
	require.NoError(t, err)
	assert.JSONEq(t, `"2024-05-01T12:00:00.123456Z abc:confirmed inv1:paid"`, string(js))
	assert.Error(t, back.UnmarshalText([]byte("yesterday abc:confirmed")))
}

// The invoice replay delivers the current status of each invoice with a
// callback URL, with the real callback's key, and again when the status
// changes, until it is final.
func TestReplayInvoices(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newShopAccount(t, srv)
	gone := httptest.NewServer(nil)
	gone.Close()
	create := func(callbackURL string) *cryptopay.Invoice {
		inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Amount: cryptopay.NewAmount(5000), Lifetime: time.Hour, CallbackURL: callbackURL})
		require.NoError(t, err)
		return inv
	}
	unpaid, paid := create(gone.URL), create(gone.URL)
	create("") // no callback URL: no callbacks to replay
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: paid.Address, Amount: cryptopay.NewAmount(5000), Confirmations: 1})
	require.NoError(t, err)
	require.NotEmpty(t, dep.Deliveries)
	var sent cryptopay.InvoiceCallback
	require.NoError(t, json.Unmarshal([]byte(dep.Deliveries[len(dep.Deliveries)-1].Body), &sent))
	require.False(t, dep.Deliveries[len(dep.Deliveries)-1].Acknowledged)

	var got []string
	record := func(_ context.Context, cb *cryptopay.InvoiceCallback) error {
		got = append(got, cb.DedupeKey())
		return nil
	}
	cur, err := replayInvoices(ctx, acct, settle.Cursor{}, record)
	require.NoError(t, err)
	assert.Equal(t, []string{unpaid.ID + ":created", sent.DedupeKey()}, got)
	assert.Equal(t, paid.ID+":completed", sent.DedupeKey())

	got = nil
	cur, err = replayInvoices(ctx, acct, cur, record)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing changed")

	_, err = srv.Advance(ctx, 2*time.Hour)
	require.NoError(t, err)
	cur, err = replayInvoices(ctx, acct, cur, record)
	require.NoError(t, err)
	assert.Equal(t, []string{unpaid.ID + ":expired"}, got)

	got = nil
	_, err = replayInvoices(ctx, acct, cur, record)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// The AlphaPo replay rechecks a withdrawal by its foreign_id: the shop
// missed the callback that confirmed it, and gets the same event, with the
// same key.
func TestAlphaPoReplay(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	ap := srv.AlphaPoClient(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	gone := httptest.NewServer(nil)
	gone.Close()
	srv.SetAlphaPoCallbackURL(gone.URL)

	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "LTC", ForeignID: "customer-17", EndUserReference: "user-17"})
	require.NoError(t, err)
	_, err = srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: addr.Address, Amount: cryptopay.MustDecimal("2.5")})
	require.NoError(t, err)
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	w, err := ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-1", EndUserReference: "user-17", Currency: "LTC",
		Amount: cryptopay.MustDecimal("1"), Address: "ltc1qg82tmtdnq8gyfh4ghf3gkqgsf4swgsmgvyhqe5",
	})
	require.NoError(t, err)
	mined, err := srv.Mine(ctx, 1)
	require.NoError(t, err)
	var missed cryptopay.AlphaPoTransaction
	for _, d := range mined {
		var tx cryptopay.AlphaPoTransaction
		require.NoError(t, json.Unmarshal([]byte(d.Body), &tx))
		if tx.ID == w.ID {
			missed = tx
		}
		require.False(t, d.Acknowledged)
	}
	require.Equal(t, cryptopay.AlphaPoStatusConfirmed, missed.Status)

	var keys []string
	_, err = settle.ReplayAlphaPo(ctx, ap, func(_ context.Context, tx *cryptopay.AlphaPoTransaction) error {
		keys = append(keys, tx.DedupeKey())
		return nil
	}, cryptopay.AlphaPoTransactionInfoParams{ForeignID: "payout-1"}, cryptopay.AlphaPoTransactionInfoParams{ForeignID: "never-made"})
	require.NoError(t, err)
	assert.Equal(t, []string{missed.DedupeKey()}, keys, "the unknown foreign_id is skipped")

	failing := errors.New("books locked")
	_, err = settle.ReplayAlphaPo(ctx, ap, func(context.Context, *cryptopay.AlphaPoTransaction) error { return failing },
		cryptopay.AlphaPoTransactionInfoParams{ForeignID: "payout-1"}, cryptopay.AlphaPoTransactionInfoParams{ID: w.ID})
	assert.ErrorIs(t, err, failing)
	srv.FailNext("/v2/transactions/info", 1, cryptopaytest.Failure{Status: http.StatusBadGateway})
	_, err = settle.ReplayAlphaPo(ctx, ap, func(context.Context, *cryptopay.AlphaPoTransaction) error { return nil },
		cryptopay.AlphaPoTransactionInfoParams{ForeignID: "payout-1"})
	assert.ErrorIs(t, err, cryptopay.ErrServer)
}

// replay is settle.Replay, returning the next cursor.
func replay(ctx context.Context, src settle.PaymentSource, cur settle.Cursor, fn func(context.Context, *cryptopay.PaymentCallback) error, opts ...settle.Option) (settle.Cursor, error) {
	rep, err := settle.Replay(ctx, src, cur, fn, opts...)
	return rep.Cursor, err
}

// replayInvoices is settle.ReplayInvoices, returning the next cursor.
func replayInvoices(ctx context.Context, src settle.InvoiceSource, cur settle.Cursor, fn func(context.Context, *cryptopay.InvoiceCallback) error) (settle.Cursor, error) {
	rep, err := settle.ReplayInvoices(ctx, src, cur, fn)
	return rep.Cursor, err
}

// newShopAccount creates an account on srv, with a client that does not retry.
func newShopAccount(t *testing.T, srv *cryptopaytest.Server) *cryptopay.Account {
	t.Helper()
	c := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	created, err := c.CreateAccount(context.Background())
	require.NoError(t, err)
	return c.Account(created.Account, created.TransferKey)
}
