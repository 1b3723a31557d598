package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// FindTransfer looks in the account's history for the payment that a
// Transfer with p made at or after since, and returns its detail; when no
// payment matches, the error matches ErrNotFound. It is how to settle a
// Transfer that failed with ErrOutcomeUnknown: found, the money left (do
// not send it again); not found, it did not, as far as the history shows
// (see the limits below). It needs no transfer key.
//
// Take since from your clock just before calling Transfer, less a margin
// for the difference between your clock and Apirone's (a minute, say).
//
// A payment matches when it is in p's currency, took its fee the way p
// asks (SubtractFeeFromAmount), and has as many destinations as p, each
// of p's destinations matching one of them, in any order, with the same
// address and:
//
//   - an amount in units: the same amount; or, with SubtractFeeFromAmount,
//     a positive amount no larger, since Apirone takes the fee from the
//     destinations. When every destination is in units, the payment's
//     Amount must also be their sum.
//   - a percentage: any amount, since the balance it was a share of has
//     changed.
//
// The fee strategy and rate and the source addresses are not compared.
//
// Limits, honestly:
//
//   - Apirone's transfers carry no id of yours, so two payments made
//     after since that both match p cannot be told apart: FindTransfer
//     returns the newest.
//     Keep since close to the uncertain call, and do not make identical
//     transfers at the same time.
//   - With SubtractFeeFromAmount or a percentage the match is looser (a
//     smaller amount, any amount), so another payment to the same
//     addresses is more easily taken for the one you look for.
//   - A payment is listed once Apirone has made it. If the connection
//     broke while Apirone was still making it, it may not be listed yet:
//     not found right after the failure is not final. Look again a little
//     later (a minute, say) before you send the transfer again.
//   - It reads the history from since on, newest first, and fetches the
//     detail of every payment in the currency there: one request per
//     payment, plus one per 100 listed.
//
// Any other error is the lookup's own. One that would match ErrNotFound
// (an unknown account, say) is returned as text only, so that ErrNotFound
// always means that no payment matches.
//
// GET /v2/accounts/{account}/history
//
// API docs: https://apirone.com/docs/account/#account-history
func (a *Account) FindTransfer(ctx context.Context, p *TransferParams, since time.Time) (*HistoryItem, error) {
	return a.findTransfer(ctx, p, since)
}

// FindTransfer looks in the wallet's history for the payment that a
// Transfer with p made at or after since, by the rules and within the
// limits of [Account.FindTransfer].
//
// GET /v2/wallets/{wallet}/history
//
// API docs: https://apirone.com/docs/wallet/#wallet-history
func (w *Wallet) FindTransfer(ctx context.Context, p *TransferParams, since time.Time) (*HistoryItem, error) {
	return w.findTransfer(ctx, p, since)
}

// findTransfer is FindTransfer on o's route.
func (o *owner) findTransfer(ctx context.Context, p *TransferParams, since time.Time) (*HistoryItem, error) {
	currency, err := p.check(o)
	if err != nil {
		return nil, err
	}
	if since.IsZero() {
		return nil, invalid("since", "is required")
	}
	for entry, err := range o.allHistory(ctx, &HistoryParams{Currency: p.Currency, ItemType: ItemPayment, DateFrom: since}) {
		if err != nil {
			return nil, lookupFailed(err)
		}
		item, err := o.historyItem(ctx, entry.ID)
		if err != nil {
			return nil, lookupFailed(err)
		}
		if p.madeItem(item, currency, since) {
			return item, nil
		}
	}
	return nil, fmt.Errorf("%w: no %s payment since %s matches the transfer", ErrNotFound, currency, since.Format(time.RFC3339))
}

// lookupFailed returns err, a failure of FindTransfer's lookup, so that
// it cannot be taken for "no payment matches": one matching ErrNotFound
// keeps its text only.
func lookupFailed(err error) error {
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("cryptopay: looking for the transfer: %v", err)
	}
	return err
}

// madeItem reports whether item is a payment that a transfer with p made
// at or after since, by the rules of FindTransfer.
func (p *TransferParams) madeItem(item *HistoryItem, currency string, since time.Time) bool {
	if item.Type != ItemPayment || item.Currency != currency || item.Created.Before(since) ||
		item.Fee.SubtractFromAmount != p.SubtractFeeFromAmount || len(item.Destinations) != len(p.Destinations) {
		return false
	}
	// Smallest amounts first, percentages last: each destination then
	// takes the first one that fits without leaving a later one without a
	// match, because a larger amount accepts all that a smaller one does
	// and a percentage accepts any.
	wants := slices.Clone(p.Destinations)
	slices.SortStableFunc(wants, func(x, y Destination) int {
		switch {
		case x.Amount.isPercent && y.Amount.isPercent:
			return 0
		case x.Amount.isPercent:
			return 1
		case y.Amount.isPercent:
			return -1
		}
		return x.Amount.units.Cmp(y.Amount.units)
	})
	used := make([]bool, len(item.Destinations))
	var sum Amount
	for _, want := range wants {
		i := 0
		for i < len(used) && (used[i] || !want.fits(item.Destinations[i], p.SubtractFeeFromAmount)) {
			i++
		}
		if i == len(used) {
			return false
		}
		used[i] = true
		sum = sum.Add(want.Amount.units)
	}
	hasPercent := wants[len(wants)-1].Amount.isPercent // sorted last
	return hasPercent || item.Amount.Cmp(sum) == 0
}

// fits reports whether got, a payment's destination, can be what d
// asked for: the same address, and any amount for a percentage; for units
// the same amount, or a positive one no larger when the fee was taken
// from it.
func (d Destination) fits(got AddressAmount, feeSubtracted bool) bool {
	if got.Address != d.Address {
		return false
	}
	if d.Amount.isPercent {
		return true
	}
	c := got.Amount.Cmp(d.Amount.units)
	return c == 0 || (feeSubtracted && c < 0 && got.Amount.Sign() > 0)
}
