package cryptopaytest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoPaymentRequestCallbacks(t *testing.T) {
	e := newAlphaEnv(t)
	send := func(status cryptopay.AlphaPoStatus, received string) *cryptopaytest.AlphaPoPaymentRequestResult {
		res, err := e.srv.AlphaPoPaymentRequest(ctx, cryptopaytest.AlphaPoPaymentRequestParams{
			ID: "019c0ebf-81e5-751d-aa57-fb9e2cba23c2", ForeignID: "order_12345", Status: status,
			Currency: "BTC", Network: "bitcoin", Expected: cryptopay.MustDecimal("0.0094"), Received: cryptopay.MustDecimal(received),
		})
		require.NoError(t, err)
		assert.True(t, res.Delivery.Acknowledged)
		return res
	}
	res := send(cryptopay.AlphaPoStatusProcessing, "0")
	send(cryptopay.AlphaPoStatusProcessing, "0.005")
	send(cryptopay.AlphaPoStatusPaid, "0.0094")

	// The body has the documented form, which the SDK's handler decodes.
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Delivery.Body), &body))
	assert.Equal(t, "payment_request", body["type"])
	assert.Equal(t, map[string]any{"iso": "BTC", "network_name": "bitcoin"}, body["currency_sent"].(map[string]any)["currency"])
	assert.NotContains(t, body, "id")

	cbs := e.callbacks()
	require.Len(t, cbs, 3)
	first := cbs[0]
	assert.Equal(t, cryptopay.AlphaPoTxPaymentRequest, first.Type)
	assert.Equal(t, "019c0ebf-81e5-751d-aa57-fb9e2cba23c2", first.PaymentRequestID)
	assert.Equal(t, "order_12345", first.ForeignID)
	assert.Regexp(t, `^bc1q`, first.PaymentRequestAddress.Address)
	assert.Equal(t, "bitcoin", first.PaymentRequestAddress.Network)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{Currency: "BTC", Network: "bitcoin", Amount: cryptopay.MustDecimal("0.00940000")}, first.PaymentRequestAmount)
	assert.Equal(t, &cryptopay.AlphaPoCurrencyAmount{
		Currency: "BTC", Network: "bitcoin", Amount: cryptopay.MustDecimal("0.00940000"),
		ReceivedAmount: dec("0.00000000"), RemainingAmount: dec("0.00940000"),
	}, first.CurrencySent)
	assert.Equal(t, cryptopay.AlphaPoStatusPaid, cbs[2].Status)
	assert.Equal(t, dec("0.00000000"), cbs[2].CurrencySent.RemainingAmount)
	keys := map[string]bool{}
	for _, cb := range cbs {
		keys[cb.DedupeKey()] = true
	}
	assert.Len(t, keys, 3, "three events, three keys")

	// The rate's window, the customer's email and the currency the
	// merchant receives, as AlphaPo's example has them; a currency's own
	// network when none is given.
	res, err := e.srv.AlphaPoPaymentRequest(ctx, cryptopaytest.AlphaPoPaymentRequestParams{
		Status: cryptopay.AlphaPoStatusProcessing, Currency: "BTC", ConvertTo: "ETH", EndUserEmail: "customer@example.com",
		Expected: cryptopay.MustDecimal("0.0094"), Received: cryptopay.MustDecimal("0"),
	})
	require.NoError(t, err)
	cb := e.callbacks()[0]
	assert.Equal(t, "customer@example.com", cb.EndUserEmail)
	assert.Equal(t, clockStart.Unix(), cb.FixedAt)
	assert.Equal(t, clockStart.Add(15*time.Minute).Unix(), cb.ExpiresAt)
	assert.Equal(t, cb.ExpiresAt, cb.ValidUntil)
	assert.Equal(t, "bitcoin", cb.PaymentRequestAddress.Network)
	assert.Equal(t, "ETH", cb.PaymentRequestAddress.ConvertTo)
	assert.Equal(t, "ethereum", cb.PaymentRequestAddress.ConvertToNetwork)
	assert.NotEmpty(t, res.ID)

	_, err = e.srv.AlphaPoPaymentRequest(ctx, cryptopaytest.AlphaPoPaymentRequestParams{
		Status: cryptopay.AlphaPoStatusPaid, Currency: "EUR", Expected: cryptopay.MustDecimal("1"),
	})
	assert.Error(t, err, "a payment request is paid in crypto")
}
