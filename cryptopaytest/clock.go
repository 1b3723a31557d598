package cryptopaytest

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// clock is the server's time: a base (the wall clock unless WithClock)
// plus what Advance added.
type clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds added by Advance
}

// WithClock makes now the base of the server's clock instead of
// time.Now; Advance moves the server's clock forward from it. The server
// stamps its records, issues tokens and expires tokens and invoices by
// this clock.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.clock.base = now }
}

// Now returns the server's current time, in UTC with microseconds as
// Apirone reports times: the clock's base (time.Now unless WithClock) plus
// every Advance so far.
func (s *Server) Now() time.Time {
	return s.clock.base().Add(time.Duration(s.clock.offset.Load())).UTC().Truncate(time.Microsecond)
}

// Advance moves the server's clock d forward, with no block mined: access
// tokens and invoices expire by it. It then delivers the callbacks of
// invoices that expired (and any other invoice callback not yet sent) and
// returns them in order. A negative d is an error. The clock saturates:
// advances past about 292 years in all stop there rather than wrap
// around to the past.
func (s *Server) Advance(ctx context.Context, d time.Duration) ([]Delivery, error) {
	if d < 0 {
		return nil, fmt.Errorf("cryptopaytest: cannot move the clock back (%s)", d)
	}
	s.mu.Lock()
	s.clock.advance(d)
	sends := s.invoiceDeliveries(false)
	s.mu.Unlock()
	return deliver(ctx, sends), nil
}

// advance adds d (not negative) to the offset, stopping at the largest
// duration instead of overflowing into a negative one.
func (c *clock) advance(d time.Duration) {
	for {
		old := c.offset.Load()
		next := old + int64(d)
		if next < old {
			next = math.MaxInt64
		}
		if c.offset.CompareAndSwap(old, next) {
			return
		}
	}
}
