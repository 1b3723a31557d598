package settle

import (
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
)

func TestConfirmationPolicy(t *testing.T) {
	custom := ConfirmationPolicy{
		Default:     2,
		PerCurrency: map[string]int64{"btc": 1, "trx": 20, "usdc@trx": 40, "eth": 0},
	}
	cases := map[string]struct {
		policy        ConfirmationPolicy
		currency      string
		confirmations int64
		enough        bool
	}{
		"zero value, unconfirmed":       {ConfirmationPolicy{}, "btc", 0, false},
		"zero value, 2 confirmations":   {ConfirmationPolicy{}, "btc", 2, false},
		"zero value, 3 confirmations":   {ConfirmationPolicy{}, "btc", 3, true},
		"zero value, token":             {ConfirmationPolicy{}, "usdt@trx", 3, true},
		"negative default is unset":     {ConfirmationPolicy{Default: -1}, "ltc", 2, false},
		"default applies":               {custom, "ltc", 2, true},
		"default below it":              {custom, "ltc", 1, false},
		"per currency lowers":           {custom, "btc", 1, true},
		"per currency, unconfirmed":     {custom, "btc", 0, false},
		"network covers its token":      {custom, "usdt@trx", 19, false},
		"network covers its token, ok":  {custom, "usdt@trx", 20, true},
		"full code beats network":       {custom, "usdc@trx", 39, false},
		"full code beats network, ok":   {custom, "usdc@trx", 40, true},
		"network entry for the coin":    {custom, "trx", 20, true},
		"zero entry counts as unset":    {custom, "eth", 1, false},
		"zero entry falls to default":   {custom, "eth", 2, true},
		"unknown currency gets default": {custom, "xyz", 2, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cb := &cryptopay.PaymentCallback{Currency: tc.currency, Confirmations: tc.confirmations}
			assert.Equal(t, tc.enough, tc.policy.Enough(cb))
		})
	}
	assert.False(t, ConfirmationPolicy{}.Enough(nil))
	assert.Equal(t, int64(DefaultConfirmations), ConfirmationPolicy{}.Required("btc"))
	assert.Equal(t, int64(20), custom.Required("usdt@trx"))
}

// A replayed payment carries only what the history shows: the default
// policy accepts it when the API shows it confirmed and holds it when not,
// whatever its count (issue 21: deeply confirmed payments whose callbacks
// were all missed were held by every replay).
func TestConfirmationPolicyReplayed(t *testing.T) {
	policy := ConfirmationPolicy{}
	confirmed := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true}
	assert.True(t, policy.Enough(confirmed))
	unconfirmed := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 0, Replayed: true}
	assert.False(t, policy.Enough(unconfirmed))
	// A live callback goes by its count, whatever else it says.
	live := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, APIConfirmed: true}
	assert.False(t, policy.Enough(live))
	forged := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 50, Replayed: true}
	assert.False(t, policy.Enough(forged), "a replayed payment the API shows unconfirmed is held")
}
