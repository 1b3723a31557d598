package cryptopaytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// TestWalletWire: on the wire a wallet's answers name it "wallet" (no
// "account"), its currency is implied, and another currency is a 400.
func TestWalletWire(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	do := func(method, path, body string) (int, map[string]any) {
		req, err := http.NewRequest(method, srv.ApironeURL()+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(data, &out), string(data))
		return resp.StatusCode, out
	}
	status, created := do(http.MethodPost, "/v2/wallets", `{"currency":"tbtc"}`)
	require.Equal(t, http.StatusOK, status)
	id := created["wallet"].(string)
	assert.Regexp(t, `^tbtc-[0-9a-f]{32}$`, id)

	status, addr := do(http.MethodPost, "/v2/wallets/"+id+"/addresses", `{}`)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, id, addr["wallet"])
	assert.NotContains(t, addr, "account")
	assert.Equal(t, "tbtc", addr["currency"])

	status, refused := do(http.MethodPost, "/v2/wallets/"+id+"/addresses", `{"currency":"btc"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "The wallet holds tbtc.", refused["message"])
	status, _ = do(http.MethodGet, "/v2/wallets/"+id+"/history?currency=btc", "")
	assert.Equal(t, http.StatusBadRequest, status)

	status, _ = do(http.MethodGet, "/v2/accounts/"+id, "")
	assert.Equal(t, http.StatusNotFound, status, "a wallet is not an account")
}
