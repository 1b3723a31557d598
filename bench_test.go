package cryptopay

// Benchmarks of the SDK beside a hand-written baseline: plain net/http and
// encoding/json sending the same request (URL, query, headers, body,
// signature) and decoding into the same type, as a user writes it by hand.
// Each call is measured two ways: net=memory through a canned
// http.RoundTripper that answers from memory (the client's own cost, no
// network), and net=loopback against an in-process httptest server.
// BenchmarkPaired runs the SDK and the baseline in turn and reports the
// median of the per-round time ratios, which a shared machine's drift
// does not move. See bench/README.md for the figures and the commands.

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
	"slices"
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
	historyFirst            []byte // the first page
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
	s.historyFirst = s.historyPage(0)
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
	answer := s.answer(r, body)
	if answer == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(answer)
}

// answer returns the body answering r (whose body is body), nil for an
// unknown path, and records r when recording.
func (s *benchServer) answer(r *http.Request, body []byte) []byte {
	if s.recording.Load() {
		s.last.Store(&sent{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
	}
	switch r.URL.Path {
	case "/api/v2/accounts/" + testAccountID + "/balance":
		return s.balance
	case "/api/v2/accounts/" + testAccountID + "/transfer":
		return s.transfer
	case "/api/v2/accounts/" + testAccountID + "/history":
		if !strings.Contains(r.URL.RawQuery, "offset=") {
			return s.historyFirst
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		return s.historyPage(offset)
	case "/alphapo/v2/addresses/take":
		return s.take
	}
	return nil
}

// historyPage renders the page at offset, of benchPageSize items out of
// historyTotal.
func (s *benchServer) historyPage(offset int) []byte {
	items := s.historyItems
	if offset >= s.historyTotal {
		items = nil
	}
	return fmt.Appendf(nil, `{"account":%q,"items":[%s],"pagination":{"total":%d,"offset":%d,"limit":%d}}`,
		testAccountID, items, s.historyTotal, offset, benchPageSize)
}

// cannedTransport answers from s's memory, as an http.RoundTripper: it
// reads and closes the request body, as a transport does, and returns the
// answer with its Content-Type and Content-Length.
type cannedTransport struct{ s *benchServer }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	answer := t.s.answer(r, body)
	if answer == nil {
		return nil, fmt.Errorf("no answer for %s", r.URL.Path)
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(answer)),
		ContentLength: int64(len(answer)),
		Request:       r,
	}, nil
}

// benchNets are the two ways to reach the server.
var benchNets = []string{"memory", "loopback"}

// benchEnv is one way to reach s: SDK clients on their default settings
// and the baseline's *http.Client, both over loopback TCP, or both through
// a cannedTransport.
type benchEnv struct {
	s    *benchServer
	acct *Account
	ap   *AlphaPoClient
	hand *http.Client
}

func newBenchEnv(b *testing.B, s *benchServer, net string) benchEnv {
	b.Helper()
	// The baseline: a plain *http.Client with the same per-request timeout
	// as the SDK's default client.
	env := benchEnv{s: s, hand: &http.Client{Timeout: 30 * time.Second}}
	var opts []Option
	if net == "memory" {
		env.hand.Transport = cannedTransport{s}
		opts = append(opts, WithHTTPClient(&http.Client{Transport: cannedTransport{s}, Timeout: 30 * time.Second}))
	}
	c, err := NewClient(append([]Option{WithBaseURL(s.URL + "/api")}, opts...)...)
	require.NoError(b, err)
	env.ap, err = NewAlphaPoClient(testAlphaKey, testAlphaSecret, append([]Option{WithBaseURL(s.URL + "/alphapo")}, opts...)...)
	require.NoError(b, err)
	env.acct = c.Account(testAccountID, testTransferKey)
	return env
}

// benchOp is one benchmarked call, made by the SDK and by the baseline.
type benchOp struct {
	name string
	// make returns the two, checked to send the same request and decode the
	// same value, as functions returning only an error.
	make func(*testing.B, benchEnv) (sdk, baseline func(context.Context) error)
}

// benchOps are the calls BenchmarkCalls and BenchmarkPaired measure.
var benchOps = []benchOp{
	{"Balance", func(b *testing.B, e benchEnv) (func(context.Context) error, func(context.Context) error) {
		return checkedPair(b, e.s,
			func(ctx context.Context) (*AccountBalance, error) { return e.acct.Balance(ctx, nil) },
			func(ctx context.Context) (*AccountBalance, error) {
				return handGet[AccountBalance](ctx, e.hand, e.s.URL+"/api/v2/accounts/"+testAccountID+"/balance")
			})
	}},
	{"Transfer", func(b *testing.B, e benchEnv) (func(context.Context) error, func(context.Context) error) {
		return checkedPair(b, e.s,
			func(ctx context.Context) (*TransferResult, error) {
				return e.acct.Transfer(ctx, &TransferParams{Currency: "btc", Destinations: []Destination{{Address: benchAddress, Amount: Units(10000)}}})
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
				req, err := handRequest(ctx, http.MethodPost, e.s.URL+"/api/v2/accounts/"+testAccountID+"/transfer", body)
				if err != nil {
					return nil, err
				}
				out := new(TransferResult)
				return out, handCall(e.hand, req, out)
			})
	}},
	{"HistoryPage100", func(b *testing.B, e benchEnv) (func(context.Context) error, func(context.Context) error) {
		return checkedPair(b, e.s,
			func(ctx context.Context) (*HistoryPage, error) {
				return e.acct.History(ctx, &HistoryParams{Limit: benchPageSize})
			},
			func(ctx context.Context) (*HistoryPage, error) {
				return handGet[HistoryPage](ctx, e.hand, e.s.URL+"/api/v2/accounts/"+testAccountID+"/history?limit="+strconv.Itoa(benchPageSize))
			})
	}},
	{"TakeAddress", func(b *testing.B, e benchEnv) (func(context.Context) error, func(context.Context) error) {
		return checkedPair(b, e.s,
			func(ctx context.Context) (*TakenAddress, error) {
				return e.ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: "user-42", EndUserReference: "guest_user_17"})
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
				req, err := handRequest(ctx, http.MethodPost, e.s.URL+"/alphapo/v2/addresses/take", body)
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
				return env.Data, handCall(e.hand, req, &env)
			})
	}},
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

// checkedPair checks that sdk and baseline send the same request and
// decode the same value, and returns them as functions returning only an
// error.
func checkedPair[T any](b *testing.B, s *benchServer, sdk, baseline func(context.Context) (*T, error)) (func(context.Context) error, func(context.Context) error) {
	sdkReq, sdkOut := capture(b, s, sdk)
	handReq, handOut := capture(b, s, baseline)
	require.Equal(b, handReq, sdkReq, "same request on the wire")
	require.Equal(b, handOut, sdkOut, "same decoded value")
	errOnly := func(fn func(context.Context) (*T, error)) func(context.Context) error {
		return func(ctx context.Context) error { _, err := fn(ctx); return err }
	}
	return errOnly(sdk), errOnly(baseline)
}

// handCall sends req and decodes a 2xx answer into out.
func handCall(hc *http.Client, req *http.Request, out any) error {
	resp, err := hc.Do(req)
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

func handGet[T any](ctx context.Context, hc *http.Client, url string) (*T, error) {
	req, err := handRequest(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	out := new(T)
	return out, handCall(hc, req, out)
}

// BenchmarkCalls measures each call of benchOps, over each of benchNets,
// as impl=sdk and impl=baseline.
func BenchmarkCalls(b *testing.B) {
	for _, op := range benchOps {
		for _, net := range benchNets {
			b.Run("op="+op.name+"/net="+net, func(b *testing.B) {
				sdk, baseline := op.make(b, newBenchEnv(b, newBenchServer(b, 10*benchPageSize), net))
				ctx := context.Background()
				benchFuncs(b, func() error { return sdk(ctx) }, func() error { return baseline(ctx) })
			})
		}
	}
}

// BenchmarkPaired runs the SDK and the baseline in turn, pairedCalls calls
// each per round, one round per b.N, the first of the two alternating, and
// reports the median of the per-round ratios of their times as
// sdk/baseline (below 1: the SDK is faster). Run it with -benchtime 200x
// or so: 200 rounds.
func BenchmarkPaired(b *testing.B) {
	for _, op := range benchOps {
		for _, net := range benchNets {
			b.Run("op="+op.name+"/net="+net, func(b *testing.B) {
				sdk, baseline := op.make(b, newBenchEnv(b, newBenchServer(b, 10*benchPageSize), net))
				ctx := context.Background()
				benchPaired(b, func() error { return sdk(ctx) }, func() error { return baseline(ctx) })
			})
		}
	}
	b.Run("op=Callback/net=memory", func(b *testing.B) {
		sdk, baseline := callbackPair(b)
		benchPaired(b, sdk, baseline)
	})
	// The control: the Balance baseline paired with itself, through two
	// clients. Its spread is the harness's own: a ratio this far from 1
	// means nothing.
	for _, net := range benchNets {
		b.Run("op=Control/net="+net, func(b *testing.B) {
			s := newBenchServer(b, 10*benchPageSize)
			_, first := benchOps[0].make(b, newBenchEnv(b, s, net))
			_, second := benchOps[0].make(b, newBenchEnv(b, s, net))
			ctx := context.Background()
			benchPaired(b, func() error { return first(ctx) }, func() error { return second(ctx) })
		})
	}
}

const pairedCalls = 20

func benchPaired(b *testing.B, sdk, baseline func() error) {
	timed := func(fn func() error) float64 {
		start := time.Now()
		for range pairedCalls {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
		}
		return float64(time.Since(start))
	}
	ratios := make([]float64, b.N)
	for i := range ratios {
		if i%2 == 0 {
			s := timed(sdk)
			ratios[i] = s / timed(baseline)
		} else {
			h := timed(baseline)
			ratios[i] = timed(sdk) / h
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "sdk/baseline")
}

func BenchmarkAlphaPoCallback(b *testing.B) {
	sdk, baseline := callbackPair(b)
	benchFuncs(b, sdk, baseline)
}

// callbackPair returns the SDK's verification and decoding of a deposit
// callback, and the baseline's: an HMAC check and a decode into the same
// type, both checked to give the same value.
func callbackPair(b *testing.B) (sdk, baseline func() error) {
	body := []byte(fixture(b, "alphapo/callbacks/deposit.json"))
	header := http.Header{}
	header.Set("X-Processing-Key", testAlphaKey)
	header.Set("X-Processing-Signature", NewSigner(testAlphaSecret).Sign(body))
	v, err := NewAlphaPoCallbackVerifier(testAlphaKey, testAlphaSecret)
	require.NoError(b, err)
	sdkParse := func() (*AlphaPoTransaction, error) { return v.Parse(body, header) }
	handParse := func() (*AlphaPoTransaction, error) {
		mac := hmac.New(sha512.New, []byte(testAlphaSecret))
		mac.Write(body)
		sig, err := hex.DecodeString(header.Get("X-Processing-Signature"))
		if err != nil || header.Get("X-Processing-Key") != testAlphaKey || !hmac.Equal(sig, mac.Sum(nil)) {
			return nil, errors.New("callback not verified")
		}
		tx := new(AlphaPoTransaction)
		return tx, json.Unmarshal(body, tx)
	}
	sdkOut, err := sdkParse()
	require.NoError(b, err)
	handOut, err := handParse()
	require.NoError(b, err)
	require.Equal(b, handOut, sdkOut)
	return func() error { _, err := sdkParse(); return err }, func() error { _, err := handParse(); return err }
}

// benchFuncs benchmarks two functions as impl=sdk and impl=baseline.
func benchFuncs(b *testing.B, sdk, baseline func() error) {
	for _, impl := range []struct {
		name string
		fn   func() error
	}{{"sdk", sdk}, {"baseline", baseline}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := impl.fn(); err != nil {
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
	baseline := func() string {
		mac := hmac.New(sha512.New, []byte(testAlphaSecret))
		mac.Write(bench1KiB)
		return hex.EncodeToString(mac.Sum(nil))
	}
	require.Equal(b, baseline(), s.Sign(bench1KiB))
	benchFuncs(b, func() error { s.Sign(bench1KiB); return nil }, func() error { baseline(); return nil })
}

func BenchmarkVerify1KiB(b *testing.B) {
	s := NewSigner(testAlphaSecret)
	sig := s.Sign(bench1KiB)
	check := func(ok bool) error {
		if !ok {
			return errors.New("not verified")
		}
		return nil
	}
	benchFuncs(b,
		func() error { return check(s.Verify(bench1KiB, sig)) },
		func() error {
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
			acct := newBenchEnv(b, s, "loopback").acct
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
