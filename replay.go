package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Catching up on missed callbacks: a replay walks what the provider
// records and hands each event to the function the callback handler
// calls, with the same dedupe keys.

// ReplayCursor is where a replay stopped: Account.Replay and
// Account.ReplayInvoices take one and return the next. Keep it between
// runs (MarshalText gives its text form) so that the next run reads only
// what may have changed. The zero ReplayCursor starts at the beginning of
// the account's records; ReplayCursor{Time: t} starts at t.
type ReplayCursor struct {
	// Time is the point the next replay reads from: everything recorded
	// before it was delivered for good (a receipt delivered confirmed, an
	// invoice delivered in a final status).
	Time time.Time
	// Seen are the events recorded at or after Time that were delivered
	// already: "<history item id>:unconfirmed" or ":confirmed" for a
	// receipt, InvoiceCallback.DedupeKey for an invoice.
	Seen []string
}

// MarshalText writes the cursor as one line: the time (RFC 3339 with
// nanoseconds, UTC) and the seen keys, separated by spaces.
func (c ReplayCursor) MarshalText() ([]byte, error) {
	return []byte(strings.Join(append([]string{c.Time.UTC().Format(time.RFC3339Nano)}, c.Seen...), " ")), nil
}

// UnmarshalText reads what MarshalText wrote. Empty text (a cursor file
// not yet written, say) is the zero cursor.
func (c *ReplayCursor) UnmarshalText(text []byte) error {
	fields := strings.Fields(string(text))
	if len(fields) == 0 {
		*c = ReplayCursor{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, fields[0])
	if err != nil {
		return fmt.Errorf("cryptopay: replay cursor: %w", err)
	}
	*c = ReplayCursor{Time: t.UTC(), Seen: fields[1:]}
	if len(c.Seen) == 0 {
		c.Seen = nil
	}
	return nil
}

// Replay hands fn, the function your PaymentCallbackHandler calls, a
// PaymentCallback for every receipt the account's history holds from
// cur.Time on that was not delivered yet, oldest first, and returns the
// cursor to pass next time. Each callback has the DedupeKey the real
// callback of the same payment and stage has, so that one idempotent fn
// serves both paths: a payment whose callback did arrive is delivered
// again with the same key. A cron job is:
//
//	var cur cryptopay.ReplayCursor
//	if err := cur.UnmarshalText(load()); err != nil { ... } // load() == nil: from the beginning
//	cur, err := acct.Replay(ctx, cur, handlePayment, cryptopay.WithCallbackSecret("secret", s))
//	text, _ := cur.MarshalText()
//	save(text) // even when err != nil: cur covers what was delivered
//
// A receipt is delivered once unconfirmed if a replay sees it so, and once
// confirmed; one already confirmed when first seen only confirmed. The
// cursor stays at the oldest receipt that is unconfirmed, or that fn
// failed, so the next run delivers it again (and skips what it delivered
// after it). fn's errors do not stop the replay: they are returned
// joined, and errors.Is reaches them. An error of the API stops it; the
// cursor returned then covers what was delivered before.
//
// What the history gives, and what a real callback has that it lacks:
//
//   - Value, InputAddress: from the receipt's history item, one
//     callback per address it paid; InputTransactionHash is its first
//     transaction; Account, Currency and Payment (the item id) are
//     exact.
//   - Confirmations is 0 or 1: the history says whether a receipt is
//     confirmed, not how many times. A function that waits for more
//     confirmations must accept a replayed 1, or the replay stays held
//     at that payment.
//   - Data is the data of the address's callback
//     (Account.AddressCallbackInfo; an address made without a callback has
//     the account's for the currency, if one was set): what Apirone sends
//     now. A receipt into an address without a callback (an invoice's
//     address, say) had no payment callback and is skipped.
//     WithCallbackSecret among opts removes its keys from Data, as the
//     handler does; the other options are ignored.
//   - TransactionHash and Destinations (forwarding) stay empty: the
//     forwarding payment is a history item of its own, not linked to the
//     receipt.
//
// Cost: one history request per 100 receipts since cur.Time, one history
// item per receipt not yet delivered, and one callback read per address
// those receipts paid. The callback reads need the account's transfer key
// or a Login.
func (a *Account) Replay(ctx context.Context, cur ReplayCursor, fn func(context.Context, *PaymentCallback) error, opts ...CallbackOption) (ReplayCursor, error) {
	s := newCallbackSettings(opts)
	callbacks := map[string]*Callback{} // by address, for this run
	var events []replayEvent
	for e, err := range a.AllHistory(ctx, &HistoryParams{ItemType: ItemReceipt, DateFrom: cur.Time}) {
		if err != nil {
			return cur, err
		}
		if e.Date.Before(cur.Time) { // the filter counts whole seconds
			continue
		}
		cb := PaymentCallback{Account: a.ID(), Currency: e.Currency, Payment: e.ID}
		if e.IsConfirmed {
			cb.Confirmations = 1
		}
		events = append(events, replayEvent{date: e.Date.Time, key: e.ID + ":" + cb.stage(), final: e.IsConfirmed, deliver: func() error {
			item, err := a.HistoryItem(ctx, e.ID)
			if err != nil {
				return err
			}
			if len(item.Txs) > 0 {
				cb.InputTransactionHash = item.Txs[0]
			}
			var failed []error
			for _, d := range item.Destinations {
				config, found := callbacks[d.Address]
				if !found {
					info, err := a.AddressCallbackInfo(ctx, d.Address)
					if err != nil {
						return err
					}
					config, callbacks[d.Address] = info.Callback, info.Callback
				}
				if config == nil {
					continue // no callback: Apirone reported nothing
				}
				one := cb
				one.InputAddress, one.Value, one.Data = d.Address, d.Amount, maps.Clone(config.Data)
				for _, sec := range s.secrets {
					delete(one.Data, sec.key)
				}
				if err := fn(ctx, &one); err != nil {
					failed = append(failed, handlerFailed{err})
				}
			}
			return errors.Join(failed...)
		}})
	}
	return replay(ctx, cur, events)
}

// ReplayInvoices hands fn, the function your InvoiceCallbackHandler
// calls, an InvoiceCallback with the current status of every invoice with
// a callback URL created from cur.Time on that was not delivered in that
// status yet, oldest first, and returns the cursor to pass next time, as
// Replay does. Its DedupeKey is the one the real callback of that status
// has. Only the current status is delivered: the invoice's history shows
// the earlier ones, but acting on the latest is what matters. The cursor
// stays at the oldest invoice not in a final status (completed or
// expired), or that fn failed; an invoice leaves it when it expires at
// the latest.
//
// Invoices without a callback URL are skipped: they send no callbacks.
// It lists every invoice of the account each run (one request per 100;
// the list has no date filter) and needs the transfer key or a Login.
func (a *Account) ReplayInvoices(ctx context.Context, cur ReplayCursor, fn func(context.Context, *InvoiceCallback) error) (ReplayCursor, error) {
	var events []replayEvent
	for inv, err := range a.AllInvoices(ctx, nil) {
		if err != nil {
			return cur, err
		}
		if inv.CallbackURL == "" || inv.Created.Before(cur.Time) {
			continue
		}
		cb := InvoiceCallback{Invoice: inv.ID, Status: inv.Status}
		events = append(events, replayEvent{date: inv.Created.Time, key: cb.DedupeKey(), final: inv.Status.IsFinal(), deliver: func() error {
			if err := fn(ctx, &cb); err != nil {
				return handlerFailed{err}
			}
			return nil
		}})
	}
	return replay(ctx, cur, events)
}

// replayEvent is one event a replay may deliver.
type replayEvent struct {
	date    time.Time
	key     string // the key in ReplayCursor.Seen
	final   bool   // the event cannot change: the cursor may pass it once delivered
	deliver func() error
}

// handlerFailed is an error of the merchant's function: the replay goes
// on with the next event. Any other error stops it.
type handlerFailed struct{ error }

func (e handlerFailed) Unwrap() error { return e.error }

// replay delivers the events not in cur.Seen, oldest first, and returns
// the next cursor: at the oldest event not final or not delivered, else
// at the newest event, with the keys delivered from there on.
func replay(ctx context.Context, cur ReplayCursor, events []replayEvent) (ReplayCursor, error) {
	slices.SortStableFunc(events, func(x, y replayEvent) int { return x.date.Compare(y.date) })
	seen := make(map[string]bool, len(cur.Seen))
	for _, key := range cur.Seen {
		seen[key] = true
	}
	var errs []error
	done := make([]bool, len(events))
	next, held, stopped := cur, false, false
	for i, ev := range events {
		switch {
		case seen[ev.key]:
			done[i] = true
		case !stopped:
			err := ev.deliver()
			done[i] = err == nil
			if err != nil {
				errs = append(errs, err)
			}
			stopped = ctx.Err() != nil || (err != nil && !errors.As(err, new(handlerFailed)))
		}
		if !held && (!done[i] || !ev.final) {
			next.Time, held = ev.date, true
		}
	}
	if !held && len(events) > 0 {
		next.Time = events[len(events)-1].date
	}
	next.Seen = nil
	for i, ev := range events {
		if done[i] && !ev.date.Before(next.Time) {
			next.Seen = append(next.Seen, ev.key)
		}
	}
	return next, errors.Join(errs...)
}

// stage is the last part of the DedupeKey: "unconfirmed" or "confirmed".
func (p *PaymentCallback) stage() string {
	if p.Confirmations > 0 {
		return "confirmed"
	}
	return "unconfirmed"
}

// Replay hands fn, the function your AlphaPoCallbackVerifier.Handler
// calls, the current record of each transaction lookups names
// (AlphaPoClient.TransactionInfo), in order. The record is what a
// callback carries, so its DedupeKey is the key of the callback for the
// same status, and one idempotent fn serves both paths. A lookup that
// finds nothing (ErrNotFound: a withdrawal that was never made, an
// invoice nobody paid yet) is skipped. fn's errors do not stop it: they
// are returned joined, and errors.Is reaches them. An error of the API
// stops it.
//
// What can be replayed: the AlphaPo API v2 lists no transactions; it
// looks one up by id, foreign_id or blockchain txid. So a replay can only
// recheck operations you know of:
//
//   - withdrawals, exchanges and invoices, by the ForeignID you gave them
//     (or the ID their call returned): keep the ones not yet final and
//     recheck them, as a cron job would;
//   - deposits by ID, from a callback you did receive (its later status
//     is what you may have missed), or by the TxID the payer gives you.
//
// A deposit whose every callback was missed cannot be found through the
// API: its id is in the callbacks only, and deposits have no foreign_id
// of their own. Compare AlphaPoClient.Balances with your books to notice
// one. transactions/info reports the status "processing" as
// "not_confirmed", so such a record's DedupeKey differs from a
// "processing" callback's.
func (c *AlphaPoClient) Replay(ctx context.Context, fn func(context.Context, *AlphaPoTransaction) error, lookups ...AlphaPoTransactionInfoParams) error {
	var failed []error
	for _, p := range lookups {
		tx, err := c.TransactionInfo(ctx, &p)
		switch {
		case errors.Is(err, ErrNotFound):
			continue
		case err != nil:
			return errors.Join(append(failed, err)...)
		}
		if err := fn(ctx, tx); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}
