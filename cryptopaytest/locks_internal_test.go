package cryptopaytest

import (
	"context"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/require"
)

// An Apirone call never waits for the AlphaPo lock, nor an AlphaPo call
// for the Apirone one: with one lock for both, each call below would wait
// until the context's generous deadline and fail.
func TestEachAPIHasItsOwnLock(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	noRetry := cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1})
	ctx := func(t *testing.T) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t.Cleanup(cancel)
		return ctx
	}

	t.Run("AlphaPo while the Apirone lock is held", func(t *testing.T) {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		_, err := srv.AlphaPoClient(noRetry).Balances(ctx(t))
		require.NoError(t, err)
	})
	t.Run("Apirone while the AlphaPo lock is held", func(t *testing.T) {
		srv.alphaPoAccount.mu.Lock()
		defer srv.alphaPoAccount.mu.Unlock()
		_, err := srv.Client(noRetry).CreateAccount(ctx(t))
		require.NoError(t, err)
	})
}
