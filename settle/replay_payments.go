package settle

import (
	"context"
	"errors"

	"github.com/cryptopay-go/cryptopay"
)

// Replay hands fn, the function your cryptopay.PaymentCallbackHandler
// calls, a PaymentCallback for every receipt src's history holds from
// cur.Time on that was not delivered yet, oldest first, and reports what
// happened, with the cursor to pass next time. src is a *cryptopay.Account
// or a *cryptopay.Wallet. Each callback has the DedupeKey the real
// callback of the same payment and stage has, and the Data the live
// handler passed on, so that one idempotent fn serves both paths: a
// payment whose callback did arrive is delivered again with the same key.
// A cron job is:
//
//	var cur settle.Cursor
//	if err := cur.UnmarshalText(load()); err != nil { ... } // load() == nil: from the beginning
//	rep, err := settle.Replay(ctx, acct, cur, handlePayment, settle.WithSecretKeys("secret"))
//	text, _ := rep.Cursor.MarshalText()
//	save(text) // even when err != nil: the cursor covers what was delivered
//
// A receipt is delivered once unconfirmed if a replay sees it so, and once
// confirmed; one already confirmed when first seen only confirmed. What
// fn returns decides what becomes of the event:
//
//   - nil: delivered (Report.Delivered).
//   - an error matching cryptopay.ErrNotYet: deferred, not a failure
//     (Report.Deferred); the next run delivers it again.
//   - an error matching ErrPark: parked for good (Report.Parked); the
//     cursor moves past it.
//   - any other error: failed (Report.Failed), returned joined as
//     *EventError, which names the event; the next run delivers it again.
//
// The cursor stays at the oldest receipt that is unconfirmed, deferred or
// failed, so the next run delivers it again (and skips what it delivered
// after it). fn's errors do not stop the replay. An error of the API
// stops it, and so does ctx ending, with ctx's error; the cursor returned
// then covers what was delivered before. An event is handed to fn at most
// once a run, a receipt arriving during the run included.
//
// What a replayed callback can tell, and what it cannot:
//
//   - Replayed is true, ReceivedAt is when the history recorded the
//     receipt, and APIConfirmed says whether the history shows it
//     confirmed. Confirmations is 1 when it does and 0 when not: the
//     history says whether a receipt is confirmed, not how many times,
//     and may show it confirmed from its first confirmation on.
//     ConfirmationPolicy.Enough accepts a replayed payment the API shows
//     confirmed that was received at least ConfirmationPolicy.ReplayAge
//     ago (the policy's count in blocks of its network, with a margin),
//     and holds the others: fn returns ErrNotYet for a younger one, this
//     run reports it deferred, and a later run or the live callback, with
//     its real count, credits it. So a function that asks the policy
//     serves both paths.
//   - Value, InputAddress: from the receipt's history item, one callback
//     per address it paid; InputTransactionHash is its first
//     transaction; Account (or Wallet), Currency and Payment (the item
//     id) are exact.
//   - Data is what the live handler passes on: the data of the address's
//     callback (cryptopay.Account.AddressCallbackInfo; an address made
//     without a callback has the account's for the currency, if one was
//     set), what Apirone sends now; for a GET callback, the callback
//     URL's query parameters too (the handler reads them as data). The
//     keys WithSecretKeys names are removed. A receipt into an address
//     without a callback (an invoice's address, say) had no payment
//     callback and is skipped.
//   - TransactionHash and Destinations (forwarding) stay empty: the
//     forwarding payment is a history item of its own, not linked to the
//     receipt.
//
// Cost: the history is read 1000 receipts a page; a run with nothing new
// since the cursor is one request. Each receipt not yet delivered costs a
// history item, and each address those receipts paid one callback read
// (remembered for the run; see WithAddressCache), with at most
// WithConcurrency reads in flight: at most one request per receipt, per
// page and per distinct address, as long as the address cache holds every
// address paid (or, past its size, the addresses paid between two receipts
// of one address). Memory stays flat in the number of receipts: two pages
// and the address cache, except that the cursor lists every receipt
// delivered after the oldest one it stays at. The callback reads need the
// transfer key or a Login.
//
// GET /v2/accounts/{account}/history, /v2/accounts/{account}/history/{id},
// /v2/accounts/{account}/addresses/{address}/callback (or the
// /v2/wallets/{wallet}/... routes)
//
// API docs: https://apirone.com/docs/account/#account-history
func Replay(ctx context.Context, src PaymentSource, cur Cursor, fn func(context.Context, *cryptopay.PaymentCallback) error, opts ...Option) (Report, error) {
	if err := checkKind(cur, KindPayments); err != nil {
		return Report{Cursor: cur}, err
	}
	r := &paymentRun{src: src, fn: fn, opts: newOptions(opts), track: newTracker(cur, KindPayments), callbacks: map[string]*cryptopay.Callback{}}
	err := r.run(ctx, cur)
	r.report.Cursor = r.track.cursor()
	return r.report, errors.Join(append(r.failed, err)...)
}

// paymentRun is one run of Replay.
type paymentRun struct {
	src       PaymentSource
	fn        func(context.Context, *cryptopay.PaymentCallback) error
	opts      options
	track     *tracker
	callbacks map[string]*cryptopay.Callback // by address; nil: none
	report    Report
	failed    []error
}

// run walks the receipts from cur on and delivers each page; it returns
// the error that stopped it.
func (r *paymentRun) run(ctx context.Context, cur Cursor) error {
	var previous map[string]bool // the ids of the page before: none is handed over twice
	for page, err := range receiptsOldestFirst(ctx, r.src, cur.Time, historyPage) {
		if err != nil {
			return err
		}
		ids := make(map[string]bool, len(page))
		var fresh []cryptopay.HistoryEntry
		for _, e := range page {
			if e.Date.Before(cur.Time) || previous[e.ID] || ids[e.ID] { // the date filter counts whole seconds
				continue
			}
			ids[e.ID] = true
			fresh = append(fresh, e)
		}
		previous = ids
		if err := r.deliverPage(ctx, fresh); err != nil {
			return err
		}
	}
	return nil
}

// receiptKey is a receipt's key in Cursor.Seen.
func receiptKey(e cryptopay.HistoryEntry) string {
	if e.IsConfirmed {
		return e.ID + ":confirmed"
	}
	return e.ID + ":unconfirmed"
}

// deliverPage reads the detail of the page's receipts not delivered yet
// and hands them to fn, oldest first.
func (r *paymentRun) deliverPage(ctx context.Context, page []cryptopay.HistoryEntry) error {
	var ids []string
	for _, e := range page {
		if !r.track.seen(receiptKey(e)) {
			ids = append(ids, e.ID)
		}
	}
	items, read, readErr := readAll(ctx, r.opts.concurrency, ids, r.src.HistoryItem)
	items = items[:read]
	if err := r.readCallbacks(ctx, items); err != nil {
		return err
	}
	next := 0
	for _, e := range page {
		key := receiptKey(e)
		if r.track.seen(key) {
			r.track.pass(e.Date.Time, key, true, e.IsConfirmed)
			continue
		}
		if next == len(items) {
			return readErr
		}
		done, final := r.deliver(ctx, e, items[next])
		next++
		r.track.pass(e.Date.Time, key, done, final)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// readCallbacks reads the callbacks of the addresses items paid that the
// run does not know yet.
func (r *paymentRun) readCallbacks(ctx context.Context, items []*cryptopay.HistoryItem) error {
	var paid []string
	listed := map[string]bool{}
	for _, item := range items {
		for _, d := range item.Destinations {
			if !listed[d.Address] {
				listed[d.Address] = true
				paid = append(paid, d.Address)
			}
		}
	}
	if len(r.callbacks)+len(paid) > r.opts.cacheSize {
		clear(r.callbacks) // forget them all: memory stays bounded
	}
	var unknown []string
	for _, address := range paid {
		if _, known := r.callbacks[address]; !known {
			unknown = append(unknown, address)
		}
	}
	infos, _, err := readAll(ctx, r.opts.concurrency, unknown, r.src.AddressCallbackInfo)
	for i, info := range infos {
		if info != nil {
			r.callbacks[unknown[i]] = info.Callback
		}
	}
	return err
}

// deliver hands fn a callback for each address item paid that has one,
// and says whether the receipt is done (none deferred or failed) and
// final (confirmed, or parked).
func (r *paymentRun) deliver(ctx context.Context, e cryptopay.HistoryEntry, item *cryptopay.HistoryItem) (done, final bool) {
	cb := cryptopay.PaymentCallback{
		Account: item.Account, Wallet: item.Wallet, Currency: e.Currency, Payment: e.ID,
		Replayed: true, ReceivedAt: e.Date.Time, APIConfirmed: e.IsConfirmed,
	}
	if e.IsConfirmed {
		cb.Confirmations = 1
	}
	if len(item.Txs) > 0 {
		cb.InputTransactionHash = item.Txs[0]
	}
	done, final = true, e.IsConfirmed
	for _, d := range item.Destinations {
		config := r.callbacks[d.Address]
		if config == nil {
			continue // no callback: Apirone reported nothing
		}
		one := cb
		one.InputAddress, one.Value, one.Data = d.Address, d.Amount, liveData(config, r.opts.secretKeys)
		ev := Event{Key: one.DedupeKey(), Currency: one.Currency, Transaction: one.InputTransactionHash}
		switch became, err := r.report.judge(ev, r.fn(ctx, &one)); became {
		case deferred:
			done = false
		case failed:
			done = false
			r.failed = append(r.failed, err)
		case parked:
			final = true
		}
	}
	return done, final
}
