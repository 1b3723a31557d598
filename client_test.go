package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptions(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, "http://localhost:8080/api/v2/accounts/"+testAccountID, 200, fixture(t, "apirone/account_info.json"))
	c, err := NewClient(WithHTTPClient(w.httpClient()), WithBaseURL("http://localhost:8080/api/"), WithUserAgent("shop/1.0"))
	require.NoError(t, err)
	_, err = c.Account(testAccountID, "").Info(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "shop/1.0", w.only().Header.Get("User-Agent"))

	for _, bad := range []string{"", "apirone.com/api", "ftp://x", "https://x/api?k=v", "http://"} {
		_, err := NewClient(WithBaseURL(bad))
		assert.ErrorIs(t, err, ErrInvalidParams, bad)
	}
	_, err = NewClient(WithHTTPClient(nil))
	assert.ErrorIs(t, err, ErrInvalidParams)
}

func TestClientFormat(t *testing.T) {
	c, err := NewClient()
	require.NoError(t, err)
	assert.Equal(t, "cryptopay.Client{https://apirone.com/api}", fmt.Sprintf("%+v", c))
}
