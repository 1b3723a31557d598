package cryptopay_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cryptopay-go/cryptopay"
)

func ExampleNewAlphaPoClient_coinsPaidSandbox() {
	// The same API on CoinsPaid's test environment; CoinsPaidBaseURL is
	// production, and any other URL (a proxy, a cryptopaytest server) works too.
	ap, err := cryptopay.NewAlphaPoClient("sandbox-key", "sandbox-secret",
		cryptopay.WithBaseURL(cryptopay.CoinsPaidSandboxBaseURL))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ap)
	// Output: cryptopay.AlphaPoClient{https://app.sandbox.cryptoprocessing.com/api}
}

func ExampleAlphaPoClient_Balances() {
	// A stand-in for AlphaPo that checks the signature, so the example runs offline.
	signer := cryptopay.NewSigner("api-secret")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !signer.Verify(body, r.Header.Get("X-Processing-Signature")) {
			http.Error(w, `{"error":"Bad signature header","code":"bad_header_signature"}`, http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `{"data":[{"currency":"BTC","type":"crypto","balance":"0.04"},{"currency":"EUR","type":"fiat","balance":"10000"}]}`)
	}))
	defer srv.Close()

	ap, err := cryptopay.NewAlphaPoClient("api-key", "api-secret", cryptopay.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	balances, err := ap.Balances(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range balances {
		fmt.Println(b.Currency, b.Balance)
	}
	// Output:
	// BTC 0.04
	// EUR 10000
}

func ExampleAlphaPoClient_ExchangeFixed() {
	ap, _ := cryptopay.NewAlphaPoClient("api-key", "api-secret")
	ctx := context.Background()
	amount := cryptopay.MustDecimal("0.003")
	asked := &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount}
	quote, err := ap.CalculateExchange(ctx, asked)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s BTC buys %s EUR until %s\n", quote.SenderAmount, quote.ReceiverAmount, quote.ReleaseAt)
	// Exchange at that price, with the same amount, before the quote expires.
	ex, err := ap.ExchangeFixed(ctx, quote.FixedParams(asked, "exchange-77"))
	if err != nil {
		log.Fatal(err) // on ErrOutcomeUnknown, look "exchange-77" up with TransactionInfo first
	}
	fmt.Println(ex.ID, ex.Status)
}
