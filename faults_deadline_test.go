package cryptopay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHugeNumberRefusedBeforeBigNumberWork: a Balance answer with a 1.5 MB
// digit string is refused by the digit cap. Parsing it used to hold a call
// for about 5 s (ignoring a 500 ms deadline), then return success. The
// deadline here is long, so that a busy machine cannot make it the reason.
func TestHugeNumberRefusedBeforeBigNumberWork(t *testing.T) {
	body := `{"account":"` + testAccountID + `","balance":[{"currency":"btc","available":"` +
		strings.Repeat("9", 1_500_000) + `","total":0}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := NewClient(WithHTTPClient(srv.Client()), WithBaseURL(srv.URL))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := c.Account(testAccountID, testTransferKey).Balance(ctx, nil)
	// The digit cap refuses the number before any big-number work: the
	// call fails on the number.
	require.Error(t, err)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "digits")
	assert.Nil(t, got)
}

// cancelOnDecode stands for a result whose decoding outlasts the call's
// context: it cancels the context while it is decoded.
type cancelOnDecode struct{ cancel context.CancelFunc }

func (c *cancelOnDecode) UnmarshalJSON([]byte) error {
	c.cancel()
	return nil
}

// TestResultAfterContextEndedIsAnError: a call whose context ends while
// its answer is read or decoded returns the context's error, never
// success; a money-moving call's outcome is then unknown.
func TestResultAfterContextEndedIsAnError(t *testing.T) {
	for _, moneyMoving := range []bool{false, true} {
		w := newWire(t)
		w.respond(http.MethodPost, "https://apirone.com/api/v2/decode", 200, `{"txs":["t1"]}`)
		ctx, cancel := context.WithCancel(context.Background())
		ep := endpoint{method: http.MethodPost, path: "/v2/decode", body: map[string]int{"n": 1}, moneyMoving: moneyMoving}
		err := w.apirone().backend.do(ctx, &ep, &cancelOnDecode{cancel})
		require.ErrorIs(t, err, context.Canceled, "money-moving: %v", moneyMoving)
		assert.ErrorContains(t, err, "cryptopay: POST /v2/decode")
		assert.Equal(t, moneyMoving, errors.Is(err, ErrOutcomeUnknown))
		assert.Equal(t, 1, w.count(), "not sent again")
	}
}
