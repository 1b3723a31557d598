package settle_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deposits pays n receipts of 1000 satoshi into one address of acct
// whose callback reaches no one, at srv's clock plus i seconds, and
// returns the address.
func deposits(t *testing.T, srv *cryptopaytest.Server, acct *cryptopay.Account, n int, confirmations int) string {
	t.Helper()
	ctx := context.Background()
	gone := httptest.NewServer(nil)
	gone.Close()
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
		URL: gone.URL, Data: map[string]string{"order": "1"},
	}})
	require.NoError(t, err)
	start := srv.Now()
	for i := range n {
		_, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(1000 + int64(i)),
			Confirmations: confirmations, Date: start.Add(time.Duration(i+1) * time.Second)})
		require.NoError(t, err)
	}
	return addr.Address
}

// depositing reads acct's history, and pays one more receipt into
// address before its third page is read: a receipt arriving during a
// replay.
type depositing struct {
	*cryptopay.Account
	srv     *cryptopaytest.Server
	address string
	date    time.Time // of the receipt paid during the replay
	reads   int
}

func (d *depositing) History(ctx context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error) {
	if d.reads++; d.reads == 3 {
		_, err := d.srv.Deposit(ctx, cryptopaytest.DepositParams{Address: d.address, Amount: cryptopay.NewAmount(999), Confirmations: 1, Date: d.date})
		if err != nil {
			return nil, err
		}
	}
	return d.Account.History(ctx, p)
}

// Issue 21, item 3: a receipt that arrives between two history pages
// moves every older receipt one place further in the newest-first list;
// the replay still hands each receipt to the function once, and skips
// none.
func TestReplayPageBoundary(t *testing.T) {
	settle.SetHistoryPage(t.Cleanup, 3)
	// The receipt arriving during the replay: later than the rest, or in
	// the same second as the newest, which the replay's date bound
	// cannot keep out.
	for name, after := range map[string]time.Duration{"an hour later": time.Hour, "at the same time": 0} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			srv := cryptopaytest.NewServer()
			t.Cleanup(srv.Close)
			acct := newShopAccount(t, srv)
			address := deposits(t, srv, acct, 8, 1)
			newest, err := acct.History(ctx, &cryptopay.HistoryParams{Limit: 1})
			require.NoError(t, err)

			src := &depositing{Account: acct, srv: srv, address: address, date: newest.Items[0].Date.Add(after)}
			got := map[string]int{}
			count := func(_ context.Context, cb *cryptopay.PaymentCallback) error {
				got[cb.Payment]++
				return nil
			}
			rep, err := settle.Replay(ctx, src, settle.Cursor{}, count)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, len(got), 8, "every receipt listed when the replay began")
			for id, n := range got {
				assert.Equal(t, 1, n, "receipt %s handed over once", id)
			}

			// The next run delivers what the first did not, and only that.
			_, err = settle.Replay(ctx, acct, rep.Cursor, count)
			require.NoError(t, err)
			assert.Len(t, got, 9)
			for id, n := range got {
				assert.Equal(t, 1, n, "receipt %s handed over once in all", id)
			}
		})
	}
}

// Issue 21, item 3: a replay whose context ends while the function runs
// returns the context's error, hands over nothing more, and its cursor
// covers what was delivered.
func TestReplayCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 3, 1)

	var calls int
	rep, err := settle.Replay(ctx, acct, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error {
		calls++
		cancel() // the job is told to stop while the first event is handled
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, calls)
	assert.Equal(t, 1, rep.Delivered)
	assert.Len(t, rep.Cursor.Seen, 1)

	calls = 0
	rep, err = settle.Replay(context.Background(), acct, rep.Cursor, func(context.Context, *cryptopay.PaymentCallback) error {
		calls++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "the two not handed over yet")
}

// Issue 21, items 3 and 4: what the function returns decides the event's
// fate; a failure names its event, a deferral is no error, and a parked
// event lets the cursor move past it for good.
func TestReplayOutcomes(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 3, 1)
	var txs []string
	page, err := acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemReceipt})
	require.NoError(t, err)
	for _, e := range page.Items {
		txs = append([]string{e.Txs[0]}, txs...) // oldest first
	}
	locked := errors.New("books locked")
	fates := map[string]error{
		txs[0]: fmt.Errorf("order deleted: %w", settle.ErrPark),
		txs[1]: locked,
		txs[2]: fmt.Errorf("waiting: %w", cryptopay.ErrNotYet),
	}
	fn := func(_ context.Context, cb *cryptopay.PaymentCallback) error { return fates[cb.InputTransactionHash] }

	rep, err := settle.Replay(ctx, acct, settle.Cursor{}, fn)
	require.ErrorIs(t, err, locked)
	assert.NotErrorIs(t, err, cryptopay.ErrNotYet, "a deferral is not an error")
	assert.NotErrorIs(t, err, settle.ErrPark, "a parked event is reported, not an error")
	var failed *settle.EventError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, txs[1], failed.Event.Transaction)
	assert.Equal(t, "btc", failed.Event.Currency)
	assert.Regexp(t, "^btc:[^:]+:"+txs[1]+":confirmed$", failed.Event.Key)
	assert.Contains(t, err.Error(), failed.Event.Key, "the error names its event")
	assert.Contains(t, err.Error(), txs[1])
	assert.Equal(t, 1, rep.Failed)
	assert.Zero(t, rep.Delivered)
	require.Len(t, rep.Parked, 1)
	assert.Equal(t, txs[0], rep.Parked[0].Event.Transaction)
	assert.ErrorIs(t, &rep.Parked[0], settle.ErrPark)
	require.Len(t, rep.Deferred, 1)
	assert.Equal(t, txs[2], rep.Deferred[0].Transaction)

	// The next run: the parked event stays behind the cursor; the failed
	// and the deferred ones come again.
	var again []string
	rep, err = settle.Replay(ctx, acct, rep.Cursor, func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		again = append(again, cb.InputTransactionHash)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, txs[1:], again)
	assert.Equal(t, 2, rep.Delivered)
}

// Issue 21, item 2: a missed payment, deeply confirmed, is credited
// through Replay by the function the README shows, with the default
// ConfirmationPolicy, exactly once; an unconfirmed one is held.
func TestReplayCreditsWithDefaultPolicy(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deep := deposits(t, srv, acct, 1, 50)
	fresh := deposits(t, srv, acct, 1, 0)
	_, err := srv.Advance(ctx, 2*time.Hour) // the replay runs long after the payments: the deep one is old
	require.NoError(t, err)

	policy := settle.ConfirmationPolicy{Now: srv.Now}
	credits := map[string]int{}
	handle := func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		if !policy.Enough(cb) {
			return cryptopay.ErrNotYet
		}
		credits[cb.InputAddress]++
		return nil
	}
	var cur settle.Cursor
	for range 3 {
		rep, err := settle.Replay(ctx, acct, cur, handle)
		require.NoError(t, err)
		cur = rep.Cursor
	}
	assert.Equal(t, map[string]int{deep: 1}, credits, "the deep one once; the fresh one held")
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	rep, err := settle.Replay(ctx, acct, cur, handle)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{deep: 1, fresh: 1}, credits)
	assert.Empty(t, rep.Deferred)
}

// Issue 21, item 2: a replayed GET callback has the Data the live handler
// passed on (the callback's data and the URL's query, without the secret),
// and says it is replayed, when it arrived and that the API shows it
// confirmed.
func TestReplayGetCallbackData(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)

	var mu sync.Mutex
	var live []*cryptopay.PaymentCallback
	record := func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		mu.Lock()
		defer mu.Unlock()
		live = append(live, cb)
		return nil
	}
	shop := httptest.NewServer(cryptopay.PaymentCallbackHandler(record, cryptopay.WithCallbackSecret("secret", "s3cret")))
	t.Cleanup(shop.Close)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
		Method: http.MethodGet, URL: shop.URL + "/paid?" + url.Values{"order": {"7"}, "shop": {"north"}}.Encode(),
		Data: map[string]string{"secret": "s3cret", "customer": "42"},
	}})
	require.NoError(t, err)
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(5000), Confirmations: 1})
	require.NoError(t, err)
	require.Len(t, live, 1)
	require.Equal(t, http.MethodGet, dep.Deliveries[0].Method)

	var replayed []*cryptopay.PaymentCallback
	_, err = settle.Replay(ctx, acct, settle.Cursor{}, func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		replayed = append(replayed, cb)
		return nil
	}, settle.WithSecretKeys("secret"))
	require.NoError(t, err)
	require.Len(t, replayed, 1)
	assert.Equal(t, map[string]string{"order": "7", "shop": "north", "customer": "42"}, replayed[0].Data)
	assert.Equal(t, live[0].Data, replayed[0].Data, "the live handler's Data")
	assert.Equal(t, live[0].DedupeKey(), replayed[0].DedupeKey())
	assert.True(t, replayed[0].Replayed)
	assert.True(t, replayed[0].APIConfirmed)
	assert.Equal(t, int64(1), replayed[0].Confirmations, "the history tells confirmed, not how many times")
	assert.False(t, live[0].Replayed)
	page, err := acct.History(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, page.Items[0].Date.Time, replayed[0].ReceivedAt)
}

// Issue 21, item 3: a cursor's text round-trips every key, white space
// included, or refuses it, and records the cursor's kind: a payments
// cursor given to the invoice replay, or the reverse, is an error.
func TestCursorTextAndKind(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 123456000, time.UTC)
	cur := settle.Cursor{Kind: settle.KindInvoices, Time: at, Seen: []string{"inv 1:paid", "a%b", "tab\there", "ünï:confirmed"}}
	text, err := cur.MarshalText()
	require.NoError(t, err)
	var back settle.Cursor
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, cur, back)
	assert.Regexp(t, "^invoices 2024-05-01T12:00:00.123456Z ", string(text))

	_, err = settle.Cursor{Time: at, Seen: []string{""}}.MarshalText()
	assert.Error(t, err, "an empty key cannot be written")
	assert.Error(t, back.UnmarshalText([]byte("payments")), "a kind without a time")
	assert.Error(t, back.UnmarshalText([]byte("2024-05-01T12:00:00Z %zz")), "a key that is not escaped text")

	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	never := func(context.Context, *cryptopay.PaymentCallback) error { t.Fatal("nothing to deliver"); return nil }
	_, err = settle.Replay(ctx, acct, settle.Cursor{Kind: settle.KindInvoices}, never)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	_, err = settle.ReplayInvoices(ctx, acct, settle.Cursor{Kind: settle.KindPayments}, func(context.Context, *cryptopay.InvoiceCallback) error { return nil })
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	rep, err := settle.Replay(ctx, acct, settle.Cursor{}, never)
	require.NoError(t, err)
	assert.Equal(t, settle.KindPayments, rep.Cursor.Kind)
	irep, err := settle.ReplayInvoices(ctx, acct, settle.Cursor{}, func(context.Context, *cryptopay.InvoiceCallback) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, settle.KindInvoices, irep.Cursor.Kind)
}
