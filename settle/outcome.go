package settle

// Payment outcomes: was an order paid, in full, on time, in the right coin?
//
// Apirone invoices carry their own status (cryptopay.InvoiceStatus).
// Address flows and AlphaPo deposits carry none: the merchant adds up what
// arrived. Expected does that exactly, in minor units (cryptopay.Amount)
// or whole coins (cryptopay.Decimal).

import (
	"strconv"
	"strings"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// Money is what the evaluator computes with: cryptopay.Amount, minor
// units as Apirone reports them, or cryptopay.Decimal, whole coins as
// AlphaPo reports them.
// Both are exact.
type Money[T any] interface {
	cryptopay.Amount | cryptopay.Decimal
	Add(T) T
	Sub(T) T
	Cmp(T) int
	Sign() int
}

// Payment is one incoming payment as the evaluator sees it. Build it from
// what the provider reported with PaymentFromCallback,
// PaymentFromHistoryEntry, PaymentFromHistoryItem, PaymentFromAlphaPo or
// ReceivedPaymentFromAlphaPo, or fill it in yourself; its fields are
// plain values, to store and load with the order.
type Payment[T Money[T]] struct {
	// ID names the payment, so that Evaluate counts it once however often
	// it was reported (see Expected.Evaluate): the transaction hash for
	// Apirone callbacks, the history item id for Apirone history, the
	// transaction id for AlphaPo.
	ID string
	// Currency is the currency paid, as the provider names it ("btc",
	// "BTC", "usdt@trx"); Evaluate compares it ignoring case.
	Currency string
	// Amount is the amount paid, in the unit of T. Zero or negative
	// amounts are not payments: Evaluate skips them.
	Amount T
	// At is when the payment arrived; the zero time counts as on time.
	At time.Time
	// Confirmed says the provider treats the payment as final. To demand
	// more confirmations than the constructors do, set it yourself.
	Confirmed bool
}

// Expected is what an order asks to be paid. T is Amount for a price in
// minor units (Apirone: satoshi, wei) or Decimal for a price in whole coins
// (AlphaPo). Payments must be in the same unit; to judge AlphaPo payments
// against a price in minor units, convert the price exactly with
// Amount.Decimal(decimals) and use Expected[cryptopay.Decimal].
type Expected[T Money[T]] struct {
	// Currency is the currency the order must be paid in; payments in any
	// other are never counted toward Amount (see WrongCurrency).
	Currency string
	// Amount is the price. It must be greater than zero: Evaluate
	// refuses a zero or negative price (a fiat price that rounds to 0
	// satoshi, a 100 % coupon), which no payment can be judged against.
	Amount T
	// Tolerance is how far the total received may fall short of Amount,
	// or exceed it, and still be OutcomePaid, which means Amount-Tolerance <=
	// received <= Amount+Tolerance. Zero (the default) asks for the exact
	// amount; a negative Tolerance counts as zero. It must be smaller than
	// Amount: Evaluate refuses one that would let nothing at all pass as
	// paid.
	Tolerance T
	// Deadline is when payment was due; a payment after it is Late. The
	// zero time means no deadline.
	Deadline time.Time
	// CountUnconfirmed counts payments the provider does not yet treat as
	// final (Payment.Confirmed false). By default they are left out of the
	// total and listed in Outcome.Unconfirmed, so an order is not marked
	// paid on money that may never arrive; a shop that ships on first
	// sight of a payment sets it.
	CountUnconfirmed bool
}

// OutcomeStatus says how an order was paid. See Expected.Evaluate for how
// each is decided.
type OutcomeStatus string

// Outcome statuses, in the order Evaluate decides them.
const (
	OutcomePaid          OutcomeStatus = "paid"           // in full, within tolerance, on time
	OutcomeOverpaid      OutcomeStatus = "overpaid"       // in full on time, and more than Amount+Tolerance in all
	OutcomeLate          OutcomeStatus = "late"           // in full only with payments after the deadline
	OutcomeWrongCurrency OutcomeStatus = "wrong_currency" // not in full, and some money came in another currency
	OutcomeUnderpaid     OutcomeStatus = "underpaid"      // not in full (nothing at all, too)
)

// Outcome is the verdict of Expected.Evaluate. The amounts are in the
// expected currency and the unit of T, exact; every payment given is in
// the total or in one of the lists, except the skipped ones (zero or
// negative amounts, repeats of an ID).
type Outcome[T Money[T]] struct {
	Status OutcomeStatus
	// Received is the total counted toward Amount, late payments included.
	Received T
	// Remaining is Amount minus Received when that is positive, else zero:
	// what is still due, even when Tolerance lets the order pass as Paid.
	Remaining T
	// Excess is Received minus Amount when that is positive, else zero:
	// what was paid too much, even when Tolerance lets the order pass as Paid.
	Excess T
	// Late lists the payments counted in Received that arrived after the
	// Deadline.
	Late []Payment[T]
	// WrongCurrency lists the payments in another currency than
	// Expected.Currency, never counted.
	WrongCurrency []Payment[T]
	// Unconfirmed lists the payments left out because they are not
	// confirmed and CountUnconfirmed is false, whatever their currency.
	Unconfirmed []Payment[T]
}

// Evaluate says whether payments paid the order, exactly and without
// floating point. It refuses, with an error matching
// cryptopay.ErrInvalidParams and no Outcome, an order it cannot judge: an
// Amount of zero or less, or a Tolerance not smaller than Amount. So a
// Paid or Overpaid outcome always means that confirmed money (or
// unconfirmed, with CountUnconfirmed) arrived in the expected currency:
// at least Amount-Tolerance, which is more than zero.
//
// Each payment is sorted in this order:
//
//  1. a zero or negative amount is skipped;
//  2. a repeat of an ID already seen is skipped: of the payments sharing
//     a non-empty ID, the last confirmed one is kept, or the last one when
//     none is confirmed (providers report a payment again as it confirms);
//  3. unconfirmed, when CountUnconfirmed is false: listed in Unconfirmed;
//  4. in another currency than Expected.Currency: listed in WrongCurrency;
//  5. after the Deadline (strictly): counted in Received, listed in Late;
//  6. otherwise counted in Received, on time.
//
// Then the status is the first that applies:
//
//   - Paid: the payments on time reach Amount-Tolerance, and the total
//     Received is at most Amount+Tolerance;
//   - Overpaid: the payments on time reach Amount-Tolerance, and Received
//     is more than Amount+Tolerance (a late payment can make an order
//     paid on time Overpaid);
//   - Late: only the total with late payments reaches Amount-Tolerance;
//   - WrongCurrency: Received falls short, and some payment came in
//     another currency;
//   - Underpaid: Received falls short.
//
// Remaining and Excess give the exact difference whatever the status.
func (e Expected[T]) Evaluate(payments ...Payment[T]) (Outcome[T], error) {
	var zero T
	tolerance := e.Tolerance
	if tolerance.Sign() < 0 {
		tolerance = zero
	}
	switch {
	case e.Amount.Sign() <= 0:
		return Outcome[T]{}, invalid("amount", "must be positive, got %v", e.Amount)
	case tolerance.Cmp(e.Amount) >= 0:
		return Outcome[T]{}, invalid("tolerance", "must be smaller than the amount %v, got %v", e.Amount, tolerance)
	}
	out, late := e.sort(payments)
	if diff := out.Received.Sub(e.Amount); diff.Sign() > 0 {
		out.Excess = diff
	} else if diff.Sign() < 0 {
		out.Remaining = e.Amount.Sub(out.Received)
	}
	covers := func(received T) bool { return e.Amount.Sub(received).Cmp(tolerance) <= 0 }
	switch {
	case covers(out.Received.Sub(late)) && out.Excess.Cmp(tolerance) <= 0:
		out.Status = OutcomePaid
	case covers(out.Received.Sub(late)):
		out.Status = OutcomeOverpaid
	case covers(out.Received):
		out.Status = OutcomeLate
	case len(out.WrongCurrency) > 0:
		out.Status = OutcomeWrongCurrency
	default:
		out.Status = OutcomeUnderpaid
	}
	return out, nil
}

// sort sorts payments into an Outcome's total and lists (Evaluate, steps
// 1 to 6) and returns it with the total of the late ones.
func (e Expected[T]) sort(payments []Payment[T]) (out Outcome[T], late T) {
	for _, p := range latestByID(payments) {
		switch {
		case !p.Confirmed && !e.CountUnconfirmed:
			out.Unconfirmed = append(out.Unconfirmed, p)
		case !strings.EqualFold(p.Currency, e.Currency):
			out.WrongCurrency = append(out.WrongCurrency, p)
		default:
			out.Received = out.Received.Add(p.Amount)
			if !e.Deadline.IsZero() && p.At.After(e.Deadline) {
				out.Late = append(out.Late, p)
				late = late.Add(p.Amount)
			}
		}
	}
	return out, late
}

// latestByID returns the payments with a positive amount, one per
// non-empty ID (see Evaluate, steps 1 and 2), in the order given.
func latestByID[T Money[T]](payments []Payment[T]) []Payment[T] {
	kept := make([]Payment[T], 0, len(payments))
	index := make(map[string]int) // ID -> position in kept
	for _, p := range payments {
		if p.Amount.Sign() <= 0 {
			continue
		}
		i, seen := index[p.ID]
		switch {
		case p.ID == "" || !seen:
			if p.ID != "" {
				index[p.ID] = len(kept)
			}
			kept = append(kept, p)
		case p.Confirmed || !kept[i].Confirmed:
			kept[i] = p
		}
	}
	return kept
}

// PaymentFromCallback is the payment an Apirone callback reports. Apirone
// sends no time: at is when the callback arrived (time.Now() in the
// handler), or when you first stored it. Confirmed means at least one
// confirmation. The ID is the input transaction hash, which stays the
// same as the callback repeats with more confirmations.
func PaymentFromCallback(cb *cryptopay.PaymentCallback, at time.Time) Payment[cryptopay.Amount] {
	return Payment[cryptopay.Amount]{
		ID: cb.InputTransactionHash, Currency: cb.Currency, Amount: cb.Value, At: at, Confirmed: cb.Confirmations > 0,
	}
}

// PaymentFromHistoryEntry is the payment an Apirone history entry records,
// at its Date; ok is false for anything but a receipt (cryptopay.ItemReceipt). The
// history covers the whole account: select an order's address with
// HistoryParams.Address.
func PaymentFromHistoryEntry(h cryptopay.HistoryEntry) (p Payment[cryptopay.Amount], ok bool) {
	if h.Type != cryptopay.ItemReceipt {
		return p, false
	}
	return Payment[cryptopay.Amount]{ID: h.ID, Currency: h.Currency, Amount: h.Amount, At: h.Date.Time, Confirmed: h.IsConfirmed}, true
}

// PaymentFromHistoryItem is the payment an Apirone history item records,
// at its Created time; ok is false for anything but a receipt. A history
// item does not say whether its transaction is confirmed: confirmed is
// your answer (from the callback, or the matching HistoryEntry).
func PaymentFromHistoryItem(h *cryptopay.HistoryItem, confirmed bool) (p Payment[cryptopay.Amount], ok bool) {
	if h.Type != cryptopay.ItemReceipt {
		return p, false
	}
	return Payment[cryptopay.Amount]{ID: h.ID, Currency: h.Currency, Amount: h.Amount, At: h.Created.Time, Confirmed: confirmed}, true
}

// PaymentFromAlphaPo is what the customer paid in an AlphaPo deposit:
// currency_sent, in the coin they sent, before any conversion. Use it when
// the price is in the coin of the deposit address. A cross-currency deposit
// (CryptoAddress.CrossCurrency) carries the coin actually sent, so it comes
// out in another currency and Evaluate lists it in WrongCurrency.
//
// AlphaPo sends no time: at is when the callback arrived. ok is false for
// what is not money received: a type other than deposit or
// deposit_exchange, a cancelled, declined or failed status (a deposit
// below the minimum is cancelled), or no currency_sent. Confirmed means
// the status "confirmed"; the ID is the transaction id, the same in every
// callback of that deposit.
func PaymentFromAlphaPo(tx *cryptopay.AlphaPoTransaction, at time.Time) (Payment[cryptopay.Decimal], bool) {
	return alphaPoPayment(tx, tx.CurrencySent, at)
}

// ReceivedPaymentFromAlphaPo is what an AlphaPo deposit credited:
// currency_received, in the currency it was credited after any conversion
// (an address taken with ConvertTo), before AlphaPo's fees, which are the
// merchant's cost and not a shortfall of the customer's. Use it when the
// price is in the ConvertTo currency. Otherwise as PaymentFromAlphaPo.
func ReceivedPaymentFromAlphaPo(tx *cryptopay.AlphaPoTransaction, at time.Time) (Payment[cryptopay.Decimal], bool) {
	return alphaPoPayment(tx, tx.CurrencyReceived, at)
}

// alphaPoPayment is the payment of deposit tx on one side, sent or received.
func alphaPoPayment(tx *cryptopay.AlphaPoTransaction, side *cryptopay.AlphaPoCurrencyAmount, at time.Time) (p Payment[cryptopay.Decimal], ok bool) {
	if tx.Type != cryptopay.AlphaPoTxDeposit && tx.Type != cryptopay.AlphaPoTxDepositExchange || side == nil {
		return p, false
	}
	switch tx.Status {
	case cryptopay.AlphaPoStatusCancelled, cryptopay.AlphaPoStatusDeclined, cryptopay.AlphaPoStatusFailed:
		return p, false
	}
	return Payment[cryptopay.Decimal]{
		ID: strconv.FormatInt(tx.ID, 10), Currency: side.Currency, Amount: side.Amount, At: at,
		Confirmed: tx.Status == cryptopay.AlphaPoStatusConfirmed,
	}, true
}
