package cryptopay

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOneClientSharedBy100Goroutines runs Apirone and AlphaPo calls from
// 100 goroutines through one Client and one AlphaPoClient on the default
// *http.Client (run it with -race), checks every answer and every
// signature, and that no goroutine is left once the idle connections close.
func TestOneClientSharedBy100Goroutines(t *testing.T) {
	const goroutines, rounds = 100, 3
	baseline := runtime.NumGoroutine()
	var conns, badSignatures atomic.Int32
	balance, transfer, take := fixture(t, "apirone/account_balance.json"), fixture(t, "apirone/transfer.json"), fixture(t, "alphapo/take_address.json")
	signer := NewSigner(testAlphaSecret)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()

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
	assert.LessOrEqual(t, int(conns.Load()), goroutines+(rounds-1)*(goroutines-64),
		"idle connections are kept for reuse (Go's default keeps 2 per host)")

	defaultHTTPClient.CloseIdleConnections()
	srv.Close()
	assertGoroutinesBackTo(t, baseline)
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
