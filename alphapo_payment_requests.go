package cryptopay

import "encoding/json"

// AlphaPoTxPaymentRequest is the callback type of a payment request, the
// provider's hosted checkout. Its callbacks carry PaymentRequestID (a UUID)
// instead of ID, and amounts with the currency's network; see
// AlphaPoTransaction.
//
// API docs: https://docs.cryptoprocessing.com/api-reference/callbacks/payment-request-callbacks
const AlphaPoTxPaymentRequest AlphaPoTxType = "payment_request"

// Payment request statuses besides processing and failed
// (docs.cryptoprocessing.com/payment-requests/statuses).
const (
	AlphaPoStatusPaid    AlphaPoStatus = "paid"    // final: paid in full and confirmed
	AlphaPoStatusExpired AlphaPoStatus = "expired" // final: nothing was sent in time
)

// AlphaPoPaymentRequestAddress is the address a payment request's customer
// pays to.
type AlphaPoPaymentRequestAddress struct {
	ID       string // a UUID
	Currency string // what the customer pays in, e.g. "BTC"
	Network  string // its network, e.g. "bitcoin"
	// ConvertTo and ConvertToNetwork are what the payment is converted
	// into, e.g. "ETH" on "ethereum"; "" when it is not.
	ConvertTo        string
	ConvertToNetwork string
	Address          string
}

// isPaymentRequest reports whether a callback body is of type
// payment_request, which decodePaymentRequest decodes.
func isPaymentRequest(body []byte) bool {
	var head struct {
		Type AlphaPoTxType `json:"type"`
	}
	return json.Unmarshal(body, &head) == nil && head.Type == AlphaPoTxPaymentRequest
}

// decodePaymentRequest decodes a payment request callback into tx. Its
// currencies are {"iso", "network_name"} objects (or plain codes); fields
// of other callbacks whose form payment requests do not document
// (transactions, fees) are not decoded.
func decodePaymentRequest(body []byte, tx *AlphaPoTransaction) error {
	var in struct {
		PaymentRequestID      string          `json:"payment_request_id"`
		Type                  AlphaPoTxType   `json:"type"`
		Status                AlphaPoStatus   `json:"status"`
		Error                 string          `json:"error"`
		EndUserEmail          string          `json:"end_user_email"`
		PaymentRequestAddress *requestAddress `json:"payment_request_address"`
		PaymentRequestAmount  *requestAmount  `json:"payment_request_amount"`
		CurrencySent          *requestAmount  `json:"currency_sent"`
		CurrencyReceived      *requestAmount  `json:"currency_received"`
		ForeignID             lenientString   `json:"foreign_id"`
		EndUserReference      lenientString   `json:"end_user_reference"`
		FixedAt               lenientInt      `json:"fixed_at"`
		ExpiresAt             lenientInt      `json:"expires_at"`
		ValidUntil            lenientInt      `json:"valid_until"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return err
	}
	tx.ForeignID, tx.EndUserReference = string(in.ForeignID), string(in.EndUserReference)
	tx.FixedAt, tx.ExpiresAt, tx.ValidUntil = int64(in.FixedAt), int64(in.ExpiresAt), int64(in.ValidUntil)
	tx.PaymentRequestID, tx.Type, tx.Status, tx.Error, tx.EndUserEmail = in.PaymentRequestID, in.Type, in.Status, in.Error, in.EndUserEmail
	if a := in.PaymentRequestAddress; a != nil {
		tx.PaymentRequestAddress = &AlphaPoPaymentRequestAddress{
			ID: a.ID, Currency: a.Currency.ISO, Network: a.Currency.Network,
			ConvertTo: a.ConvertTo.ISO, ConvertToNetwork: a.ConvertTo.Network, Address: a.Address,
		}
	}
	tx.PaymentRequestAmount, tx.CurrencySent, tx.CurrencyReceived =
		in.PaymentRequestAmount.value(), in.CurrencySent.value(), in.CurrencyReceived.value()
	return nil
}

// requestAddress is payment_request_address as AlphaPo writes it.
type requestAddress struct {
	ID        string          `json:"id"`
	Currency  networkCurrency `json:"currency"`
	ConvertTo networkCurrency `json:"convert_to"`
	Address   string          `json:"address"`
}

// requestAmount is an amount of a payment request callback as AlphaPo
// writes it: payment_request_amount has amount; currency_sent has
// expected_amount, received_amount and remaining_amount.
type requestAmount struct {
	Currency        networkCurrency `json:"currency"`
	Amount          *Decimal        `json:"amount"`
	ExpectedAmount  *Decimal        `json:"expected_amount"`
	ReceivedAmount  *Decimal        `json:"received_amount"`
	RemainingAmount *Decimal        `json:"remaining_amount"`
	AmountMinusFee  *Decimal        `json:"amount_minus_fee"`
}

// value returns m as an AlphaPoCurrencyAmount, whose Amount is amount or,
// when there is none, expected_amount; nil for nil.
func (m *requestAmount) value() *AlphaPoCurrencyAmount {
	if m == nil {
		return nil
	}
	v := &AlphaPoCurrencyAmount{
		Currency: m.Currency.ISO, Network: m.Currency.Network,
		ReceivedAmount: m.ReceivedAmount, RemainingAmount: m.RemainingAmount, AmountMinusFee: m.AmountMinusFee,
	}
	switch {
	case m.Amount != nil:
		v.Amount = *m.Amount
	case m.ExpectedAmount != nil:
		v.Amount = *m.ExpectedAmount
	}
	return v
}

// networkCurrency is a currency of a payment request callback:
// {"iso": "BTC", "network_name": "bitcoin"}, or a plain "BTC".
type networkCurrency struct {
	ISO     string `json:"iso"`
	Network string `json:"network_name"`
}

// UnmarshalJSON accepts the object, a string (the code alone) or null.
func (c *networkCurrency) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		type plain networkCurrency
		return json.Unmarshal(b, (*plain)(c))
	}
	var iso lenientString
	err := iso.UnmarshalJSON(b)
	c.ISO = string(iso)
	return err
}
