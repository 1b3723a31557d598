package settle

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Kind says which replay a Cursor belongs to.
type Kind string

// Cursor kinds.
const (
	KindPayments Kind = "payments" // Replay's
	KindInvoices Kind = "invoices" // ReplayInvoices'
)

// Cursor is where a replay stopped: Replay and ReplayInvoices take one and
// return the next in their Report. Keep it between runs (MarshalText gives
// its text form) so that the next run reads only what may have changed.
// The zero Cursor starts at the beginning of the account's records;
// Cursor{Time: t} starts at t. A cursor a replay returned has its Kind,
// and the other replay refuses it.
type Cursor struct {
	// Kind is the replay that returned the cursor; "" for one made by
	// hand, which either replay takes.
	Kind Kind
	// Time is the point the next replay reads from: everything recorded
	// before it was delivered for good (a receipt delivered confirmed, an
	// invoice delivered in a final status, or an event parked).
	Time time.Time
	// Seen are the events recorded at or after Time that were delivered
	// already: "<history item id>:unconfirmed" or ":confirmed" for a
	// receipt, the InvoiceCallback.DedupeKey for an invoice.
	Seen []string
}

// MarshalText writes the cursor as one line: its kind (when set), the
// time (RFC 3339 with nanoseconds, UTC) and the seen keys, separated by
// spaces, each key escaped so that any key round-trips. An empty key is
// refused.
func (c Cursor) MarshalText() ([]byte, error) {
	fields := []string{c.Time.UTC().Format(time.RFC3339Nano)}
	if c.Kind != "" {
		fields = append([]string{string(c.Kind)}, fields...)
	}
	keys, err := escapeKeys(c.Seen)
	if err != nil {
		return nil, fmt.Errorf("settle: cursor: %w", err)
	}
	return []byte(strings.Join(append(fields, keys...), " ")), nil
}

// UnmarshalText reads what MarshalText wrote, and the text of the
// cryptopay.ReplayCursor it replaces (a cursor of no kind). Empty text (a
// cursor file not yet written, say) is the zero cursor.
func (c *Cursor) UnmarshalText(text []byte) error {
	fields := strings.Fields(string(text))
	var next Cursor
	if len(fields) > 0 && (fields[0] == string(KindPayments) || fields[0] == string(KindInvoices)) {
		next.Kind, fields = Kind(fields[0]), fields[1:]
	}
	if len(fields) == 0 {
		if next.Kind != "" {
			return fmt.Errorf("settle: cursor: the time is missing")
		}
		*c = Cursor{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, fields[0])
	if err != nil {
		return fmt.Errorf("settle: cursor: %w", err)
	}
	next.Time = t.UTC()
	if next.Seen, err = unescapeKeys(fields[1:]); err != nil {
		return fmt.Errorf("settle: cursor: %w", err)
	}
	*c = next
	return nil
}

// MarshalText writes the mark as one line: the time (RFC 3339 with
// nanoseconds, UTC) and the ids, escaped, separated by spaces.
func (m Mark) MarshalText() ([]byte, error) {
	ids, err := escapeKeys(m.IDs)
	if err != nil {
		return nil, fmt.Errorf("settle: mark: %w", err)
	}
	return []byte(strings.Join(append([]string{m.Time.UTC().Format(time.RFC3339Nano)}, ids...), " ")), nil
}

// UnmarshalText reads what MarshalText wrote.
func (m *Mark) UnmarshalText(text []byte) error {
	fields := strings.Fields(string(text))
	if len(fields) == 0 {
		return fmt.Errorf("settle: mark: empty")
	}
	t, err := time.Parse(time.RFC3339Nano, fields[0])
	if err != nil {
		return fmt.Errorf("settle: mark: %w", err)
	}
	ids, err := unescapeKeys(fields[1:])
	if err != nil {
		return fmt.Errorf("settle: mark: %w", err)
	}
	*m = Mark{Time: t.UTC(), IDs: ids}
	return nil
}

// escapeKeys escapes each key so that it holds no white space and reads
// back as it was; an empty key cannot be written.
func escapeKeys(keys []string) ([]string, error) {
	out := make([]string, len(keys))
	for i, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("key %d is empty", i)
		}
		out[i] = url.PathEscape(k)
	}
	return out, nil
}

// unescapeKeys reads keys escapeKeys wrote; nil for none.
func unescapeKeys(fields []string) ([]string, error) {
	var keys []string
	for _, f := range fields {
		k, err := url.PathUnescape(f)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
