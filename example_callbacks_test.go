package cryptopay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

func ExamplePaymentCallbackHandler() {
	credited := map[string]bool{} // in a real service: a table with a unique key
	h := cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Confirmations < 1 {
			return cryptopay.ErrNotYet // not "*ok*": Apirone calls again
		}
		if !credited[cb.DedupeKey()] {
			credited[cb.DedupeKey()] = true
			fmt.Printf("credit order %s: %s satoshi\n", cb.Data["order"], cb.Value)
		}
		return nil
	}, cryptopay.WithCallbackSecret("secret", "a-shared-secret"))

	// Apirone's deliveries, simulated: unconfirmed, confirmed, then a repeat.
	for _, conf := range []string{"0", "1", "2"} {
		body := `{"value":30000,"input_address":"2N5D","input_transaction_hash":"7975e9","currency":"btc",
			"confirmations":` + conf + `,"data":{"order":"1042","secret":"a-shared-secret"}}`
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/apirone", strings.NewReader(body)))
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 500 callback deferred
	// credit order 1042: 30000 satoshi
	// 200 *ok*
	// 200 *ok*
}

// A payment waits for two confirmations: the function returns ErrNotYet,
// wrapped with what it waits for, and the handler answers 500 so that
// Apirone calls again on the next block. It is no failure: the error
// handler does not hear of it, a logger logs it at debug level, and the
// observer reports it deferred.
func ExampleErrNotYet() {
	const required = 2
	h := cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Confirmations < required {
			return fmt.Errorf("order %s: %d of %d confirmations: %w", cb.Data["order"], cb.Confirmations, required, cryptopay.ErrNotYet)
		}
		fmt.Println("ship order", cb.Data["order"])
		return nil
	},
		cryptopay.WithCallbackSecret("secret", "a-shared-secret"),
		cryptopay.WithCallbackErrorHandler(func(r *http.Request, err error) { fmt.Println("failure:", err) }), // not called here
		cryptopay.WithCallbackObserver(func(r *http.Request, rep cryptopay.CallbackReport) { fmt.Println(rep.Status, rep.Outcome) }))

	for _, conf := range []string{"0", "1", "2"} {
		body := `{"value":30000,"input_address":"2N5D","input_transaction_hash":"7975e9","currency":"btc",
			"confirmations":` + conf + `,"data":{"order":"1042","secret":"a-shared-secret"}}`
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/apirone", strings.NewReader(body)))
	}
	// Output:
	// 500 deferred
	// 500 deferred
	// ship order 1042
	// 200 accepted
}

func ExampleAlphaPoCallbackVerifier_Handler() {
	v, err := cryptopay.NewAlphaPoCallbackVerifier("public-key", "secret-key")
	if err != nil {
		panic(err)
	}
	h := v.Handler(func(ctx context.Context, cb *cryptopay.AlphaPoTransaction) error {
		if cb.Type == cryptopay.AlphaPoTxDeposit && cb.Status == cryptopay.AlphaPoStatusConfirmed && cb.CurrencyReceived != nil {
			fmt.Println("deposit", cb.DedupeKey(), cb.CurrencyReceived.Amount, cb.CurrencyReceived.Currency)
		}
		return nil
	})

	body := []byte(`{"id":7,"type":"deposit","status":"confirmed","currency_received":{"currency":"BTC","amount":"0.01000000"}}`)
	req := httptest.NewRequest(http.MethodPost, "/alphapo", strings.NewReader(string(body)))
	req.Header.Set("X-Processing-Key", "public-key")
	req.Header.Set("X-Processing-Signature", cryptopay.NewSigner("secret-key").Sign(body)) // as AlphaPo signs it
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// deposit 7:confirmed 0.01000000 BTC
	// 200
}

func ExampleWithCallbackErrorHandler() {
	srv := cryptopaytest.NewServer() // Apirone, in memory
	defer srv.Close()
	ctx := context.Background()

	errLedgerDown := errors.New("ledger unavailable")
	down := true // the shop's database fails the first time
	h := cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if down {
			down = false
			return errLedgerDown
		}
		fmt.Printf("shop: order %s paid %s satoshi\n", cb.Data["order"], cb.Value)
		return nil
	},
		cryptopay.WithCallbackSecret("secret", "a-shared-secret"),
		cryptopay.WithCallbackErrorHandler(func(r *http.Request, err error) {
			switch { // r.URL may hold the secret: print r.URL.Path only
			case errors.Is(err, cryptopay.ErrCallbackUnverified):
				fmt.Println("forged callback refused at", r.URL.Path)
			case errors.Is(err, errLedgerDown):
				fmt.Println("not processed, Apirone calls again:", err)
			default:
				fmt.Println("refused:", err)
			}
		}))
	shop := httptest.NewServer(h)
	defer shop.Close()

	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{URL: shop.URL + "/apirone", Data: map[string]string{"order": "1042", "secret": "a-shared-secret"}},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Someone who knows the URL, not the secret.
	resp, err := http.Post(shop.URL+"/apirone", "application/json",
		strings.NewReader(`{"input_address":"`+addr.Address+`","value":100000000,"confirmations":6}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	// The real payment: its first callback fails, the next block brings it again.
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(150000), Confirmations: 1}); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.Mine(ctx, 1); err != nil {
		log.Fatal(err)
	}
	// Output:
	// forged callback refused at /apirone
	// not processed, Apirone calls again: cryptopay: callback not processed: ledger unavailable
	// shop: order 1042 paid 150000 satoshi
}
