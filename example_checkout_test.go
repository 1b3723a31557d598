package cryptopay_test

import (
	"encoding/json"
	"errors"
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

func ExamplePaymentURI() {
	// The QR code of an Apirone invoice for 0.001 BTC...
	uri, err := cryptopay.PaymentURI(cryptopay.PaymentRequest{
		Currency: "btc",
		Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
		Amount:   cryptopay.NewAmount(100000), // satoshi
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(uri)

	// ...and of 25 USDT on Ethereum (AlphaPo's USDTE), an ERC-20 transfer.
	amount, err := cryptopay.MustDecimal("25").Units(6) // USDT has 6 decimals
	if err != nil {
		log.Fatal(err)
	}
	uri, err = cryptopay.PaymentURI(cryptopay.PaymentRequest{
		Currency: "USDTE",
		Address:  "0x8e23Ee67d1332aD560396262C48ffbB01f93d052",
		Amount:   amount,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(uri)

	// Tron has no standard payment URI: show the address and amount.
	_, err = cryptopay.PaymentURI(cryptopay.PaymentRequest{Currency: "usdt@trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"})
	fmt.Println(errors.Is(err, cryptopay.ErrInvalidParams), err)
	// Output:
	// bitcoin:3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX?amount=0.001
	// ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=0x8e23Ee67d1332aD560396262C48ffbB01f93d052&uint256=25000000
	// true cryptopay: invalid parameters: currency: Tron has no standard payment URI: show the address and amount
}

func ExampleExplorers_TxURL() {
	explorers := cryptopay.DefaultExplorers()
	link, err := explorers.TxURL("usdt@trx", "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link)

	// Prefer another explorer for Bitcoin.
	explorers["btc"] = cryptopay.Explorer{
		AddressPrefix: "https://mempool.space/address/",
		TxPrefix:      "https://mempool.space/tx/",
	}
	link, err = explorers.AddressURL("btc", "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link)
	// Output:
	// https://tronscan.org/#/transaction/d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de
	// https://mempool.space/address/3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX
}

func ExampleNetworkLabel() {
	for _, currency := range []string{"usdt@trx", "usdt@eth", "USDTT", "btc"} {
		label, err := cryptopay.NetworkLabel(currency)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(currency, "→", label)
	}
	// Output:
	// usdt@trx → USDT on Tron
	// usdt@eth → USDT on Ethereum
	// USDTT → USDT on Tron
	// btc → Bitcoin
}
