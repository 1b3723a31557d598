package settle_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invoiceList lists invoices in the order held, 100 a page, counting
// the pages read.
type invoiceList struct {
	invoices []cryptopay.Invoice
	pages    int
}

func (l *invoiceList) Invoices(_ context.Context, p *cryptopay.PageParams) (*cryptopay.InvoicePage, error) {
	l.pages++
	end := min(p.Offset+p.Limit, len(l.invoices))
	return &cryptopay.InvoicePage{Invoices: l.invoices[min(p.Offset, end):end], Pagination: cryptopay.Pagination{Total: len(l.invoices)}}, nil
}

// invoicesAt are n completed invoices with a callback URL, created one
// a minute from t0, newest first.
func invoicesAt(n int) []cryptopay.Invoice {
	var out []cryptopay.Invoice
	for i := n - 1; i >= 0; i-- {
		out = append(out, cryptopay.Invoice{ID: fmt.Sprint("inv", i), Status: cryptopay.InvoiceCompleted, CallbackURL: "https://shop.example/inv",
			Created: cryptopay.Time{Time: t0.Add(time.Duration(i) * time.Minute)}})
	}
	return out
}

// Issue 21, item 9: ReplayInvoices reads the newest-first list only down
// to the cursor, and the whole list, in creation order, when the list
// does not come newest first.
func TestReplayInvoicesStopsAtTheCursor(t *testing.T) {
	ctx := context.Background()
	var got []string
	record := func(_ context.Context, cb *cryptopay.InvoiceCallback) error {
		got = append(got, cb.Invoice)
		return nil
	}
	list := &invoiceList{invoices: invoicesAt(450)}
	rep, err := settle.ReplayInvoices(ctx, list, settle.Cursor{}, record)
	require.NoError(t, err)
	assert.Equal(t, 5, list.pages, "a first run reads every invoice")
	assert.Len(t, got, 450)
	assert.Equal(t, "inv0", got[0], "oldest first")

	list.invoices = append(invoicesAt(460)[:10], list.invoices...) // 10 more
	list.pages, got = 0, nil
	_, err = settle.ReplayInvoices(ctx, list, rep.Cursor, record)
	require.NoError(t, err)
	assert.Equal(t, 1, list.pages, "only down to the cursor")
	assert.Len(t, got, 10)

	slices.Reverse(list.invoices) // oldest first: no early stop
	list.pages, got = 0, nil
	_, err = settle.ReplayInvoices(ctx, list, rep.Cursor, record)
	require.NoError(t, err)
	assert.Equal(t, 5, list.pages, "the whole list")
	assert.Len(t, got, 10)
	assert.True(t, slices.IsSortedFunc(got, func(x, y string) int { return len(x) - len(y) }), "in creation order: %v", got)
}
