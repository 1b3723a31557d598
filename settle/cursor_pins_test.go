package settle_test

import (
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Empty text (a cursor file not yet written) is the zero cursor, whatever
// the cursor held; a kind alone lacks its time.
func TestCursorEmptyText(t *testing.T) {
	cur := settle.Cursor{Kind: settle.KindPayments, Time: time.Unix(1, 0), Seen: []string{"a"}}
	require.NoError(t, cur.UnmarshalText(nil))
	assert.Equal(t, settle.Cursor{}, cur)
	assert.ErrorContains(t, cur.UnmarshalText([]byte("invoices")), "the time is missing")
}

// A mark round-trips through its text, ids with white space included,
// and bad text is refused.
func TestMarkText(t *testing.T) {
	m := settle.Mark{Time: time.Date(2024, 5, 1, 12, 0, 0, 123456000, time.UTC), IDs: []string{"p 1", "p2"}}
	text, err := m.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024-05-01T12:00:00.123456Z p%201 p2", string(text))
	var back settle.Mark
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, m, back)
	require.NoError(t, back.UnmarshalText([]byte("2024-05-01T12:00:00Z")))
	assert.Equal(t, settle.Mark{Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}, back)

	_, err = settle.Mark{Time: m.Time, IDs: []string{""}}.MarshalText()
	assert.Error(t, err)
	for _, bad := range []string{"", "  ", "noon p1", "2024-05-01T12:00:00Z %zz"} {
		assert.Error(t, back.UnmarshalText([]byte(bad)), "%q", bad)
	}
}
