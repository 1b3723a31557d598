package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoBalancesAcceptNumbers(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/accounts/list", 200, `{"data":[{"currency":"BTC","type":"crypto","balance":0.04},{"currency":"ETH","type":"crypto","balance":1e-8}]}`)
	got, err := w.alphapo().Balances(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "0.04", got[0].Balance.String())
	assert.Equal(t, "0.00000001", got[1].Balance.String())
}
