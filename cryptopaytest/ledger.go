package cryptopaytest

import (
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// account is one Apirone account, or a wallet: a wallet is served by the
// same code as an account that holds only its one currency (see
// onWallet).
type account struct {
	id          string
	wallet      *currency // the wallet's currency; nil for an account
	transferKey string
	created     time.Time
	addresses   []*address     // in creation order
	history     []*historyItem // in creation order
	items       map[string]*historyItem
	settings    map[string]*currencySettings // by currency; see settingsOf
	invoices    []*invoice                   // in creation order
}

// address is one address of an account, with its transactions and the log
// of the callbacks sent for it.
type address struct {
	account  *account
	currency *currency
	text     string
	typ      string
	created  time.Time
	callback *cryptopay.Callback // nil: no callback
	txs      []*tx               // in creation order
	log      []logEntry
	invoice  *invoice // the invoice the address was made for, if any
}

// tx is what one blockchain transaction did to one address.
type tx struct {
	hash          string
	amount        cryptopay.Amount // negative when the address spent
	created       time.Time
	confirmations int
	block         cryptopay.Block // Height 1 and no hash while unconfirmed
}

// historyItem is a payment or a receipt of an account.
type historyItem struct {
	detail    cryptopay.HistoryItem // its Fee stays zero: see fee
	fee       feeInfo
	signed    cryptopay.Amount // the amount history lists: negative for payments
	tx        *tx              // says whether the item is confirmed
	addresses []string         // every address involved, for the address filter
	forward   *historyItem     // for a receipt: the payment that forwarded it, if any
}

// feeInfo is cryptopay.FeeInfo as Apirone writes it: the rate is a JSON
// number ("rate": 2.97), where the SDK's Decimal would write a string.
type feeInfo struct {
	SubtractFromAmount bool       `json:"subtract-from-amount"`
	Network            networkFee `json:"network"`
}

type networkFee struct {
	Strategy cryptopay.FeeStrategy `json:"strategy"`
	Amount   cryptopay.Amount      `json:"amount"`
	Rate     int64                 `json:"rate"`
}

// historyItemJSON is the History Item answer; the outer Fee replaces the
// embedded one in the JSON.
type historyItemJSON struct {
	cryptopay.HistoryItem
	Fee feeInfo `json:"fee"`
}

// newAccount creates an account with a fresh "apr-" id and transfer key.
// The caller holds s.mu.
func (s *Server) newAccount() *account { return s.newOwner("apr-", nil) }

// newWallet creates a wallet of cur with a fresh "<currency>-" id and
// transfer key. The caller holds s.mu.
func (s *Server) newWallet(cur *currency) *account { return s.newOwner(cur.name+"-", cur) }

// newOwner creates an account, or a wallet of wallet when it is not nil,
// whose id is prefix and 32 hex digits. The caller holds s.mu.
func (s *Server) newOwner(prefix string, wallet *currency) *account {
	a := &account{
		id:          prefix + randomString(hexAlphabet, 32),
		wallet:      wallet,
		transferKey: randomString(base58Alphabet, 32),
		created:     s.Now(),
		items:       map[string]*historyItem{},
		settings:    map[string]*currencySettings{},
	}
	s.accounts[a.id] = a
	return a
}

// newAddress creates an address of a in format f. The caller holds s.mu.
func (s *Server) newAddress(a *account, cur *currency, f *addressFormat, cb *cryptopay.Callback) *address {
	text := f.generate()
	for s.addresses[text] != nil {
		text = f.generate()
	}
	ad := &address{account: a, currency: cur, text: text, typ: f.typ, created: s.Now(), callback: cb}
	a.addresses = append(a.addresses, ad)
	s.addresses[text] = ad
	return ad
}

// addTx records that transaction hash moved amount into (or, negative, out
// of) ad. The caller holds s.mu.
func (s *Server) addTx(ad *address, hash string, amount cryptopay.Amount, confirmations int, created time.Time) *tx {
	t := &tx{hash: hash, amount: amount, created: created, confirmations: confirmations, block: cryptopay.Block{Height: 1}}
	if confirmations > 0 {
		s.setBlock(t)
	}
	ad.txs = append(ad.txs, t)
	s.txs = append(s.txs, t)
	return t
}

// setBlock puts t in the block its confirmations say, counted back from
// the tip. The caller holds s.mu.
func (s *Server) setBlock(t *tx) {
	t.block = cryptopay.Block{
		Hash:   "0000000000000000" + randomString(hexAlphabet, 48),
		Height: s.height - int64(t.confirmations) + 1,
	}
}

// addItem records a history item.
func (a *account) addItem(item *historyItem) {
	a.history = append(a.history, item)
	a.items[item.detail.ID] = item
}

// balance sums the address's transactions: Total counts every one,
// Available leaves out unconfirmed receipts (the fake's rule; spending
// counts at once).
func (ad *address) balance() cryptopay.Balance {
	var b cryptopay.Balance
	for _, t := range ad.txs {
		b.Total = b.Total.Add(t.amount)
		if t.amount.Sign() < 0 || t.confirmations > 0 {
			b.Available = b.Available.Add(t.amount)
		}
	}
	return b
}

// entry is the item as History lists it.
func (item *historyItem) entry() cryptopay.HistoryEntry {
	d := item.detail
	return cryptopay.HistoryEntry{
		ID: d.ID, Date: d.Created, Type: d.Type, Currency: d.Currency, Txs: d.Txs,
		IsConfirmed: item.tx.confirmations > 0, Amount: item.signed,
	}
}
