package cryptopay

// Benchmarks of the SDK beside a hand-written baseline: plain net/http and
// encoding/json sending the same request (URL, query, headers, body,
// signature) and decoding into the same type, as a user writes it by hand.
// Both talk to the same in-process httptest server. Compare the pairs with
//
//	go test -run '^$' -bench . -benchmem -count 10 . > bench.txt
//	benchstat -col /impl bench.txt

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	benchPageSize = 100
	benchAddress  = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"
)

// benchServer answers the benchmarked calls from memory and counts the
// connections it accepts. When recording, it keeps the last request.
type benchServer struct {
	*httptest.Server
	balance, transfer, take []byte
	historyItems            []byte // benchPageSize items, comma-separated
	historyTotal            int    // items the history holds
	conns                   atomic.Int64
	recording               atomic.Bool
	last                    atomic.Pointer[sent]
}

func newBenchServer(b *testing.B, historyTotal int) *benchServer {
	b.Helper()
	s := &benchServer{
		balance:      []byte(fixture(b, "apirone/account_balance.json")),
		transfer:     []byte(fixture(b, "apirone/transfer.json")),
		take:         []byte(fixture(b, "alphapo/take_address.json")),
		historyItems: benchHistoryItems(benchPageSize),
		historyTotal: historyTotal,
	}
	s.Server = httptest.NewUnstartedServer(s)
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	b.Cleanup(s.Close)
	return s
}

// benchHistoryItems renders n history items like the reference example.
func benchHistoryItems(n int) []byte {
	items := make([]string, n)
	for i := range items {
		typ, amount := "receipt", 20000+i
		if i%2 == 1 {
			typ, amount = "payment", -10000-i
		}
		id := fmt.Sprintf("%064x", i+1)
		items[i] = fmt.Sprintf(`{"id":%q,"date":"2022-02-08T12:35:49.%06d","type":%q,"currency":"btc","txs":[%q],"is_confirmed":true,"amount":%d}`,
			id, i, typ, id, amount)
	}
	return []byte(strings.Join(items, ","))
}

func (s *benchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if s.recording.Load() {
		s.last.Store(&sent{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v2/accounts/" + testAccountID + "/balance":
		w.Write(s.balance)
	case "/api/v2/accounts/" + testAccountID + "/transfer":
		w.Write(s.transfer)
	case "/api/v2/accounts/" + testAccountID + "/history":
		w.Write(s.historyPage(r))
	case "/alphapo/v2/addresses/take":
		w.Write(s.take)
	default:
		http.NotFound(w, r)
	}
}

// historyPage serves pages of benchPageSize items out of historyTotal.
func (s *benchServer) historyPage(r *http.Request) []byte {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	items := s.historyItems
	if offset >= s.historyTotal {
		items = nil
	}
	return fmt.Appendf(nil, `{"account":%q,"items":[%s],"pagination":{"total":%d,"offset":%d,"limit":%d}}`,
		testAccountID, items, s.historyTotal, offset, benchPageSize)
}

// capture makes one call and returns the request the server received.
func capture[T any](b *testing.B, s *benchServer, fn func(context.Context) (*T, error)) (sent, *T) {
	b.Helper()
	s.recording.Store(true)
	defer s.recording.Store(false)
	out, err := fn(context.Background())
	require.NoError(b, err)
	return *s.last.Load(), out
}

// benchPair checks that sdk and baseline send the same request and decode
// the same value, then benchmarks each as impl=sdk and impl=baseline.
func benchPair[T any](b *testing.B, s *benchServer, sdk, baseline func(context.Context) (*T, error)) {
	sdkReq, sdkOut := capture(b, s, sdk)
	handReq, handOut := capture(b, s, baseline)
	require.Equal(b, handReq, sdkReq, "same request on the wire")
	require.Equal(b, handOut, sdkOut, "same decoded value")
	for _, impl := range []struct {
		name string
		fn   func(context.Context) (*T, error)
	}{{"sdk", sdk}, {"baseline", baseline}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for range b.N {
				if _, err := impl.fn(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchClients returns SDK clients on s's default settings.
func benchClients(b *testing.B, s *benchServer) (*Account, *AlphaPoClient) {
	b.Helper()
	c, err := NewClient(WithBaseURL(s.URL + "/api"))
	require.NoError(b, err)
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithBaseURL(s.URL+"/alphapo"))
	require.NoError(b, err)
	return c.Account(testAccountID, testTransferKey), ap
}

// The baseline: what a user writes by hand, through a plain *http.Client
// with the same per-request timeout as the SDK's default client.

var handClient = &http.Client{Timeout: 30 * time.Second}

// handCall sends req and decodes a 2xx answer into out.
func handCall(req *http.Request, out any) error {
	resp, err := handClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// handRequest builds a request with the headers the SDK sends.
func handRequest(ctx context.Context, method, url string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cryptopay-go/"+Version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func handGet[T any](ctx context.Context, url string) (*T, error) {
	req, err := handRequest(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	out := new(T)
	return out, handCall(req, out)
}

func BenchmarkAccountBalance(b *testing.B) {
	s := newBenchServer(b, 0)
	acct, _ := benchClients(b, s)
	benchPair(b, s,
		func(ctx context.Context) (*AccountBalance, error) { return acct.Balance(ctx, nil) },
		func(ctx context.Context) (*AccountBalance, error) {
			return handGet[AccountBalance](ctx, s.URL+"/api/v2/accounts/"+testAccountID+"/balance")
		})
}

func BenchmarkTransfer(b *testing.B) {
	s := newBenchServer(b, 0)
	acct, _ := benchClients(b, s)
	benchPair(b, s,
		func(ctx context.Context) (*TransferResult, error) {
			return acct.Transfer(ctx, &TransferParams{Currency: "btc", Destinations: []Destination{{Address: benchAddress, Amount: Units(10000)}}})
		},
		func(ctx context.Context) (*TransferResult, error) {
			type dest struct {
				Address string `json:"address"`
				Amount  int64  `json:"amount"`
			}
			body, err := json.Marshal(struct {
				Currency     string `json:"currency"`
				TransferKey  string `json:"transfer-key"`
				Destinations []dest `json:"destinations"`
			}{"btc", testTransferKey, []dest{{benchAddress, 10000}}})
			if err != nil {
				return nil, err
			}
			req, err := handRequest(ctx, http.MethodPost, s.URL+"/api/v2/accounts/"+testAccountID+"/transfer", body)
			if err != nil {
				return nil, err
			}
			out := new(TransferResult)
			return out, handCall(req, out)
		})
}

func BenchmarkHistoryPage100(b *testing.B) {
	s := newBenchServer(b, 10*benchPageSize)
	acct, _ := benchClients(b, s)
	benchPair(b, s,
		func(ctx context.Context) (*HistoryPage, error) {
			return acct.History(ctx, &HistoryParams{Limit: benchPageSize})
		},
		func(ctx context.Context) (*HistoryPage, error) {
			return handGet[HistoryPage](ctx, s.URL+"/api/v2/accounts/"+testAccountID+"/history?limit="+strconv.Itoa(benchPageSize))
		})
}

func BenchmarkAlphaPoTakeAddress(b *testing.B) {
	s := newBenchServer(b, 0)
	_, ap := benchClients(b, s)
	benchPair(b, s,
		func(ctx context.Context) (*TakenAddress, error) {
			return ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: "user-42", EndUserReference: "guest_user_17"})
		},
		func(ctx context.Context) (*TakenAddress, error) {
			body, err := json.Marshal(struct {
				Currency         string `json:"currency"`
				ForeignID        string `json:"foreign_id"`
				EndUserReference string `json:"end_user_reference"`
			}{"BTC", "user-42", "guest_user_17"})
			if err != nil {
				return nil, err
			}
			req, err := handRequest(ctx, http.MethodPost, s.URL+"/alphapo/v2/addresses/take", body)
			if err != nil {
				return nil, err
			}
			mac := hmac.New(sha512.New, []byte(testAlphaSecret))
			mac.Write(body)
			req.Header.Set("X-Processing-Key", testAlphaKey)
			req.Header.Set("X-Processing-Signature", hex.EncodeToString(mac.Sum(nil)))
			var env struct {
				Data *TakenAddress `json:"data"`
			}
			return env.Data, handCall(req, &env)
		})
}

func BenchmarkAlphaPoCallback(b *testing.B) {
	body := []byte(fixture(b, "alphapo/callbacks/deposit.json"))
	header := http.Header{}
	header.Set("X-Processing-Key", testAlphaKey)
	header.Set("X-Processing-Signature", NewSigner(testAlphaSecret).Sign(body))
	v, err := NewAlphaPoCallbackVerifier(testAlphaKey, testAlphaSecret)
	require.NoError(b, err)
	sdk := func() (*AlphaPoTransaction, error) { return v.Parse(body, header) }
	baseline := func() (*AlphaPoTransaction, error) {
		mac := hmac.New(sha512.New, []byte(testAlphaSecret))
		mac.Write(body)
		sig, err := hex.DecodeString(header.Get("X-Processing-Signature"))
		if err != nil || header.Get("X-Processing-Key") != testAlphaKey || !hmac.Equal(sig, mac.Sum(nil)) {
			return nil, errors.New("callback not verified")
		}
		tx := new(AlphaPoTransaction)
		return tx, json.Unmarshal(body, tx)
	}
	sdkOut, err := sdk()
	require.NoError(b, err)
	handOut, err := baseline()
	require.NoError(b, err)
	require.Equal(b, handOut, sdkOut)
	benchFuncs(b, sdk, baseline)
}

// benchFuncs benchmarks two in-memory functions as impl=sdk and impl=baseline.
func benchFuncs[T any](b *testing.B, sdk, baseline func() (T, error)) {
	for _, impl := range []struct {
		name string
		fn   func() (T, error)
	}{{"sdk", sdk}, {"baseline", baseline}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := impl.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bench1KiB is a 1 KiB body to sign.
var bench1KiB = bytes.Repeat([]byte(`{"currency":"BTC","foreign_id":"x"}`), 1024/35+1)[:1024]

func BenchmarkSign1KiB(b *testing.B) {
	s := NewSigner(testAlphaSecret)
	baseline := func() (string, error) {
		mac := hmac.New(sha512.New, []byte(testAlphaSecret))
		mac.Write(bench1KiB)
		return hex.EncodeToString(mac.Sum(nil)), nil
	}
	want, _ := baseline()
	require.Equal(b, want, s.Sign(bench1KiB))
	benchFuncs(b, func() (string, error) { return s.Sign(bench1KiB), nil }, baseline)
}

func BenchmarkVerify1KiB(b *testing.B) {
	s := NewSigner(testAlphaSecret)
	sig := s.Sign(bench1KiB)
	check := func(ok bool) (bool, error) {
		if !ok {
			return false, errors.New("not verified")
		}
		return true, nil
	}
	benchFuncs(b,
		func() (bool, error) { return check(s.Verify(bench1KiB, sig)) },
		func() (bool, error) {
			got, err := hex.DecodeString(sig)
			mac := hmac.New(sha512.New, []byte(testAlphaSecret))
			mac.Write(bench1KiB)
			return check(err == nil && hmac.Equal(got, mac.Sum(nil)))
		})
}

// BenchmarkSharedClient makes 20,000 Balance calls from 64 goroutines
// sharing one Client, on the SDK's default *http.Client and on one with
// net/http's default settings (2 idle connections per host), and reports
// the TCP connections the server accepted per run and the calls per second.
// The default client keeps one connection per goroutine, give or take the
// few dialled while a finished one is on its way back to the pool.
func BenchmarkSharedClient(b *testing.B) {
	const goroutines, calls = 64, 20000
	netHTTPDefault := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	for _, tc := range []struct {
		name     string
		opts     []Option
		idle     func()
		maxConns int64 // per run; 0: no bound
	}{
		{"sdk-default", nil, defaultHTTPClient.CloseIdleConnections, 2 * goroutines},
		{"net-http-default", []Option{WithHTTPClient(netHTTPDefault)}, netHTTPDefault.CloseIdleConnections, 0},
	} {
		b.Run("client="+tc.name, func(b *testing.B) {
			var conns int64
			for range b.N {
				n := sharedClientRun(b, goroutines, calls, tc.opts)
				if tc.maxConns > 0 && n > tc.maxConns {
					b.Errorf("%d goroutines opened %d connections, want at most %d", goroutines, n, tc.maxConns)
				}
				conns += n
				tc.idle()
			}
			b.ReportMetric(float64(conns)/float64(b.N), "conns/op")
			b.ReportMetric(float64(b.N*calls)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}

// sharedClientRun makes calls Balance calls from goroutines goroutines
// through one Client on a fresh server and returns the connections opened.
func sharedClientRun(b *testing.B, goroutines, calls int, opts []Option) int64 {
	b.StopTimer()
	s := newBenchServer(b, 0)
	c, err := NewClient(append([]Option{WithBaseURL(s.URL + "/api")}, opts...)...)
	require.NoError(b, err)
	acct := c.Account(testAccountID, "")
	var left atomic.Int64
	left.Store(int64(calls))
	errs := make(chan error, goroutines)
	var wg sync.WaitGroup
	b.StartTimer()
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if _, err := acct.Balance(context.Background(), nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	s.Close()
	b.StartTimer()
	return s.conns.Load()
}

// BenchmarkAllHistory ranges AllHistory over 10,000 and 100,000 items in
// pages of 100 and reports the peak heap (HeapAlloc sampled at every page),
// which should not grow with the number of items.
func BenchmarkAllHistory(b *testing.B) {
	for _, total := range []int{10000, 100000} {
		b.Run("items="+strconv.Itoa(total), func(b *testing.B) {
			s := newBenchServer(b, total)
			acct, _ := benchClients(b, s)
			var peak uint64
			var mem runtime.MemStats
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				n := 0
				for _, err := range acct.AllHistory(context.Background(), &HistoryParams{Limit: benchPageSize}) {
					if err != nil {
						b.Fatal(err)
					}
					if n++; n%benchPageSize == 0 {
						runtime.ReadMemStats(&mem)
						peak = max(peak, mem.HeapAlloc)
					}
				}
				if n != total {
					b.Fatalf("ranged over %d items, want %d", n, total)
				}
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
		})
	}
}
