package settle_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

// A cron job that catches up on payments whose callbacks the shop missed.
// handlePayment is the function the callback handler calls too: it
// credits each payment once, by its DedupeKey, so it does not matter
// which path brings it, or how often. The cursor is saved after each run
// (here in a variable; a file or a database row in a real shop).
func ExampleReplay() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		panic(err)
	}
	acct := c.Account(created.Account, created.TransferKey)

	// 3 confirmations; a replayed payment: confirmed by the API and
	// received 90 minutes ago or more (ReplayAge). Now is the fake's
	// clock here; a shop leaves it nil (time.Now).
	policy := settle.ConfirmationPolicy{Now: srv.Now}
	credited := map[string]bool{} // the shop's database, keyed by DedupeKey
	handlePayment := func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if !policy.Enough(cb) {
			return cryptopay.ErrNotYet
		}
		if !credited[cb.DedupeKey()] {
			credited[cb.DedupeKey()] = true
			fmt.Printf("order %s: credited %s satoshi\n", cb.Data["order"], cb.Value)
		}
		return nil
	}
	// The shop serves cryptopay.PaymentCallbackHandler(handlePayment,
	// cryptopay.WithCallbackSecret("secret", "s3cret")) at its callback
	// URL, but it was down when the payments came.
	down := httptest.NewServer(nil)
	down.Close()
	for order, confirmations := range []int{0, 1} {
		addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
			URL: down.URL, Data: map[string]string{"order": fmt.Sprint(1042 + order), "secret": "s3cret"},
		}})
		if err != nil {
			panic(err)
		}
		if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(25000), Confirmations: confirmations}); err != nil {
			panic(err)
		}
	}

	var saved []byte // the cursor between runs
	for run := 1; run <= 2; run++ {
		fmt.Printf("run %d\n", run)
		if _, err := srv.Advance(ctx, 2*time.Hour); err != nil { // the cron job runs every two hours
			panic(err)
		}
		// The cron job.
		var cur settle.Cursor
		if err := cur.UnmarshalText(saved); err != nil { // nothing saved yet: from the beginning
			panic(err)
		}
		rep, err := settle.Replay(ctx, acct, cur, handlePayment, settle.WithSecretKeys("secret"))
		saved, _ = rep.Cursor.MarshalText() // save it even after an error: it covers what was delivered
		if err != nil {
			fmt.Println("will retry:", err)
		}
		fmt.Printf("delivered %d, deferred %d\n", rep.Delivered, len(rep.Deferred))
		if _, err := srv.Mine(ctx, 1); err != nil { // a block between runs confirms order 1042
			panic(err)
		}
	}
	// Output:
	// run 1
	// order 1043: credited 25000 satoshi
	// delivered 1, deferred 1
	// run 2
	// order 1042: credited 25000 satoshi
	// delivered 1, deferred 0
}

func ExampleConfirmationPolicy_Enough() {
	// Ship Bitcoin after 1 confirmation, anything on Tron after 20, the
	// rest after DefaultConfirmations (3). A replayed payment carries no
	// count: it ships once the API shows it confirmed and it is ReplayAge
	// old (30 minutes for Bitcoin at 1 confirmation).
	policy := settle.ConfirmationPolicy{PerCurrency: map[string]int64{"btc": 1, "trx": 20}}

	// In the function the PaymentCallbackHandler and Replay call:
	// ErrNotYet makes Apirone call again on the next block (a replay keeps
	// the payment for its next run); nil answers "*ok*" and ends the
	// callbacks.
	ship := func(cb *cryptopay.PaymentCallback) error {
		switch {
		case cb.Replayed && !policy.Enough(cb): // the history does not count confirmations
			return fmt.Errorf("%w: %s: replayed, not confirmed or younger than %s", cryptopay.ErrNotYet, cb.Currency, policy.ReplayAge(cb.Currency))
		case !policy.Enough(cb):
			return fmt.Errorf("%w: %s: %d of %d confirmations", cryptopay.ErrNotYet, cb.Currency, cb.Confirmations, policy.Required(cb.Currency))
		}
		return nil // ship the order here
	}
	received := func(ago time.Duration) time.Time { return time.Now().Add(-ago) }
	for _, cb := range []*cryptopay.PaymentCallback{
		{Currency: "btc", Confirmations: 0},
		{Currency: "btc", Confirmations: 1},
		{Currency: "usdt@trx", Confirmations: 15},
		{Currency: "ltc", Confirmations: 3},
		{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true, ReceivedAt: received(time.Hour)},
		{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true, ReceivedAt: received(10 * time.Minute)},
		{Currency: "btc", Confirmations: 0, Replayed: true, ReceivedAt: received(time.Hour)},
	} {
		fmt.Println(ship(cb))
	}
	// Output:
	// cryptopay: not yet: btc: 0 of 1 confirmations
	// <nil>
	// cryptopay: not yet: usdt@trx: 15 of 20 confirmations
	// <nil>
	// <nil>
	// cryptopay: not yet: btc: replayed, not confirmed or younger than 30m0s
	// cryptopay: not yet: btc: replayed, not confirmed or younger than 30m0s
}
