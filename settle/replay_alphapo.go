package settle

import (
	"context"
	"errors"
	"strconv"

	"github.com/cryptopay-go/cryptopay"
)

// ReplayAlphaPo hands fn, the function your
// cryptopay.AlphaPoCallbackVerifier.Handler calls, the current record of
// each transaction lookups names (AlphaPoClient.TransactionInfo), in
// order, and reports what happened as Replay does (deferred, parked and
// failed events; there is no cursor). src is a *cryptopay.AlphaPoClient.
// The record is what a callback carries, so its DedupeKey is the key of
// the callback for the same status, and one idempotent fn serves both
// paths. A lookup that finds nothing (ErrNotFound: a withdrawal that was
// never made, an invoice nobody paid yet) is skipped. fn's errors do not
// stop it; an error of the API, or ctx ending, does.
//
// It is also how to settle an AlphaPo withdrawal or exchange whose answer
// was lost (cryptopay.ErrOutcomeUnknown): look it up by the ForeignID you
// sent; not found, it was not made.
//
// What can be replayed: the AlphaPo API v2 lists no transactions; it
// looks one up by id, foreign_id or blockchain txid. So a replay can only
// recheck operations you know of:
//
//   - withdrawals, exchanges and invoices, by the ForeignID you gave them
//     (or the ID their call returned): keep the ones not yet final and
//     recheck them, as a cron job would;
//   - deposits by ID, from a callback you did receive (its later status
//     is what you may have missed), or by the TxID the payer gives you.
//
// A deposit whose every callback was missed cannot be found through the
// API: its id is in the callbacks only, and deposits have no foreign_id
// of their own. Compare AlphaPoClient.Balances with your books to notice
// one. transactions/info reports the status "processing" as
// "not_confirmed", so such a record's DedupeKey differs from a
// "processing" callback's.
//
// GET /v2/transactions/info
//
// API docs: https://docs.cryptoprocessing.com/api-reference/endpoints/transactions-info
func ReplayAlphaPo(ctx context.Context, src TransactionSource, fn func(context.Context, *cryptopay.AlphaPoTransaction) error, lookups ...cryptopay.AlphaPoTransactionInfoParams) (Report, error) {
	var report Report
	var failed []error
	for _, p := range lookups {
		tx, err := src.TransactionInfo(ctx, &p)
		switch {
		case errors.Is(err, cryptopay.ErrNotFound):
			continue
		case err != nil:
			return report, errors.Join(append(failed, err)...)
		}
		ev := Event{Key: tx.DedupeKey(), Currency: alphaPoCurrency(tx), Transaction: strconv.FormatInt(tx.ID, 10)}
		if _, err := report.judge(ev, fn(ctx, tx)); err != nil {
			failed = append(failed, err)
		}
		if err := ctx.Err(); err != nil {
			return report, errors.Join(append(failed, err)...)
		}
	}
	return report, errors.Join(failed...)
}

// alphaPoCurrency is the currency a transaction moved: the one sent, else
// the one received.
func alphaPoCurrency(tx *cryptopay.AlphaPoTransaction) string {
	for _, side := range []*cryptopay.AlphaPoCurrencyAmount{tx.CurrencySent, tx.CurrencyReceived} {
		if side != nil {
			return side.Currency
		}
	}
	return ""
}
