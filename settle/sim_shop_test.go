package settle_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/cryptopay-go/cryptopay"
)

// simRand is the seeded randomness every choice of a run comes from.
type simRand struct{ r *rand.Rand }

func newSimRand(seed uint64) *simRand { return &simRand{rand.New(rand.NewPCG(seed, 0x5e771e))} }

func (s *simRand) intn(n int) int { return s.r.IntN(n) }

// chance is true pct times in 100.
func (s *simRand) chance(pct int) bool { return s.r.IntN(100) < pct }

// pick returns an index of weights, each as likely as its weight.
func (s *simRand) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := s.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	panic("unreachable")
}

func simShuffle[T any](s *simRand, xs []T) {
	s.r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}

// errSimDown is the shop's own failure: its database is away.
var errSimDown = errors.New("shop: database is down")

// simCredit is what the shop's books hold for one payment.
type simCredit struct {
	order    string
	value    cryptopay.Amount
	times    int  // how many times it was credited: must be 1
	confs    int  // the payment's real confirmations when it was credited
	replayed bool // credited from a replayed callback
}

// simShop is the merchant: orders, each with its address, the books, and
// the payouts. Its payment function is the one the live handler and the
// replay both call.
type simShop struct {
	set     *simLayer
	rng     *simRand
	chain   *simChain // the truth, read only to record what a credit was worth
	failPct int       // how often the payment function fails, in percent
	credits map[string]*simCredit
	cursor  []byte // the replay cursor, as saved
	calls   int
	payouts []*simPayout
}

// simPaymentKey names one payment into one address: the DedupeKey without
// its stage, so the unconfirmed and confirmed callbacks share it.
func simPaymentKey(currency, address, tx string) string {
	return currency + ":" + address + ":" + tx
}

// pay is the merchant's one idempotent payment function: it credits the
// order named in the callback's data once per payment, once the policy
// says the payment is confirmed enough, and says "not yet" before.
func (s *simShop) pay(_ context.Context, cb *cryptopay.PaymentCallback) error {
	s.calls++
	if s.rng.chance(s.failPct) {
		return errSimDown
	}
	if !s.set.enough(cb) {
		return fmt.Errorf("%d confirmations: %w", cb.Confirmations, cryptopay.ErrNotYet)
	}
	key := simPaymentKey(cb.Currency, cb.InputAddress, cb.InputTransactionHash)
	if _, done := s.credits[key]; done {
		return nil
	}
	s.credits[key] = &simCredit{order: cb.Data["order"], value: cb.Value, times: 1, confs: s.chain.confirmations(key), replayed: cb.Replayed}
	return nil
}

// simPayoutState is where a payout is: planned → sent | unknown; unknown →
// sent | notSent by the lookup; notSent → planned again, or final.
type simPayoutState int

const (
	payoutPlanned simPayoutState = iota
	payoutSent
	payoutUnknown
	payoutNotSent
)

func (st simPayoutState) String() string {
	return [...]string{"planned", "sent", "unknown", "not sent"}[st]
}

// simPayout is money the shop owes someone: an Apirone transfer or an
// AlphaPo withdrawal, each to its own destination.
type simPayout struct {
	id       int
	state    simPayoutState
	final    bool // notSent for good: the shop gave up on it
	attempts int
	from     simPayer                         // Apirone: the account or the wallet
	transfer *cryptopay.TransferParams        // Apirone
	mark     simMark                          // stored before each transfer
	withdraw *cryptopay.AlphaPoWithdrawParams // AlphaPo; ForeignID set per attempt
	ids      []string                         // each withdrawal attempt's foreign_id
	trace    []string                         // what happened, for a failure's message
}

func (p *simPayout) String() string {
	if p.transfer != nil {
		from := "account"
		if p.transfer.Currency == "" {
			from = "wallet"
		}
		return fmt.Sprintf("transfer %d from the %s to %s", p.id, from, p.transfer.Destinations[0].Address)
	}
	return fmt.Sprintf("withdrawal %d to %s", p.id, p.withdraw.Address)
}

// route is the FailNext pattern of the Apirone call named, from the
// payout's account or wallet, or alphaPo for a withdrawal.
func (p *simPayout) route(apirone, alphaPo string) string {
	switch {
	case p.transfer == nil:
		return alphaPo
	case p.transfer.Currency == "":
		return "/v2/wallets/{wallet}/" + apirone
	}
	return "/v2/accounts/{account}/" + apirone
}

func (p *simPayout) note(format string, args ...any) {
	p.trace = append(p.trace, fmt.Sprintf(format, args...))
}

// send makes one attempt at a planned payout.
func (s *simShop) send(ctx context.Context, p *simPayout) {
	p.attempts++
	var err error
	if p.transfer != nil {
		if p.mark, err = s.set.markTransfer(ctx, p.from); err != nil {
			p.note("mark: %v", err)
			return
		}
		_, err = p.from.Transfer(ctx, p.transfer)
	} else {
		w := *p.withdraw
		w.ForeignID = fmt.Sprintf("%s-%d", p.withdraw.ForeignID, p.attempts)
		p.ids = append(p.ids, w.ForeignID)
		_, err = s.set.ap.WithdrawCrypto(ctx, &w)
	}
	switch {
	case err == nil:
		p.state = payoutSent
	case errors.Is(err, cryptopay.ErrOutcomeUnknown):
		p.state = payoutUnknown
	default: // refused: nothing left, try again later
		p.state = payoutPlanned
	}
	p.note("attempt %d: %s (%v)", p.attempts, p.state, err)
}

// settle looks up a payout whose outcome is unknown.
func (s *simShop) settle(ctx context.Context, p *simPayout) {
	var made bool
	var err error
	if p.transfer != nil {
		made, err = s.set.findTransfer(ctx, p.from, p.transfer, p.mark)
	} else {
		made, err = s.set.findWithdrawal(ctx, p.ids[len(p.ids)-1])
	}
	switch {
	case err != nil:
		p.note("lookup failed: %v", err)
		return
	case made:
		p.state = payoutSent
	default:
		p.state = payoutNotSent
	}
	p.note("lookup: %s", p.state)
}
