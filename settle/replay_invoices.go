package settle

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// ReplayInvoices hands fn, the function your
// cryptopay.InvoiceCallbackHandler calls, an InvoiceCallback with the
// current status of every invoice with a callback URL created from
// cur.Time on that was not delivered in that status yet, oldest first, and
// reports what happened with the cursor to pass next time, as Replay
// does (deferred, parked and failed events included). src is a
// *cryptopay.Account. Its DedupeKey is the one the real callback of that
// status has. Only the current status is delivered: the invoice's history
// shows the earlier ones, but acting on the latest is what matters. The
// cursor stays at the oldest invoice not in a final status (completed or
// expired), or that fn deferred or failed; an invoice leaves it when it
// expires at the latest.
//
// Invoices without a callback URL are skipped: they send no callbacks.
//
// Cost: the invoice list has no date filter, so ReplayInvoices reads it
// newest first, 100 a page, and stops at the first invoice created before
// cur.Time: a run costs one request per 100 invoices created since the
// cursor, and a first run (the zero cursor) reads every invoice of the
// account. Should the list not come newest first (its documentation does
// not say), it reads the whole list each run rather than miss one. The invoices since the cursor are held in memory for the run.
// It needs the transfer key or a Login.
//
// GET /v2/accounts/{account}/invoices
//
// API docs: https://apirone.com/docs/invoices/#invoices-list
func ReplayInvoices(ctx context.Context, src InvoiceSource, cur Cursor, fn func(context.Context, *cryptopay.InvoiceCallback) error) (Report, error) {
	if err := checkKind(cur, KindInvoices); err != nil {
		return Report{Cursor: cur}, err
	}
	invoices, err := invoicesSince(ctx, src, cur.Time)
	if err != nil { // the older invoices are not read: deliver none
		return Report{Cursor: Cursor{Kind: KindInvoices, Time: cur.Time, Seen: cur.Seen}}, err
	}
	track := newTracker(cur, KindInvoices)
	var report Report
	var failed []error
	for _, inv := range invoices {
		cb := cryptopay.InvoiceCallback{Invoice: inv.ID, Status: inv.Status}
		key := cb.DedupeKey()
		if track.seen(key) {
			track.pass(inv.Created.Time, key, true, inv.Status.IsFinal())
			continue
		}
		became, err := report.judge(Event{Key: key, Transaction: inv.ID}, fn(ctx, &cb))
		if err != nil {
			failed = append(failed, err)
		}
		track.pass(inv.Created.Time, key, became == delivered || became == parked, inv.Status.IsFinal() || became == parked)
		if err := ctx.Err(); err != nil {
			failed = append(failed, err)
			break
		}
	}
	report.Cursor = track.cursor()
	return report, errors.Join(failed...)
}

// invoicePage is the page size ReplayInvoices reads the list with.
const invoicePage = 100

// invoicesSince lists src's invoices with a callback URL created at or
// after from, oldest first. While the list shows itself newest first
// (each page read whole before deciding), it stops at the first invoice
// older than from; once an invoice is newer than the one before it, it
// reads to the end. An invoice listed twice
// (the list moved while it was read) is kept once.
func invoicesSince(ctx context.Context, src InvoiceSource, from time.Time) ([]cryptopay.Invoice, error) {
	var out []cryptopay.Invoice
	listed := map[string]bool{}
	newestFirst, previous := true, time.Time{}
	for offset := 0; ; offset += invoicePage {
		page, err := src.Invoices(ctx, &cryptopay.PageParams{Limit: invoicePage, Offset: offset})
		if err != nil {
			return out, err
		}
		for _, inv := range page.Invoices { // the page's order decides before any stop
			newestFirst = newestFirst && (previous.IsZero() || !inv.Created.After(previous))
			previous = inv.Created.Time
		}
		for _, inv := range page.Invoices {
			if inv.Created.Before(from) {
				if newestFirst {
					return oldestFirst(out), nil
				}
				continue
			}
			if inv.CallbackURL != "" && !listed[inv.ID] {
				listed[inv.ID] = true
				out = append(out, inv)
			}
		}
		if len(page.Invoices) < invoicePage || offset+invoicePage >= page.Pagination.Total {
			if newestFirst {
				return oldestFirst(out), nil
			}
			slices.SortStableFunc(out, func(x, y cryptopay.Invoice) int { return x.Created.Compare(y.Created.Time) })
			return out, nil
		}
	}
}
