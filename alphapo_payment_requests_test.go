package cryptopay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlphaPoPaymentRequestCallbacks: a payment request's callbacks have
// no numeric id; each new payment, still "processing", is a new event.
func TestAlphaPoPaymentRequestCallbacks(t *testing.T) {
	v := testVerifier(t)
	parse := func(body string) (*AlphaPoTransaction, error) {
		return v.Parse([]byte(body), signedHeader(testAlphaKey, testAlphaSecret, []byte(body)))
	}
	const id = `"payment_request_id":"019c0ebf-81e5-751d-aa57-fb9e2cba23c2","type":"payment_request"`
	fixed, err := parse(`{` + id + `,"status":"processing","currency_sent":{"currency":"BTC","expected_amount":"0.0094","received_amount":"0"}}`)
	require.NoError(t, err, "a plain currency code is taken too")
	assert.Equal(t, "BTC", fixed.CurrencySent.Currency)
	paid, err := parse(`{` + id + `,"status":"processing","currency_sent":{"currency":{"iso":"BTC"},"received_amount":"0.0050"}}`)
	require.NoError(t, err)
	again, err := parse(`{` + id + `,"status":"processing","currency_sent":{"currency":{"iso":"BTC"},"received_amount":0.005}}`)
	require.NoError(t, err)
	done, err := parse(`{` + id + `,"status":"paid","transactions":[{"id":"019c0f25-e7db"}],"fees":{"unknown":"form"}}`)
	require.NoError(t, err, "transactions and fees of a payment request are not decoded")

	assert.Equal(t, "019c0ebf-81e5-751d-aa57-fb9e2cba23c2:processing:0", fixed.DedupeKey())
	assert.NotEqual(t, fixed.DedupeKey(), paid.DedupeKey(), "a new payment is a new event")
	assert.Equal(t, paid.DedupeKey(), again.DedupeKey(), "the same amount written another way is a repeat")
	assert.NotEqual(t, paid.DedupeKey(), done.DedupeKey())
	assert.NotEqual(t, fixed.DedupeKey(), (&AlphaPoTransaction{ID: 7, Status: "processing"}).DedupeKey())

	_, err = parse(`{"type":"payment_request","status":"paid"}`)
	assert.ErrorIs(t, err, ErrCallbackMalformed, "no payment_request_id")
	_, err = parse(`{` + id + `,"status":"paid","currency_sent":"0.0094"}`)
	assert.ErrorIs(t, err, ErrCallbackMalformed)
}
