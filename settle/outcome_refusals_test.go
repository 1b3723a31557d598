package settle_test

import (
	"math/rand/v2"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21, item 5: an order Evaluate cannot judge is refused, whatever
// was paid: a price of zero (a fiat price that rounds to 0 satoshi, a
// 100 % coupon) or less, and a tolerance not smaller than the price (a
// shop-wide tolerance on a cheap order). Before, each said Paid or
// Overpaid with nothing received.
func TestExpectedEvaluateRefuses(t *testing.T) {
	cases := map[string]settle.Expected[cryptopay.Amount]{
		"zero price":                {Currency: "btc"},
		"negative price":            {Currency: "btc", Amount: cryptopay.NewAmount(-1000)},
		"tolerance equal to price":  {Currency: "btc", Amount: cryptopay.NewAmount(1000), Tolerance: cryptopay.NewAmount(1000)},
		"tolerance above the price": {Currency: "btc", Amount: cryptopay.NewAmount(1000), Tolerance: cryptopay.NewAmount(5000)},
	}
	for name, exp := range cases {
		t.Run(name, func(t *testing.T) {
			for _, paid := range [][]settle.Payment[cryptopay.Amount]{nil, {sat("a", 1000)}} {
				out, err := exp.Evaluate(paid...)
				require.ErrorIs(t, err, cryptopay.ErrInvalidParams)
				assert.Empty(t, out.Status, "no verdict")
			}
		})
	}
	_, err := settle.Expected[cryptopay.Decimal]{Currency: "BTC", Amount: cryptopay.MustDecimal("0.00")}.Evaluate()
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	// The largest tolerance allowed: one unit below the price.
	out, err := settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(1000), Tolerance: cryptopay.NewAmount(999)}.Evaluate(sat("a", 1))
	require.NoError(t, err)
	assert.Equal(t, settle.OutcomePaid, out.Status)
	out, err = settle.Expected[cryptopay.Amount]{Currency: "btc", Amount: cryptopay.NewAmount(1000), Tolerance: cryptopay.NewAmount(999)}.Evaluate()
	require.NoError(t, err)
	assert.Equal(t, settle.OutcomeUnderpaid, out.Status, "nothing received is never paid")
}

// Issue 21, item 5: over random orders and payments, Paid or Overpaid
// always means that confirmed money (or any, with CountUnconfirmed)
// arrived in the expected currency, on time, and at least
// Amount-Tolerance of it.
func TestExpectedEvaluateNeverPaidOnNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	currencies := []string{"btc", "BTC", "ltc"}
	for range 5000 {
		exp := settle.Expected[cryptopay.Amount]{
			Currency: "btc", Amount: cryptopay.NewAmount(rng.Int64N(2000) - 500),
			Tolerance: cryptopay.NewAmount(rng.Int64N(2000) - 500), CountUnconfirmed: rng.IntN(4) == 0,
			Deadline: deadline,
		}
		var paid []settle.Payment[cryptopay.Amount]
		for range rng.IntN(4) {
			p := in(sat(string(rune('a'+rng.IntN(3))), rng.Int64N(1500)-200), currencies[rng.IntN(3)])
			p.Confirmed = rng.IntN(2) == 0
			if rng.IntN(3) == 0 {
				p.At = late
			}
			paid = append(paid, p)
		}
		out, err := exp.Evaluate(paid...)
		if err != nil {
			require.ErrorIs(t, err, cryptopay.ErrInvalidParams)
			assert.True(t, exp.Amount.Sign() <= 0 || exp.Tolerance.Cmp(exp.Amount) >= 0, "refused only what cannot be judged")
			continue
		}
		if out.Status != settle.OutcomePaid && out.Status != settle.OutcomeOverpaid {
			continue
		}
		var counted cryptopay.Amount
		for _, p := range paid {
			if p.Amount.Sign() > 0 && (p.Confirmed || exp.CountUnconfirmed) && p.Currency != "ltc" && p.At != late {
				counted = counted.Add(p.Amount)
			}
		}
		tolerance := exp.Tolerance
		if tolerance.Sign() < 0 {
			tolerance = cryptopay.Amount{}
		}
		require.Positive(t, counted.Sign(), "%s with nothing counted: %+v %+v", out.Status, exp, paid)
		require.GreaterOrEqual(t, counted.Cmp(exp.Amount.Sub(tolerance)), 0, "%s short of the price: %+v %+v", out.Status, exp, paid)
	}
}
