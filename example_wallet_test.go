package cryptopay_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// A wallet is a one-currency account: the account calls, with no currency
// to give. This one runs on cryptopaytest, offline.
func ExampleClient_CreateWallet() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	created, err := c.CreateWallet(ctx, &cryptopay.CreateWalletParams{Currency: "btc"})
	if err != nil {
		log.Fatal(err)
	}
	w := c.Wallet(created.Wallet, created.TransferKey) // keep the transfer key secret
	addr, err := w.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{})
	if err != nil {
		log.Fatal(err)
	}
	// The customer pays 150000 satoshi, confirmed once.
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(150000), Confirmations: 1}); err != nil {
		log.Fatal(err)
	}
	bal, err := w.Balance(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.Currency, bal.Available, "satoshi available")
	// Output: btc 150000 satoshi available
}

// Pricing a checkout's fiat total in crypto, as Apirone's shop plugins do.
func ExampleAccount_ToCrypto() {
	// A stand-in for Apirone, so the example runs offline.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[{"currency":"btc","min":23764,"fee":0.15},{"currency":"ltc","err":"amount is too small"}]`)
	}))
	defer srv.Close()
	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	quotes, err := c.Account("apr-e729d9982f079fa86b10a0e3aa6ff37b", "").ToCrypto(context.Background(), &cryptopay.ToCryptoParams{
		Amount: cryptopay.MustDecimal("25.00"), Fiat: "usd", Currencies: []string{"btc", "ltc"}, WithFee: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, q := range quotes {
		if q.Err != "" {
			fmt.Println(q.Currency+":", q.Err)
			continue
		}
		fmt.Printf("%s: ask %s satoshi (fee %s usd)\n", q.Currency, q.Min, q.Fee)
	}
	// Output:
	// btc: ask 23764 satoshi (fee 0.15 usd)
	// ltc: amount is too small
}
