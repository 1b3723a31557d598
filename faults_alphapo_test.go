package cryptopay

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlphaPoMoneyMovingCallsAreNeverResent covers issue 7's rule: a
// withdrawal or exchange that may have reached AlphaPo is sent once, and an
// uncertain failure matches ErrOutcomeUnknown; a definite refusal does not.
func TestAlphaPoMoneyMovingCallsAreNeverResent(t *testing.T) {
	amount := dec("0.5")
	price := dec("50000")
	calls := map[string]func(*AlphaPoClient) error{
		"/v2/withdrawal/crypto": func(c *AlphaPoClient) error {
			_, err := c.WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
				ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: amount, Address: "bc1qexample",
			})
			return err
		},
		"/v2/exchange/fixed": func(c *AlphaPoClient) error {
			_, err := c.ExchangeFixed(context.Background(), &AlphaPoExchangeParams{
				SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, Price: &price, ForeignID: "x-1",
			})
			return err
		},
		"/v2/exchange/now": func(c *AlphaPoClient) error {
			_, err := c.ExchangeNow(context.Background(), &AlphaPoExchangeParams{
				SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, ForeignID: "x-2",
			})
			return err
		},
	}
	answers := []struct {
		name    string
		status  int // 0: the connection breaks after the request was sent
		unknown bool
	}{
		{"connection lost", 0, true},
		{"502", http.StatusBadGateway, true},
		{"503", http.StatusServiceUnavailable, true},
		{"400", http.StatusBadRequest, false},
		{"429", http.StatusTooManyRequests, false},
	}
	for path, send := range calls {
		for _, a := range answers {
			t.Run(path+" "+a.name, func(t *testing.T) {
				w := newWire(t)
				w.mock.RegisterResponder(http.MethodPost, AlphaPoBaseURL+path, func(r *http.Request) (*http.Response, error) {
					w.record(r)
					if a.status == 0 {
						return nil, errors.New("connection reset by peer")
					}
					return newJSONResponse(a.status, `{"error":"try later"}`), nil
				})
				err := send(w.alphapo())
				require.Error(t, err)
				assert.Equal(t, a.unknown, errors.Is(err, ErrOutcomeUnknown), "%v", err)
				if a.unknown {
					assert.ErrorContains(t, err, "TransactionInfo by foreign_id")
				}
				assert.Equal(t, 1, w.count(), "sent once, never again")
			})
		}
	}
}
