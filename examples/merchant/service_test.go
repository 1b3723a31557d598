package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

const payee = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"

// A payment callback delivered again, and many times at once, credits the
// order once.
func TestPaymentCreditedOnce(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		o := sh.order(t, MethodApironeAddress, "btc", "150000", "")
		d := deposit(t, srv, o.Address, 150000, 1)
		if !d.Deliveries[0].Acknowledged {
			t.Fatalf("callback not acknowledged: %d %q", d.Deliveries[0].Status, d.Deliveries[0].Response)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if status, body := redeliver(t, d.Deliveries[0]); status != 200 || body != "*ok*" {
					t.Errorf("repeat answered %d %q, want 200 *ok*", status, body)
				}
			}()
		}
		wg.Wait()
		if paid, status := sh.paid(t, o.ID); paid != "150000" || status != "paid" {
			t.Errorf("order: paid %s, %s; want 150000, paid", paid, status)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM credits WHERE order_id = ?`, o.ID); n != 1 {
			t.Errorf("%d credits, want 1", n)
		}
	})
}

// redeliver sends a delivery of the fake again, as the provider does when
// an answer is lost.
func redeliver(t *testing.T, d cryptopaytest.Delivery) (int, string) {
	req, err := http.NewRequest(d.Method, d.URL, strings.NewReader(d.Body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Two payments to one order add up; one without the confirmations the
// policy asks waits for them.
func TestPartialPaymentsAddUp(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		o := sh.order(t, MethodApironeAddress, "btc", "100000", "")
		if d := deposit(t, srv, o.Address, 60000, 0); d.Deliveries[0].Status != 500 {
			t.Errorf("unconfirmed payment answered %d, want 500 (call again)", d.Deliveries[0].Status)
		}
		if paid, status := sh.paid(t, o.ID); paid != "0" || status != "pending" {
			t.Errorf("after an unconfirmed payment: %s, %s; want 0, pending", paid, status)
		}
		mine(t, srv, 1)
		if paid, status := sh.paid(t, o.ID); paid != "60000" || status != "partpaid" {
			t.Errorf("after a block: %s, %s; want 60000, partpaid", paid, status)
		}
		deposit(t, srv, o.Address, 40000, 1)
		if paid, status := sh.paid(t, o.ID); paid != "100000" || status != "paid" {
			t.Errorf("after the second payment: %s, %s; want 100000, paid", paid, status)
		}
	})
}

// A callback without the secret, or naming a payment the API does not
// know, never reaches the credit.
func TestForgedCallbackRefused(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		o := sh.order(t, MethodApironeAddress, "btc", "1000", "")
		d := deposit(t, srv, o.Address, 500, 1)
		forged := d.Deliveries[0]
		forged.Body = strings.Replace(forged.Body, `"value":500`, `"value":1000`, 1)
		forged.Body = strings.Replace(forged.Body, d.TxID, strings.Repeat("ab", 32), 1)
		if status, _ := redeliver(t, forged); status != 403 {
			t.Errorf("forged transaction answered %d, want 403", status)
		}
		noSecret := d.Deliveries[0]
		noSecret.Body = strings.Replace(noSecret.Body, sh.CallbackSecret, "guess", 1)
		if status, _ := redeliver(t, noSecret); status != 403 {
			t.Errorf("wrong secret answered %d, want 403", status)
		}
		if paid, _ := sh.paid(t, o.ID); paid != "500" {
			t.Errorf("paid %s, want 500", paid)
		}
	})
}

// An invoice order is credited with what the invoice received, once it is
// completed, whatever the callbacks before.
func TestInvoiceOrder(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		o := sh.order(t, MethodApironeInvoice, "btc", "70000", "")
		if o.Invoice == "" || o.Address == "" {
			t.Fatalf("order without invoice: %+v", o)
		}
		deposit(t, srv, o.Address, 70000, 0)
		if paid, _ := sh.paid(t, o.ID); paid != "0" {
			t.Errorf("credited %s before the invoice completed", paid)
		}
		mine(t, srv, 2)
		if paid, status := sh.paid(t, o.ID); paid != "70000" || status != "paid" {
			t.Errorf("after completion: %s, %s; want 70000, paid", paid, status)
		}
	})
}

// A customer's AlphaPo orders share the customer's address; a deposit is
// remembered until confirmed and credited then, to the oldest open order.
func TestAlphaPoOrders(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		first := sh.order(t, MethodAlphaPo, "BTC", "20000", "customer-17")
		second := sh.order(t, MethodAlphaPo, "BTC", "30000", "customer-17")
		if first.Address != second.Address {
			t.Fatalf("one customer, two addresses: %s, %s", first.Address, second.Address)
		}
		if _, err := srv.AlphaPoDeposit(context.Background(), cryptopaytest.AlphaPoDepositParams{
			Address: first.Address, Amount: cryptopay.MustDecimal("0.0002")}); err != nil {
			t.Fatal(err)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM alphapo_pending`); n != 1 {
			t.Errorf("%d pending AlphaPo transactions, want 1", n)
		}
		mine(t, srv, 1)
		if paid, status := sh.paid(t, first.ID); paid != "20000" || status != "paid" {
			t.Errorf("first order: %s, %s; want 20000, paid", paid, status)
		}
		if paid, _ := sh.paid(t, second.ID); paid != "0" {
			t.Errorf("second order credited %s", paid)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM alphapo_pending`); n != 0 {
			t.Errorf("%d pending AlphaPo transactions after confirmation, want 0", n)
		}
	})
}

// Callbacks missed while the service was down are credited by the catch-up
// job under the default confirmation policy, once, even when the callbacks
// come again later; the cursor is saved.
func TestCatchUpCreditsMissedPayments(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh, down := setupDown(t, dsn)
		sh.Confirmations = settle.ConfirmationPolicy{Now: srv.Now} // the default, 3: a replay says "confirmed", not how often
		o := sh.order(t, MethodApironeAddress, "btc", "80000", "")
		inv := sh.order(t, MethodApironeInvoice, "btc", "90000", "")
		deposit(t, srv, o.Address, 80000, 1)
		deposit(t, srv, inv.Address, 90000, 1)
		mine(t, srv, 2)
		if paid, _ := sh.paid(t, o.ID); paid != "0" {
			t.Fatalf("credited %s while down", paid)
		}
		later(t, srv, 2*time.Hour) // down for two hours: old enough for a replay's credit
		ctx := context.Background()
		if ran, err := sh.CatchUp(ctx); !ran || err != nil {
			t.Fatalf("catch-up: ran %v, %v", ran, err)
		}
		for _, id := range []string{o.ID, inv.ID} {
			if _, status := sh.paid(t, id); status != "paid" {
				t.Errorf("order %s %s after catch-up, want paid", id, status)
			}
		}
		for _, name := range []string{cursorPayments, cursorInvoices} {
			if text, _ := sh.Store.loadCursor(ctx, name); len(text) == 0 {
				t.Errorf("cursor %s not saved", name)
			}
		}
		down.Store(false)
		mine(t, srv, 1) // the missed callbacks come again
		if _, err := sh.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if paid, _ := sh.paid(t, o.ID); paid != "80000" {
			t.Errorf("paid %s after the late callback and a second catch-up, want 80000", paid)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM credits`); n != 2 {
			t.Errorf("%d credits, want 2", n)
		}
	})
}

// An AlphaPo deposit seen unconfirmed, whose confirmation was missed, is
// rechecked by the catch-up job and credited.
func TestCatchUpRechecksAlphaPo(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh, down := setupDown(t, dsn)
		o := sh.order(t, MethodAlphaPo, "BTC", "30000", "customer-9")
		down.Store(false)
		if _, err := srv.AlphaPoDeposit(context.Background(), cryptopaytest.AlphaPoDepositParams{
			Address: o.Address, Amount: cryptopay.MustDecimal("0.0003")}); err != nil {
			t.Fatal(err)
		}
		down.Store(true)
		mine(t, srv, 1) // confirmed: that callback fails
		if paid, _ := sh.paid(t, o.ID); paid != "0" {
			t.Fatalf("credited %s while down", paid)
		}
		if _, err := sh.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if paid, status := sh.paid(t, o.ID); paid != "30000" || status != "paid" {
			t.Errorf("after catch-up: %s, %s; want 30000, paid", paid, status)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM alphapo_pending`); n != 0 {
			t.Errorf("%d pending AlphaPo transactions after catch-up, want 0", n)
		}
	})
}

// An event that can never be credited is parked, and the catch-up goes on
// past it.
func TestCatchUpParksPoisonEvents(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh, _ := setupDown(t, dsn)
		lost := sh.order(t, MethodApironeAddress, "btc", "1000", "")
		good := sh.order(t, MethodApironeAddress, "btc", "2000", "")
		deposit(t, srv, lost.Address, 1000, 1)
		deposit(t, srv, good.Address, 2000, 1)
		if _, err := sh.Store.db.Exec(sh.Store.q(`DELETE FROM orders WHERE id = ?`), lost.ID); err != nil {
			t.Fatal(err)
		}
		later(t, srv, time.Hour)
		if _, err := sh.CatchUp(context.Background()); err != nil {
			t.Fatalf("catch-up held by a poison event: %v", err)
		}
		if _, status := sh.paid(t, good.ID); status != "paid" {
			t.Errorf("the good order is %s, want paid", status)
		}
		if n := sh.count(t, `SELECT COUNT(*) FROM parked_events WHERE reason LIKE ?`, "%"+lost.ID+"%"); n != 1 {
			t.Errorf("%d parked events for the deleted order, want 1", n)
		}
	})
}

// A payout is sent once; one refused by the provider fails with nothing
// sent; running the job again sends nothing more.
func TestPayoutSentOnce(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		acct := fund(t, srv, sh, 200000)
		ctx := context.Background()
		ok, _ := sh.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "50000"})
		tooMuch, _ := sh.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "900000"})
		for range 3 {
			if _, err := sh.RunPayouts(ctx); err != nil {
				t.Fatal(err)
			}
		}
		expectPayout(t, sh, ok.ID, PayoutSent, 1)
		expectPayout(t, sh, tooMuch.ID, PayoutFailed, 1)
		if sent := payments(t, srv, acct, payee); len(sent) != 1 || sent["50000"] != 1 {
			t.Errorf("sent %v, want 50000 once", sent)
		}
	})
}

// A payout whose answer is lost after it was made is found by the lookup
// and settled, never sent again; one whose request failed before it was
// made is found missing and sent again, once.
func TestPayoutLostAnswer(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		acct := fund(t, srv, sh, 300000)
		ctx := context.Background()
		made, _ := sh.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "11000"})
		srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: 502, AfterEffect: true})
		if run, err := sh.RunPayouts(ctx); err != nil || run.Unknown != 1 || run.Settled != 1 {
			t.Fatalf("run: %+v, %v; want one unknown, settled", run, err)
		}
		expectPayout(t, sh, made.ID, PayoutSettled, 1)
		mine(t, srv, 1) // its change becomes spendable

		notMade, _ := sh.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "12000"})
		srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: 502})
		if run, err := sh.RunPayouts(ctx); err != nil || run.Unknown != 1 || run.Settled != 0 || run.Replanned != 1 {
			t.Fatalf("run: %+v, %v; want one unknown, planned again", run, err)
		}
		if run, err := sh.RunPayouts(ctx); err != nil || run.Sent != 1 {
			t.Fatalf("second run: %+v, %v; want it sent", run, err)
		}
		expectPayout(t, sh, notMade.ID, PayoutSent, 2)
		if sent := payments(t, srv, acct, payee); len(sent) != 2 || sent["11000"] != 1 || sent["12000"] != 1 {
			t.Errorf("sent %v, want 11000 and 12000 once each", sent)
		}
	})
}

// Within the grace period, "not found" after a lost answer is not final:
// the payout stays unknown and nothing is sent.
func TestPayoutNotFoundWithinGraceWaits(t *testing.T) {
	srv, sh := setup(t, sqliteDatabase(t))
	sh.PayoutLookupGrace = time.Hour
	acct := fund(t, srv, sh, 100000)
	ctx := context.Background()
	p, _ := sh.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "13000"})
	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: 502})
	for range 2 {
		if _, err := sh.RunPayouts(ctx); err != nil {
			t.Fatal(err)
		}
	}
	expectPayout(t, sh, p.ID, PayoutUnknown, 1)
	if sent := payments(t, srv, acct, payee); len(sent) != 0 {
		t.Errorf("sent %v, want nothing", sent)
	}
}

// An AlphaPo withdrawal whose answer is lost is found by its foreign_id.
func TestAlphaPoPayoutLostAnswer(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		srv, sh := setup(t, dsn)
		ctx := context.Background()
		o := sh.order(t, MethodAlphaPo, "BTC", "100000", "customer-1")
		if _, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
			Address: o.Address, Amount: cryptopay.MustDecimal("0.001"), Confirmations: 1}); err != nil {
			t.Fatal(err)
		}
		p, err := sh.PlanPayout(ctx, PayoutRequest{Provider: "alphapo", Currency: "BTC", Address: payee, Amount: "0.0004"})
		if err != nil {
			t.Fatal(err)
		}
		srv.FailNext("POST /v2/withdrawal/crypto", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})
		if run, err := sh.RunPayouts(ctx); err != nil || run.Unknown != 1 || run.Settled != 1 {
			t.Fatalf("run: %+v, %v; want one unknown, settled", run, err)
		}
		expectPayout(t, sh, p.ID, PayoutSettled, 1)
	})
}

// fund pays amount into a fresh address of the shop's account and returns
// the account.
func fund(t *testing.T, srv *cryptopaytest.Server, sh *shop, amount int64) account {
	t.Helper()
	o := sh.order(t, MethodApironeAddress, "btc", "1", "")
	deposit(t, srv, o.Address, amount, 1)
	mine(t, srv, 1)
	return account{id: sh.Account.ID()}
}

func expectPayout(t *testing.T, sh *shop, id, state string, attempts int) {
	t.Helper()
	p, err := sh.GetPayout(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != state || p.Attempts != attempts {
		t.Errorf("payout %s: %s after %d attempts (%s), want %s after %d", id, p.State, p.Attempts, p.LastError, state, attempts)
	}
}

// The health endpoint answers 200 while the database answers, 503 after.
func TestHealth(t *testing.T) {
	_, sh := setup(t, sqliteDatabase(t))
	if status := get(t, sh.http.URL+"/healthz", nil); status != 200 {
		t.Errorf("healthz: %d, want 200", status)
	}
	sh.Store.Close()
	if status := get(t, sh.http.URL+"/healthz", nil); status != 503 {
		t.Errorf("healthz with the database closed: %d, want 503", status)
	}
}
