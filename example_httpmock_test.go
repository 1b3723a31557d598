package cryptopay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// Testing with httpmock: activate the mock on the *http.Client you pass
// with WithHTTPClient, turn retries off, register the full URLs (base URL
// and route), and answer with the providers' reference bodies. A money
// call whose request meets no responder (or a responder's error) is
// ErrOutcomeUnknown even with one try: the mock fails it as a transport
// would after sending, so the SDK cannot know that nothing was sent.
func ExampleWithHTTPClient_httpmock() {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc) // not httpmock.Activate: the SDK does not use http.DefaultTransport
	defer httpmock.DeactivateAndReset()

	const acctID = "apr-e729d9982f079fa86b10a0e3aa6ff37b"
	httpmock.RegisterResponder(http.MethodGet, cryptopay.ApironeBaseURL+"/v2/accounts/"+acctID+"/balance",
		httpmock.NewBytesResponder(http.StatusOK, cryptopaytest.Fixture("apirone/account_balance.json")))
	httpmock.RegisterResponder(http.MethodPost, cryptopay.AlphaPoBaseURL+"/v2/addresses/take",
		httpmock.NewBytesResponder(http.StatusCreated, cryptopaytest.Fixture("alphapo/take_address.json")))

	opts := []cryptopay.Option{
		cryptopay.WithHTTPClient(hc),
		// One try: a missing responder fails at once instead of after real
		// backoff.
		cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}),
	}
	ctx := context.Background()

	c, err := cryptopay.NewClient(opts...)
	if err != nil {
		log.Fatal(err)
	}
	bal, err := c.Account(acctID, "").Balance(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range bal.Balance {
		fmt.Println(b.Currency, b.Available, "satoshi available") // minor units of btc
	}

	ap, err := cryptopay.NewAlphaPoClient("api-key", "api-secret", opts...)
	if err != nil {
		log.Fatal(err)
	}
	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(addr.Currency, addr.Address)

	// A Transfer is ErrOutcomeUnknown with one try, whether its request
	// meets no responder or one that fails as a broken connection would.
	transfer := func() error {
		_, err := c.Account(acctID, "transfer-key").Transfer(ctx, &cryptopay.TransferParams{
			Currency:     "btc",
			Destinations: []cryptopay.Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: cryptopay.Units(10000)}},
		})
		return err
	}
	fmt.Println("no responder, outcome unknown:", errors.Is(transfer(), cryptopay.ErrOutcomeUnknown))
	httpmock.RegisterResponder(http.MethodPost, cryptopay.ApironeBaseURL+"/v2/accounts/"+acctID+"/transfer",
		httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	fmt.Println("connection reset, outcome unknown:", errors.Is(transfer(), cryptopay.ErrOutcomeUnknown))
	fmt.Println(httpmock.GetTotalCallCount(), "calls answered by responders") // the transfer was tried once
	// Output:
	// btc 0 satoshi available
	// BTC 2NFZ9SmEm3mQ7jqVF4vPXBwCyn9KpmEwkTj
	// no responder, outcome unknown: true
	// connection reset, outcome unknown: true
	// 3 calls answered by responders
}
