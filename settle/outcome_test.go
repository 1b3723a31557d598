package settle_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

var (
	deadline = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	onTime   = deadline.Add(-time.Hour)
	late     = deadline.Add(time.Second)
)

// sat is a confirmed BTC payment of n satoshi, on time.
func sat(id string, n int64) settle.Payment[cryptopay.Amount] {
	return settle.Payment[cryptopay.Amount]{ID: id, Currency: "btc", Amount: cryptopay.NewAmount(n), At: onTime, Confirmed: true}
}

func at(p settle.Payment[cryptopay.Amount], t time.Time) settle.Payment[cryptopay.Amount] {
	p.At = t
	return p
}

func in(p settle.Payment[cryptopay.Amount], currency string) settle.Payment[cryptopay.Amount] {
	p.Currency = currency
	return p
}

func unconfirmed(p settle.Payment[cryptopay.Amount]) settle.Payment[cryptopay.Amount] {
	p.Confirmed = false
	return p
}

// An order for 150000 satoshi, due at deadline, judged on what arrived.
func TestExpectedEvaluateAmounts(t *testing.T) {
	type payments = []settle.Payment[cryptopay.Amount]
	tests := []struct {
		name      string
		tolerance int64
		count     bool // CountUnconfirmed
		payments  payments
		status    settle.OutcomeStatus
		received  int64
		remaining int64
		excess    int64
		late      int // how many listed
		wrong     int
		pending   int // Unconfirmed
	}{
		{name: "nothing arrived", status: settle.OutcomeUnderpaid, remaining: 150000},
		{name: "exact", payments: payments{sat("a", 150000)}, status: settle.OutcomePaid, received: 150000},
		{name: "one satoshi short", payments: payments{sat("a", 149999)}, status: settle.OutcomeUnderpaid, received: 149999, remaining: 1},
		{name: "one satoshi over", payments: payments{sat("a", 150001)}, status: settle.OutcomeOverpaid, received: 150001, excess: 1},
		{name: "in two parts", payments: payments{sat("a", 100000), sat("b", 50000)}, status: settle.OutcomePaid, received: 150000},

		// Tolerance 100 applies both ways, and the exact difference is still reported.
		{name: "short by the tolerance", tolerance: 100, payments: payments{sat("a", 149900)}, status: settle.OutcomePaid, received: 149900, remaining: 100},
		{name: "short by the tolerance and one", tolerance: 100, payments: payments{sat("a", 149899)}, status: settle.OutcomeUnderpaid, received: 149899, remaining: 101},
		{name: "over by the tolerance", tolerance: 100, payments: payments{sat("a", 150100)}, status: settle.OutcomePaid, received: 150100, excess: 100},
		{name: "over by the tolerance and one", tolerance: 100, payments: payments{sat("a", 150101)}, status: settle.OutcomeOverpaid, received: 150101, excess: 101},
		{name: "negative tolerance counts as zero", tolerance: -100, payments: payments{sat("a", 150000)}, status: settle.OutcomePaid, received: 150000},

		// The deadline.
		{name: "exactly at the deadline is on time", payments: payments{at(sat("a", 150000), deadline)}, status: settle.OutcomePaid, received: 150000},
		{name: "zero time is on time", payments: payments{at(sat("a", 150000), time.Time{})}, status: settle.OutcomePaid, received: 150000},
		{name: "one second late", payments: payments{at(sat("a", 150000), late)}, status: settle.OutcomeLate, received: 150000, late: 1},
		{name: "part on time, rest late", payments: payments{sat("a", 100000), at(sat("b", 50000), late)}, status: settle.OutcomeLate, received: 150000, late: 1},
		{name: "late and still short", payments: payments{sat("a", 100000), at(sat("b", 40000), late)}, status: settle.OutcomeUnderpaid, received: 140000, remaining: 10000, late: 1},
		{name: "late and over", payments: payments{sat("a", 100000), at(sat("b", 60000), late)}, status: settle.OutcomeLate, received: 160000, excess: 10000, late: 1},
		{name: "paid on time, more came late", payments: payments{sat("a", 150000), at(sat("b", 1000), late)}, status: settle.OutcomeOverpaid, received: 151000, excess: 1000, late: 1},
		{name: "late part within tolerance of on-time", tolerance: 100, payments: payments{sat("a", 149950), at(sat("b", 50), late)}, status: settle.OutcomePaid, received: 150000, late: 1},

		// Other currencies are never counted.
		{name: "currency case is ignored", payments: payments{in(sat("a", 150000), "BTC")}, status: settle.OutcomePaid, received: 150000},
		{name: "only another coin", payments: payments{in(sat("a", 150000), "ltc")}, status: settle.OutcomeWrongCurrency, remaining: 150000, wrong: 1},
		{name: "testnet coin is another coin", payments: payments{in(sat("a", 150000), "tbtc")}, status: settle.OutcomeWrongCurrency, remaining: 150000, wrong: 1},
		{name: "part in another coin", payments: payments{sat("a", 100000), in(sat("b", 50000), "ltc")}, status: settle.OutcomeWrongCurrency, received: 100000, remaining: 50000, wrong: 1},
		{name: "paid, and another coin too", payments: payments{sat("a", 150000), in(sat("b", 50000), "ltc")}, status: settle.OutcomePaid, received: 150000, wrong: 1},
		{name: "late beats wrong currency", payments: payments{at(sat("a", 150000), late), in(sat("b", 1), "ltc")}, status: settle.OutcomeLate, received: 150000, late: 1, wrong: 1},

		// Unconfirmed payments: the caller decides.
		{name: "unconfirmed not counted", payments: payments{unconfirmed(sat("a", 150000))}, status: settle.OutcomeUnderpaid, remaining: 150000, pending: 1},
		{name: "unconfirmed counted when asked", count: true, payments: payments{unconfirmed(sat("a", 150000))}, status: settle.OutcomePaid, received: 150000},
		{name: "unconfirmed other coin is listed as unconfirmed", payments: payments{unconfirmed(in(sat("a", 1), "ltc"))}, status: settle.OutcomeUnderpaid, remaining: 150000, pending: 1},

		// The same payment reported more than once counts once.
		{name: "repeat callback", payments: payments{sat("a", 100000), sat("a", 100000)}, status: settle.OutcomeUnderpaid, received: 100000, remaining: 50000},
		{name: "unconfirmed then confirmed", payments: payments{unconfirmed(sat("a", 150000)), sat("a", 150000)}, status: settle.OutcomePaid, received: 150000},
		{name: "confirmed then a stale unconfirmed", payments: payments{sat("a", 150000), unconfirmed(sat("a", 150000))}, status: settle.OutcomePaid, received: 150000},
		{name: "no ID: each counts", payments: payments{sat("", 75000), sat("", 75000)}, status: settle.OutcomePaid, received: 150000},

		// Money out is not a payment.
		{name: "negative and zero skipped", payments: payments{sat("a", -150000), sat("b", 0), sat("c", 150000)}, status: settle.OutcomePaid, received: 150000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp := settle.Expected[cryptopay.Amount]{
				Currency: "btc", Amount: cryptopay.NewAmount(150000), Tolerance: cryptopay.NewAmount(tt.tolerance),
				Deadline: deadline, CountUnconfirmed: tt.count,
			}
			out := evaluate(t, exp, tt.payments...)
			assert.Equal(t, tt.status, out.Status, "status")
			assert.Equal(t, cryptopay.NewAmount(tt.received), out.Received, "received")
			assert.Equal(t, cryptopay.NewAmount(tt.remaining), out.Remaining, "remaining")
			assert.Equal(t, cryptopay.NewAmount(tt.excess), out.Excess, "excess")
			assert.Len(t, out.Late, tt.late, "late")
			assert.Len(t, out.WrongCurrency, tt.wrong, "wrong currency")
			assert.Len(t, out.Unconfirmed, tt.pending, "unconfirmed")
		})
	}
}

// Without a deadline nothing is late.
func TestExpectedEvaluateNoDeadline(t *testing.T) {
	exp := settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(150000)}
	out := evaluate(t, exp, at(sat("a", 150000), late.Add(1000*time.Hour)))
	assert.Equal(t, settle.OutcomePaid, out.Status)
	assert.Empty(t, out.Late)
}

// Wei amounts beyond int64, to the last wei.
func TestExpectedEvaluateBeyondInt64(t *testing.T) {
	price := cryptopay.MustAmount("123456789012345678901234") // 123456.789... ETH
	wei := func(id, n string) settle.Payment[cryptopay.Amount] {
		return settle.Payment[cryptopay.Amount]{ID: id, Currency: "eth", Amount: cryptopay.MustAmount(n), Confirmed: true}
	}
	exp := settle.Expected[cryptopay.Amount]{Currency: "eth", Amount: price}

	out := evaluate(t, exp, wei("a", "100000000000000000000000"), wei("b", "23456789012345678901233"))
	assert.Equal(t, settle.OutcomeUnderpaid, out.Status)
	assert.Equal(t, "1", out.Remaining.String())

	out = evaluate(t, exp, wei("a", "100000000000000000000000"), wei("b", "23456789012345678901234"))
	assert.Equal(t, settle.OutcomePaid, out.Status)
	assert.Equal(t, price, out.Received)

	out = evaluate(t, exp, wei("a", "9223372036854775807"), wei("b", "123456789012345678901234"))
	assert.Equal(t, settle.OutcomeOverpaid, out.Status)
	assert.Equal(t, "9223372036854775807", out.Excess.String())

	exp.Tolerance = cryptopay.MustAmount("10000000000000000000") // 10 ETH, beyond int64 too
	out = evaluate(t, exp, wei("a", "123446789012345678901234"))
	assert.Equal(t, settle.OutcomePaid, out.Status)
	assert.Equal(t, "10000000000000000000", out.Remaining.String())
}

// AlphaPo deposits in whole coins, decoded from callback bodies.
func TestExpectedEvaluateAlphaPo(t *testing.T) {
	decode := func(t *testing.T, body string) *cryptopay.AlphaPoTransaction {
		t.Helper()
		tx := new(cryptopay.AlphaPoTransaction)
		require.NoError(t, json.Unmarshal([]byte(body), tx))
		return tx
	}
	d := cryptopay.MustDecimal
	deposit := `{"id":1,"type":"deposit","status":"confirmed",
		"crypto_address":{"id":1,"currency":"BTC","address":"39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ","tag":null},
		"currency_sent":{"currency":"BTC","amount":"0.00150000"},
		"currency_received":{"currency":"BTC","amount":"0.00150000","amount_minus_fee":"0.00140000"}}`
	// The published deposit_exchange callback: BTC converted to USD.
	exchange := `{"id":3576,"type":"deposit_exchange","status":"confirmed",
		"crypto_address":{"id":7419,"currency":"BTC","convert_to":"USD","address":"2N1QTWoPZ6Z7rQue3KS5YAMUQhKabrN4nHn","tag":null,"foreign_id":"test"},
		"currency_sent":{"currency":"BTC","amount":"0.00100000"},
		"currency_received":{"currency":"USD","amount":"11.40406820","amount_minus_fee":"10.81135268"}}`
	// ETH sent to a USDC address: AlphaPo flags it and credits ETH.
	cross := `{"id":7,"type":"deposit","status":"confirmed",
		"crypto_address":{"id":9,"currency":"USDC","address":"0xd61180ff0cf74dc3ee8e264751f18c47060729b9","tag":null,"cross_currency":true},
		"currency_sent":{"currency":"ETH","amount":"0.01000000"},
		"currency_received":{"currency":"ETH","amount":"0.01000000","amount_minus_fee":"0.00939500"}}`

	tests := []struct {
		name      string
		expected  settle.Expected[cryptopay.Decimal]
		body      string
		received  bool // judge currency_received rather than currency_sent
		status    settle.OutcomeStatus
		remaining string
		excess    string
	}{
		{name: "deposit in full, trailing zeros", body: deposit,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "btc", Amount: d("0.0015")},
			status:   settle.OutcomePaid, remaining: "0", excess: "0"},
		{name: "AlphaPo's fee is not the customer's shortfall", body: deposit, received: true,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: d("0.0015")},
			status:   settle.OutcomePaid, remaining: "0", excess: "0"},
		{name: "deposit short by one unit of the eighth place", body: deposit,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: d("0.00150001")},
			status:   settle.OutcomeUnderpaid, remaining: "0.00000001", excess: "0"},
		{name: "price in satoshi, converted exactly", body: deposit,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: cryptopay.NewAmount(140000).Decimal(8)},
			status:   settle.OutcomeOverpaid, remaining: "0", excess: "0.00010000"},
		{name: "conversion judged in the coin sent", body: exchange,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: d("0.001")},
			status:   settle.OutcomePaid, remaining: "0", excess: "0"},
		{name: "conversion judged in the currency credited", body: exchange, received: true,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "USD", Amount: d("11.41"), Tolerance: d("0.01")},
			status:   settle.OutcomePaid, remaining: "0.00593180", excess: "0"},
		{name: "conversion short beyond tolerance", body: exchange, received: true,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "USD", Amount: d("11.42"), Tolerance: d("0.01")},
			status:   settle.OutcomeUnderpaid, remaining: "0.01593180", excess: "0"},
		{name: "conversion judged in the wrong side's currency", body: exchange,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "USD", Amount: d("11.40")},
			status:   settle.OutcomeWrongCurrency, remaining: "11.40", excess: "0"},
		{name: "cross-currency deposit", body: cross,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "USDC", Amount: d("25")},
			status:   settle.OutcomeWrongCurrency, remaining: "25", excess: "0"},
		{name: "cross-currency deposit, credited side", body: cross, received: true,
			expected: settle.Expected[cryptopay.Decimal]{Currency: "USDC", Amount: d("25")},
			status:   settle.OutcomeWrongCurrency, remaining: "25", excess: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := decode(t, tt.body)
			from := settle.PaymentFromAlphaPo
			if tt.received {
				from = settle.ReceivedPaymentFromAlphaPo
			}
			p, ok := from(tx, onTime)
			require.True(t, ok)
			out := evaluate(t, tt.expected, p)
			assert.Equal(t, tt.status, out.Status)
			assert.Equal(t, tt.remaining, out.Remaining.String(), "remaining")
			assert.Equal(t, tt.excess, out.Excess.String(), "excess")
		})
	}

	t.Run("the decoder keeps cross_currency", func(t *testing.T) {
		assert.True(t, decode(t, cross).CryptoAddress.CrossCurrency)
		assert.False(t, decode(t, deposit).CryptoAddress.CrossCurrency)
		for _, v := range []string{`"true"`, `1`, `"1"`} {
			tx := decode(t, `{"id":1,"status":"confirmed","crypto_address":{"cross_currency":`+v+`}}`)
			assert.True(t, tx.CryptoAddress.CrossCurrency, v)
		}
		for _, v := range []string{`false`, `"false"`, `0`, `null`, `""`} {
			tx := decode(t, `{"id":1,"status":"confirmed","crypto_address":{"cross_currency":`+v+`}}`)
			assert.False(t, tx.CryptoAddress.CrossCurrency, v)
		}
		err := json.Unmarshal([]byte(`{"crypto_address":{"cross_currency":"yes"}}`), new(cryptopay.AlphaPoTransaction))
		assert.Error(t, err)
	})

	t.Run("a deposit reported unconfirmed, then confirmed, counts once", func(t *testing.T) {
		first := decode(t, deposit)
		first.Status = cryptopay.AlphaPoStatusNotConfirmed
		p1, ok1 := settle.PaymentFromAlphaPo(first, onTime)
		p2, ok2 := settle.PaymentFromAlphaPo(decode(t, deposit), onTime)
		require.True(t, ok1 && ok2)
		exp := settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: d("0.0015")}

		out := evaluate(t, exp, p1)
		assert.Equal(t, settle.OutcomeUnderpaid, out.Status)
		assert.Len(t, out.Unconfirmed, 1)

		out = evaluate(t, exp, p1, p2)
		assert.Equal(t, settle.OutcomePaid, out.Status)
		assert.Equal(t, "0.00150000", out.Received.String())
	})

	t.Run("what is not money received", func(t *testing.T) {
		for _, change := range []func(*cryptopay.AlphaPoTransaction){
			func(tx *cryptopay.AlphaPoTransaction) { tx.Status = cryptopay.AlphaPoStatusCancelled }, // e.g. below the minimum
			func(tx *cryptopay.AlphaPoTransaction) { tx.Status = cryptopay.AlphaPoStatusDeclined },
			func(tx *cryptopay.AlphaPoTransaction) { tx.Status = cryptopay.AlphaPoStatusFailed },
			func(tx *cryptopay.AlphaPoTransaction) { tx.Type = cryptopay.AlphaPoTxWithdrawal },
			func(tx *cryptopay.AlphaPoTransaction) { tx.Type = cryptopay.AlphaPoTxInvoice },
			func(tx *cryptopay.AlphaPoTransaction) { tx.CurrencySent, tx.CurrencyReceived = nil, nil },
		} {
			tx := decode(t, deposit)
			change(tx)
			_, ok := settle.PaymentFromAlphaPo(tx, onTime)
			assert.False(t, ok, "%+v", tx)
			_, ok = settle.ReceivedPaymentFromAlphaPo(tx, onTime)
			assert.False(t, ok, "%+v", tx)
		}
	})
}

// The Apirone constructors: what each source says, and receipts only.
func TestPaymentFromApirone(t *testing.T) {
	cb := &cryptopay.PaymentCallback{
		Value: cryptopay.NewAmount(150000), InputAddress: "bc1qaddr", Currency: "btc",
		InputTransactionHash: "tx1", Payment: "item1",
	}
	assert.Equal(t, settle.Payment[cryptopay.Amount]{ID: "tx1", Currency: "btc", Amount: cryptopay.NewAmount(150000), At: onTime},
		settle.PaymentFromCallback(cb, onTime), "0 confirmations")
	cb.Confirmations = 1
	assert.True(t, settle.PaymentFromCallback(cb, onTime).Confirmed, "1 confirmation")

	receipt := cryptopay.HistoryEntry{ID: "r1", Date: cryptopay.Time{Time: onTime}, Type: cryptopay.ItemReceipt,
		Currency: "btc", IsConfirmed: true, Amount: cryptopay.NewAmount(20000)}
	p, ok := settle.PaymentFromHistoryEntry(receipt)
	assert.True(t, ok)
	assert.Equal(t, settle.Payment[cryptopay.Amount]{ID: "r1", Currency: "btc", Amount: cryptopay.NewAmount(20000), At: onTime, Confirmed: true}, p)
	sent := receipt
	sent.Type, sent.Amount = cryptopay.ItemPayment, cryptopay.NewAmount(-10000)
	_, ok = settle.PaymentFromHistoryEntry(sent)
	assert.False(t, ok, "a payment out")

	item := &cryptopay.HistoryItem{ID: "r2", Created: cryptopay.Time{Time: late}, Type: cryptopay.ItemReceipt,
		Currency: "btc", Amount: cryptopay.NewAmount(5)}
	p, ok = settle.PaymentFromHistoryItem(item, true)
	assert.True(t, ok)
	assert.Equal(t, settle.Payment[cryptopay.Amount]{ID: "r2", Currency: "btc", Amount: cryptopay.NewAmount(5), At: late, Confirmed: true}, p)
	item.Type = cryptopay.ItemPayment // history items give payments out as positive amounts
	_, ok = settle.PaymentFromHistoryItem(item, true)
	assert.False(t, ok, "a payment out")
}

// evaluate is e.Evaluate(payments...), which must accept e.
func evaluate[T settle.Money[T]](t *testing.T, e settle.Expected[T], payments ...settle.Payment[T]) settle.Outcome[T] {
	t.Helper()
	out, err := e.Evaluate(payments...)
	require.NoError(t, err)
	return out
}

func ExampleExpected_Evaluate() {
	due := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	order := settle.Expected[cryptopay.Amount]{
		Currency:  "btc",
		Amount:    cryptopay.NewAmount(150000), // satoshi
		Tolerance: cryptopay.NewAmount(100),
		Deadline:  due,
	}
	// What the order's address received: two Apirone callbacks, stored with
	// the time they arrived, one of them repeated as it confirmed.
	first := &cryptopay.PaymentCallback{Currency: "btc", Value: cryptopay.NewAmount(100000), InputTransactionHash: "a1"}
	second := &cryptopay.PaymentCallback{Currency: "btc", Value: cryptopay.NewAmount(49950), InputTransactionHash: "b2", Confirmations: 1}
	seen := []settle.Payment[cryptopay.Amount]{
		settle.PaymentFromCallback(first, due.Add(-time.Hour)), // 0 confirmations
		settle.PaymentFromCallback(second, due.Add(-time.Minute)),
	}
	out, err := order.Evaluate(seen...)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Status, "- waiting for", out.Unconfirmed[0].ID)

	first.Confirmations = 1
	seen = append(seen, settle.PaymentFromCallback(first, due.Add(-time.Hour)))
	out, err = order.Evaluate(seen...)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Status, out.Received, "satoshi, short by", out.Remaining)

	// A third payment after the deadline makes it overpaid.
	third := &cryptopay.PaymentCallback{Currency: "btc", Value: cryptopay.NewAmount(1000), InputTransactionHash: "c3", Confirmations: 1}
	out, err = order.Evaluate(append(seen, settle.PaymentFromCallback(third, due.Add(time.Hour)))...)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Status, "by", out.Excess, "satoshi, late:", len(out.Late))
	// Output:
	// underpaid - waiting for a1
	// paid 149950 satoshi, short by 50
	// overpaid by 950 satoshi, late: 1
}

func ExampleReceivedPaymentFromAlphaPo() {
	// An AlphaPo deposit to a BTC address taken with ConvertTo "USD", for
	// an order priced in USD.
	body := `{"id":3576,"type":"deposit_exchange","status":"confirmed",
		"crypto_address":{"currency":"BTC","convert_to":"USD"},
		"currency_sent":{"currency":"BTC","amount":"0.00100000"},
		"currency_received":{"currency":"USD","amount":"11.40406820","amount_minus_fee":"10.81135268"}}`
	tx := new(cryptopay.AlphaPoTransaction)
	if err := json.Unmarshal([]byte(body), tx); err != nil {
		panic(err)
	}
	p, ok := settle.ReceivedPaymentFromAlphaPo(tx, time.Now())
	if !ok {
		return // not money received: nothing to judge
	}
	order := settle.Expected[cryptopay.Decimal]{Currency: "USD", Amount: cryptopay.MustDecimal("11.45")}
	out, err := order.Evaluate(p)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Status, out.Received, "USD, remaining", out.Remaining)
	// Output:
	// underpaid 11.40406820 USD, remaining 0.04593180
}
