package cryptopay

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// AlphaPoTxType is the kind of operation an AlphaPo callback reports.
type AlphaPoTxType string

// AlphaPo callback types. Values AlphaPo sends that are not
// listed here (e.g. "withdrawal_instant") are kept as they are.
const (
	AlphaPoTxDeposit            AlphaPoTxType = "deposit"
	AlphaPoTxDepositExchange    AlphaPoTxType = "deposit_exchange" // deposit converted to ConvertTo
	AlphaPoTxWithdrawal         AlphaPoTxType = "withdrawal"
	AlphaPoTxWithdrawalExchange AlphaPoTxType = "withdrawal_exchange" // withdrawal with conversion
	AlphaPoTxExchange           AlphaPoTxType = "exchange"
	AlphaPoTxInvoice            AlphaPoTxType = "invoice"
)

// AlphaPoStatus is the state of the operation an AlphaPo callback reports.
type AlphaPoStatus string

// AlphaPo statuses. Values AlphaPo sends that are not listed
// here are kept as they are.
const (
	AlphaPoStatusConfirmed    AlphaPoStatus = "confirmed"     // final: the money moved
	AlphaPoStatusNotConfirmed AlphaPoStatus = "not_confirmed" // seen, not yet guaranteed
	AlphaPoStatusCancelled    AlphaPoStatus = "cancelled"     // see AlphaPoTransaction.Error
	AlphaPoStatusPending      AlphaPoStatus = "pending"
	AlphaPoStatusDeclined     AlphaPoStatus = "declined" // see AlphaPoTransaction.Error
	AlphaPoStatusProcessing   AlphaPoStatus = "processing"
	AlphaPoStatusFailed       AlphaPoStatus = "failed"
)

// AlphaPoTransaction is an operation as AlphaPo records it: a deposit,
// withdrawal, exchange or invoice payment. It is the JSON body AlphaPo POSTs
// to the merchant's callback URL when the operation changes state, and what
// AlphaPoClient.TransactionInfo returns. Amounts are exact Decimals and
// decode from strings or numbers; ids and confirmations from numbers or
// strings; tags and your ids from strings, numbers or null. Fields an
// operation does not use stay zero (or nil, for pointers).
//
// API docs: https://docs.cryptoprocessing.com/api-reference/callbacks/callbacks-overview
//
// The same callback may arrive more than once: see DedupeKey.
type AlphaPoTransaction struct {
	ID               int64                  `json:"id"`                   // 0 for a payment request: see PaymentRequestID
	ForeignID        string                 `json:"foreign_id,omitempty"` // your id of a withdrawal, exchange or invoice; a deposit's is CryptoAddress.ForeignID
	EndUserReference string                 `json:"end_user_reference,omitempty"`
	Type             AlphaPoTxType          `json:"type"`
	CryptoAddress    *AlphaPoCryptoAddress  `json:"crypto_address,omitempty"`
	CurrencySent     *AlphaPoCurrencyAmount `json:"currency_sent,omitempty"`
	CurrencyReceived *AlphaPoCurrencyAmount `json:"currency_received,omitempty"`
	Transactions     []AlphaPoTxEntry       `json:"transactions,omitempty"`
	Fees             []AlphaPoFee           `json:"fees,omitempty"`
	Error            string                 `json:"error,omitempty"` // why a cancelled or declined operation failed
	Status           AlphaPoStatus          `json:"status"`
	FixedAt          int64                  `json:"fixed_at,omitempty"`   // invoices: when the rate was fixed, Unix seconds
	ExpiresAt        int64                  `json:"expires_at,omitempty"` // invoices: when the invoice expires, Unix seconds

	// Payment requests (Type AlphaPoTxPaymentRequest) only. Their
	// CurrencySent is what the customer pays: Amount is the
	// expected_amount, with ReceivedAmount and RemainingAmount; Transactions
	// and Fees are not decoded for them. PaymentRequestAddress and
	// PaymentRequestAmount are left out when the transaction is encoded.
	PaymentRequestID      string                        `json:"payment_request_id,omitempty"` // a UUID
	EndUserEmail          string                        `json:"end_user_email,omitempty"`
	PaymentRequestAddress *AlphaPoPaymentRequestAddress `json:"-"`
	PaymentRequestAmount  *AlphaPoCurrencyAmount        `json:"-"`                     // what the merchant asked for
	ValidUntil            int64                         `json:"valid_until,omitempty"` // Unix seconds
}

// UnmarshalJSON decodes the transaction leniently, as described on
// AlphaPoTransaction.
func (c *AlphaPoTransaction) UnmarshalJSON(b []byte) error {
	type fields AlphaPoTransaction // without this method
	var w struct {
		fields
		ID               lenientInt    `json:"id"`
		ForeignID        lenientString `json:"foreign_id"`
		EndUserReference lenientString `json:"end_user_reference"`
		FixedAt          lenientInt    `json:"fixed_at"`
		ExpiresAt        lenientInt    `json:"expires_at"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = AlphaPoTransaction(w.fields) // replaced whole, and untouched on an error
	c.ID, c.ForeignID, c.EndUserReference = int64(w.ID), string(w.ForeignID), string(w.EndUserReference)
	c.FixedAt, c.ExpiresAt = int64(w.FixedAt), int64(w.ExpiresAt)
	return nil
}

// AlphaPoCryptoAddress is the address an operation concerns: the
// deposit address, or the withdrawal's destination.
type AlphaPoCryptoAddress struct {
	ID        int64  `json:"id"`
	Currency  string `json:"currency"`
	ConvertTo string `json:"convert_to,omitempty"`
	Address   string `json:"address"`
	Tag       string `json:"tag"` // memo for XRP, XLM, ...; "" when none
	// ForeignID is, for a deposit, its customer: the foreign_id the
	// address was taken with, which AlphaPo sends only here.
	ForeignID string `json:"foreign_id,omitempty"`
	// CrossCurrency is true on a deposit made in another coin than the
	// address's (e.g. ETH sent to a USDC address on the same network):
	// docs.cryptoprocessing.com/integration-guide/deposits/test-cases.
	CrossCurrency bool `json:"cross_currency,omitempty"`
}

// UnmarshalJSON decodes the address, taking the id as a number or a
// string, the tag and foreign id as a string, a number or null, and
// cross_currency as a boolean or its text.
func (a *AlphaPoCryptoAddress) UnmarshalJSON(b []byte) error {
	type fields AlphaPoCryptoAddress // without this method
	var w struct {
		fields
		ID            lenientInt    `json:"id"`
		Tag           lenientString `json:"tag"`
		ForeignID     lenientString `json:"foreign_id"`
		CrossCurrency lenientBool   `json:"cross_currency"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = AlphaPoCryptoAddress(w.fields) // replaced whole, and untouched on an error
	a.ID, a.Tag, a.ForeignID, a.CrossCurrency = int64(w.ID), string(w.Tag), string(w.ForeignID), bool(w.CrossCurrency)
	return nil
}

// MarshalJSON encodes the address as AlphaPo writes it: the tag is null
// when there is none.
func (a AlphaPoCryptoAddress) MarshalJSON() ([]byte, error) {
	type plain AlphaPoCryptoAddress
	return json.Marshal(struct {
		plain
		Tag lenientString `json:"tag"`
	}{plain(a), lenientString(a.Tag)})
}

// AlphaPoCurrencyAmount is an amount in a currency: what was sent or what
// was received.
type AlphaPoCurrencyAmount struct {
	Currency string  `json:"currency"`
	Network  string  `json:"-"` // payment requests: the currency's network, e.g. "bitcoin"
	Amount   Decimal `json:"amount"`
	// ReceivedAmount is what has arrived so far (payment requests).
	ReceivedAmount *Decimal `json:"received_amount,omitempty"`
	// RemainingAmount is what is left to pay (invoices; sent side only).
	RemainingAmount *Decimal `json:"remaining_amount,omitempty"`
	// AmountMinusFee is the amount after AlphaPo's fees (received side).
	AmountMinusFee *Decimal `json:"amount_minus_fee,omitempty"`
}

// AlphaPoTxEntry is one movement behind an AlphaPoTransaction: on a
// blockchain, inside the processing, or an exchange.
type AlphaPoTxEntry struct {
	ID              int64    `json:"id"`
	Currency        string   `json:"currency"`
	CurrencyTo      string   `json:"currency_to,omitempty"` // exchanges
	TransactionType string   `json:"transaction_type"`      // "blockchain", "internal" or "exchange"
	Type            string   `json:"type"`                  // "deposit", "withdrawal" or "exchange"
	Address         string   `json:"address,omitempty"`
	Tag             string   `json:"tag,omitempty"`
	Amount          Decimal  `json:"amount"`
	AmountTo        *Decimal `json:"amount_to,omitempty"` // exchanges: the amount in CurrencyTo
	TxID            string   `json:"txid,omitempty"`
	RiskScore       string   `json:"riskscore,omitempty"` // AML risk score, e.g. "0.5"; "" when not scored
	Confirmations   int64    `json:"confirmations"`
}

// UnmarshalJSON decodes the entry, taking the id and confirmations as
// numbers or strings and the tag, txid and risk score as strings, numbers
// or null.
func (e *AlphaPoTxEntry) UnmarshalJSON(b []byte) error {
	type fields AlphaPoTxEntry // without this method
	var w struct {
		fields
		ID            lenientInt    `json:"id"`
		Tag           lenientString `json:"tag"`
		TxID          lenientString `json:"txid"`
		RiskScore     lenientString `json:"riskscore"`
		Confirmations lenientInt    `json:"confirmations"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = AlphaPoTxEntry(w.fields) // replaced whole, and untouched on an error
	e.ID, e.Tag, e.TxID, e.RiskScore = int64(w.ID), string(w.Tag), string(w.TxID), string(w.RiskScore)
	e.Confirmations = int64(w.Confirmations)
	return nil
}

// AlphaPoFee is a fee AlphaPo charged for an operation.
type AlphaPoFee struct {
	Type     string  `json:"type"` // e.g. "deposit", "mining", "fee_crypto_deposit_to_fiat"
	Currency string  `json:"currency"`
	Amount   Decimal `json:"amount"`
}

// DedupeKey identifies the event this callback reports, for idempotent
// handling: "<id>:<status>", as AlphaPo advises. A repeat delivery has the
// same key; the same operation in a new status has a new one. A payment
// request's key is "<payment_request_id>:<status>:<received amount>", as it
// reports each new payment in the status processing.
func (c *AlphaPoTransaction) DedupeKey() string {
	if c.PaymentRequestID != "" {
		received := "0"
		if c.CurrencySent != nil && c.CurrencySent.ReceivedAmount != nil {
			received = c.CurrencySent.ReceivedAmount.Rat().RatString()
		}
		return c.PaymentRequestID + ":" + string(c.Status) + ":" + received
	}
	return strconv.FormatInt(c.ID, 10) + ":" + string(c.Status)
}

// decodeAlphaPoCallback decodes a callback body. Only call it on bytes that
// passed verification. A callback without id (payment_request_id for a
// payment request) or status, the fields that identify it, is
// ErrCallbackMalformed.
func decodeAlphaPoCallback(body []byte) (*AlphaPoTransaction, error) {
	cb := new(AlphaPoTransaction)
	err := json.Unmarshal(body, cb)
	if (err != nil || cb.Type == AlphaPoTxPaymentRequest) && isPaymentRequest(body) {
		// Rare, and its currencies are objects: its own decoder, second.
		cb = new(AlphaPoTransaction)
		err = decodePaymentRequest(body, cb)
	}
	if err != nil {
		return nil, malformed("%v", err)
	}
	if cb.ID == 0 && cb.PaymentRequestID == "" || cb.Status == "" {
		return nil, malformed("id or status is missing")
	}
	return cb, nil
}

// AlphaPoCallbackVerifier checks and decodes the callbacks AlphaPo sends:
// the one way to receive them, whether or not the service also calls the
// API. Build it from the same key and secret as the AlphaPoClient; Add more
// key/secret pairs to accept callbacks of several merchants at one
// endpoint, or the old and the new pair while you rotate them. It is safe
// for concurrent use, Add included, and never prints a key or secret.
//
// A verifier with no pair (the zero value, a struct field never set, or a
// nil pointer) refuses every callback with ErrCallbackUnverified, from
// Verify, Parse, ParseRequest and Handler alike; Add gives a zero value
// its first pair.
type AlphaPoCallbackVerifier struct {
	// keys is behind a pointer, so that Format's copy copies no lock; nil
	// in a zero verifier until its first Add. Read and set it under
	// verifierKeys.
	keys *alphaPoKeys
}

// verifierKeys guards the keys pointer of every verifier: a zero verifier
// has no lock of its own when its first Add sets it.
var verifierKeys sync.RWMutex

// alphaPoKeys are the pairs a verifier accepts.
type alphaPoKeys struct {
	mu    sync.RWMutex
	pairs []alphaPoPair
}

// alphaPoPair is one key/secret pair; sum is the SHA-256 of the key, which
// Verify compares with the header's in constant time.
type alphaPoPair struct {
	key    secret
	sum    [sha256.Size]byte
	signer *Signer
}

// alphaPoKeyContext is the context key under which Handler passes the
// key that verified the callback.
type alphaPoKeyContext struct{}

// NewAlphaPoCallbackVerifier returns a verifier for callbacks signed for
// the merchant's API key and secret. Both are required.
func NewAlphaPoCallbackVerifier(key, secret string) (*AlphaPoCallbackVerifier, error) {
	v := new(AlphaPoCallbackVerifier)
	if err := v.Add(key, secret); err != nil {
		return nil, err
	}
	return v, nil
}

// Add makes v accept callbacks signed for key and secret too, besides
// those it accepted already: another merchant served by the same endpoint,
// or a new pair during a rotation. Both are required. The callback's
// X-Processing-Key header says which pair applies, and only that pair's
// secret is tried; [AlphaPoCallbackKey] tells Handler's function which
// key it was.
//
// To rotate: create the new pair in AlphaPo's dashboard, Add it, then move
// your AlphaPoClient to it; build the verifier without the old pair once
// AlphaPo has stopped retrying callbacks signed with it (about 24 hours).
func (v *AlphaPoCallbackVerifier) Add(key, secret string) error {
	switch {
	case v == nil:
		return invalid("verifier", "is nil: make it with NewAlphaPoCallbackVerifier")
	case key == "":
		return invalid("key", "is required")
	case secret == "":
		return invalid("secret", "is required")
	}
	keys := v.keysToAdd()
	keys.mu.Lock()
	defer keys.mu.Unlock()
	keys.pairs = append(keys.pairs, alphaPoPair{key: newSecret(key), sum: sha256.Sum256([]byte(key)), signer: NewSigner(secret)})
	return nil
}

// keysToAdd returns v's pairs, made first in a zero verifier.
func (v *AlphaPoCallbackVerifier) keysToAdd() *alphaPoKeys {
	verifierKeys.Lock()
	defer verifierKeys.Unlock()
	if v.keys == nil {
		v.keys = new(alphaPoKeys)
	}
	return v.keys
}

// matching returns the pairs whose key's SHA-256 is sum, comparing with
// every pair in constant time; none for a verifier with no pair.
func (v *AlphaPoCallbackVerifier) matching(sum [sha256.Size]byte) []alphaPoPair {
	if v == nil {
		return nil
	}
	verifierKeys.RLock()
	keys := v.keys
	verifierKeys.RUnlock()
	if keys == nil {
		return nil
	}
	var matches []alphaPoPair
	keys.mu.RLock()
	defer keys.mu.RUnlock()
	for _, p := range keys.pairs {
		if subtle.ConstantTimeCompare(sum[:], p.sum[:]) == 1 {
			matches = append(matches, p)
		}
	}
	return matches
}

// Format prints "cryptopay.AlphaPoCallbackVerifier{REDACTED}" for every
// verb, for a pointer and a value alike.
func (v AlphaPoCallbackVerifier) Format(f fmt.State, verb rune) {
	io.WriteString(f, "cryptopay.AlphaPoCallbackVerifier{REDACTED}")
}

// Verify checks that body, the raw bytes exactly as received, came from
// AlphaPo: header must hold exactly one X-Processing-Key equal to the key
// of one of v's pairs and exactly one X-Processing-Signature equal to the
// HMAC-SHA512 of body under that pair's secret (see Signer). The key is
// compared with every pair's in constant time. A failure matches
// ErrCallbackUnverified; its text never holds a key or signature. On
// success the pair that matched is the one whose key is the header's
// X-Processing-Key.
func (v *AlphaPoCallbackVerifier) Verify(body []byte, header http.Header) error {
	_, err := v.verify(body, header)
	return err
}

// verify is Verify, returning the key that matched.
func (v *AlphaPoCallbackVerifier) verify(body []byte, header http.Header) (string, error) {
	keys := header.Values("X-Processing-Key")
	sigs := header.Values("X-Processing-Signature")
	if len(keys) != 1 {
		return "", fmt.Errorf("%w: want one X-Processing-Key header, got %d", ErrCallbackUnverified, len(keys))
	}
	matches := v.matching(sha256.Sum256([]byte(keys[0])))
	switch {
	case len(matches) == 0:
		return "", fmt.Errorf("%w: X-Processing-Key is not a merchant's key", ErrCallbackUnverified)
	case len(sigs) != 1:
		return "", fmt.Errorf("%w: want one X-Processing-Signature header, got %d", ErrCallbackUnverified, len(sigs))
	}
	for _, p := range matches {
		if p.signer.Verify(body, sigs[0]) {
			return p.key.reveal(), nil
		}
	}
	return "", fmt.Errorf("%w: X-Processing-Signature does not match the body", ErrCallbackUnverified)
}

// AlphaPoCallbackKey returns the API key whose pair verified the callback
// that AlphaPoCallbackVerifier.Handler passes to your function with ctx,
// or "" for any other context: with several merchants' pairs (see
// AlphaPoCallbackVerifier.Add) it says whose callback it is. It is a
// credential: do not log it.
func AlphaPoCallbackKey(ctx context.Context) string {
	key, _ := ctx.Value(alphaPoKeyContext{}).(string)
	return key
}

// Parse verifies body (see Verify) and only then decodes it.
func (v *AlphaPoCallbackVerifier) Parse(body []byte, header http.Header) (*AlphaPoTransaction, error) {
	_, cb, err := v.parse(body, header)
	return cb, err
}

// parse is Parse, returning the key that matched.
func (v *AlphaPoCallbackVerifier) parse(body []byte, header http.Header) (string, *AlphaPoTransaction, error) {
	key, err := v.verify(body, header)
	if err != nil {
		return "", nil, err
	}
	cb, err := decodeAlphaPoCallback(body)
	return key, cb, err
}

// ParseRequest reads a callback from r and parses it (see Parse). It
// accepts only POST (else ErrCallbackMethod) and reads at most
// MaxCallbackBody bytes (else ErrCallbackTooLarge).
func (v *AlphaPoCallbackVerifier) ParseRequest(r *http.Request) (*AlphaPoTransaction, error) {
	_, cb, err := v.parseRequest(r)
	return cb, err
}

// parseRequest is ParseRequest, returning the key that matched.
func (v *AlphaPoCallbackVerifier) parseRequest(r *http.Request) (string, *AlphaPoTransaction, error) {
	if r.Method != http.MethodPost {
		return "", nil, fmt.Errorf("%w: %.20q", ErrCallbackMethod, r.Method)
	}
	body, err := readCallbackBody(r)
	if err != nil {
		return "", nil, err
	}
	return v.parse(body, r.Header)
}

// Handler returns an http.Handler for AlphaPo callbacks. It parses each
// request with ParseRequest, calls fn with the request's context, and
// answers:
//
//   - exactly 200 (empty body) when fn returns nil;
//   - 500 when fn returns an error, so AlphaPo retries later; an error
//     that matches ErrNotYet is answered the same way but is no failure
//     (see PaymentCallbackHandler);
//   - 403 when verification fails (fn is not called), a zero verifier
//     refusing every callback;
//   - 400, 405 or 413 for a malformed, non-POST or oversized request.
//
// It takes the options that say how it reports (CallbackReportOption):
// WithCallbackErrorHandler, WithCallbackLogger and WithCallbackObserver.
// AlphaPo signs its callbacks, so WithCallbackSecret and
// WithCallbackConfirm, which are for Apirone's, do not compile here.
func (v *AlphaPoCallbackVerifier) Handler(fn func(context.Context, *AlphaPoTransaction) error, opts ...AlphaPoCallbackOption) http.Handler {
	return newAlphaPoSettings(opts).handler(http.MethodPost, func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) },
		func(r *http.Request) (func() error, error) {
			key, cb, err := v.parseRequest(r)
			ctx := context.WithValue(r.Context(), alphaPoKeyContext{}, key)
			return func() error { return fn(ctx, cb) }, err
		})
}
