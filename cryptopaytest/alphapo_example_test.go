package cryptopaytest_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// A customer pays in and the shop pays out on AlphaPo: the shop's
// callback handler verifies each signed callback, the deposit is credited
// less AlphaPo's fee, the withdrawal is debited at once, and the next
// block confirms it. A deposit names its customer in
// crypto_address.foreign_id (the foreign_id given to TakeAddress), as
// AlphaPo sends it; a withdrawal carries its own foreign_id.
func ExampleServer_SetAlphaPoCallbackURL() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	ap := srv.AlphaPoClient()
	verifier, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	if err != nil {
		log.Fatal(err)
	}
	shop := httptest.NewServer(verifier.Handler(func(_ context.Context, cb *cryptopay.AlphaPoTransaction) error {
		switch cb.Type {
		case cryptopay.AlphaPoTxDeposit, cryptopay.AlphaPoTxDepositExchange:
			fmt.Println("shop:", cb.Type, "from", cb.CryptoAddress.ForeignID, cb.Status,
				cb.CurrencySent.Amount, "credited", cb.CurrencyReceived.AmountMinusFee)
		default:
			fmt.Println("shop:", cb.Type, cb.ForeignID, cb.Status, cb.CurrencySent.Amount)
		}
		return nil
	}))
	defer shop.Close()
	srv.SetAlphaPoCallbackURL(shop.URL)

	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "user-17"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: addr.Address, Amount: cryptopay.MustDecimal("0.01"), Confirmations: 1})
	if err != nil {
		log.Fatal(err)
	}
	_, err = ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{
		ForeignID: "payout-1", EndUserReference: "user-17", Currency: "BTC",
		Amount: cryptopay.MustDecimal("0.005"), Address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	})
	if err != nil {
		log.Fatal(err)
	}
	balances, err := ap.Balances(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(balances[0].Currency, balances[0].Balance, "(amount and 1 % fee debited)")
	if _, err := srv.Mine(ctx, 1); err != nil {
		log.Fatal(err)
	}
	// Output:
	// shop: deposit from customer-17 confirmed 0.01000000 credited 0.00990000
	// BTC 0.00485000 (amount and 1 % fee debited)
	// shop: withdrawal payout-1 confirmed 0.00500000
}
