package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

// TestInstancesSharePostgres runs three instances of the service against one
// PostgreSQL database, as a shop behind a load balancer does: every callback
// goes to all three at once, twice; callbacks missed while the shop was down
// are caught up by two jobs started together, of which one does the work;
// one instance loses the answers of its payouts while the others run the
// payout job too. Each payment must be credited once, each payout sent once,
// and the saved cursors must cover what was credited.
func TestInstancesSharePostgres(t *testing.T) {
	if postgresDSN == "" {
		t.Skip(skipPostgres)
	}
	ctx := context.Background()
	dsn := postgresDatabase(t)
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	acct := newAccount(t, srv)
	fan := &fanout{}
	fanServer := httptest.NewServer(fan)
	defer fanServer.Close()
	srv.SetAlphaPoCallbackURL(fanServer.URL + "/callbacks/alphapo")

	lossy := &http.Client{Transport: loseAnswers{lost: func(r *http.Request) bool {
		return r.Method == http.MethodPost &&
			(strings.HasSuffix(r.URL.Path, "/transfer") || strings.HasSuffix(r.URL.Path, "/withdrawal/crypto"))
	}}}
	var shops [3]*shop
	for i := range shops {
		hc := (*http.Client)(nil)
		if i == 0 {
			hc = lossy // instance 0 never hears back from a payout
		}
		shops[i] = newShop(t, srv, openStore(t, dsn), acct, fanServer.URL, hc)
		fan.targets = append(fan.targets, shops[i].http.URL)
	}

	orders := payOrders(t, srv, fan, shops)
	later(t, srv, time.Hour) // the missed payments are old enough for a replay to credit them (ReplayAge)
	catchUpTogether(t, srv, shops[1], shops[2])
	fan.down.Store(false)
	mine(t, srv, 1) // the callbacks missed come again, to all three
	for _, o := range orders {
		if paid, status := shops[0].paid(t, o.ID); paid != o.Price || status != "paid" {
			t.Errorf("order %s (%s): paid %s of %s, %s; want exactly the price, paid", o.ID, o.Method, paid, o.Price, status)
		}
	}
	if n := shops[0].count(t, `SELECT COUNT(*) FROM credits`); n != len(orders) {
		t.Errorf("%d credits for %d payments", n, len(orders))
	}
	if n := shops[0].count(t, `SELECT COUNT(*) FROM parked_events`); n != 0 {
		t.Errorf("%d parked events, want none", n)
	}
	if fan.delivered.Load() < int64(6*len(orders)) {
		t.Errorf("only %d deliveries to instances for %d orders", fan.delivered.Load(), len(orders))
	}
	checkCursors(t, shops[2])

	payouts := payOutTogether(t, srv, shops)
	sent := payments(t, srv, acct, payee)
	for _, p := range payouts {
		got, err := shops[0].GetPayout(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != PayoutSent && got.State != PayoutSettled {
			t.Errorf("payout %s (%s %s) ended %s: %s", p.ID, p.Provider, p.Amount, got.State, got.LastError)
		}
		if p.Provider == "apirone" && sent[p.Amount] != 1 {
			t.Errorf("payout %s of %s sent %d times", p.ID, p.Amount, sent[p.Amount])
		}
	}
	if n := shops[0].count(t, `SELECT COUNT(*) FROM payouts WHERE state = ?`, PayoutSettled); n < 2 {
		t.Errorf("%d payouts settled by the lookup; want both answers instance 0 lost, and any it lost later", n)
	}
}

// payOrders creates orders through all three instances, by every method,
// and pays them: the first half while the shop is up, the rest while it is
// down (those callbacks fail; the fan-out is left down).
func payOrders(t *testing.T, srv *cryptopaytest.Server, fan *fanout, shops [3]*shop) []*Order {
	ctx := context.Background()
	methods := []string{MethodApironeAddress, MethodApironeInvoice, MethodAlphaPo}
	var orders []*Order
	for i := range 6 {
		method := methods[i%3]
		currency, price := "btc", strconv.Itoa(100000+1000*i)
		if method == MethodAlphaPo {
			currency = "BTC"
		}
		orders = append(orders, shops[i%3].order(t, method, currency, price, "customer-"+strconv.Itoa(i)))
	}
	for i, o := range orders {
		fan.down.Store(i >= 3)
		if o.Method != MethodAlphaPo {
			deposit(t, srv, o.Address, int64(100000+1000*i), 1)
			continue
		}
		sat, _ := strconv.ParseInt(o.Price, 10, 64)
		if _, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
			Address: o.Address, Amount: cryptopay.NewAmount(sat).Decimal(8)}); err != nil {
			t.Fatal(err)
		}
	}
	mine(t, srv, 2) // invoices complete, AlphaPo deposits confirm; the shop is down
	return orders
}

// catchUpTogether starts two catch-up jobs at the same moment; the first
// history read is slowed so that they overlap. Exactly one must run.
func catchUpTogether(t *testing.T, srv *cryptopaytest.Server, a, b *shop) {
	srv.FailNext("GET /v2/accounts/{account}/history", 1, cryptopaytest.Failure{Delay: time.Second})
	var ran atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, sh := range []*shop{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			did, err := sh.CatchUp(context.Background())
			if err != nil {
				t.Errorf("catch-up: %v", err)
			}
			if did {
				ran.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ran.Load() != 1 {
		t.Errorf("%d catch-up jobs ran, want exactly 1", ran.Load())
	}
}

// checkCursors replays from the saved cursors: everything credited is
// behind them, so nothing is handed over again.
func checkCursors(t *testing.T, sh *shop) {
	ctx := context.Background()
	text, err := sh.Store.loadCursor(ctx, cursorPayments)
	if err != nil || len(text) == 0 {
		t.Fatalf("payments cursor: %q, %v", text, err)
	}
	var cur settle.Cursor
	if err := cur.UnmarshalText(text); err != nil {
		t.Fatal(err)
	}
	var again []string
	if _, err := settle.Replay(ctx, sh.Account, cur, func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		again = append(again, cb.DedupeKey())
		return nil
	}, settle.WithSecretKeys(secretKey)); err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("the saved payments cursor hands over %d credited events again: %v", len(again), again)
	}
}

// payOutTogether plans payouts on every instance; instance 0 sends the
// first ones alone and loses every answer, then all three run the payout
// job at once, twice each, until no payout is left open.
func payOutTogether(t *testing.T, srv *cryptopaytest.Server, shops [3]*shop) []*Payout {
	ctx := context.Background()
	var payouts []*Payout
	plan := func(sh *shop, provider, amount string) {
		currency := map[string]string{"apirone": "btc", "alphapo": "BTC"}[provider]
		p, err := sh.PlanPayout(ctx, PayoutRequest{Provider: provider, Currency: currency, Address: payee, Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		payouts = append(payouts, p)
	}
	spare := srv.Client().Account(shops[0].Account.ID(), "")
	for range 6 { // the fake spends whole addresses: one per payout in a block
		a, err := spare.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
		if err != nil {
			t.Fatal(err)
		}
		deposit(t, srv, a.Address, 50000, 1)
	}
	plan(shops[0], "apirone", "10000")
	plan(shops[0], "alphapo", "0.0001")
	if run, err := shops[0].RunPayouts(ctx); err != nil || run.Unknown != 2 {
		t.Fatalf("instance 0: %+v, %v; want both answers lost", run, err)
	}
	for i := range 4 {
		plan(shops[i%3], "apirone", strconv.Itoa(11000+100*i))
	}
	for round := 0; round < 10 && open(t, shops[0]) > 0; round++ {
		var wg sync.WaitGroup
		for range 2 {
			for _, sh := range shops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := sh.RunPayouts(ctx); err != nil {
						t.Errorf("payout job: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		mine(t, srv, 1) // change becomes spendable
	}
	if n := open(t, shops[0]); n > 0 {
		t.Fatalf("%d payouts still open", n)
	}
	return payouts
}

func open(t *testing.T, sh *shop) int {
	return sh.count(t, `SELECT COUNT(*) FROM payouts WHERE state IN (?, ?, ?)`, PayoutPlanned, PayoutSending, PayoutUnknown)
}

// fanout is a load balancer gone wrong: it delivers each callback to every
// instance at once, twice, and answers with the first acknowledgement. While
// down it answers 503 and delivers nothing.
type fanout struct {
	targets   []string
	down      atomic.Bool
	delivered atomic.Int64
}

func (f *fanout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	type answer struct {
		status int
		body   []byte
	}
	answers := make(chan answer, 2*len(f.targets))
	for range 2 {
		for _, target := range f.targets {
			go func() {
				status, b, err := forward(r, target, body)
				if err != nil {
					status, b = 0, []byte(err.Error())
				}
				f.delivered.Add(1)
				answers <- answer{status, b}
			}()
		}
	}
	var first *answer
	for range 2 * len(f.targets) {
		a := <-answers
		if a.status == http.StatusOK && first == nil {
			first = &a
		}
	}
	if first == nil {
		http.Error(w, "no instance acknowledged", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(first.status)
	w.Write(first.body)
}

func forward(r *http.Request, target string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("forward: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
