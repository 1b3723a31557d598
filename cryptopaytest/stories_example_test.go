package cryptopaytest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

// A Transfer failed with ErrOutcomeUnknown; settle.FindTransfer settles
// it from the history. The "apirone-transfer" story mocks that flow with
// httpmock from its own files: the history page lists the payment and its
// history item matches the transfer that was sent.
func ExampleFixture_findTransfer() {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	story := func(name string) httpmock.Responder {
		return httpmock.NewBytesResponder(http.StatusOK, cryptopaytest.Fixture("stories/apirone-transfer/"+name))
	}
	const acctID = "apr-e729d9982f079fa86b10a0e3aa6ff37b"
	const paymentID = "bdb0d053f899d923f7a9568a3d47b22e66bdb16745d474e49134a37ab6580bbe"
	history := cryptopay.ApironeBaseURL + "/v2/accounts/" + acctID + "/history"
	httpmock.RegisterResponder(http.MethodGet, history, story("account_history.json")) // any query
	httpmock.RegisterResponder(http.MethodGet, history+"/"+paymentID, story("history_item.json"))

	c, err := cryptopay.NewClient(cryptopay.WithHTTPClient(hc), cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		log.Fatal(err)
	}
	sent := &cryptopay.TransferParams{
		Currency:              "btc",
		Destinations:          []cryptopay.Destination{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: cryptopay.Units(10000)}},
		SubtractFeeFromAmount: true,
	}
	mark := settle.Mark{Time: time.Date(2024, 5, 1, 12, 59, 0, 0, time.UTC)} // settle.ReadMark's, read before Transfer
	item, err := settle.FindTransfer(context.Background(), c.Account(acctID, ""), sent, mark)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("made:", item.Txs[0][:16], item.Destinations[0].Amount, "satoshi after a fee of", item.Fee.Network.Amount)
	// Output:
	// made: 324fdbb1ec517c18 9507 satoshi after a fee of 493
}
