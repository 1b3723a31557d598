package settle_test

import (
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Mutation testing's survivors in outcome.go, pinned.

// A zero-amount payment is no payment: it is in no list and changes no
// status, whatever its currency or confirmation.
func TestExpectedEvaluateZeroPaymentListedNowhere(t *testing.T) {
	exp := settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(1000), Deadline: deadline}
	for name, p := range map[string]settle.Payment[cryptopay.Amount]{
		"another currency": in(sat("z", 0), "ltc"),
		"unconfirmed":      unconfirmed(sat("z", 0)),
		"late":             at(sat("z", 0), late),
	} {
		out := evaluate(t, exp, p)
		assert.Equal(t, settle.OutcomeUnderpaid, out.Status, name)
		assert.Empty(t, out.WrongCurrency, name)
		assert.Empty(t, out.Unconfirmed, name)
		assert.Empty(t, out.Late, name)
	}
}

// Of the reports of one payment, the last is kept when none is
// confirmed, and the last confirmed one otherwise.
func TestExpectedEvaluateKeepsTheLastReport(t *testing.T) {
	exp := settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(1000), Deadline: deadline, CountUnconfirmed: true}
	out := evaluate(t, exp, unconfirmed(sat("a", 1000)), unconfirmed(at(sat("a", 1000), late)))
	assert.Equal(t, settle.OutcomeLate, out.Status, "the last unconfirmed report arrived late")
	out = evaluate(t, exp, sat("a", 1000), at(sat("a", 1000), late))
	assert.Equal(t, settle.OutcomeLate, out.Status, "the last confirmed report arrived late")
}

// The refusal names what is wrong.
func TestExpectedEvaluateRefusalNamesTheField(t *testing.T) {
	_, err := settle.Expected[cryptopay.Amount]{Currency: "btc"}.Evaluate()
	require.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	assert.Contains(t, err.Error(), "amount: must be positive")
	_, err = settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(5), Tolerance: cryptopay.NewAmount(5)}.Evaluate()
	assert.Contains(t, err.Error(), "tolerance: must be smaller than the amount 5, got 5")
}

// An AlphaPo payment's ID is the transaction id in decimal.
func TestPaymentFromAlphaPoID(t *testing.T) {
	tx := &cryptopay.AlphaPoTransaction{ID: 3576, Type: cryptopay.AlphaPoTxDeposit, Status: cryptopay.AlphaPoStatusConfirmed,
		CurrencySent: &cryptopay.AlphaPoCurrencyAmount{Currency: "BTC", Amount: cryptopay.MustDecimal("0.1")}}
	p, ok := settle.PaymentFromAlphaPo(tx, onTime)
	require.True(t, ok)
	assert.Equal(t, "3576", p.ID)
}
