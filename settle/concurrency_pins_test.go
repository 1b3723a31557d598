package settle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inflight reads an account, counting the history item reads in flight
// at once.
type inflight struct {
	*cryptopay.Account
	mu       sync.Mutex
	now, max int
}

func (f *inflight) HistoryItem(ctx context.Context, id string) (*cryptopay.HistoryItem, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	defer func() { f.mu.Lock(); f.now--; f.mu.Unlock() }()
	return f.Account.HistoryItem(ctx, id)
}

// WithConcurrency bounds the detail reads in flight, and reaches its bound.
func TestReplayConcurrency(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 12, 1)
	for _, n := range []int{1, 3} {
		src := &inflight{Account: acct}
		rep, err := settle.Replay(ctx, src, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil }, settle.WithConcurrency(n))
		require.NoError(t, err)
		assert.Equal(t, 12, rep.Delivered)
		assert.Equal(t, n, src.max, "reads in flight with WithConcurrency(%d)", n)
	}
}
