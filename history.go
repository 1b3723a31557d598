package cryptopay

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// ItemType is the kind of a history item.
type ItemType string

// History item types. Values the server sends that are not listed here are
// kept as they are.
const (
	ItemPayment ItemType = "payment" // money sent out
	ItemReceipt ItemType = "receipt" // money received
)

// filterTimeLayout is how DateFrom and DateTo go into the q filter: ISO-8601
// with a numeric offset. The '+' of the offset is percent-encoded on the wire.
const filterTimeLayout = "2006-01-02T15:04:05-07:00"

// filterTime formats a date bound of the q filter; "" for the zero time.
func filterTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(filterTimeLayout)
}

// HistoryParams selects a page of the account's or wallet's history.
type HistoryParams struct {
	Currency string    // "" = every currency of an account; see [Wallet]
	Limit    int       // page size, at most 1000; 0 = server default (10)
	Offset   int       // first item
	ItemType ItemType  // filter: payments or receipts only
	Address  string    // filter: the address or part of it; no commas
	DateFrom time.Time // filter: items at or after; zero = no bound
	DateTo   time.Time // filter: items at or before; zero = no bound
}

// HistoryPage is one page of the account's or wallet's history.
type HistoryPage struct {
	Account    string         `json:"account"`
	Wallet     string         `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Items      []HistoryEntry `json:"items"`
	Pagination Pagination     `json:"pagination"`
}

// HistoryEntry is one payment or receipt in a HistoryPage.
type HistoryEntry struct {
	ID          string   `json:"id"`
	Date        Time     `json:"date"`
	Type        ItemType `json:"type"`
	Currency    string   `json:"currency"`
	Txs         []string `json:"txs"` // blockchain transaction ids
	IsConfirmed bool     `json:"is_confirmed"`
	Amount      Amount   `json:"amount"` // minor units; negative for payments
}

// History returns one page of the account's payments and receipts, newest
// first. A nil p means the first page, unfiltered.
//
// GET /v2/accounts/{account}/history
//
// API docs: https://apirone.com/docs/account/#account-history
func (a *Account) History(ctx context.Context, p *HistoryParams) (*HistoryPage, error) {
	return a.history(ctx, p)
}

// History returns one page of the wallet's payments and receipts, newest
// first. A nil p means the first page, unfiltered.
//
// GET /v2/wallets/{wallet}/history
//
// API docs: https://apirone.com/docs/wallet/#wallet-history
func (w *Wallet) History(ctx context.Context, p *HistoryParams) (*HistoryPage, error) {
	return w.history(ctx, p)
}

// history is History on o's route.
func (o *owner) history(ctx context.Context, p *HistoryParams) (*HistoryPage, error) {
	ep := o.endpoint(http.MethodGet, "/history")
	ep.withQuery(p.query(o))
	return call[*HistoryPage](ctx, &o.client.backend, ep)
}

// query checks p and returns it as the query of o's History.
func (p *HistoryParams) query(o *owner) (url.Values, error) {
	if p == nil {
		p = &HistoryParams{}
	}
	cur, err := o.currency(p.Currency, false)
	if err != nil {
		return nil, err
	}
	q := optionalQuery("currency", cur)
	return q, firstError(addPage(q, p.Limit, p.Offset), addFilter(q, "item_type", string(p.ItemType),
		"address", p.Address, "date_from", filterTime(p.DateFrom), "date_to", filterTime(p.DateTo)))
}

// AllHistory ranges over every item of the account's history matching p,
// fetching pages of p.Limit (default 100) as the loop asks for them, from
// p.Offset on. A failed page yields its error once and ends the loop.
//
// GET /v2/accounts/{account}/history
//
// API docs: https://apirone.com/docs/account/#account-history
func (a *Account) AllHistory(ctx context.Context, p *HistoryParams) iter.Seq2[HistoryEntry, error] {
	return a.allHistory(ctx, p)
}

// AllHistory ranges over every item of the wallet's history matching p,
// fetching pages of p.Limit (default 100) as the loop asks for them, from
// p.Offset on. A failed page yields its error once and ends the loop.
//
// GET /v2/wallets/{wallet}/history
//
// API docs: https://apirone.com/docs/wallet/#wallet-history
func (w *Wallet) AllHistory(ctx context.Context, p *HistoryParams) iter.Seq2[HistoryEntry, error] {
	return w.allHistory(ctx, p)
}

// allHistory is AllHistory on o's route.
func (o *owner) allHistory(ctx context.Context, p *HistoryParams) iter.Seq2[HistoryEntry, error] {
	page := HistoryParams{}
	if p != nil {
		page = *p
	}
	return paginate(page.Limit, page.Offset, func(limit, offset int) ([]HistoryEntry, Pagination, error) {
		q := page
		q.Limit, q.Offset = limit, offset
		h, err := o.history(ctx, &q)
		if err != nil {
			return nil, Pagination{}, err
		}
		return h.Items, h.Pagination, nil
	})
}

// HistoryItem is the detail of one payment or receipt.
type HistoryItem struct {
	Account      string          `json:"account"`
	Wallet       string          `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency     string          `json:"currency"`
	Created      Time            `json:"created"`
	Type         ItemType        `json:"type"`
	ID           string          `json:"id"`
	Txs          []string        `json:"txs"`
	Destinations []AddressAmount `json:"destinations"`
	Amount       Amount          `json:"amount"`
	Total        Amount          `json:"total"` // amount plus all fees
	Fee          FeeInfo         `json:"fee"`
}

// HistoryItem returns one payment or receipt of the account by its id
// (HistoryEntry.ID, TransferResult.ID, PaymentCallback.Payment).
//
// GET /v2/accounts/{account}/history/{id}
//
// API docs: https://apirone.com/docs/account/#account-history-item
func (a *Account) HistoryItem(ctx context.Context, id string) (*HistoryItem, error) {
	return a.historyItem(ctx, id)
}

// HistoryItem returns one payment or receipt of the wallet by its id
// (HistoryEntry.ID, TransferResult.ID, PaymentCallback.Payment).
//
// GET /v2/wallets/{wallet}/history/{id}
//
// API docs: https://apirone.com/docs/wallet/#wallet-history-item
func (w *Wallet) HistoryItem(ctx context.Context, id string) (*HistoryItem, error) {
	return w.historyItem(ctx, id)
}

// historyItem is HistoryItem on o's route.
func (o *owner) historyItem(ctx context.Context, id string) (*HistoryItem, error) {
	return call[*HistoryItem](ctx, &o.client.backend, o.endpoint(http.MethodGet, "/history/{id}", id))
}

// AddressHistoryPage is one page of an address's blockchain transactions.
type AddressHistoryPage struct {
	Account    string      `json:"account"`
	Wallet     string      `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency   string      `json:"currency"`
	Address    string      `json:"address"`
	Txs        []AddressTx `json:"txs"`
	Pagination Pagination  `json:"pagination"`
}

// AddressTx is one blockchain transaction touching an address.
type AddressTx struct {
	TxID    string `json:"txid"`
	Created Time   `json:"created"` // time of its block
	Amount  Amount `json:"amount"`  // minor units; negative when spent
	Block   Block  `json:"block"`
	Deleted bool   `json:"deleted"`
}

// Block is the block a transaction is in. Height 1 means the mempool: the
// transaction is not confirmed.
type Block struct {
	Hash    string `json:"hash"`
	Height  int64  `json:"height"`
	Deleted bool   `json:"deleted"`
}

// AddressHistory returns one page of the transactions of an address of
// the account. A nil p means the first page.
//
// GET /v2/accounts/{account}/addresses/{address}/history
//
// API docs: https://apirone.com/docs/account/#account-address-history
func (a *Account) AddressHistory(ctx context.Context, address string, p *PageParams) (*AddressHistoryPage, error) {
	return a.addressHistory(ctx, address, p)
}

// AddressHistory returns one page of the transactions of an address of
// the wallet. A nil p means the first page.
//
// GET /v2/wallets/{wallet}/addresses/{address}/history
//
// API docs: https://apirone.com/docs/wallet/#address-history
func (w *Wallet) AddressHistory(ctx context.Context, address string, p *PageParams) (*AddressHistoryPage, error) {
	return w.addressHistory(ctx, address, p)
}

// addressHistory is AddressHistory on o's route.
func (o *owner) addressHistory(ctx context.Context, address string, p *PageParams) (*AddressHistoryPage, error) {
	ep := o.endpoint(http.MethodGet, "/addresses/{address}/history", address)
	ep.withQuery(p.query())
	return call[*AddressHistoryPage](ctx, &o.client.backend, ep)
}
