package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

// errPoison marks an event that no retry can credit (its order is unknown,
// or it paid in another currency): it is parked, and answered as handled so
// that the provider and the catch-up cursor move on.
var errPoison = errors.New("cannot be credited")

// credit is one payment event to add to an order, once.
type credit struct {
	key      string // the event's DedupeKey: the unique key of the credits table
	order    string
	address  string // where it was paid; must be the order's
	currency string
	amount   cryptopay.Amount // minor units
	source   string           // callback or replay
	invalid  error            // why it can never be credited, found before; nil if nothing
}

// creditOnce adds c to its order in one transaction: it locks the order's
// row, records c.key under the credits table's unique key, and adds the
// amount; a key recorded already is success with nothing done. The unique
// key decides: the first look at the credits table only keeps a repeat that
// arrives after the credit committed from being judged against the order as
// it is now (an AlphaPo deposit's order is paid by then, say). It reports
// whether this call credited.
func (s *Service) creditOnce(ctx context.Context, c credit) (credited bool, err error) {
	err = s.Store.inTx(ctx, func(tx *sql.Tx) error {
		var seen int
		if err := tx.QueryRowContext(ctx, s.Store.q(`SELECT COUNT(*) FROM credits WHERE dedupe_key = ?`), c.key).
			Scan(&seen); err != nil || seen > 0 {
			return err // credited before: a repeat is never judged again, nor parked
		}
		o, err := s.lockOrder(ctx, tx, c.order)
		if err != nil {
			return err
		}
		if err := checkCredit(o, c); err != nil {
			return err
		}
		n, err := s.Store.exec(ctx, tx, `INSERT INTO credits (dedupe_key, order_id, amount, source, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
			c.key, c.order, c.amount.String(), c.source, nowMicros())
		if err != nil || n == 0 {
			return err // n == 0: credited before, by this instance or another
		}
		credited = true
		return s.addToOrder(ctx, tx, o, c.amount)
	})
	return credited, err
}

// lockOrder reads the order, first taking its row lock (PostgreSQL) with an
// UPDATE that changes nothing, so that two credits of one order add up one
// after the other. SQLite's single writer serialises them anyway.
func (s *Service) lockOrder(ctx context.Context, tx *sql.Tx, id string) (*Order, error) {
	n, err := s.Store.exec(ctx, tx, `UPDATE orders SET status = status WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if n == 0 && id == "" {
		return nil, fmt.Errorf("%w: no open order for it", errPoison)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no order %s", errPoison, id)
	}
	o := &Order{ID: id}
	err = tx.QueryRowContext(ctx, s.Store.q(`SELECT currency, price, paid, address FROM orders WHERE id = ?`), id).
		Scan(&o.Currency, &o.Price, &o.Paid, &o.Address)
	return o, err
}

func checkCredit(o *Order, c credit) error {
	switch {
	case c.invalid != nil:
		return fmt.Errorf("%w: %v", errPoison, c.invalid)
	case !strings.EqualFold(o.Currency, c.currency):
		return fmt.Errorf("%w: order %s is in %s, the payment in %s", errPoison, o.ID, o.Currency, c.currency)
	case c.address != "" && c.address != o.Address:
		return fmt.Errorf("%w: order %s is paid to %s, not %s", errPoison, o.ID, o.Address, c.address)
	case c.amount.Sign() <= 0:
		return fmt.Errorf("%w: amount %s", errPoison, c.amount)
	}
	return nil
}

func (s *Service) addToOrder(ctx context.Context, tx *sql.Tx, o *Order, amount cryptopay.Amount) error {
	price, err := cryptopay.ParseAmount(o.Price)
	if err != nil {
		return err
	}
	paid, err := cryptopay.ParseAmount(o.Paid)
	if err != nil {
		return err
	}
	paid = paid.Add(amount)
	status := "partpaid"
	if paid.Cmp(price) >= 0 {
		status = "paid"
	}
	_, err = s.Store.exec(ctx, tx, `UPDATE orders SET paid = ?, status = ? WHERE id = ?`, paid.String(), status, o.ID)
	return err
}

// handleCredit credits c once, parks it when it can never be credited, and
// logs and counts what happened. Its error means "try again later", except
// on the replay path, where a parked event is reported to the replay with
// settle.ErrPark so that its report lists it and the cursor moves past it
// (a live callback is answered as handled: the provider stops sending it).
func (s *Service) handleCredit(ctx context.Context, kind string, c credit) error {
	credited, err := s.creditOnce(ctx, c)
	switch {
	case errors.Is(err, errPoison):
		s.Logger.WarnContext(ctx, "event parked", "key", c.key, "kind", kind, "reason", err)
		s.Metrics.parked.Inc()
		if err := s.Store.park(ctx, c.key, kind, err.Error()); err != nil || c.source != "replay" {
			return err
		}
		return fmt.Errorf("%w: %w", settle.ErrPark, err)
	case err != nil:
		return err
	case credited:
		s.Metrics.credits.WithLabelValues(kind, c.source).Inc()
		s.Logger.InfoContext(ctx, "payment credited", "order", c.order, "amount", c.amount,
			"currency", c.currency, "key", c.key, "source", c.source)
	default:
		s.Logger.DebugContext(ctx, "payment credited before", "order", c.order, "key", c.key, "source", c.source)
	}
	return nil
}

// onPayment is the one function behind the Apirone payment callback handler
// and settle.Replay: live or replayed, a payment has the same DedupeKey.
func (s *Service) onPayment(source string) func(context.Context, *cryptopay.PaymentCallback) error {
	return func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if !s.Confirmations.Enough(cb) {
			return fmt.Errorf("%d confirmations: %w", cb.Confirmations, cryptopay.ErrNotYet)
		}
		return s.handleCredit(ctx, MethodApironeAddress, credit{key: cb.DedupeKey(), order: cb.Data["order"],
			address: cb.InputAddress, currency: cb.Currency, amount: cb.Value, source: source})
	}
}

// onInvoice serves the invoice callback handler and settle.ReplayInvoices.
// A callback carries no amount: the invoice is read from the API, and the
// order credited with what it received once it is completed.
func (s *Service) onInvoice(source string) func(context.Context, *cryptopay.InvoiceCallback) error {
	return func(ctx context.Context, cb *cryptopay.InvoiceCallback) error {
		if cb.Status != cryptopay.InvoiceCompleted {
			return nil // nothing to ship on; Apirone reports the next status
		}
		inv, err := s.Account.Invoice(ctx, cb.Invoice)
		if err != nil {
			return err
		}
		var order string
		err = s.Store.db.QueryRowContext(ctx, s.Store.q(`SELECT id FROM orders WHERE invoice = ?`), inv.ID).Scan(&order)
		if errors.Is(err, sql.ErrNoRows) {
			order, err = "", nil // creditOnce parks it
		}
		if err != nil {
			return err
		}
		return s.handleCredit(ctx, MethodApironeInvoice, credit{key: cb.DedupeKey(), order: order,
			currency: inv.Currency, amount: inv.Received(), source: source})
	}
}

// onAlphaPo serves the AlphaPo callback handler and settle.ReplayAlphaPo.
// Deposits not yet confirmed are remembered for the catch-up job's recheck;
// a confirmed deposit is credited to the customer's oldest open AlphaPo
// order for that address and currency.
func (s *Service) onAlphaPo(source string) func(context.Context, *cryptopay.AlphaPoTransaction) error {
	return func(ctx context.Context, tx *cryptopay.AlphaPoTransaction) error {
		if tx.Type != cryptopay.AlphaPoTxDeposit || tx.CryptoAddress == nil || tx.CurrencyReceived == nil {
			s.Logger.DebugContext(ctx, "alphapo transaction ignored", "id", tx.ID, "type", tx.Type, "status", tx.Status)
			return nil
		}
		switch tx.Status {
		case cryptopay.AlphaPoStatusConfirmed:
		case cryptopay.AlphaPoStatusCancelled, cryptopay.AlphaPoStatusFailed, cryptopay.AlphaPoStatusDeclined:
			return s.forgetPending(ctx, tx.ID)
		default:
			return s.rememberPending(ctx, tx.ID)
		}
		c, err := s.alphaPoCredit(ctx, tx)
		if err != nil {
			return err
		}
		c.source = source
		if err := s.handleCredit(ctx, MethodAlphaPo, c); err != nil {
			return err
		}
		return s.forgetPending(ctx, tx.ID)
	}
}

func (s *Service) alphaPoCredit(ctx context.Context, tx *cryptopay.AlphaPoTransaction) (credit, error) {
	c := credit{key: tx.DedupeKey(), address: tx.CryptoAddress.Address, currency: tx.CurrencyReceived.Currency}
	var decimals int
	err := s.Store.db.QueryRowContext(ctx, s.Store.q(`SELECT id, decimals FROM orders
		WHERE method = ? AND address = ? AND currency = ? AND status <> 'paid'
		ORDER BY created_at, id LIMIT 1`), MethodAlphaPo, c.address, c.currency).Scan(&c.order, &decimals)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil // no open order: creditOnce parks it, unless it is a repeat
	}
	if err != nil {
		return c, err
	}
	c.amount, c.invalid = tx.CurrencyReceived.Amount.Units(decimals) // finer than a minor unit: parked
	return c, nil
}

func (s *Service) rememberPending(ctx context.Context, id int64) error {
	_, err := s.Store.exec(ctx, s.Store.db, `INSERT INTO alphapo_pending (tx_id, created_at) VALUES (?, ?)
		ON CONFLICT (tx_id) DO NOTHING`, id, nowMicros())
	return err
}

func (s *Service) forgetPending(ctx context.Context, id int64) error {
	_, err := s.Store.exec(ctx, s.Store.db, `DELETE FROM alphapo_pending WHERE tx_id = ?`, id)
	return err
}
