package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

// The states of a payout. Each move is one compare-and-set UPDATE (WHERE
// state = the state it leaves), so of several instances moving the same
// payout at once exactly one succeeds:
//
//	planned -> sending          claimed by one instance, which alone sends it
//	sending -> sent             the provider accepted it
//	sending -> failed           the provider refused it: nothing left
//	sending -> unknown          the answer was lost (ErrOutcomeUnknown), or the
//	                            instance died while sending (stale "sending")
//	unknown -> settled          the lookup found it: it left, never send again
//	unknown -> planned          the lookup (settle.FindTransfer after the mark
//	                            read before sending; AlphaPo: its ForeignID)
//	                            finds nothing PayoutLookupGrace after the lost
//	                            answer, when no attempt can still be running:
//	                            send again
const (
	PayoutPlanned = "planned"
	PayoutSending = "sending"
	PayoutSent    = "sent"
	PayoutFailed  = "failed"
	PayoutUnknown = "unknown"
	PayoutSettled = "settled"
)

// staleSending is how long a payout may stay "sending" before it is taken
// for lost in a crash and looked up: longer than any call with its retries.
const staleSending = 5 * time.Minute

// PayoutRequest is a payout to plan: Amount in minor units for Apirone, in
// whole coins for AlphaPo (as each API takes it).
type PayoutRequest struct {
	Provider string `json:"provider"` // apirone or alphapo
	Currency string `json:"currency"`
	Address  string `json:"address"`
	Amount   string `json:"amount"`
}

// Payout is a payout as stored.
type Payout struct {
	ID        string `json:"id"`
	Provider  string `json:"provider"`
	Currency  string `json:"currency"`
	Address   string `json:"address"`
	Amount    string `json:"amount"`
	State     string `json:"state"`
	Attempts  int    `json:"attempts"`
	Reference string `json:"reference,omitempty"` // the provider's id of the payment
	LastError string `json:"last_error,omitempty"`
	mark      string // where the lookup starts (settle.Mark's text); "" for AlphaPo
	updated   time.Time
}

// PlanPayout records a payout; RunPayouts sends it.
func (s *Service) PlanPayout(ctx context.Context, r PayoutRequest) (*Payout, error) {
	p := &Payout{ID: newID("po"), Provider: r.Provider, Currency: r.Currency, Address: r.Address,
		Amount: r.Amount, State: PayoutPlanned}
	if _, err := s.payoutCall(p); err != nil {
		return nil, err
	}
	_, err := s.Store.exec(ctx, s.Store.db, `INSERT INTO payouts (id, provider, currency, address, amount,
		state, attempts, mark, reference, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, '', '', '', ?)`,
		p.ID, p.Provider, p.Currency, p.Address, p.Amount, p.State, nowMicros())
	if err != nil {
		return nil, err
	}
	s.Logger.InfoContext(ctx, "payout planned", "payout", p.ID, "provider", p.Provider, "amount", p.Amount,
		"currency", p.Currency, "address", p.Address)
	return p, nil
}

// PayoutRun counts what one RunPayouts did.
type PayoutRun struct {
	Sent      int `json:"sent"`      // sent by this instance now
	Unknown   int `json:"unknown"`   // sent, answer lost
	Settled   int `json:"settled"`   // lost answers found by the lookup
	Replanned int `json:"replanned"` // lost answers the lookup shows never left
	Failed    int `json:"failed"`    // refused by the provider
}

// RunPayouts sends the planned payouts this instance manages to claim, and
// settles those whose answer was lost. Any number of instances may run it
// at once: each payout is sent by the one that claimed it.
func (s *Service) RunPayouts(ctx context.Context) (PayoutRun, error) {
	var run PayoutRun
	stale := time.Now().Add(-staleSending).UnixMicro()
	if _, err := s.Store.exec(ctx, s.Store.db, `UPDATE payouts SET state = ?, last_error = ?
		WHERE state = ? AND updated_at < ?`, PayoutUnknown, "stale while sending", PayoutSending, stale); err != nil {
		return run, err
	}
	planned, err := s.payoutsIn(ctx, PayoutPlanned)
	if err != nil {
		return run, err
	}
	for _, p := range planned {
		if err := s.sendPayout(ctx, p, &run); err != nil {
			return run, err
		}
	}
	unknown, err := s.payoutsIn(ctx, PayoutUnknown)
	if err != nil {
		return run, err
	}
	for _, p := range unknown {
		if err := s.settlePayout(ctx, p, &run); err != nil {
			return run, err
		}
	}
	return run, nil
}

// sendPayout claims p and, if this instance won it, sends it once. The
// lookup's mark is read first and stored with the claim, before sending, so
// that a lost answer can be settled after a crash too.
func (s *Service) sendPayout(ctx context.Context, p *Payout, run *PayoutRun) error {
	call, err := s.payoutCall(p)
	if err != nil {
		return err
	}
	mark, err := call.mark(ctx)
	if err != nil {
		s.Logger.WarnContext(ctx, "payout not sent: reading the mark failed; will try again", "payout", p.ID, "err", err)
		return nil
	}
	won, err := s.movePayout(ctx, p, PayoutPlanned, PayoutSending, "attempts = attempts + 1, mark = ?", mark)
	if err != nil || !won {
		return err
	}
	ref, sendErr := call.send(ctx)
	switch {
	case sendErr == nil:
		run.Sent++
		s.Metrics.payouts.WithLabelValues(PayoutSent).Inc()
		s.Logger.InfoContext(ctx, "payout sent", "payout", p.ID, "reference", ref)
		_, err = s.movePayout(ctx, p, PayoutSending, PayoutSent, "reference = ?", ref)
	case errors.Is(sendErr, cryptopay.ErrOutcomeUnknown):
		run.Unknown++
		s.Metrics.payouts.WithLabelValues(PayoutUnknown).Inc()
		s.Logger.WarnContext(ctx, "payout outcome unknown: it will be looked up, not sent again", "payout", p.ID, "err", sendErr)
		_, err = s.movePayout(ctx, p, PayoutSending, PayoutUnknown, "last_error = ?", sendErr.Error())
	default:
		run.Failed++
		s.Metrics.payouts.WithLabelValues(PayoutFailed).Inc()
		s.Logger.ErrorContext(ctx, "payout refused", "payout", p.ID, "err", sendErr)
		_, err = s.movePayout(ctx, p, PayoutSending, PayoutFailed, "last_error = ?", sendErr.Error())
	}
	return err
}

// settlePayout looks up a payout whose answer was lost: found, it left;
// not found once the provider has had PayoutLookupGrace to list it, it goes
// back to planned, to be sent again.
func (s *Service) settlePayout(ctx context.Context, p *Payout, run *PayoutRun) error {
	call, err := s.payoutCall(p)
	if err != nil {
		return err
	}
	ref, err := call.lookup(ctx, p.mark)
	switch {
	case err == nil:
		won, err := s.movePayout(ctx, p, PayoutUnknown, PayoutSettled, "reference = ?", ref)
		if won {
			run.Settled++
			s.Metrics.payouts.WithLabelValues(PayoutSettled).Inc()
			s.Logger.InfoContext(ctx, "payout settled: the lookup found it", "payout", p.ID, "reference", ref)
		}
		return err
	case !errors.Is(err, cryptopay.ErrNotFound):
		s.Logger.WarnContext(ctx, "payout lookup failed; will look again", "payout", p.ID, "err", err)
		return nil
	case time.Since(p.updated) < s.PayoutLookupGrace:
		return nil // not listed yet is not final
	}
	won, err := s.movePayout(ctx, p, PayoutUnknown, PayoutPlanned, "last_error = ?", "lookup: it did not leave")
	if won {
		run.Replanned++
		s.Metrics.payouts.WithLabelValues(PayoutPlanned).Inc()
		s.Logger.WarnContext(ctx, "payout did not leave: planned again", "payout", p.ID)
	}
	return err
}

// movePayout moves p from one state to another if it is still in from, with
// more assignments (set, holding ? placeholders for args). It reports
// whether this call moved it.
func (s *Service) movePayout(ctx context.Context, p *Payout, from, to, set string, args ...any) (bool, error) {
	args = append([]any{to, nowMicros()}, args...)
	args = append(args, p.ID, from)
	n, err := s.Store.exec(ctx, s.Store.db, `UPDATE payouts SET state = ?, updated_at = ?, `+set+`
		WHERE id = ? AND state = ?`, args...)
	return n == 1, err
}

func (s *Service) payoutsIn(ctx context.Context, state string) ([]*Payout, error) {
	rows, err := s.Store.db.QueryContext(ctx, s.Store.q(`SELECT id, provider, currency, address, amount, state,
		attempts, reference, last_error, mark, updated_at FROM payouts WHERE state = ? ORDER BY id`), state)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*Payout
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

// GetPayout returns the payout with id, or sql.ErrNoRows.
func (s *Service) GetPayout(ctx context.Context, id string) (*Payout, error) {
	return scanPayout(s.Store.db.QueryRowContext(ctx, s.Store.q(`SELECT id, provider, currency, address, amount,
		state, attempts, reference, last_error, mark, updated_at FROM payouts WHERE id = ?`), id))
}

func scanPayout(row interface{ Scan(...any) error }) (*Payout, error) {
	p := &Payout{}
	var updated int64
	err := row.Scan(&p.ID, &p.Provider, &p.Currency, &p.Address, &p.Amount, &p.State, &p.Attempts,
		&p.Reference, &p.LastError, &p.mark, &updated)
	p.updated = time.UnixMicro(updated)
	return p, err
}

// payoutCall is how a payout is sent and looked up at its provider.
type payoutCall struct {
	mark   func(ctx context.Context) (string, error) // read before sending, kept for lookup
	send   func(ctx context.Context) (reference string, err error)
	lookup func(ctx context.Context, mark string) (reference string, err error) // ErrNotFound: not there
}

// payoutCall checks p and returns its provider's calls.
func (s *Service) payoutCall(p *Payout) (*payoutCall, error) {
	switch p.Provider {
	case "apirone":
		return s.apironePayout(p)
	case "alphapo":
		if s.AlphaPo == nil {
			return nil, fmt.Errorf("%w: AlphaPo is not configured", errBadRequest)
		}
		return s.alphaPoPayout(p)
	}
	return nil, fmt.Errorf("%w: unknown provider %q", errBadRequest, p.Provider)
}

func (s *Service) apironePayout(p *Payout) (*payoutCall, error) {
	amount, err := cryptopay.ParseAmount(p.Amount)
	if err != nil || amount.Sign() <= 0 || p.Address == "" {
		return nil, fmt.Errorf("%w: an Apirone payout needs an address and a positive amount in minor units", errBadRequest)
	}
	params := &cryptopay.TransferParams{
		Currency:     p.Currency,
		Destinations: []cryptopay.Destination{{Address: p.Address, Amount: cryptopay.UnitsOf(amount)}},
		Fee:          cryptopay.FeeNormal,
	}
	return &payoutCall{
		mark: func(ctx context.Context) (string, error) {
			m, err := settle.ReadMark(ctx, s.Account)
			if err != nil {
				return "", err
			}
			text, err := m.MarshalText()
			return string(text), err
		},
		send: func(ctx context.Context) (string, error) {
			res, err := s.Account.Transfer(ctx, params)
			if err != nil {
				return "", err
			}
			return res.ID, nil
		},
		lookup: func(ctx context.Context, markText string) (string, error) {
			var m settle.Mark
			if err := m.UnmarshalText([]byte(markText)); err != nil {
				return "", err
			}
			item, err := settle.FindTransfer(ctx, s.Account, params, m)
			if err != nil {
				return "", err
			}
			return item.ID, nil
		},
	}, nil
}

// alphaPoPayout sends with the payout's id as the ForeignID, stored before
// sending: AlphaPo refuses a second withdrawal with it, and finds the first.
func (s *Service) alphaPoPayout(p *Payout) (*payoutCall, error) {
	amount, err := cryptopay.ParseDecimal(p.Amount)
	if err != nil || amount.Sign() <= 0 || p.Address == "" {
		return nil, fmt.Errorf("%w: an AlphaPo payout needs an address and a positive amount in whole coins", errBadRequest)
	}
	params := &cryptopay.AlphaPoWithdrawParams{ForeignID: p.ID, EndUserReference: "merchant",
		Currency: p.Currency, Amount: amount, Address: p.Address}
	return &payoutCall{
		mark: func(context.Context) (string, error) { return "", nil }, // found by ForeignID
		send: func(ctx context.Context) (string, error) {
			w, err := s.AlphaPo.WithdrawCrypto(ctx, params)
			if err != nil {
				return "", err
			}
			return strconv.FormatInt(w.ID, 10), nil
		},
		lookup: func(ctx context.Context, _ string) (string, error) {
			tx, err := s.AlphaPo.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: p.ID})
			if err != nil {
				return "", err
			}
			return strconv.FormatInt(tx.ID, 10), nil
		},
	}, nil
}
