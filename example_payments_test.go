package cryptopay_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/cryptopay-go/cryptopay"
)

func ExampleInvoice_Remaining() {
	// An invoice for 25000 satoshi, as Account.Invoice returns it: two
	// payments have arrived so far.
	var inv cryptopay.Invoice
	err := json.Unmarshal([]byte(`{
		"invoice": "amr94MKUQCYAzR6c", "currency": "btc", "amount": 25000, "status": "partpaid",
		"history": [
			{"date": "2022-02-22T08:00:30.123456", "status": "created"},
			{"date": "2022-02-22T08:10:00.000001", "status": "partpaid", "txid": "d68a6806", "amount": 10000},
			{"date": "2022-02-22T08:12:00.000001", "status": "partpaid", "txid": "7975e90f", "amount": 5000}
		]}`), &inv)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("received", inv.Received().Decimal(8), "BTC")
	fmt.Println("remaining", inv.Remaining().Decimal(8), "BTC")
	fmt.Println("overpaid", inv.Overpaid())
	// Output:
	// received 0.00015000 BTC
	// remaining 0.00010000 BTC
	// overpaid 0
}
