package cryptopay_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// A cron job that catches up on payments whose callbacks the shop missed.
// handlePayment is the function the callback handler calls too: it
// credits each payment once, by its DedupeKey, so it does not matter
// which path brings it, or how often. The cursor is saved after each run
// (here in a variable; a file or a database row in a real shop).
func ExampleAccount_Replay() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		panic(err)
	}
	acct := c.Account(created.Account, created.TransferKey)

	credited := map[string]bool{} // the shop's database, keyed by DedupeKey
	handlePayment := func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Confirmations < 1 {
			return errors.New("not confirmed yet")
		}
		if !credited[cb.DedupeKey()] {
			credited[cb.DedupeKey()] = true
			fmt.Printf("order %s: credited %s satoshi\n", cb.Data["order"], cb.Value)
		}
		return nil
	}
	check := cryptopay.WithCallbackSecret("secret", "s3cret")
	// The shop serves cryptopay.PaymentCallbackHandler(handlePayment, check)
	// at its callback URL, but it was down when the payment came.
	down := httptest.NewServer(nil)
	down.Close()
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: &cryptopay.Callback{
		URL: down.URL, Data: map[string]string{"order": "1042", "secret": "s3cret"},
	}})
	if err != nil {
		panic(err)
	}
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(25000), Confirmations: 1}); err != nil {
		panic(err)
	}

	var saved []byte // the cursor between runs
	for run := 1; run <= 2; run++ {
		fmt.Printf("run %d\n", run)
		// The cron job.
		var cur cryptopay.ReplayCursor
		if err := cur.UnmarshalText(saved); err != nil { // nothing saved yet: from the beginning
			panic(err)
		}
		cur, err := acct.Replay(ctx, cur, handlePayment, check)
		saved, _ = cur.MarshalText() // save it even after an error: it covers what was delivered
		if err != nil {
			fmt.Println("will retry:", err)
		}
	}
	// Output:
	// run 1
	// order 1042: credited 25000 satoshi
	// run 2
}

// Rotating the shared secret of Apirone callbacks: the handler accepts
// the new secret and the old one, which addresses made before the
// rotation keep sending.
func ExampleWithCallbackSecret_rotation() {
	handler := cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		fmt.Printf("order %s, data keys %d\n", cb.Data["order"], len(cb.Data))
		return nil
	}, cryptopay.WithCallbackSecret("secret", "new-s3cret", "old-s3cret"))

	for _, secret := range []string{"new-s3cret", "old-s3cret", "wrong"} {
		body := `{"input_address":"bc1q...","input_transaction_hash":"ab12","confirmations":1,"value":1000,` +
			`"data":{"order":"7","secret":"` + secret + `"}}`
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/apirone/payment", strings.NewReader(body)))
		fmt.Println(secret, rec.Code)
	}
	// Output:
	// order 7, data keys 1
	// new-s3cret 200
	// order 7, data keys 1
	// old-s3cret 200
	// wrong 403
}

// One endpoint for the AlphaPo callbacks of several merchants (or of the
// old and the new key pair during a rotation): the function learns whose
// callback it is.
func ExampleAlphaPoCallbackVerifier_Add() {
	v, err := cryptopay.NewAlphaPoCallbackVerifier("merchant-a-key", "merchant-a-secret")
	if err != nil {
		panic(err)
	}
	if err := v.Add("merchant-b-key", "merchant-b-secret"); err != nil {
		panic(err)
	}
	merchants := map[string]string{"merchant-a-key": "Shop A", "merchant-b-key": "Shop B"}
	handler := v.Handler(func(ctx context.Context, tx *cryptopay.AlphaPoTransaction) error {
		fmt.Printf("%s: transaction %d %s\n", merchants[cryptopay.AlphaPoCallbackKey(ctx)], tx.ID, tx.Status)
		return nil
	})

	body := []byte(`{"id":42,"type":"deposit","status":"confirmed"}`)
	req := cryptopaytest.NewAlphaPoCallbackRequest("https://shop.example/alphapo", "merchant-b-key", "merchant-b-secret", body)
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// Shop B: transaction 42 confirmed
	// 200
}
