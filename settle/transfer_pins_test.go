package settle_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memLedger is a payment history in memory, newest last, answering as
// Apirone does (newest first, by offset); err fails every item read.
type memLedger struct {
	items []cryptopay.HistoryItem
	err   error
	pages int
}

func (l *memLedger) History(_ context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error) {
	l.pages++
	var entries []cryptopay.HistoryEntry
	for i := len(l.items) - 1; i >= 0; i-- {
		it := l.items[i]
		if !it.Created.Before(p.DateFrom) {
			entries = append(entries, cryptopay.HistoryEntry{ID: it.ID, Date: it.Created, Type: it.Type, Currency: it.Currency})
		}
	}
	page := &cryptopay.HistoryPage{Pagination: cryptopay.Pagination{Total: len(entries), Offset: p.Offset, Limit: p.Limit}}
	page.Items = entries[min(p.Offset, len(entries)):min(p.Offset+p.Limit, len(entries))]
	return page, nil
}

func (l *memLedger) HistoryItem(_ context.Context, id string) (*cryptopay.HistoryItem, error) {
	if l.err != nil {
		return nil, l.err
	}
	for i := range l.items {
		if l.items[i].ID == id {
			item := l.items[i]
			return &item, nil
		}
	}
	return nil, cryptopay.ErrNotFound
}

// memWallet is a memLedger of a btc wallet.
type memWallet struct{ *memLedger }

func (memWallet) Currency() string { return "btc" }

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// payment is a btc payment made at t0 plus i seconds.
func payment(i int, subtracted bool, dests ...cryptopay.AddressAmount) cryptopay.HistoryItem {
	var sum cryptopay.Amount
	for _, d := range dests {
		sum = sum.Add(d.Amount)
	}
	return cryptopay.HistoryItem{ID: fmt.Sprint("p", i), Currency: "btc", Type: cryptopay.ItemPayment, Created: cryptopay.Time{Time: t0.Add(time.Duration(i) * time.Second)},
		Destinations: dests, Amount: sum, Fee: cryptopay.FeeInfo{SubtractFromAmount: subtracted}}
}

func units(address string, n int64) cryptopay.AddressAmount {
	return cryptopay.AddressAmount{Address: address, Amount: cryptopay.NewAmount(n)}
}

// Mutation testing's survivors in transfer_lookup.go, pinned.
func TestFindTransferPins(t *testing.T) {
	ctx := context.Background()
	mark := settle.Mark{Time: t0}
	find := func(l settle.Ledger, p *cryptopay.TransferParams) (string, error) {
		item, err := settle.FindTransfer(ctx, l, p, mark)
		if err != nil {
			return "", err
		}
		return item.ID, nil
	}

	t.Run("past the first page", func(t *testing.T) {
		l := &memLedger{items: []cryptopay.HistoryItem{payment(1, false, units(payee, 500))}}
		for i := 2; i < 250; i++ {
			l.items = append(l.items, payment(i, false, units(payee2, 7)))
		}
		id, err := find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(500)}))
		require.NoError(t, err)
		assert.Equal(t, "p1", id)
		assert.Equal(t, 3, l.pages, "250 payments, 100 a page")
		_, err = find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(501)}))
		assert.ErrorIs(t, err, cryptopay.ErrNotFound)
	})
	t.Run("a wallet takes its own currency and refuses another", func(t *testing.T) {
		l := memWallet{&memLedger{items: []cryptopay.HistoryItem{payment(1, false, units(payee, 500))}}}
		p := &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Units(500)}}}
		id, err := find(l, p)
		require.NoError(t, err)
		assert.Equal(t, "p1", id)
		p.Currency = "ltc"
		_, err = find(l, p)
		assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	})
	t.Run("a failed read is returned, never not found", func(t *testing.T) {
		l := &memLedger{items: []cryptopay.HistoryItem{payment(1, false, units(payee, 500))}, err: cryptopay.ErrServer}
		_, err := find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(500)}))
		assert.ErrorIs(t, err, cryptopay.ErrServer)
		l.err = fmt.Errorf("gone: %w", cryptopay.ErrNotFound)
		_, err = find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(500)}))
		require.Error(t, err)
		assert.NotErrorIs(t, err, cryptopay.ErrNotFound)
	})
	t.Run("each destination matches a destination of its own", func(t *testing.T) {
		l := &memLedger{items: []cryptopay.HistoryItem{payment(1, false, units(payee, 10), units(payee2, 10))}}
		_, err := find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10)}, cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10)}))
		assert.ErrorIs(t, err, cryptopay.ErrNotFound)
	})
	t.Run("a percentage given before units", func(t *testing.T) {
		l := &memLedger{items: []cryptopay.HistoryItem{payment(1, true, units(payee, 480), units(payee2, 9))}}
		p := &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{
			{Address: payee, Amount: cryptopay.Percent(50)}, {Address: payee2, Amount: cryptopay.Units(10)}}}
		id, err := find(l, p)
		require.NoError(t, err)
		assert.Equal(t, "p1", id)
	})
	t.Run("a smaller amount matches only when the fee came off it", func(t *testing.T) {
		l := &memLedger{items: []cryptopay.HistoryItem{payment(1, false, units(payee, 490))}}
		_, err := find(l, btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(500)}))
		assert.ErrorIs(t, err, cryptopay.ErrNotFound)
		l.items[0].Fee.SubtractFromAmount, l.items[0].Amount = true, cryptopay.NewAmount(500) // the amount asked; the fee came off the destination
		id, err := find(l, &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Units(500)}}})
		require.NoError(t, err)
		assert.Equal(t, "p1", id)
	})
}
