package settle

import (
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// DefaultConfirmations is how many network confirmations a
// ConfirmationPolicy asks for where it sets nothing else: the safe end of
// Apirone's advice to finish an order after 1–3 network confirmations only,
// because an unconfirmed payment can be double-spent
// (https://apirone.com/docs/receiving-callbacks).
const DefaultConfirmations = 3

// ConfirmationPolicy says how many confirmations a payment needs before the
// order ships, per currency. The zero value asks DefaultConfirmations of
// every currency.
//
// Use it in the function your cryptopay.PaymentCallbackHandler and Replay
// call: Apirone calls again on every new block (every 5 blocks on Tron)
// until it is answered "*ok*", so return an error matching
// cryptopay.ErrNotYet while Enough is false (the handler asks Apirone to
// call again, a replay keeps the payment for its next run, and neither
// counts it as a failure), and nil once it is true.
type ConfirmationPolicy struct {
	// Default is what currencies missing from PerCurrency need.
	Default int64
	// PerCurrency overrides Default by currency code as Apirone spells it
	// ("btc", "usdt@trx") or, for a token, by its network ("trx" covers
	// "usdt@trx" and "usdc@trx"); the full code wins.
	PerCurrency map[string]int64
}

// Required returns how many confirmations p asks of a payment in currency:
// the first of PerCurrency[currency], PerCurrency[its network] and Default
// that is at least 1, else DefaultConfirmations. A value below 1 counts as
// unset, so a policy never ships an unconfirmed payment.
func (p ConfirmationPolicy) Required(currency string) int64 {
	network := currency
	if _, net, isToken := strings.Cut(currency, "@"); isToken {
		network = net
	}
	for _, n := range []int64{p.PerCurrency[currency], p.PerCurrency[network], p.Default} {
		if n >= 1 {
			return n
		}
	}
	return DefaultConfirmations
}

// Enough reports whether the payment cb reports has the confirmations p
// requires of its currency. A callback Apirone sent carries the count.
// A replayed one (cb.Replayed: see Replay) carries only what the history
// shows, confirmed or not: Enough accepts it when the API shows it
// confirmed (cb.APIConfirmed), since Apirone then counts it as final, and
// holds it otherwise. A nil cb is never enough.
func (p ConfirmationPolicy) Enough(cb *cryptopay.PaymentCallback) bool {
	if cb == nil {
		return false
	}
	if cb.Replayed {
		return cb.APIConfirmed
	}
	return cb.Confirmations >= p.Required(cb.Currency)
}
