package main

import (
	"context"
	"errors"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

// The names of the catch-up job's cursors in the cursors table.
const (
	cursorPayments = "apirone.payments"
	cursorInvoices = "apirone.invoices"
)

// CatchUp hands the functions behind the callback handlers whatever the
// callbacks missed (settle.Replay, settle.ReplayInvoices): Apirone payments
// and invoices from the cursors saved in the database, and the AlphaPo
// deposits seen but not yet final (settle.ReplayAlphaPo). Only one instance
// runs it at a time; the others return ran == false at once. Each cursor is
// saved after its replay, even a failed one: it covers what was handed
// over. Events that can never be credited are parked (settle.ErrPark), so
// the cursor moves on; payments waiting for confirmations are deferred
// (cryptopay.ErrNotYet), not failures.
func (s *Service) CatchUp(ctx context.Context) (ran bool, err error) {
	err = s.Store.withJobLock(ctx, "catchup", func() error {
		return errors.Join(s.replayPayments(ctx), s.replayInvoices(ctx), s.recheckAlphaPo(ctx))
	})
	switch {
	case errors.Is(err, errLocked):
		s.Metrics.catchups.WithLabelValues("skipped").Inc()
		s.Logger.InfoContext(ctx, "catch-up skipped: another instance is running it")
		return false, nil
	case err != nil:
		s.Metrics.catchups.WithLabelValues("error").Inc()
		s.Logger.WarnContext(ctx, "catch-up done with errors; what failed is replayed next time", "err", err)
	default:
		s.Metrics.catchups.WithLabelValues("done").Inc()
		s.Logger.InfoContext(ctx, "catch-up done")
	}
	return true, err
}

func (s *Service) replayPayments(ctx context.Context) error {
	return s.withCursor(ctx, cursorPayments, func(cur settle.Cursor) (settle.Report, error) {
		return settle.Replay(ctx, s.Account, cur, s.onPayment("replay"), settle.WithSecretKeys(secretKey))
	})
}

func (s *Service) replayInvoices(ctx context.Context) error {
	return s.withCursor(ctx, cursorInvoices, func(cur settle.Cursor) (settle.Report, error) {
		return settle.ReplayInvoices(ctx, s.Account, cur, s.onInvoice("replay"))
	})
}

// withCursor loads the named cursor, runs replay from it, logs its report
// and saves the cursor the report holds.
func (s *Service) withCursor(ctx context.Context, name string,
	replay func(settle.Cursor) (settle.Report, error)) error {
	text, err := s.Store.loadCursor(ctx, name)
	if err != nil {
		return err
	}
	var cur settle.Cursor
	if err := cur.UnmarshalText(text); err != nil {
		return err
	}
	rep, replayErr := replay(cur)
	s.logReport(ctx, name, rep)
	text, err = rep.Cursor.MarshalText()
	if err != nil {
		return errors.Join(replayErr, err)
	}
	return errors.Join(replayErr, s.Store.saveCursor(ctx, name, text))
}

func (s *Service) logReport(ctx context.Context, name string, rep settle.Report) {
	s.Logger.InfoContext(ctx, "replayed", "replay", name, "delivered", rep.Delivered,
		"deferred", len(rep.Deferred), "parked", len(rep.Parked), "failed", rep.Failed)
}

// recheckAlphaPo asks AlphaPo for the current state of every deposit seen
// but not final: AlphaPo lists no transactions, so these are all a replay
// can find.
func (s *Service) recheckAlphaPo(ctx context.Context) error {
	if s.AlphaPo == nil {
		return nil
	}
	rows, err := s.Store.db.QueryContext(ctx, `SELECT tx_id FROM alphapo_pending ORDER BY tx_id`)
	if err != nil {
		return err
	}
	var lookups []cryptopay.AlphaPoTransactionInfoParams
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		lookups = append(lookups, cryptopay.AlphaPoTransactionInfoParams{ID: id})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(lookups) == 0 {
		return err
	}
	rep, err := settle.ReplayAlphaPo(ctx, s.AlphaPo, s.onAlphaPo("replay"), lookups...)
	s.logReport(ctx, "alphapo", rep)
	return err
}
