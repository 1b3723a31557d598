package cryptopay

import (
	"context"
	"errors"
	"fmt"
)

// Confirming Apirone callbacks through the API.

// WithCallbackConfirm makes an Apirone handler believe nothing a callback
// says until the API says it too: before your function runs, the handler
// re-reads the payment or invoice through acct, the account the callbacks
// are for, and passes your function the provider's record. It costs one
// read of the API per callback (more only for an address with over 100
// transactions), on the request's context.
//
// For PaymentCallbackHandler it reads the address history of the
// callback's input_address (Account.AddressHistory) and looks for the
// input_transaction_hash there. The address history is the one record
// that holds both the amount a transaction paid into that address and
// whether it is confirmed; the history item the callback's payment id
// names (Account.HistoryItem) says neither whether it is confirmed nor, for
// a payment to several addresses, what each got, and a callback need not
// carry the id. Then:
//
//   - refused, 403 and ErrCallbackUnverified, when the callback names
//     another account, when the API does not know the address in acct
//     (another account's, or none), or when the address history holds no
//     transaction with that hash paying into it (a forged callback, or a
//     transaction the chain dropped);
//   - otherwise your function gets the callback with Value, Currency and
//     Account from the API; Confirmations is 0 when the API shows the
//     transaction unconfirmed, else the callback's count and at least 1.
//     Apirone's API says whether a transaction is confirmed, not how many
//     times: a count above 1 is the callback's word. Data, Payment,
//     TransactionHash and Destinations are the callback's (the address
//     history does not hold them); check Data with WithCallbackSecret.
//
// For InvoiceCallbackHandler it fetches the invoice with Account.Invoice,
// the private view, which needs acct's transfer key or a Login: the
// public view would also show an invoice of someone else's account. An
// invoice the account does not hold is refused (403); otherwise your
// function gets the callback with the invoice's current Status from the
// API, whatever the callback said. Act on that status; fetch the invoice
// again if you need its amounts.
//
// A read that fails for another reason (the network, Apirone's 5xx or
// 429, missing credentials) answers 500, so Apirone calls again later,
// and is reported to WithCallbackErrorHandler as a failure to process.
//
// It applies to Apirone handlers only: AlphaPoCallbackVerifier.Handler
// panics when given it (AlphaPo signs its callbacks).
func WithCallbackConfirm(acct *Account) CallbackOption {
	return apironeOption(func(s *callbackSettings) { s.confirm = acct })
}

// confirmPayment checks cb against the address history of its input
// address and corrects it from there, as WithCallbackConfirm describes.
func (a *Account) confirmPayment(ctx context.Context, cb *PaymentCallback) error {
	if cb.Account != "" && cb.Account != a.ID() {
		return fmt.Errorf("%w: the callback is for another account", ErrCallbackUnverified)
	}
	if cb.InputTransactionHash == "" {
		return fmt.Errorf("%w: input_transaction_hash is missing", ErrCallbackUnverified)
	}
	for offset := 0; ; {
		page, err := a.AddressHistory(ctx, cb.InputAddress, &PageParams{Limit: defaultPageSize, Offset: offset})
		if err != nil {
			return notShown(err)
		}
		for _, tx := range page.Txs {
			if tx.TxID != cb.InputTransactionHash || tx.Amount.Sign() <= 0 || tx.Deleted || tx.Block.Deleted {
				continue
			}
			cb.Value, cb.Currency, cb.Account = tx.Amount, page.Currency, a.ID()
			if tx.Block.Height <= 1 { // the mempool: see Block
				cb.Confirmations = 0
			} else {
				cb.Confirmations = max(cb.Confirmations, 1)
			}
			return nil
		}
		if offset += len(page.Txs); len(page.Txs) == 0 || offset >= page.Pagination.Total {
			return fmt.Errorf("%w: the address history shows no such payment", ErrCallbackUnverified)
		}
	}
}

// confirmInvoice replaces cb's status with the one the API gives, as
// WithCallbackConfirm describes.
func (a *Account) confirmInvoice(ctx context.Context, cb *InvoiceCallback) error {
	inv, err := a.Invoice(ctx, cb.Invoice)
	if err != nil {
		return notShown(err)
	}
	cb.Status = inv.Status
	return nil
}

// notShown sorts a failed confirmation read: the API's "no such thing"
// (404 or 400) refuses the callback; any other failure (missing
// credentials included) is wrapped as it is, so that the handler answers
// 500.
func notShown(err error) error {
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrBadRequest) {
		return fmt.Errorf("%w: the API does not show it: %v", ErrCallbackUnverified, err)
	}
	return fmt.Errorf("cryptopay: confirming the callback through the API: %w", err)
}
