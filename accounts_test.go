package cryptopay

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreatedAccountHidesTransferKey(t *testing.T) {
	a := CreatedAccount{Account: "apr-1", TransferKey: "sekret-key"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		assert.NotContains(t, fmt.Sprintf(verb, a), "sekret-key", verb)
		assert.NotContains(t, fmt.Sprintf(verb, &a), "sekret-key", verb)
	}
}

func TestAccountBalanceAddressesNeedCurrency(t *testing.T) {
	w := newWire(t)
	_, err := w.account().Balance(context.Background(), &BalanceParams{Addresses: []string{"3JH4"}})
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.ErrorContains(t, err, "currency")
	assert.Zero(t, w.count())
}

func TestMalformedAccountIDSendsNothing(t *testing.T) {
	for _, id := range []string{"", "apr-", "e729d998", "apr-../x", "apr-a/b", "apr-a?q", "apr-a#f", "apr-a b"} {
		t.Run(id, func(t *testing.T) {
			w := newWire(t)
			_, err := w.apirone().Account(id, testTransferKey).Balance(context.Background(), nil)
			assert.ErrorIs(t, err, ErrInvalidParams)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "account", pe.Field)
			assert.Zero(t, w.count())
		})
	}
}

func TestAccountHidesTransferKey(t *testing.T) {
	w := newWire(t)
	acct := w.account()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, acct)
		assert.NotContains(t, out, testTransferKey, verb)
		assert.Contains(t, out, testAccountID, verb)
	}
	assert.Equal(t, testAccountID, acct.ID())
}
