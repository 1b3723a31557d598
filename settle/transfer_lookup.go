package settle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// Mark is a point in a ledger's payment history, read by ReadMark before
// a transfer is sent: every payment listed after it was made after the
// mark was read. It is in Apirone's own time, so FindTransfer needs no
// agreement between your clock and Apirone's. Keep it with the payout
// (MarshalText gives its text form) until the payout is settled.
type Mark struct {
	// Time is the date of the newest payment listed when the mark was
	// read, or the Unix epoch when there was none. A Mark{Time: t} made
	// from your own clock works too, less a margin for the difference
	// between your clock and Apirone's.
	Time time.Time
	// IDs are the payments listed at Time: FindTransfer passes over them.
	IDs []string
}

// epoch is the mark of a ledger with no payment.
var epoch = time.Unix(0, 0).UTC()

// markScan is how many of the newest payments ReadMark reads to collect
// those listed at the same time as the newest.
const markScan = 10

// ReadMark reads the newest payment of l's history, in any currency, and
// returns the mark after which FindTransfer looks. Read it just before
// each Transfer, and keep it with the payout (in the same database
// record, before sending), so that a payout whose answer is lost can be
// settled after a crash too. It is one request; it needs no transfer key.
//
// GET /v2/accounts/{account}/history (or /v2/wallets/{wallet}/history)
//
// API docs: https://apirone.com/docs/account/#account-history
func ReadMark(ctx context.Context, l Ledger) (Mark, error) {
	page, err := l.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment, Limit: markScan})
	if err != nil {
		return Mark{}, err
	}
	if len(page.Items) == 0 {
		return Mark{Time: epoch}, nil
	}
	m := Mark{Time: page.Items[0].Date.Time}
	for _, e := range page.Items {
		if e.Date.Equal(m.Time) {
			m.IDs = append(m.IDs, e.ID)
		}
	}
	return m, nil
}

// FindTransfer looks in l's history for the payment that a Transfer with
// p made after m, and returns its detail; when no payment matches, the
// error matches cryptopay.ErrNotFound. It is how to settle a Transfer that
// failed with cryptopay.ErrOutcomeUnknown: found, the money left (do not
// send it again); not found, it did not, as far as Apirone has finished
// (see below). l is a *cryptopay.Account or a *cryptopay.Wallet; it needs
// no transfer key.
//
// A payment matches when it is in p's currency (a wallet's own; on an
// account p.Currency is required), took its fee the way p asks
// (SubtractFeeFromAmount), and has as many destinations as p, each of p's
// destinations matching one of them, in any order, with the same address
// and:
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
// What "not found" means, and when sending again is safe: Apirone answers
// a transfer with the payment's history item (its id, creation time and
// transaction hashes: https://apirone.com/docs/account/#transfer), so a
// transfer whose answer was lost on the way back is listed by then, and
// found. Not found means that no transfer Apirone finished after the mark
// matches. A request that failed while Apirone was still working on it
// (a timeout, a connection cut before the answer) may still finish: the
// docs give no bound on that time. Send again only when no attempt can
// still be running: after a lookup that starts, by your own clock, longer
// after the failed attempt began than your HTTP client lets a request run
// (http.Client.Timeout, or your context's deadline), plus a margin. That
// is a duration on one clock, not an agreement between two.
//
// Limits, honestly:
//
//   - Apirone's transfers carry no id of yours, so two payments made
//     after m that both match p cannot be told apart: FindTransfer
//     returns the newest. Read a fresh mark for each transfer, and do not
//     make identical transfers at the same time.
//   - With SubtractFeeFromAmount or a percentage the match is looser (a
//     smaller amount, any amount), so another payment to the same
//     addresses is more easily taken for the one you look for.
//
// Cost: one history request per 100 payments listed after m, and one
// history item per payment in p's currency there. Any other error is the
// lookup's own; one that would match ErrNotFound (an unknown account, say)
// is returned as text only, so that ErrNotFound always means that no
// payment matches.
//
// GET /v2/accounts/{account}/history, /v2/accounts/{account}/history/{id}
// (or the /v2/wallets/{wallet}/... routes)
//
// API docs: https://apirone.com/docs/account/#account-history-item
func FindTransfer(ctx context.Context, l Ledger, p *cryptopay.TransferParams, m Mark) (*cryptopay.HistoryItem, error) {
	currency, err := lookupCurrency(l, p)
	if err == nil {
		err = checkLookup(p, m)
	}
	if err != nil {
		return nil, err
	}
	for offset := 0; ; {
		page, err := l.History(ctx, &cryptopay.HistoryParams{
			Currency: p.Currency, ItemType: cryptopay.ItemPayment, DateFrom: m.Time, Limit: lookupPage, Offset: offset,
		})
		if err != nil {
			return nil, lookupFailed(err)
		}
		for _, e := range page.Items {
			if e.Currency != currency || e.Date.Before(m.Time) || slices.Contains(m.IDs, e.ID) {
				continue
			}
			item, err := l.HistoryItem(ctx, e.ID)
			if err != nil {
				return nil, lookupFailed(err)
			}
			if madeItem(p, item, currency, m) {
				return item, nil
			}
		}
		if offset += len(page.Items); len(page.Items) == 0 || offset >= page.Pagination.Total {
			return nil, fmt.Errorf("%w: settle: no %s payment after the mark (%s) matches the transfer",
				cryptopay.ErrNotFound, currency, m.Time.Format(time.RFC3339Nano))
		}
	}
}

// lookupPage is the history page size FindTransfer reads.
const lookupPage = 100

// lookupCurrency returns the currency FindTransfer compares with: a
// wallet's own, else p's, which an account requires.
func lookupCurrency(l Ledger, p *cryptopay.TransferParams) (string, error) {
	if p == nil {
		return "", invalid("transfer", "is required")
	}
	w, isWallet := l.(currencyOf)
	switch {
	case isWallet && p.Currency != "" && p.Currency != w.Currency():
		return "", invalid("currency", "the wallet holds %s, got %q", w.Currency(), p.Currency)
	case isWallet:
		return w.Currency(), nil
	case p.Currency == "":
		return "", invalid("currency", "is required")
	}
	return p.Currency, nil
}

// checkLookup checks the destinations and the mark FindTransfer is given.
func checkLookup(p *cryptopay.TransferParams, m Mark) error {
	if m.Time.IsZero() {
		return invalid("mark", "is required: read one with ReadMark before sending")
	}
	if len(p.Destinations) == 0 {
		return invalid("destinations", "is required")
	}
	for i, d := range p.Destinations {
		units, isUnits := d.Amount.Units()
		switch {
		case d.Address == "":
			return invalid(fmt.Sprintf("destinations[%d].address", i), "is required")
		case isUnits && units.Sign() <= 0:
			return invalid(fmt.Sprintf("destinations[%d].amount", i), "must be positive, got %s", units)
		}
	}
	return nil
}

// invalid is an error for a bad argument, matching cryptopay.ErrInvalidParams.
func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: settle: %s: %s", cryptopay.ErrInvalidParams, field, fmt.Sprintf(format, args...))
}

// lookupFailed returns err, a failure of FindTransfer's lookup, so that
// it cannot be taken for "no payment matches": one matching ErrNotFound
// keeps its text only.
func lookupFailed(err error) error {
	if errors.Is(err, cryptopay.ErrNotFound) {
		return fmt.Errorf("settle: looking for the transfer: %v", err)
	}
	return err
}

// madeItem reports whether item is a payment that a transfer with p made
// after m, by the rules of FindTransfer.
func madeItem(p *cryptopay.TransferParams, item *cryptopay.HistoryItem, currency string, m Mark) bool {
	if item.Type != cryptopay.ItemPayment || item.Currency != currency || item.Created.Before(m.Time) ||
		slices.Contains(m.IDs, item.ID) ||
		item.Fee.SubtractFromAmount != p.SubtractFeeFromAmount || len(item.Destinations) != len(p.Destinations) {
		return false
	}
	// Smallest amounts first, percentages last: each destination then
	// takes the first one that fits without leaving a later one without a
	// match, because a larger amount accepts all that a smaller one does
	// and a percentage accepts any.
	wants := slices.Clone(p.Destinations)
	slices.SortStableFunc(wants, compareDestinations)
	used := make([]bool, len(item.Destinations))
	var sum cryptopay.Amount
	for _, want := range wants {
		i := 0
		for i < len(used) && (used[i] || !fits(want, item.Destinations[i], p.SubtractFeeFromAmount)) {
			i++
		}
		if i == len(used) {
			return false
		}
		used[i] = true
		units, _ := want.Amount.Units()
		sum = sum.Add(units)
	}
	_, lastIsUnits := wants[len(wants)-1].Amount.Units() // percentages sort last
	return !lastIsUnits || item.Amount.Cmp(sum) == 0
}

// compareDestinations orders amounts in units by size, before percentages.
func compareDestinations(x, y cryptopay.Destination) int {
	xu, xIsUnits := x.Amount.Units()
	yu, yIsUnits := y.Amount.Units()
	switch {
	case !xIsUnits && !yIsUnits:
		return 0
	case !xIsUnits:
		return 1
	case !yIsUnits:
		return -1
	}
	return xu.Cmp(yu)
}

// fits reports whether got, a payment's destination, can be what want
// asked for: the same address, and any amount for a percentage; for units
// the same amount, or a positive one no larger when the fee was taken
// from it.
func fits(want cryptopay.Destination, got cryptopay.AddressAmount, feeSubtracted bool) bool {
	if got.Address != want.Address {
		return false
	}
	units, isUnits := want.Amount.Units()
	if !isUnits {
		return true
	}
	c := got.Amount.Cmp(units)
	return c == 0 || (feeSubtracted && c < 0 && got.Amount.Sign() > 0)
}
