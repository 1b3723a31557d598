package settle

import "time"

// tracker computes the cursor a replay returns as the events pass, oldest
// first: it stays at the oldest event not handled for good (not
// delivered, or delivered but able to change), else it follows the
// newest event, and it lists the events handled from there on.
type tracker struct {
	start map[string]bool // the Seen of the cursor given
	next  Cursor
	held  bool // an event not handled for good was passed: next.Time stays
}

func newTracker(cur Cursor, kind Kind) *tracker {
	start := make(map[string]bool, len(cur.Seen))
	for _, key := range cur.Seen {
		start[key] = true
	}
	return &tracker{start: start, next: Cursor{Kind: kind, Time: cur.Time}}
}

// seen reports whether the cursor given had delivered key already.
func (t *tracker) seen(key string) bool { return t.start[key] }

// pass records the event key recorded at date: done when it was
// delivered (or parked, or delivered before), final when it cannot change
// any more.
func (t *tracker) pass(date time.Time, key string, done, final bool) {
	if !t.held {
		if date.After(t.next.Time) {
			t.next.Time, t.next.Seen = date, nil
		}
		t.held = !done || !final
	}
	if done {
		t.next.Seen = append(t.next.Seen, key)
	}
}

// cursor is the cursor for the next run.
func (t *tracker) cursor() Cursor { return t.next }
