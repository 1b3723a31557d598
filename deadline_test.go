package cryptopay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHugeNumberAnswerWithinDeadline: a Balance answer with a 1.5 MB digit
// string is refused in far less than the call's 500 ms deadline. Parsing
// it used to hold the call for about 5 s.
func TestHugeNumberAnswerWithinDeadline(t *testing.T) {
	body := `{"account":"` + testAccountID + `","balance":[{"currency":"btc","available":"` +
		strings.Repeat("9", 1_500_000) + `","total":0}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := NewClient(WithHTTPClient(srv.Client()), WithBaseURL(srv.URL))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	got, err := c.Account(testAccountID, testTransferKey).Balance(ctx, nil)
	took := time.Since(start)
	assert.Error(t, err)
	assert.Nil(t, got)
	assert.Less(t, took, time.Second, "within the deadline (a generous bound: it took seconds)")
}
