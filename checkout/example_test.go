package checkout_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/checkout"
)

func ExamplePaymentURI() {
	// The QR code of an Apirone invoice for 0.001 BTC...
	uri, err := checkout.PaymentURI(checkout.Request{
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
	uri, err = checkout.PaymentURI(checkout.Request{
		Currency: "USDTE",
		Address:  "0x8e23Ee67d1332aD560396262C48ffbB01f93d052",
		Amount:   amount,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(uri)

	// Tron has no standard payment URI: show the address and amount.
	_, err = checkout.PaymentURI(checkout.Request{Currency: "usdt@trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"})
	fmt.Println(errors.Is(err, cryptopay.ErrInvalidParams), err)
	// Output:
	// bitcoin:3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX?amount=0.001
	// ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=0x8e23Ee67d1332aD560396262C48ffbB01f93d052&uint256=25000000
	// true cryptopay: invalid parameters: currency: Tron has no standard payment URI: show the address and amount
}

func ExampleExplorers_TxURL() {
	explorers := checkout.DefaultExplorers()
	link, err := explorers.TxURL("usdt@trx", "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link)

	// Prefer another explorer for Bitcoin.
	explorers["btc"] = checkout.Explorer{
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
		label, err := checkout.NetworkLabel(currency)
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
