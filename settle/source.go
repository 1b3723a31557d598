package settle

import (
	"context"

	"github.com/cryptopay-go/cryptopay"
)

// Ledger is the payment history of an Apirone account or wallet:
// *cryptopay.Account and *cryptopay.Wallet satisfy it. FindTransfer and
// ReadMark read it.
type Ledger interface {
	// History returns one page of payments and receipts, newest first.
	History(ctx context.Context, p *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error)
	// HistoryItem returns the detail of one payment or receipt.
	HistoryItem(ctx context.Context, id string) (*cryptopay.HistoryItem, error)
}

// PaymentSource is what Replay reads: the history and the callback saved
// for each address. *cryptopay.Account and *cryptopay.Wallet satisfy it.
type PaymentSource interface {
	Ledger
	// AddressCallbackInfo returns the callback saved for an address.
	AddressCallbackInfo(ctx context.Context, address string) (*cryptopay.AddressCallback, error)
}

// InvoiceSource is what ReplayInvoices reads: *cryptopay.Account
// satisfies it.
type InvoiceSource interface {
	// Invoices returns one page of the account's invoices (newest first,
	// as far as Apirone shows).
	Invoices(ctx context.Context, p *cryptopay.PageParams) (*cryptopay.InvoicePage, error)
}

// TransactionSource is what ReplayAlphaPo reads: *cryptopay.AlphaPoClient
// satisfies it.
type TransactionSource interface {
	// TransactionInfo looks one transaction up.
	TransactionInfo(ctx context.Context, p *cryptopay.AlphaPoTransactionInfoParams) (*cryptopay.AlphaPoTransaction, error)
}

// currencyOf is the method a wallet has: its one currency.
type currencyOf interface{ Currency() string }
