package cryptopay

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOneClientSharedBy100Goroutines runs Apirone and AlphaPo calls from
// 100 goroutines through one Client and one AlphaPoClient on the default
// *http.Client (run it with -race), checks every answer and every
// signature, that the default client keeps idle connections for reuse, and
// that no goroutine is left once the idle connections close.
func TestOneClientSharedBy100Goroutines(t *testing.T) {
	const goroutines, rounds = 100, 3
	baseline := runtime.NumGoroutine()
	var badSignatures atomic.Int32
	balance, transfer, take := fixture(t, "apirone/account_balance.json"), fixture(t, "apirone/transfer.json"), fixture(t, "alphapo/take_address.json")
	signer := NewSigner(testAlphaSecret)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/api/v2/accounts/" + testAccountID + "/balance":
			io.WriteString(w, balance)
		case "/api/v2/accounts/" + testAccountID + "/transfer":
			io.WriteString(w, transfer)
		case "/alphapo/v2/addresses/take":
			if !signer.Verify(body, r.Header.Get("X-Processing-Signature")) {
				badSignatures.Add(1)
			}
			io.WriteString(w, take)
		default:
			http.NotFound(w, r)
		}
	}))

	c, err := NewClient(WithBaseURL(srv.URL + "/api"))
	require.NoError(t, err)
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithBaseURL(srv.URL+"/alphapo"))
	require.NoError(t, err)
	acct := c.Account(testAccountID, testTransferKey)

	errs := make(chan error, goroutines*rounds*3)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				errs <- checkConcurrentCalls(acct, ap, g)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Zero(t, badSignatures.Load())

	defaultHTTPClient.CloseIdleConnections()
	srv.Close()
	assertIdleConnectionsReused(t, goroutines, balance)
	defaultHTTPClient.CloseIdleConnections()
	assertGoroutinesBackTo(t, baseline)
}

// assertIdleConnectionsReused checks that the default client keeps 64 idle
// connections per host for reuse (Go's default keeps 2): n > 64 calls held
// in flight together open n connections, of which 64 are kept once they
// end, so n calls held together again open only n-64 new ones. Holding
// the calls until all have arrived makes the counts exact, whatever the
// scheduling: how many connections calls running freely open depends on
// how their ends and starts interleave.
func assertIdleConnectionsReused(t *testing.T, n int, balance string) {
	t.Helper()
	const kept = 64 // defaultHTTPClient's MaxIdleConnsPerHost
	var conns atomic.Int32
	arrived := make(chan struct{}, 2*n) // never blocks a handler, even when a check fails
	var release atomic.Pointer[chan struct{}]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-*release.Load()
		io.WriteString(w, balance)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL + "/api"))
	require.NoError(t, err)
	acct := c.Account(testAccountID, testTransferKey)

	for _, want := range []int{n, n + (n - kept)} {
		open := make(chan struct{})
		release.Store(&open)
		putIdle, rejected := callsHeldTogether(t, acct, n, arrived, open)
		assert.Equal(t, want, int(conns.Load()), "connections opened so far: the %d kept ones are reused", kept)
		assert.Equal(t, []int{kept, n - kept}, []int{putIdle, rejected}, "connections kept idle, closed")
	}
}

// callsHeldTogether makes n balance calls at once, lets the server answer
// once all n have arrived (open is closed then), and returns how many of
// their connections went back to the idle pool and how many were closed
// as the pool was full.
func callsHeldTogether(t *testing.T, acct *Account, n int, arrived, open chan struct{}) (putIdle, rejected int) {
	t.Helper()
	var kept, closed atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{PutIdleConn: func(err error) {
		if err == nil {
			kept.Add(1)
		} else {
			closed.Add(1)
		}
	}})
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := acct.Balance(ctx, &BalanceParams{Currency: "btc"})
			errs <- err
		}()
	}
	timeout := time.After(30 * time.Second)
	for i := range n {
		select {
		case <-arrived:
		case <-timeout:
			close(open)
			t.Fatalf("only %d of %d calls arrived", i, n)
		}
	}
	close(open)
	for range n {
		require.NoError(t, <-errs)
	}
	// A connection goes back to the pool just after its call has read
	// the answer: wait, bounded, until each of the n has been placed.
	for i := 0; i < 500 && int(kept.Load()+closed.Load()) < n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	return int(kept.Load()), int(closed.Load())
}

func checkConcurrentCalls(acct *Account, ap *AlphaPoClient, g int) error {
	ctx := context.Background()
	bal, err := acct.Balance(ctx, &BalanceParams{Currency: "btc"})
	if err != nil {
		return err
	}
	if len(bal.Balance) == 0 || bal.Balance[0].Currency != "btc" {
		return fmt.Errorf("goroutine %d: balance %+v", g, bal)
	}
	res, err := acct.Transfer(ctx, &TransferParams{
		Currency: "btc", Destinations: []Destination{{Address: fmt.Sprintf("addr%d", g), Amount: Units(int64(g + 1))}},
	})
	if err != nil {
		return err
	}
	if res.Amount.Cmp(NewAmount(10000)) != 0 {
		return fmt.Errorf("goroutine %d: transfer amount %s", g, res.Amount)
	}
	taken, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: fmt.Sprint(g), EndUserReference: fmt.Sprint(g)})
	if err != nil {
		return err
	}
	if taken.Address != "2NFZ9SmEm3mQ7jqVF4vPXBwCyn9KpmEwkTj" {
		return fmt.Errorf("goroutine %d: address %q", g, taken.Address)
	}
	return nil
}
