package settle_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Mutation testing's survivors in replay_payments.go, pinned.

// A failed read of the history or of an address's callback stops the
// replay with its error, and nothing of the unread page is passed: the
// next run delivers it.
func TestReplayReadFailures(t *testing.T) {
	for _, route := range []string{
		"GET /v2/accounts/{account}/history",
		"GET /v2/accounts/{account}/addresses/{address}/callback",
	} {
		t.Run(route, func(t *testing.T) {
			ctx := context.Background()
			srv := cryptopaytest.NewServer()
			t.Cleanup(srv.Close)
			acct := newShopAccount(t, srv)
			deposits(t, srv, acct, 2, 1)
			var got int
			count := func(context.Context, *cryptopay.PaymentCallback) error { got++; return nil }
			srv.FailNext(route, 1, cryptopaytest.Failure{Status: http.StatusInternalServerError})
			rep, err := settle.Replay(ctx, acct, settle.Cursor{}, count)
			require.ErrorIs(t, err, cryptopay.ErrServer)
			assert.Zero(t, got)
			rep, err = settle.Replay(ctx, acct, rep.Cursor, count)
			require.NoError(t, err)
			assert.Equal(t, 2, got)
			assert.Equal(t, 2, rep.Delivered)
		})
	}
}

// The cursor's keys are "<history item id>:confirmed" or ":unconfirmed",
// as its documentation says.
func TestReplayCursorKeys(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 1, 0)
	rep, err := settle.Replay(ctx, acct, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil })
	require.NoError(t, err)
	page, err := acct.History(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{page.Items[0].ID + ":unconfirmed"}, rep.Cursor.Seen)
}

// overlapping lists receipts as a history whose pages overlap though its
// total stays the same (a receipt added and another removed between two
// reads): no receipt is handed over twice in a run.
type overlapping struct {
	entries []cryptopay.HistoryEntry // newest first
	reads   int
}

func (o *overlapping) History(_ context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error) {
	o.reads++
	offset := p.Offset
	if o.reads > 1 {
		offset = max(offset-1, 0) // the list moved by one, its total did not
	}
	end := min(offset+p.Limit, len(o.entries))
	return &cryptopay.HistoryPage{Items: o.entries[offset:end], Pagination: cryptopay.Pagination{Total: len(o.entries)}}, nil
}

func (o *overlapping) HistoryItem(_ context.Context, id string) (*cryptopay.HistoryItem, error) {
	item := &cryptopay.HistoryItem{ID: id, Currency: "btc", Txs: []string{"tx" + id}, Destinations: []cryptopay.AddressAmount{units(payee, 1)}}
	if id == "r5" {
		item.Txs = nil // an item without its transaction
	}
	return item, nil
}

func (o *overlapping) AddressCallbackInfo(_ context.Context, address string) (*cryptopay.AddressCallback, error) {
	return &cryptopay.AddressCallback{Address: address, Callback: &cryptopay.Callback{URL: "https://shop.example/paid"}}, nil
}

func TestReplayOverlappingPages(t *testing.T) {
	settle.SetHistoryPage(t.Cleanup, 3)
	src := &overlapping{}
	for i := 9; i >= 1; i-- {
		src.entries = append(src.entries, cryptopay.HistoryEntry{ID: fmt.Sprint("r", i), Type: cryptopay.ItemReceipt, Currency: "btc",
			IsConfirmed: true, Date: cryptopay.Time{Time: t0.Add(time.Duration(i) * time.Second)}})
	}
	got := map[string]int{}
	_, err := settle.Replay(context.Background(), src, settle.Cursor{}, func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		got[cb.Payment]++
		return nil
	})
	require.NoError(t, err)
	for id, n := range got {
		assert.Equal(t, 1, n, "%s handed over once", id)
	}
	assert.Contains(t, got, "r5", "an item without transactions is delivered, with no hash")
}

// A parked receipt is passed for good, confirmed or not.
func TestReplayParksUnconfirmed(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 2, 0)
	var calls int
	park := func(context.Context, *cryptopay.PaymentCallback) error { calls++; return settle.ErrPark }
	rep, err := settle.Replay(ctx, acct, settle.Cursor{}, park)
	require.NoError(t, err)
	assert.Len(t, rep.Parked, 2)
	rep, err = settle.Replay(ctx, acct, rep.Cursor, park)
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "not handed over again")
	assert.Empty(t, rep.Parked)
}

// failingSecond fails the second history read: a page past the first.
type failingSecond struct {
	*cryptopay.Account
	reads int
}

func (f *failingSecond) History(ctx context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error) {
	if f.reads++; f.reads == 2 {
		return nil, fmt.Errorf("page lost: %w", cryptopay.ErrServer)
	}
	return f.Account.History(ctx, p)
}

// A page past the first that cannot be read stops the replay with its
// error, before anything newer is delivered.
func TestReplayLaterPageFails(t *testing.T) {
	settle.SetHistoryPage(t.Cleanup, 3)
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 7, 1)
	rep, err := settle.Replay(ctx, &failingSecond{Account: acct}, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil })
	require.ErrorIs(t, err, cryptopay.ErrServer)
	assert.Zero(t, rep.Delivered)
	assert.Equal(t, settle.Cursor{Kind: settle.KindPayments}, rep.Cursor)
}
