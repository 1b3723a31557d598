package settle_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counting counts the requests a client sends, by kind.
type counting struct {
	history, items, callbacks, other atomic.Int64
	transport                        http.RoundTripper
	latency                          time.Duration // added to each request, as a distant API's
}

func newCounting() *counting {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64 // the replay's concurrent reads reuse their connections
	return &counting{transport: t}
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	switch path := r.URL.Path; {
	case len(path) > 8 && path[len(path)-8:] == "/history":
		c.history.Add(1)
	case contains(path, "/history/"):
		c.items.Add(1)
	case len(path) > 9 && path[len(path)-9:] == "/callback":
		c.callbacks.Add(1)
	default:
		c.other.Add(1)
	}
	if c.latency > 0 {
		time.Sleep(c.latency)
	}
	return c.transport.RoundTrip(r)
}

func (c *counting) total() int64 {
	return c.history.Load() + c.items.Load() + c.callbacks.Load() + c.other.Load()
}

func (c *counting) reset() {
	c.history.Store(0)
	c.items.Store(0)
	c.callbacks.Store(0)
	c.other.Store(0)
}

func contains(s, part string) bool {
	for i := 0; i+len(part) <= len(s); i++ {
		if s[i:i+len(part)] == part {
			return true
		}
	}
	return false
}

// catchUp is an account of a fake server holding receipts confirmed
// receipts paid into addresses distinct addresses (round robin when
// spread, else each address's receipts in a row, as a customer pays an
// order in parts), whose callbacks were answered, and a client that
// counts its requests.
type catchUp struct {
	srv  *cryptopaytest.Server
	acct *cryptopay.Account
	reqs *counting
}

func newCatchUp(tb testing.TB, receipts, addresses int, spread bool) *catchUp {
	tb.Helper()
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	tb.Cleanup(srv.Close)
	reqs := newCounting()
	c := srv.Client(cryptopay.WithHTTPClient(&http.Client{Transport: reqs}))
	created, err := c.CreateAccount(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("*ok*")) }))
	tb.Cleanup(shop.Close)
	addrs := make([]string, addresses)
	for i := range addrs {
		addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
			URL: shop.URL, Data: map[string]string{"order": fmt.Sprint(i)},
		}})
		if err != nil {
			tb.Fatal(err)
		}
		addrs[i] = addr.Address
	}
	start := srv.Now().Add(-time.Duration(receipts) * time.Second)
	for i := range receipts {
		to := addrs[i*addresses/receipts]
		if spread {
			to = addrs[i%addresses]
		}
		_, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: to, Amount: cryptopay.NewAmount(1000),
			Confirmations: 1, Date: start.Add(time.Duration(i) * time.Second)})
		if err != nil {
			tb.Fatal(err)
		}
	}
	reqs.reset()
	return &catchUp{srv, acct, reqs}
}

// Issue 21, item 9: a first replay costs at most one request per
// receipt, per page and per distinct address; a run from the saved cursor
// with nothing new is one request.
func TestReplayRequests(t *testing.T) {
	settle.SetHistoryPage(t.Cleanup, 7)
	const receipts, addresses = 50, 20
	c := newCatchUp(t, receipts, addresses, true)
	ctx := context.Background()
	var delivered int
	fn := func(context.Context, *cryptopay.PaymentCallback) error { delivered++; return nil }
	rep, err := settle.Replay(ctx, c.acct, settle.Cursor{}, fn, settle.WithConcurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	pages := (receipts + 6) / 7
	if delivered != receipts || rep.Delivered != receipts {
		t.Fatalf("delivered %d, reported %d, want %d", delivered, rep.Delivered, receipts)
	}
	if got, most := c.reqs.total(), int64(receipts+pages+addresses); got > most {
		t.Errorf("%d requests, want at most %d", got, most)
	}
	if h, i, cb := c.reqs.history.Load(), c.reqs.items.Load(), c.reqs.callbacks.Load(); h != int64(pages) || i != receipts || cb != addresses {
		t.Errorf("history pages %d (want %d), items %d (want %d), callbacks %d (want %d)", h, pages, i, receipts, cb, addresses)
	}

	c.reqs.reset()
	again, err := settle.Replay(ctx, c.acct, rep.Cursor, fn)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.reqs.total(); got != 1 || again.Delivered != 0 {
		t.Errorf("nothing new: %d requests, %d delivered; want 1 and 0", got, again.Delivered)
	}
}

// The address cache reads each address once a run, several receipts of a
// page included, and stays within its size: past it, it forgets and reads
// again.
func TestReplayAddressCache(t *testing.T) {
	settle.SetHistoryPage(t.Cleanup, 7)
	c := newCatchUp(t, 30, 5, true)
	ctx := context.Background()
	fn := func(context.Context, *cryptopay.PaymentCallback) error { return nil }
	_, err := settle.Replay(ctx, c.acct, settle.Cursor{}, fn)
	require.NoError(t, err)
	assert.Equal(t, int64(5), c.reqs.callbacks.Load(), "5 addresses, each paid in every page")

	c.reqs.reset()
	rep, err := settle.Replay(ctx, c.acct, settle.Cursor{}, fn, settle.WithAddressCache(2))
	require.NoError(t, err)
	assert.Equal(t, 30, rep.Delivered)
	assert.Greater(t, c.reqs.callbacks.Load(), int64(5), "a cache of 2 cannot hold 5 addresses: it reads again")
}

// BenchmarkReplay is a first catch-up over 10,000 and 100,000 confirmed
// receipts paid into a quarter as many addresses (four in a row each), on
// the in-memory server:
// time, requests and the live heap the replay holds (measured after a
// collection every tenth of the run, less the heap before it).
func BenchmarkReplay(b *testing.B) {
	for _, receipts := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(receipts), func(b *testing.B) {
			c := newCatchUp(b, receipts, receipts/4, false)
			ctx := context.Background()
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var peak uint64
			b.ResetTimer()
			for range b.N {
				var n int
				rep, err := settle.Replay(ctx, c.acct, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error {
					if n++; n%(receipts/10) == 0 {
						b.StopTimer()
						runtime.GC()
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						peak = max(peak, m.HeapAlloc)
						b.StartTimer()
					}
					return nil
				})
				if err != nil || rep.Delivered != receipts {
					b.Fatal(rep.Delivered, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(c.reqs.total())/float64(b.N), "requests/op")
			b.ReportMetric(float64(peak-min(peak, before.HeapAlloc))/(1<<20), "live-MiB")
		})
	}
}

// BenchmarkReplayLatency is a first catch-up over 2,000 receipts (500
// addresses) when every request takes 2 ms more, as a distant API's do:
// the detail reads in flight at once (WithConcurrency) divide the time.
func BenchmarkReplayLatency(b *testing.B) {
	c := newCatchUp(b, 2000, 500, false)
	c.reqs.latency = 2 * time.Millisecond
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) {
			c.reqs.reset()
			for range b.N {
				rep, err := settle.Replay(context.Background(), c.acct, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil }, settle.WithConcurrency(n))
				if err != nil || rep.Delivered != 2000 {
					b.Fatal(rep.Delivered, err)
				}
			}
			b.ReportMetric(float64(c.reqs.total())/float64(b.N), "requests/op")
		})
	}
}

// limiting answers 429 with Retry-After: 1 to the history item reads
// while limit says so, and records when each item read was sent.
type limiting struct {
	next    http.RoundTripper
	mu      sync.Mutex
	limited int         // how many item reads to refuse
	sent    []time.Time // when each item read came
	refused []time.Time
}

func (l *limiting) RoundTrip(r *http.Request) (*http.Response, error) {
	if contains(r.URL.Path, "/history/") {
		l.mu.Lock()
		l.sent = append(l.sent, time.Now())
		refuse := len(l.refused) < l.limited
		if refuse {
			l.refused = append(l.refused, time.Now())
		}
		l.mu.Unlock()
		if refuse {
			return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}},
				Body: http.NoBody, Request: r}, nil
		}
	}
	return l.next.RoundTrip(r)
}

// Issue 21, item 9: the concurrent reads respect Retry-After: a read
// refused with 429 is sent again only after the wait it asks (the
// client's RetryPolicy), and a read that stays refused stops the replay
// with ErrRateLimited before the reads still waiting are sent.
func TestReplayRespectsRetryAfter(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := newShopAccount(t, srv)
	deposits(t, srv, acct, 12, 1)
	limit := &limiting{next: http.DefaultTransport, limited: 1}
	c := srv.Client(cryptopay.WithHTTPClient(&http.Client{Transport: limit}), cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 2, MaxDelay: 2 * time.Second}))
	shop := c.Account(acct.ID(), "")
	src := struct {
		settle.Ledger
		callbacks
	}{shop, callbacks{acct}}
	rep, err := settle.Replay(ctx, src, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil }, settle.WithConcurrency(4))
	require.NoError(t, err)
	assert.Equal(t, 12, rep.Delivered)
	require.Len(t, limit.refused, 1)
	var retried bool
	for _, at := range limit.sent {
		if at.After(limit.refused[0]) && at.Sub(limit.refused[0]) >= time.Second {
			retried = true
		}
	}
	assert.True(t, retried, "the refused read was sent again a second later")
	assert.Len(t, limit.sent, 13, "12 reads and the one again")

	// Refused for good: the replay stops, and at most the reads already in
	// flight were sent.
	limit.mu.Lock()
	limit.limited, limit.sent, limit.refused = 1000, nil, nil
	limit.mu.Unlock()
	rep, err = settle.Replay(ctx, src, settle.Cursor{}, func(context.Context, *cryptopay.PaymentCallback) error { return nil }, settle.WithConcurrency(4))
	require.ErrorIs(t, err, cryptopay.ErrRateLimited)
	assert.Zero(t, rep.Delivered)
	assert.LessOrEqual(t, len(limit.sent), 8, "4 reads in flight, each tried twice; none started after the failure")
}

// callbacks reads address callbacks through an account.
type callbacks struct{ acct *cryptopay.Account }

func (c callbacks) AddressCallbackInfo(ctx context.Context, address string) (*cryptopay.AddressCallback, error) {
	return c.acct.AddressCallbackInfo(ctx, address)
}
