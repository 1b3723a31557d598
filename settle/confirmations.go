package settle

import (
	"strings"
	"time"

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
// every currency and tells the time by time.Now.
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
	// Now returns the current time, by which Enough judges how old a
	// replayed payment is; nil is time.Now. A test sets the clock of its
	// fake server (cryptopaytest.Server.Now).
	Now func() time.Time
}

// Required returns how many confirmations p asks of a payment in currency:
// the first of PerCurrency[currency], PerCurrency[its network] and Default
// that is at least 1, else DefaultConfirmations. A value below 1 counts as
// unset, so a policy never ships an unconfirmed payment.
func (p ConfirmationPolicy) Required(currency string) int64 {
	for _, n := range []int64{p.PerCurrency[currency], p.PerCurrency[network(currency)], p.Default} {
		if n >= 1 {
			return n
		}
	}
	return DefaultConfirmations
}

// Enough reports whether the payment cb reports has the confirmations p
// requires of its currency. A nil cb is never enough.
//
// A callback Apirone sent carries the count: Enough compares it with
// Required. A replayed one (cb.Replayed: see Replay) carries only what the
// account history shows, confirmed or not, and the history's "confirmed"
// may come with the first confirmation. So Enough accepts a replayed
// payment when the API shows it confirmed (cb.APIConfirmed) and it was
// received (cb.ReceivedAt, which must be set) at least ReplayAge ago, and
// holds it otherwise: a young one is credited by a later replay, or by the
// live callback with its real count.
func (p ConfirmationPolicy) Enough(cb *cryptopay.PaymentCallback) bool {
	if cb == nil {
		return false
	}
	if cb.Replayed {
		return cb.APIConfirmed && !cb.ReceivedAt.IsZero() && p.now().Sub(cb.ReceivedAt) >= p.ReplayAge(cb.Currency)
	}
	return cb.Confirmations >= p.Required(cb.Currency)
}

// ReplayAge returns how long after it was received Enough accepts a
// replayed payment in currency that the API shows confirmed: Required
// blocks of its network, at the network's target block time, times 3 for
// the blocks that come late. With the default policy that is 90 minutes
// for "btc" and 22.5 for "ltc".
//
// Block times by network (a token goes by its network, "usdt@trx" by
// "trx"): btc, tbtc and bch 10 minutes; ltc 2.5 minutes; doge 1 minute;
// eth 12 seconds; ton 5 seconds; trx, bnb and bsc 3 seconds; any other
// network 10 minutes.
//
// Apirone's account API gives no chain tip, so the age stands in for the
// count; a payment that waited in the mempool has fewer confirmations
// than its age suggests. The live callback, with its real count, is the
// main path: Apirone calls on every block (every 5 on Tron) up to 255
// confirmations (20000 on Tron), so a replay only needs to credit what
// the callbacks missed for good, long after it arrived
// (https://apirone.com/docs/receiving-callbacks).
func (p ConfirmationPolicy) ReplayAge(currency string) time.Duration {
	return time.Duration(p.Required(currency)) * blockInterval(currency) * replaySafety
}

// replaySafety multiplies the expected time of the blocks a policy
// requires. Blocks come at random (a Poisson process for proof of work):
// in the time 3 Bitcoin blocks take on average, fewer than 3 come 42 % of
// the time; in twice that time, 6 %; in three times, 0.6 %. Holding a
// replayed payment longer costs little, since Apirone keeps calling on
// every block and the live callback credits it as soon as one gets
// through.
const replaySafety = 3

// blockIntervals are the target block times of the networks Apirone
// serves, by network as Apirone names them (a token by its network:
// "usdt@trx" is "trx").
var blockIntervals = map[string]time.Duration{
	"btc":  10 * time.Minute,
	"tbtc": 10 * time.Minute, // Bitcoin's testnet
	"bch":  10 * time.Minute,
	"ltc":  150 * time.Second,
	"doge": time.Minute,
	"trx":  3 * time.Second,
	"eth":  12 * time.Second,
	"bnb":  3 * time.Second, // BNB Smart Chain
	"bsc":  3 * time.Second,
	"ton":  5 * time.Second,
}

// unknownBlockInterval is the interval of a network blockIntervals does
// not list: Bitcoin's, the slowest there.
const unknownBlockInterval = 10 * time.Minute

// blockInterval returns the target block time of currency's network.
func blockInterval(currency string) time.Duration {
	if d, ok := blockIntervals[network(currency)]; ok {
		return d
	}
	return unknownBlockInterval
}

// network returns the network of currency: a token's ("trx" for
// "usdt@trx"), else the currency itself.
func network(currency string) string {
	if _, net, isToken := strings.Cut(currency, "@"); isToken {
		return net
	}
	return currency
}

// now returns the time by p's clock.
func (p ConfirmationPolicy) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}
