package cryptopay

// Tests of request.go: the declaration of a call, its path and the
// request built from it.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoQueryNoQuestionMark: a call without query parameters sends a URL
// without a bare "?".
func TestNoQueryNoQuestionMark(t *testing.T) {
	var sent string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r.URL.String()
		return newJSONResponse(200, `{"account":"`+testAccountID+`","balance":[]}`), nil
	})}
	c, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, "").Balance(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, ApironeBaseURL+"/v2/accounts/"+testAccountID+"/balance", sent)
}

// TestRequestTarget: the request line and Host a server receives, for base
// URLs and path arguments with and without characters to escape, and the
// base URL's user info sent as Basic authorization.
func TestRequestTarget(t *testing.T) {
	type got struct{ uri, host, auth string }
	var last got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last = got{r.RequestURI, r.Host, r.Header.Get("Authorization")}
		w.Write([]byte(`{"address":"x"}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		base, address string
		want          got
	}{
		{srv.URL + "/api", benchAddress, got{"/api/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, ""}},
		{srv.URL + "/api/", "a b+ä", got{"/api/v2/accounts/" + testAccountID + "/addresses/a%20b+%C3%A4", host, ""}},
		{srv.URL + "/my%20api", benchAddress, got{"/my%20api/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, ""}},
		{srv.URL + "/my%20api", "a b", got{"/my%20api/v2/accounts/" + testAccountID + "/addresses/a%20b", host, ""}},
		{"http://shop:p%40ss@" + host, benchAddress, got{"/v2/accounts/" + testAccountID + "/addresses/" + benchAddress, host, "Basic c2hvcDpwQHNz"}},
	} {
		c, err := NewClient(WithBaseURL(tc.base), WithRetry(RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		last = got{}
		_, err = c.Account(testAccountID, "").AddressInfo(context.Background(), tc.address)
		require.NoError(t, err, tc.base)
		assert.Equal(t, tc.want, last, "%s %s", tc.base, tc.address)
	}
}

func TestPathArgumentsThatChangeTheURLAreRejected(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "../x", "a/b", "?q", "#f", `a\b`, "a%2Fb", "a\nb"} {
		t.Run(fmt.Sprintf("%q", bad), func(t *testing.T) {
			w := newWire(t)
			c := w.apirone()
			acct := c.Account(testAccountID, testTransferKey)
			ctx := context.Background()
			calls := []func() error{
				func() error { _, err := c.NetworkFees(ctx, bad); return err },
				func() error { _, err := c.Invoice(ctx, bad); return err },
				func() error { _, err := acct.Invoice(ctx, bad); return err },
				func() error { _, err := acct.AddressInfo(ctx, bad); return err },
				func() error { _, err := acct.AddressBalance(ctx, bad); return err },
				func() error { _, err := acct.AddressHistory(ctx, bad, nil); return err },
				func() error { _, err := acct.AddressCallbackInfo(ctx, bad); return err },
				func() error { _, err := acct.AddressCallbackLog(ctx, bad, nil); return err },
				func() error { _, err := acct.HistoryItem(ctx, bad); return err },
			}
			for i, f := range calls {
				assert.ErrorIs(t, f(), ErrInvalidParams, "call %d", i)
			}
			assert.Zero(t, w.count())
		})
	}
}
