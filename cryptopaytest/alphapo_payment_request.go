package cryptopaytest

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// AlphaPoPaymentRequestParams describes one callback of a payment request,
// the provider's hosted checkout, for AlphaPoPaymentRequest to send. The
// fake has no payment request API (the SDK has no call for it yet): this
// sends what AlphaPo sends when one changes, so that a merchant's callback
// handler can be tested.
type AlphaPoPaymentRequestParams struct {
	ID        string // the payment_request_id; "" means a new random UUID
	ForeignID string // your id of the payment request
	// Status is required: "processing" (the rate is fixed, or a payment
	// arrived), "paid", "failed" or "expired".
	Status cryptopay.AlphaPoStatus
	// Currency is what the customer pays in, one of the fake's crypto
	// currencies, e.g. "BTC"; required. Network is its network_name, e.g.
	// "bitcoin"; "" means the currency's own network.
	Currency, Network string
	// ConvertTo is the currency the merchant receives
	// (payment_request_address.convert_to); "" means Currency.
	ConvertTo string
	// EndUserEmail is the customer's email the callback reports.
	EndUserEmail string
	// Expected is what the customer must send, positive; Received what has
	// arrived so far. Both in whole coins with at most 8 decimal places.
	Expected, Received cryptopay.Decimal
	// CallbackURL is where the callback goes; "" means the server's
	// (SetAlphaPoCallbackURL). One of the two is required.
	CallbackURL string
}

// AlphaPoPaymentRequestResult is a payment request callback and its delivery.
type AlphaPoPaymentRequestResult struct {
	ID       string   // the payment_request_id sent
	Delivery Delivery // the callback sent
}

// AlphaPoPaymentRequest delivers one payment request callback before
// returning: a POST signed like AlphaPo's (see SignAlphaPoCallback) whose
// body has the form of the docs' example
// (https://docs.cryptoprocessing.com/api-reference/callbacks/payment-request-callbacks):
// type "payment_request", payment_request_id, a payment_request_address of
// a new address in Currency, payment_request_amount (Expected) and
// currency_sent (expected, received and remaining amounts), end_user_email,
// and fixed_at (now), expires_at and valid_until (15 minutes later) in Unix
// seconds. It is acknowledged by status 200 and not sent again.
func (s *Server) AlphaPoPaymentRequest(ctx context.Context, p AlphaPoPaymentRequestParams) (*AlphaPoPaymentRequestResult, error) {
	expected, okExpected := toUnits(p.Expected)
	received, okReceived := toUnits(p.Received)
	cur := alphaPoCurrency(p.Currency)
	switch {
	case p.Status == "":
		return nil, fmt.Errorf("cryptopaytest: AlphaPoPaymentRequestParams.Status is required")
	case cur == nil || cur.fiat:
		return nil, fmt.Errorf("cryptopaytest: %q is not a crypto currency of this server", p.Currency)
	case !okExpected || expected.Sign() <= 0 || !okReceived || received.Sign() < 0:
		return nil, fmt.Errorf("cryptopaytest: want a positive expected and a non-negative received amount with at most 8 decimal places, got %s and %s",
			p.Expected, p.Received)
	}
	s.alphaPoAccount.mu.Lock()
	url := p.CallbackURL
	if url == "" {
		url = s.alphaPoAccount.callbackURL
	}
	s.alphaPoAccount.mu.Unlock()
	if url == "" {
		return nil, fmt.Errorf("cryptopaytest: AlphaPoPaymentRequestParams.CallbackURL is required when SetAlphaPoCallbackURL set none")
	}
	id := p.ID
	if id == "" {
		id = newUUID()
	}
	currency := networkCurrency{ISO: cur.name, Network: cmp.Or(p.Network, cur.network)}
	convertTo := currency
	if p.ConvertTo != "" && p.ConvertTo != cur.name {
		to := alphaPoCurrency(p.ConvertTo)
		if to == nil {
			return nil, fmt.Errorf("cryptopaytest: %q is not a currency of this server", p.ConvertTo)
		}
		convertTo = networkCurrency{ISO: to.name, Network: to.network}
	}
	fixed := s.Now().Unix()
	expires := fixed + int64(paymentRequestTimer/time.Second)
	remaining := new(big.Int).Sub(expected, received)
	if remaining.Sign() < 0 {
		remaining.SetInt64(0)
	}
	body := mustJSON(paymentRequestJSON{
		PaymentRequestID: id, ForeignID: p.ForeignID, Type: cryptopay.AlphaPoTxPaymentRequest, Status: p.Status,
		EndUserEmail: p.EndUserEmail,
		Address:      paymentRequestAddressJSON{ID: newUUID(), Currency: currency, ConvertTo: convertTo, Address: cur.format.generate()},
		Amount:       paymentRequestAmountJSON{Currency: currency, Amount: decimalPtr(expected)},
		Sent: paymentRequestAmountJSON{
			Currency: currency, Expected: decimalPtr(expected), Received: decimalPtr(received), Remaining: decimalPtr(remaining),
		},
		FixedAt: fixed, ExpiresAt: expires, ValidUntil: expires,
	})
	d, _ := s.sendCallback(ctx, http.MethodPost, url, body, SignAlphaPoCallback(s.alphaKey, s.alphaSecret, body))
	d.Acknowledged = d.Status == http.StatusOK
	return &AlphaPoPaymentRequestResult{ID: id, Delivery: d}, nil
}

// paymentRequestJSON is a payment request callback as AlphaPo writes it.
type paymentRequestJSON struct {
	PaymentRequestID string                    `json:"payment_request_id"`
	ForeignID        string                    `json:"foreign_id"`
	Type             cryptopay.AlphaPoTxType   `json:"type"`
	Status           cryptopay.AlphaPoStatus   `json:"status"`
	EndUserEmail     string                    `json:"end_user_email"`
	Address          paymentRequestAddressJSON `json:"payment_request_address"`
	Amount           paymentRequestAmountJSON  `json:"payment_request_amount"`
	Sent             paymentRequestAmountJSON  `json:"currency_sent"`
	FixedAt          int64                     `json:"fixed_at"`
	ExpiresAt        int64                     `json:"expires_at"`
	ValidUntil       int64                     `json:"valid_until"`
}

// paymentRequestTimer is how long a payment request's rate holds.
const paymentRequestTimer = 15 * time.Minute

type paymentRequestAddressJSON struct {
	ID        string          `json:"id"`
	Currency  networkCurrency `json:"currency"`
	ConvertTo networkCurrency `json:"convert_to"`
	Address   string          `json:"address"`
}

type paymentRequestAmountJSON struct {
	Currency  networkCurrency    `json:"currency"`
	Amount    *cryptopay.Decimal `json:"amount,omitempty"`
	Expected  *cryptopay.Decimal `json:"expected_amount,omitempty"`
	Received  *cryptopay.Decimal `json:"received_amount,omitempty"`
	Remaining *cryptopay.Decimal `json:"remaining_amount,omitempty"`
}

type networkCurrency struct {
	ISO     string `json:"iso"`
	Network string `json:"network_name,omitempty"`
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
