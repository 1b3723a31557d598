// Package settle is the settlement layer over the cryptopay API client:
// catching up on missed callbacks ([Replay], [ReplayInvoices],
// [ReplayAlphaPo]), settling a payout whose answer was lost
// ([ReadMark], [FindTransfer]), judging payments against an order
// ([Expected.Evaluate]) and the confirmation policy
// ([ConfirmationPolicy]).
//
// It reads the API through small interfaces ([Ledger], [PaymentSource],
// [InvoiceSource], [TransactionSource]) that *cryptopay.Account,
// *cryptopay.Wallet and *cryptopay.AlphaPoClient satisfy, so it serves an
// account and a wallet alike, and a test can hand it a fake without HTTP.
// It runs on your schedule (a cron job, a payout worker) and never moves
// money itself.
//
// # Invariants
//
// Used as documented, the layer keeps four promises:
//
//  1. A confirmed payment is credited exactly once, to its order, whether
//     it arrives by callback, by a duplicate, or by a replay: a replayed
//     event carries the DedupeKey the live callback of the same payment
//     and stage has, and the order data the live handler saw.
//  2. Nothing unconfirmed, underpaid or unpaid is reported as paid:
//     [ConfirmationPolicy.Enough] holds a payment short of its
//     confirmations (a replayed one, which carries no count, until the
//     API shows it confirmed and it is old enough for the count on its
//     network: [ConfirmationPolicy.ReplayAge]), and
//     [Expected.Evaluate] refuses an order it cannot judge and never
//     reports Paid without confirmed money in the expected currency.
//  3. A payout is sent at most once, and every payout ends sent or
//     settled as not sent: read a [Mark] before sending, and after
//     [cryptopay.ErrOutcomeUnknown] ask [FindTransfer] (AlphaPo:
//     TransactionInfo by your foreign_id) before sending again.
//  4. One function serves the live handler and the catch-up job, and "not
//     yet" is not an error: a function returns an error matching
//     [cryptopay.ErrNotYet] to be called again later; a replay reports
//     the event as deferred and keeps it for its next run.
//
// # Catching up
//
// Apirone re-sends a payment callback on every block until it is answered
// "*ok*", and gives up after 255 confirmations. A shop that was down longer
// misses payments. Run [Replay] (and [ReplayInvoices] for invoices) from a
// cron job with the function your callback handler calls, and keep the
// [Cursor] it returns between runs:
//
//	var cur settle.Cursor
//	_ = cur.UnmarshalText(load()) // nothing saved yet: from the beginning
//	rep, err := settle.Replay(ctx, acct, cur, handlePayment, settle.WithSecretKeys("secret"))
//	text, _ := rep.Cursor.MarshalText()
//	save(text) // even when err != nil: the cursor covers what was delivered
//
// A function that cannot handle an event yet returns an error matching
// [cryptopay.ErrNotYet]; one that never will (the order was deleted)
// returns one matching [ErrPark], and the replay moves past it and lists
// it in the [Report].
//
// # Lost payouts
//
// A Transfer that fails with [cryptopay.ErrOutcomeUnknown] may or may not
// have left. Read a [Mark] before sending and keep it with the payout;
// afterwards [FindTransfer] looks only at payments Apirone listed after the
// mark, by Apirone's own clock, so no agreement between your clock and
// Apirone's is needed.
//
// # Outcomes and confirmations
//
// [Expected.Evaluate] adds up exactly what arrived for an order, in minor
// units or whole coins, and says Paid, Overpaid, Late, WrongCurrency or
// Underpaid. [ConfirmationPolicy] says how many confirmations a payment
// needs before the order ships. A live callback carries its count; a
// replayed one only whether the API shows it confirmed, which may be from
// the first confirmation on, so the policy also asks that it was received
// at least [ConfirmationPolicy.ReplayAge] ago (90 minutes for Bitcoin at
// the default 3 confirmations).
package settle
