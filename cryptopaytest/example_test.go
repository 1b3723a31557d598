package cryptopaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// A payment arrives, the shop's callback endpoint hears of it, and
// acknowledges it once it has a confirmation.
func Example() {
	srv := cryptopaytest.NewServer()
	defer srv.Close()

	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cb cryptopay.PaymentCallback
		if err := json.NewDecoder(r.Body).Decode(&cb); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Printf("shop: order %s paid %s satoshi, %d confirmations\n", cb.Data["order"], cb.Value, cb.Confirmations)
		if cb.Confirmations >= 1 {
			io.WriteString(w, "*ok*")
		}
	}))
	defer shop.Close()

	ctx := context.Background()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{URL: shop.URL, Data: map[string]string{"order": "1042"}},
	})
	if err != nil {
		log.Fatal(err)
	}

	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(150000)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("acknowledged:", dep.Deliveries[0].Acknowledged)
	mined, err := srv.Mine(ctx, 1) // one block: one more confirmation, the callback again
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("acknowledged:", mined[0].Acknowledged)

	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("available:", bal.Balance[0].Available)
	// Output:
	// shop: order 1042 paid 150000 satoshi, 0 confirmations
	// acknowledged: false
	// shop: order 1042 paid 150000 satoshi, 1 confirmations
	// acknowledged: true
	// available: 150000
}

func ExampleServer_FailNext() {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	created, err := c.CreateAccount(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)

	// One 502 on a GET: the client tries again and the call succeeds.
	srv.FailNext("GET /v2/accounts/{account}/balance", 1, cryptopaytest.Failure{Status: http.StatusBadGateway})
	_, err = acct.Balance(context.Background(), nil)
	fmt.Println(err)

	// One 502 on a POST: it may have taken effect, so it is not sent again.
	srv.FailNext("POST /v2/accounts/{account}/addresses", 1, cryptopaytest.Failure{Status: http.StatusBadGateway})
	_, err = acct.GenerateAddress(context.Background(), &cryptopay.GenerateAddressParams{Currency: "btc"})
	fmt.Println(errors.Is(err, cryptopay.ErrServer))
	// Output:
	// <nil>
	// true
}

// An invoice no one pays expires when the server's clock passes its
// expiry; Advance moves the clock and delivers the invoice's callback.
func ExampleServer_Advance() {
	srv := cryptopaytest.NewServer(cryptopaytest.WithTokenLifetime(5 * time.Minute))
	defer srv.Close()
	shop := httptest.NewServer(cryptopay.InvoiceCallbackHandler(func(ctx context.Context, cb *cryptopay.InvoiceCallback) error {
		fmt.Println("shop: invoice is", cb.Status)
		return nil
	}))
	defer shop.Close()

	ctx := context.Background()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{
		Currency: "btc", Amount: cryptopay.NewAmount(25000), Lifetime: 15 * time.Minute, CallbackURL: shop.URL,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := acct.Login(ctx); err != nil { // tokens that live 5 minutes on the server's clock
		log.Fatal(err)
	}

	if _, err := srv.Advance(ctx, 15*time.Minute); err != nil {
		log.Fatal(err)
	}
	got, err := acct.Invoice(ctx, inv.ID) // the token has expired: the client renews it
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", got.Status, "final:", got.Status.IsFinal())
	// Output:
	// shop: invoice is expired
	// status: expired final: true
}
