package settle

import (
	"errors"
	"fmt"
	"maps"

	"github.com/cryptopay-go/cryptopay"
)

// ErrPark, returned (or wrapped) by a replay function, parks the event:
// the replay counts it as handled for good (a receipt parked before it
// confirmed stays parked once it does), moves the cursor past it and
// lists it in Report.Parked with the function's error, so that one event
// that can never succeed (its order was deleted, say) does not hold the
// cursor forever. It is never silent: the report names each parked event,
// and it is up to you to record it (a table of events to look at).
var ErrPark = errors.New("settle: park the event")

// Event names one event a replay handed to the function, in a Report and
// in an EventError.
type Event struct {
	// Key is the event's DedupeKey: PaymentCallback.DedupeKey,
	// InvoiceCallback.DedupeKey or AlphaPoTransaction.DedupeKey.
	Key string
	// Currency is the event's currency; "" for an invoice.
	Currency string
	// Transaction is the input transaction hash of a payment, the invoice
	// id of an invoice, or the AlphaPo transaction id.
	Transaction string
}

// String returns e.g. `btc:1A…:f4d4…:confirmed (currency btc, transaction f4d4…)`.
func (e Event) String() string {
	return fmt.Sprintf("%s (currency %s, transaction %s)", e.Key, e.Currency, e.Transaction)
}

// EventError is the function's error for one event: the errors a replay
// returns, joined, are EventErrors, and errors.Is and errors.As reach the
// function's error through them.
type EventError struct {
	Event Event
	Err   error
}

// Error names the event, then gives the function's error.
func (e *EventError) Error() string {
	return "settle: event " + e.Event.String() + ": " + e.Err.Error()
}

// Unwrap returns the function's error.
func (e *EventError) Unwrap() error { return e.Err }

// Report is what one replay run did.
type Report struct {
	// Cursor is where the next run starts. Save it even when the replay
	// returned an error: it covers what was delivered.
	Cursor Cursor
	// Delivered counts the events the function accepted (returned nil).
	Delivered int
	// Deferred are the events whose function returned an error matching
	// cryptopay.ErrNotYet: not failures; the next run delivers them again.
	Deferred []Event
	// Parked are the events whose function returned an error matching
	// ErrPark, with that error: the cursor moved past them for good.
	Parked []EventError
	// Failed counts the events whose function returned another error;
	// the replay's error holds each, as an *EventError. The next run
	// delivers them again.
	Failed int
}

// Option configures a replay.
type Option func(*options)

type options struct {
	secretKeys  []string
	concurrency int
	cacheSize   int
}

// defaultConcurrency is how many detail reads a replay has in flight.
const defaultConcurrency = 4

// defaultCacheSize is how many addresses' callbacks a replay remembers.
const defaultCacheSize = 10000

func newOptions(opts []Option) options {
	o := options{concurrency: defaultConcurrency, cacheSize: defaultCacheSize}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithSecretKeys names the Data keys that hold your callback secret (the
// key of each cryptopay.WithCallbackSecret your handler has): Replay
// removes them from Data, as the handler does, so that the function sees
// the same Data from both paths and never a secret.
func WithSecretKeys(keys ...string) Option {
	return func(o *options) { o.secretKeys = append(o.secretKeys, keys...) }
}

// WithConcurrency sets how many detail reads (history items, address
// callbacks) Replay has in flight at once: n below 1 counts as 1; the
// default is 4. The function is still called one event at a time, oldest
// first. Each read goes through the client's RetryPolicy, which waits as
// long as an answer's Retry-After asks before trying again; a read that
// stays rate limited stops the replay, and the reads still waiting are
// not sent.
func WithConcurrency(n int) Option {
	return func(o *options) { o.concurrency = max(n, 1) }
}

// WithAddressCache sets how many addresses' callbacks Replay keeps in
// memory to read each once per run (default 10,000): past that it
// forgets them all and reads again, so memory stays bounded however many
// addresses were paid.
func WithAddressCache(n int) Option {
	return func(o *options) { o.cacheSize = max(n, 1) }
}

// outcome is what became of one event handed to the function.
type outcome int

const (
	delivered outcome = iota
	deferred
	parked
	failed
)

// judge sorts the function's error for ev into the report and says what
// became of the event.
func (r *Report) judge(ev Event, err error) (outcome, error) {
	switch {
	case err == nil:
		r.Delivered++
		return delivered, nil
	case errors.Is(err, cryptopay.ErrNotYet):
		r.Deferred = append(r.Deferred, ev)
		return deferred, nil
	case errors.Is(err, ErrPark):
		r.Parked = append(r.Parked, EventError{ev, err})
		return parked, nil
	}
	r.Failed++
	return failed, &EventError{ev, err}
}

// checkKind refuses a cursor another replay returned.
func checkKind(cur Cursor, want Kind) error {
	if cur.Kind != "" && cur.Kind != want {
		return invalid("cursor", "a %s cursor given to the %s replay", cur.Kind, want)
	}
	return nil
}

// liveData is the Data the handler passes on for a callback configured
// as cb (cryptopay.Callback.DeliveredData: for a GET callback its URL's
// query too), without the secret keys.
func liveData(cb *cryptopay.Callback, secretKeys []string) map[string]string {
	data := maps.Clone(cb.DeliveredData())
	for _, k := range secretKeys {
		delete(data, k)
	}
	if len(data) == 0 {
		return nil
	}
	return data
}
