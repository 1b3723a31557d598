package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"maps"
)

// Confirming Apirone callbacks through the API.

// WithCallbackConfirm makes an Apirone handler believe nothing a callback
// says until the API says it too: before your function runs, the handler
// re-reads the payment or invoice through acct, the account the callbacks
// are for, and passes your function the provider's record. The reads need
// acct's transfer key or a Login, and go out on the request's context.
// WithCallbackConfirm(nil) panics: a handler set up with it would take
// forged callbacks at their word.
//
// For PaymentCallbackHandler it costs two reads per callback (more only
// for an address with over 100 transactions): the address's callback
// (Account.AddressCallbackInfo), whose data the callback must carry
// exactly, and the address history of the callback's input_address
// (Account.AddressHistory), where it looks for the
// input_transaction_hash. The address history is the one record that
// holds both the amount a transaction paid into that address and whether
// it is confirmed; the history item the callback's payment id names
// (Account.HistoryItem) says neither whether it is confirmed nor, for a
// payment to several addresses, what each got, and a callback need not
// carry the id. Then:
//
//   - refused, 403 and ErrCallbackUnverified, when the callback names
//     another account or any wallet, when the API does not know the
//     address in acct (another account's, or none) or holds no callback
//     for it, when the callback's data is not the data of the address's
//     callback (Callback.DeliveredData: for a GET callback, the data and
//     the URL's query), or when the address history holds no transaction
//     with that hash paying into it (a forged callback, or a transaction
//     the chain dropped). Checking the data is what stops a replay of a
//     real payment with another order's data: the transaction is real,
//     and without the check the forged callback would be credited to the
//     other order and, having the real one's DedupeKey, make the real
//     one look like a duplicate. It holds with or without
//     WithCallbackSecret, whose keys are checked in the data first and
//     removed after;
//   - refused, 400 and ErrCallbackMalformed, when input_address could not
//     be a path segment ("a/b", ".."): no genuine callback holds one;
//   - otherwise your function gets the callback with Value, Currency and
//     Account from the API; Confirmations is 0 when the API shows the
//     transaction unconfirmed, else the callback's count and at least 1.
//     Apirone's API says whether a transaction is confirmed, not how many
//     times: a count above 1 is the callback's word. Data is the API's
//     (they are equal); Payment, TransactionHash and Destinations are the
//     callback's (the address history does not hold them).
//
// For InvoiceCallbackHandler it fetches the invoice with Account.Invoice,
// the private view: the public view would also show an invoice of
// someone else's account. An invoice the account does not hold is
// refused (403), an invoice id that could not be a path segment is
// malformed (400); otherwise your function gets the callback with the
// invoice's current Status from the API, whatever the callback said. Act
// on that status; fetch the invoice again if you need its amounts.
//
// A read that fails for another reason (the network, Apirone's 5xx or
// 429, missing credentials) answers 500, so Apirone calls again later,
// and is reported to WithCallbackErrorHandler as a failure to process.
//
// It applies to Apirone handlers only: AlphaPo signs its callbacks, and
// AlphaPoCallbackVerifier.Handler does not take it (it does not compile).
func WithCallbackConfirm(acct *Account) CallbackOption {
	if acct == nil {
		panic("cryptopay: WithCallbackConfirm: nil *Account: a handler would take forged callbacks at their word")
	}
	return apironeOption(func(s *callbackSettings) { s.confirm = acct })
}

// confirmPayment checks cb against the account, the address's callback
// and the address history of its input address, and corrects it from
// there, as WithCallbackConfirm describes.
func (a *Account) confirmPayment(ctx context.Context, cb *PaymentCallback) error {
	switch {
	case cb.Account != "" && cb.Account != a.ID():
		return fmt.Errorf("%w: the callback is for another account", ErrCallbackUnverified)
	case cb.Wallet != "":
		return fmt.Errorf("%w: the callback names a wallet, not the account", ErrCallbackUnverified)
	case cb.InputTransactionHash == "":
		return fmt.Errorf("%w: input_transaction_hash is missing", ErrCallbackUnverified)
	}
	if err := checkPathValue("input_address", cb.InputAddress); err != nil {
		return err
	}
	if err := a.confirmData(ctx, cb); err != nil {
		return err
	}
	return a.confirmTransaction(ctx, cb)
}

// confirmData checks that cb carries the data the API holds for its
// address's callback.
func (a *Account) confirmData(ctx context.Context, cb *PaymentCallback) error {
	info, err := a.AddressCallbackInfo(ctx, cb.InputAddress)
	switch {
	case err != nil:
		return notShown(err)
	case info.Callback == nil:
		return fmt.Errorf("%w: the API holds no callback for the address", ErrCallbackUnverified)
	case !maps.Equal(cb.Data, info.Callback.DeliveredData()):
		return fmt.Errorf("%w: the callback's data is not the data of the address's callback", ErrCallbackUnverified)
	}
	return nil
}

// confirmTransaction looks for cb's transaction in the address history of
// its input address and takes the amount, currency and confirmation
// state from there.
func (a *Account) confirmTransaction(ctx context.Context, cb *PaymentCallback) error {
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
	if err := checkPathValue("invoice", cb.Invoice); err != nil {
		return err
	}
	inv, err := a.Invoice(ctx, cb.Invoice)
	if err != nil {
		return notShown(err)
	}
	cb.Status = inv.Status
	return nil
}

// checkPathValue refuses, as ErrCallbackMalformed, a callback field that
// no genuine callback holds and that the path of the confirming read
// would refuse ("a/b", ".."), so that it is answered 400 rather than as
// a failed read.
func checkPathValue(field, value string) error {
	if _, err := pathSegment(field, value); err != nil {
		return malformed("%s: %.64q cannot be a path segment", field, value)
	}
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
