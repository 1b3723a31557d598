package cryptopay_test

import (
	"context"
	"fmt"
	"log"

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
