package cryptopay

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllHistory(t *testing.T) {
	w := newWire(t)
	const total = 25
	w.pages(apironeAccountURL+"/history", "items", total, func(i int) string {
		return fmt.Sprintf(`{"id":"item%d","type":"receipt","amount":%d}`, i, i+1)
	})

	sum := NewAmount(0)
	n := 0
	for item, err := range w.account().AllHistory(context.Background(), &HistoryParams{ItemType: ItemReceipt, Limit: 10}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("item%d", n), item.ID)
		sum = sum.Add(item.Amount)
		n++
	}
	assert.Equal(t, total, n)
	assert.Equal(t, "325", sum.String())
	require.Equal(t, 3, w.count())
	assert.Equal(t, "limit=10&offset=20&q=item_type%3Areceipt", w.reqs[2].RawQuery)
}
