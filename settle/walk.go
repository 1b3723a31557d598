package settle

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// historyPage is the page size a replay reads the history with: the
// largest HistoryParams.Limit the client sends. Tests make it smaller.
var historyPage = 1000

// maxRereads is how often a replay reads a history page again when the
// history changed under it before it gives up.
const maxRereads = 3

// receiptsOldestFirst yields the receipts of l's history from from on, a
// page at a time, oldest page first and oldest entry first, without
// holding more than two pages. Apirone lists newest first by offset, so a
// receipt that arrives during the walk moves every older one a place
// further: the walk reads the newest page first, bounds the rest by its
// newest date (a receipt arriving in the same second still moves them),
// and reads a page again at the moved offset when the total shows that
// the list moved, so that no receipt is skipped or read twice.
func receiptsOldestFirst(ctx context.Context, l Ledger, from time.Time, limit int) iter.Seq2[[]cryptopay.HistoryEntry, error] {
	return func(yield func([]cryptopay.HistoryEntry, error) bool) {
		params := cryptopay.HistoryParams{ItemType: cryptopay.ItemReceipt, DateFrom: from, Limit: limit}
		newest, err := l.History(ctx, &params)
		if err != nil {
			yield(nil, err)
			return
		}
		total := newest.Pagination.Total
		if total > len(newest.Items) && len(newest.Items) > 0 {
			params.DateTo = newest.Items[0].Date.Add(time.Second) // the filter counts whole seconds
			shift := 0
			for offset := (total - 1) / limit * limit; offset > 0; offset -= limit {
				var page *cryptopay.HistoryPage
				page, shift, err = readMoved(ctx, l, params, offset, total, shift)
				if err != nil {
					yield(nil, err)
					return
				}
				if !yield(oldestFirst(page.Items), nil) {
					return
				}
			}
		}
		yield(oldestFirst(newest.Items), nil)
	}
}

// readMoved reads the page at offset of a list that had total entries,
// moved by shift entries added at its head since; when the page's total
// shows another shift, it reads again there. It returns the shift found.
func readMoved(ctx context.Context, l Ledger, params cryptopay.HistoryParams, offset, total, shift int) (*cryptopay.HistoryPage, int, error) {
	for range maxRereads {
		params.Offset = max(offset+shift, 0)
		page, err := l.History(ctx, &params)
		if err != nil {
			return nil, shift, err
		}
		if page.Pagination.Total == total+shift {
			return page, shift, nil
		}
		shift = page.Pagination.Total - total
	}
	return nil, shift, fmt.Errorf("settle: the history kept changing while it was read (%d pages read again)", maxRereads)
}

// oldestFirst returns a newest-first list reversed, in a new slice.
func oldestFirst[T any](newestFirst []T) []T {
	out := slices.Clone(newestFirst)
	slices.Reverse(out)
	return out
}

// readAll reads every key with at most n reads in flight and returns the
// results by position, and how many of the first keys were read before
// the first failure, with that failure. A failure cancels the reads not
// yet sent.
func readAll[T any](ctx context.Context, n int, keys []string, read func(context.Context, string) (T, error)) ([]T, int, error) {
	out := make([]T, len(keys))
	errs := make([]error, len(keys))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		slots = make(chan struct{}, n)
	)
	for i, key := range keys {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			out[i], errs[i] = read(ctx, key)
			if errs[i] != nil {
				once.Do(func() { first = errs[i]; cancel() })
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			return out, i, first
		}
	}
	return out, len(keys), nil
}
