package cryptopay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

// The merchant's main job: a deposit address whose payments are reported
// to the shop's callback endpoint, which checks the shared secret, waits
// for a confirmation and credits the order once. cryptopaytest stands in
// for Apirone, the customer and the blockchain, so this runs offline.
func Example() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()

	// The shop's callback endpoint. In production the secret comes from your
	// configuration and credited is a table with a unique key.
	const callbackSecret = "a-long-random-secret"
	credited := map[string]bool{}
	mux := http.NewServeMux()
	mux.Handle("/apirone/payment", cryptopay.PaymentCallbackHandler(
		func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
			if cb.Confirmations < 1 {
				return errors.New("not confirmed yet") // 500: Apirone calls again on the next block
			}
			if !credited[cb.DedupeKey()] {
				credited[cb.DedupeKey()] = true
				fmt.Printf("shop: order %s paid %s satoshi\n", cb.Data["order"], cb.Value)
			}
			return nil // 200 *ok*: Apirone stops calling
		},
		cryptopay.WithCallbackSecret("secret", callbackSecret),
	))
	shop := httptest.NewServer(mux)
	defer shop.Close()

	c := srv.Client()                    // in production: cryptopay.NewClient()
	created, err := c.CreateAccount(ctx) // once; keep created.TransferKey secret
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)

	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{
			URL:  shop.URL + "/apirone/payment",
			Data: map[string]string{"order": "1042", "secret": callbackSecret},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	// The customer pays 150000 satoshi; the callback arrives unconfirmed.
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(150000)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("unconfirmed callback answered", dep.Deliveries[0].Status)
	// A block confirms it; the callback comes again and is acknowledged.
	mined, err := srv.Mine(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("confirmed callback answered", mined[0].Status, mined[0].Response)
	// Output:
	// unconfirmed callback answered 500
	// shop: order 1042 paid 150000 satoshi
	// confirmed callback answered 200 *ok*
}

// An invoice: a payment page for a fixed amount. Its callbacks carry only
// the invoice id and status, so the handler fetches the invoice and ships
// on InvoiceCompleted.
func ExampleAccount_CreateInvoice() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client() // in production: cryptopay.NewClient()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)

	const callbackSecret = "a-long-random-secret"
	shipped := map[string]bool{} // in production: a table with a unique key
	shop := httptest.NewServer(cryptopay.InvoiceCallbackHandler(
		func(ctx context.Context, cb *cryptopay.InvoiceCallback) error {
			inv, err := acct.Invoice(ctx, cb.Invoice) // the API's word, not the callback's
			if err != nil {
				return err // Apirone calls again
			}
			if inv.Status == cryptopay.InvoiceCompleted && !shipped[inv.ID] {
				shipped[inv.ID] = true
				fmt.Printf("shop: ship the order, %s satoshi received\n", inv.Amount)
			}
			return nil
		},
		cryptopay.WithCallbackSecret("secret", callbackSecret), // invoices carry it in the URL's query
	))
	defer shop.Close()

	inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{
		Currency:    "btc",
		Amount:      cryptopay.NewAmount(25000), // satoshi
		CallbackURL: shop.URL + "/apirone/invoice?secret=" + callbackSecret,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("invoice", inv.Status)

	// The payer sends the amount, confirmed: the invoice completes.
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{
		Address: inv.Address, Amount: cryptopay.NewAmount(25000), Confirmations: 1,
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// invoice created
	// shop: ship the order, 25000 satoshi received
}

// A payout whose answer is lost: the error matches ErrOutcomeUnknown, so
// the history is checked before anything is sent again.
func ExampleAccount_Transfer() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client() // in production: cryptopay.NewClient()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(500000), Confirmations: 1}); err != nil {
		log.Fatal(err)
	}
	// The transfer is made, but its answer never arrives.
	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})

	const payee = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"
	params := &cryptopay.TransferParams{
		Currency:     "btc",
		Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Units(100000)}}, // satoshi
		Fee:          cryptopay.FeeNormal,
	}
	// Read a mark before sending, and keep it with the payout.
	mark, err := settle.ReadMark(ctx, acct)
	if err != nil {
		log.Fatal(err) // nothing was sent
	}
	_, err = acct.Transfer(ctx, params)
	switch {
	case errors.Is(err, cryptopay.ErrOutcomeUnknown):
		// It may have gone out: look before sending anything again.
		item, err := settle.FindTransfer(ctx, acct, params, mark)
		switch {
		case errors.Is(err, cryptopay.ErrNotFound):
			fmt.Println("not made by Apirone so far: look again once no attempt can still be running, then resend")
		case err != nil:
			log.Fatal(err) // still unknown: look again later, do not resend
		default:
			fmt.Println("the transfer was made:", item.Total, "satoshi out, fee included")
		}
	case err != nil:
		log.Fatal(err) // refused: nothing was sent
	default:
		fmt.Println("sent")
	}
	// Output: the transfer was made: 100140 satoshi out, fee included
}

// An AlphaPo deposit: take an address for a customer, then credit the
// confirmed deposit its signed callback reports, once.
func ExampleAlphaPoClient_TakeAddress() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials() // your merchant key and secret in production

	v, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	if err != nil {
		log.Fatal(err)
	}
	credited := map[string]bool{}
	shop := httptest.NewServer(v.Handler(func(ctx context.Context, cb *cryptopay.AlphaPoTransaction) error {
		if cb.Status != cryptopay.AlphaPoStatusConfirmed || cb.CurrencyReceived == nil {
			return nil // not final yet: another callback follows
		}
		if !credited[cb.DedupeKey()] {
			credited[cb.DedupeKey()] = true
			fmt.Printf("shop: customer %s deposited %s %s\n", cb.CryptoAddress.ForeignID, cb.CurrencyReceived.Amount, cb.CurrencyReceived.Currency)
		}
		return nil
	}))
	defer shop.Close()
	srv.SetAlphaPoCallbackURL(shop.URL) // the dashboard's callback URL setting

	ap := srv.AlphaPoClient() // in production: cryptopay.NewAlphaPoClient(key, secret)
	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{
		Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17",
	})
	if err != nil {
		log.Fatal(err)
	}

	// The customer sends 0.01 BTC (a Decimal, in whole coins); a block confirms it.
	if _, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: addr.Address, Amount: cryptopay.MustDecimal("0.01")}); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.Mine(ctx, 1); err != nil {
		log.Fatal(err)
	}
	// Output: shop: customer customer-17 deposited 0.01000000 BTC
}

// An AlphaPo withdrawal whose answer is lost: look it up by its ForeignID
// before sending it again.
func ExampleAlphaPoClient_WithdrawCrypto() {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	ap := srv.AlphaPoClient() // in production: cryptopay.NewAlphaPoClient(key, secret)
	// Some BTC to pay out from: a confirmed deposit of 0.5 BTC, whose
	// callback goes to a server that just acknowledges it.
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer sink.Close()
	srv.SetAlphaPoCallbackURL(sink.URL)
	float, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "float", EndUserReference: "float"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: float.Address, Amount: cryptopay.MustDecimal("0.5"), Confirmations: 1}); err != nil {
		log.Fatal(err)
	}

	// The withdrawal is made, but its answer never arrives.
	srv.FailNext("POST /v2/withdrawal/crypto", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})

	// Store the ForeignID with the payout before sending it.
	params := &cryptopay.AlphaPoWithdrawParams{
		ForeignID:        "payout-1042",
		EndUserReference: "customer-17",
		Currency:         "BTC",
		Amount:           cryptopay.MustDecimal("0.0002"), // BTC
		Address:          "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	}
	_, err = ap.WithdrawCrypto(ctx, params)
	switch {
	case errors.Is(err, cryptopay.ErrOutcomeUnknown):
		tx, err := ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: params.ForeignID})
		if errors.Is(err, cryptopay.ErrNotFound) {
			fmt.Println("no such withdrawal: send it again with the same ForeignID")
			return
		}
		if err != nil {
			log.Fatal(err) // still unknown: look again later, do not resend
		}
		fmt.Println("the withdrawal exists:", tx.Type, tx.Status)
	case err != nil:
		log.Fatal(err) // refused: nothing was paid
	default:
		fmt.Println("accepted")
	}
	// Output: the withdrawal exists: withdrawal not_confirmed
}
