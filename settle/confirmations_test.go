package settle

import (
	"time"

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

// A replayed payment carries only what the history shows, whose
// "confirmed" may come with the first confirmation: the policy accepts it
// when the API shows it confirmed and it is old enough for the policy's
// count on its network, and holds it otherwise (issue 21: a replay
// credited a BTC payment at 1 of 3 confirmations).
func TestConfirmationPolicyReplayed(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	custom := ConfirmationPolicy{PerCurrency: map[string]int64{"ltc": 1, "trx": 20}, Now: clock}
	cases := map[string]struct {
		policy    ConfirmationPolicy
		currency  string
		age       time.Duration
		confirmed bool
		enough    bool
	}{
		"btc default, 89 minutes":         {ConfirmationPolicy{Now: clock}, "btc", 89 * time.Minute, true, false},
		"btc default, 90 minutes":         {ConfirmationPolicy{Now: clock}, "btc", 90 * time.Minute, true, true},
		"btc default, a day, unconfirmed": {ConfirmationPolicy{Now: clock}, "btc", 24 * time.Hour, false, false},
		"bch like btc, young":             {ConfirmationPolicy{Now: clock}, "bch", time.Hour, true, false},
		"ltc default, 22 minutes":         {ConfirmationPolicy{Now: clock}, "ltc", 22 * time.Minute, true, false},
		"ltc default, 23 minutes":         {ConfirmationPolicy{Now: clock}, "ltc", 23 * time.Minute, true, true},
		"ltc at 1, 7 minutes":             {custom, "ltc", 7 * time.Minute, true, false},
		"ltc at 1, 8 minutes":             {custom, "ltc", 8 * time.Minute, true, true},
		"doge default, 8 minutes":         {ConfirmationPolicy{Now: clock}, "doge", 8 * time.Minute, true, false},
		"doge default, 9 minutes":         {ConfirmationPolicy{Now: clock}, "doge", 9 * time.Minute, true, true},
		"trx at 20, 2 minutes":            {custom, "trx", 2 * time.Minute, true, false},
		"token by its network, 3 minutes": {custom, "usdt@trx", 3 * time.Minute, true, true},
		"trx at 20, unconfirmed":          {custom, "usdt@trx", time.Hour, false, false},
		"eth default, 1 minute":           {ConfirmationPolicy{Now: clock}, "eth", time.Minute, true, false},
		"eth default, 2 minutes":          {ConfirmationPolicy{Now: clock}, "usdt@eth", 2 * time.Minute, true, true},
		"bsc default, 27 seconds":         {ConfirmationPolicy{Now: clock}, "usdt@bsc", 27 * time.Second, true, true},
		"ton default, 44 seconds":         {ConfirmationPolicy{Now: clock}, "ton", 44 * time.Second, true, false},
		"unknown network, 89 minutes":     {ConfirmationPolicy{Now: clock}, "xyz", 89 * time.Minute, true, false},
		"unknown network, 90 minutes":     {ConfirmationPolicy{Now: clock}, "xyz", 90 * time.Minute, true, true},
		"received in the future":          {ConfirmationPolicy{Now: clock}, "trx", -time.Hour, true, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cb := &cryptopay.PaymentCallback{Currency: tc.currency, Replayed: true, APIConfirmed: tc.confirmed, ReceivedAt: now.Add(-tc.age)}
			if tc.confirmed {
				cb.Confirmations = 1 // as Replay sets it
			}
			assert.Equal(t, tc.enough, tc.policy.Enough(cb))
		})
	}
}

// The zero policy tells the time by the wall clock; a replayed count is
// never read, a live callback's always.
func TestConfirmationPolicyReplayedDefault(t *testing.T) {
	policy := ConfirmationPolicy{}
	old := time.Now().Add(-91 * time.Minute)
	assert.True(t, policy.Enough(&cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true, ReceivedAt: old}))
	young := time.Now().Add(-89 * time.Minute)
	assert.False(t, policy.Enough(&cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true, ReceivedAt: young}),
		"confirmed by the API, but 1 confirmation may be all it has")
	forged := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 50, Replayed: true, ReceivedAt: old}
	assert.False(t, policy.Enough(forged), "a replayed payment the API shows unconfirmed is held")
	live := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, APIConfirmed: true, ReceivedAt: old}
	assert.False(t, policy.Enough(live), "a live callback goes by its count, whatever else it says")
	unknown := &cryptopay.PaymentCallback{Currency: "btc", Confirmations: 1, Replayed: true, APIConfirmed: true}
	assert.False(t, policy.Enough(unknown), "a replayed payment without ReceivedAt cannot be judged: held")
	assert.Equal(t, 90*time.Minute, policy.ReplayAge("btc"))
	assert.Equal(t, 22*time.Minute+30*time.Second, policy.ReplayAge("ltc"))
	assert.Equal(t, 180*time.Second, ConfirmationPolicy{PerCurrency: map[string]int64{"trx": 20}}.ReplayAge("usdc@trx"))
}
