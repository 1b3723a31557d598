package cryptopay_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/cryptopay-go/cryptopay"
)

func ExampleDecimal_Add() {
	// AlphaPo deposit amounts are Decimals in whole coins (BTC here).
	deposits := []cryptopay.Decimal{
		cryptopay.MustDecimal("0.00020000"),
		cryptopay.MustDecimal("0.015"),
		cryptopay.MustDecimal("0.10000000"),
	}
	var total cryptopay.Decimal // the zero value is 0
	for _, d := range deposits {
		total = total.Add(d)
	}
	fmt.Println(total, "BTC")
	order := cryptopay.MustDecimal("0.2")
	if total.Cmp(order) < 0 {
		fmt.Println(order.Sub(total), "BTC still due")
	}
	// Output:
	// 0.11520000 BTC
	// 0.08480000 BTC still due
}

func ExampleAmount_Decimal() {
	// Apirone amounts are Amounts in minor units: satoshi, wei, ...
	sat := cryptopay.NewAmount(150000)
	fmt.Println(sat, "satoshi =", sat.Decimal(8), "BTC")
	wei := cryptopay.MustAmount("123456789012345678901234")
	fmt.Println(wei, "wei =", wei.Decimal(18), "ETH")
	// Output:
	// 150000 satoshi = 0.00150000 BTC
	// 123456789012345678901234 wei = 123456.789012345678901234 ETH
}

func ExampleDecimal_Units() {
	// Has an AlphaPo deposit (BTC) covered an order priced in satoshi?
	deposit := cryptopay.MustDecimal("0.00150000")
	price := cryptopay.NewAmount(125000)
	paid, err := deposit.Units(8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(paid, "satoshi paid, change:", paid.Sub(price).Decimal(8), "BTC")

	// A value finer than the currency's minor unit is an error, not a rounding.
	_, err = cryptopay.MustDecimal("0.000000001").Units(8)
	fmt.Println(errors.Is(err, cryptopay.ErrInvalidParams), err)
	// Output:
	// 150000 satoshi paid, change: 0.00025000 BTC
	// true cryptopay: invalid parameters: amount: 0.000000001 has more than 8 decimal places
}
