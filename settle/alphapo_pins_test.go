package settle_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// transactions looks AlphaPo transactions up by id in memory; ids it does
// not hold are not found.
type transactions map[int64]*cryptopay.AlphaPoTransaction

func (m transactions) TransactionInfo(_ context.Context, p *cryptopay.AlphaPoTransactionInfoParams) (*cryptopay.AlphaPoTransaction, error) {
	if tx, ok := m[p.ID]; ok {
		return tx, nil
	}
	return nil, fmt.Errorf("no such id: %w", cryptopay.ErrNotFound)
}

// ReplayAlphaPo reports each lookup's fate as Replay does, and names the
// event of each failure.
func TestReplayAlphaPoOutcomes(t *testing.T) {
	ltc := &cryptopay.AlphaPoCurrencyAmount{Currency: "LTC", Amount: cryptopay.MustDecimal("1")}
	src := transactions{
		11: {ID: 11, Status: cryptopay.AlphaPoStatusConfirmed, CurrencySent: ltc},
		12: {ID: 12, Status: cryptopay.AlphaPoStatusConfirmed, CurrencyReceived: ltc},
		13: {ID: 13, Status: cryptopay.AlphaPoStatusConfirmed, CurrencySent: ltc},
		14: {ID: 14, Status: cryptopay.AlphaPoStatusConfirmed},
	}
	locked := errors.New("books locked")
	fates := map[int64]error{11: fmt.Errorf("later: %w", cryptopay.ErrNotYet), 12: fmt.Errorf("gone: %w", settle.ErrPark), 13: locked}
	fn := func(_ context.Context, tx *cryptopay.AlphaPoTransaction) error { return fates[tx.ID] }
	rep, err := settle.ReplayAlphaPo(context.Background(), src, fn,
		cryptopay.AlphaPoTransactionInfoParams{ID: 11}, cryptopay.AlphaPoTransactionInfoParams{ID: 99},
		cryptopay.AlphaPoTransactionInfoParams{ID: 12}, cryptopay.AlphaPoTransactionInfoParams{ID: 13},
		cryptopay.AlphaPoTransactionInfoParams{ID: 14})
	require.ErrorIs(t, err, locked)
	var failed *settle.EventError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, settle.Event{Key: "13:confirmed", Currency: "LTC", Transaction: "13"}, failed.Event)
	assert.Equal(t, []settle.Event{{Key: "11:confirmed", Currency: "LTC", Transaction: "11"}}, rep.Deferred)
	require.Len(t, rep.Parked, 1)
	assert.Equal(t, settle.Event{Key: "12:confirmed", Currency: "LTC", Transaction: "12"}, rep.Parked[0].Event)
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, 1, rep.Delivered, "14; 99 is not found and skipped")
}
