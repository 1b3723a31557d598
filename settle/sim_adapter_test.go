package settle_test

import (
	"context"
	"errors"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

// simLayer is every call the simulation makes into the settlement
// layer, in one place, so that the rest of the simulation does not change
// when the layer's API does. Cursors pass through as their saved text,
// as a cron job keeps them.
type simLayer struct {
	acct   *cryptopay.Account
	ap     *cryptopay.AlphaPoClient
	policy settle.ConfirmationPolicy
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

// enough reports whether the payment cb reports may be credited.
func (s *simLayer) enough(cb *cryptopay.PaymentCallback) bool {
	return s.policy.Enough(cb)
}

// replay runs one catch-up from the saved cursor text and returns the
// text to save.
func (s *simLayer) replay(ctx context.Context, saved []byte, fn func(context.Context, *cryptopay.PaymentCallback) error) ([]byte, error) {
	var cur settle.Cursor
	if err := cur.UnmarshalText(saved); err != nil {
		return saved, err
	}
	rep, err := settle.Replay(ctx, s.acct, cur, fn, settle.WithSecretKeys("secret"))
	s.countNotYet(err)
	text, merr := rep.Cursor.MarshalText()
	return text, errors.Join(err, merr)
}

// simMark is what the merchant stores before sending a transfer, so that
// the lookup can settle it.
type simMark = settle.Mark

// markTransfer reads the mark to store before sending a transfer from
// the payer: Apirone's own time, so the merchant's clock plays no part.
func (s *simLayer) markTransfer(ctx context.Context, from simPayer) (simMark, error) {
	return settle.ReadMark(ctx, from)
}

// simPayer is an Apirone account or wallet that sends transfers.
type simPayer interface {
	settle.Ledger
	Transfer(ctx context.Context, p *cryptopay.TransferParams) (*cryptopay.TransferResult, error)
}

// findTransfer settles a transfer from whose outcome is unknown: true if
// it was made, false if it was not; an error leaves it unknown.
func (s *simLayer) findTransfer(ctx context.Context, from simPayer, p *cryptopay.TransferParams, mark simMark) (bool, error) {
	_, err := settle.FindTransfer(ctx, from, p, mark)
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
