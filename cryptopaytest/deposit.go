package cryptopaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// maxCallbackConfirmations is how long Apirone keeps re-sending an
// unacknowledged callback: up to 255 confirmations (Apirone's "Receiving
// callbacks" page, https://apirone.com/docs/receiving-callbacks; the fake
// applies it to every currency).
const maxCallbackConfirmations = 255

// maxResponseContent is how much of a callback answer the log keeps.
const maxResponseContent = 4096

// DepositParams describes a payment into an Apirone address of the server.
type DepositParams struct {
	Address       string           // an address generated on this server; required
	Amount        cryptopay.Amount // minor units; must be positive
	Confirmations int              // 0: in the mempool; 1 or more: mined that many blocks ago
	Date          time.Time        // when it arrived; zero means now
	TxID          string           // the blockchain transaction id; "" means a random one
}

// DepositResult is a deposit the server recorded and the callbacks it
// delivered.
type DepositResult struct {
	Payment string // the receipt's history item id (PaymentCallback.Payment)
	TxID    string // the blockchain transaction id
	// Deliveries are the callbacks sent: the address's payment callback,
	// if it has one, then the invoice callbacks of any invoice status
	// change (see Server.Deposit).
	Deliveries []Delivery
}

// Delivery is one callback the server sent and the answer it got.
type Delivery struct {
	Method        string // "POST" or "GET"
	URL           string // the URL called, with the query for GET
	Body          string // the body sent; "" for GET
	Confirmations int    // the confirmations the callback reported; 0 for invoice callbacks
	Status        int    // the answer's HTTP status; 0 when none came
	Response      string // the first 4096 bytes of the answer's body
	Err           error  // why no answer came
	// Acknowledged: the receiver accepted it, so it will not be sent
	// again. Apirone wants status 200 and the body "*ok*" (surrounding
	// white space ignored); AlphaPo wants status 200.
	Acknowledged bool
}

// deposit is a receipt whose callback is re-sent until acknowledged.
type deposit struct {
	addr  *address
	item  *historyItem
	acked bool
}

// delivery is a callback ready to send, built under the lock and sent
// without it (the receiver may call the server back).
type delivery func(ctx context.Context) Delivery

// deliver sends the callbacks in order and returns what happened.
func deliver(ctx context.Context, sends []delivery) []Delivery {
	var out []Delivery
	for _, send := range sends {
		out = append(out, send(ctx))
	}
	return out
}

// Deposit pays p.Amount into p.Address: it credits the address (available
// once confirmed), records a receipt in the account's history and the
// address's history, and, if the address has a callback, delivers it
// before returning and logs the attempt in the callback log. Mine confirms
// the deposit further and re-delivers the callback until it is
// acknowledged.
//
// When the account forwards the currency (destinations in its settings),
// a confirmed receipt is forwarded at once, and an unconfirmed one when
// Mine confirms it: a payment to the destinations in the history, and
// transaction_hash and destinations in the callbacks that follow.
//
// A deposit to an invoice's address counts toward the invoice (unless it
// is completed or expired) and delivers the invoice's callbacks for each
// status change; a confirmed payment in full completes it at once.
func (s *Server) Deposit(ctx context.Context, p DepositParams) (*DepositResult, error) {
	sends, res, err := s.recordDeposit(p)
	if err != nil {
		return nil, err
	}
	res.Deliveries = deliver(ctx, sends)
	return res, nil
}

func (s *Server) recordDeposit(p DepositParams) ([]delivery, *DepositResult, error) {
	if p.Amount.Sign() <= 0 {
		return nil, nil, fmt.Errorf("cryptopaytest: deposit amount must be positive, got %s", p.Amount)
	}
	if p.Confirmations < 0 {
		return nil, nil, fmt.Errorf("cryptopaytest: negative confirmations %d", p.Confirmations)
	}
	date, hash := s.Now(), p.TxID
	if !p.Date.IsZero() {
		date = p.Date.UTC().Truncate(time.Microsecond)
	}
	if hash == "" {
		hash = newTxID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ad := s.addresses[p.Address]
	if ad == nil {
		return nil, nil, fmt.Errorf("cryptopaytest: no address %q on this server", p.Address)
	}
	item := &historyItem{
		detail: cryptopay.HistoryItem{
			Account: ad.account.id, Currency: ad.currency.name, Created: cryptopay.Time{Time: date},
			Type: cryptopay.ItemReceipt, ID: newTxID(), Txs: []string{hash},
			Destinations: []cryptopay.AddressAmount{{Address: ad.text, Amount: p.Amount}},
			Amount:       p.Amount, Total: p.Amount,
		},
		signed:    p.Amount,
		tx:        s.addTx(ad, hash, p.Amount, p.Confirmations, date),
		addresses: []string{ad.text},
	}
	ad.account.addItem(item)
	if dests := ad.account.settingsOf(ad.currency).destinations; dests != nil {
		s.forwards = append(s.forwards, &forwarding{receipt: item, from: ad, dests: dests})
		s.forwardConfirmed()
	}
	res := &DepositResult{Payment: item.detail.ID, TxID: hash}
	var sends []delivery
	if ad.callback != nil {
		dep := &deposit{addr: ad, item: item}
		s.deposits = append(s.deposits, dep)
		sends = append(sends, s.apironeDelivery(dep))
	}
	if ad.invoice != nil {
		s.advanceInvoices() // an invoice that has expired takes no payment
		ad.invoice.pay(item.tx)
	}
	return append(sends, s.invoiceDeliveries(false)...), res, nil
}

// Mine adds n blocks to the fake chain, one at a time. With each block
// every transaction gains a confirmation (a deposit made with 0 becomes
// available and is forwarded if the account forwards), paid invoices
// whose payments are all confirmed complete, invoices past their expiry
// expire, and every callback not yet acknowledged is sent again: Apirone's
// up to 255 confirmations, an invoice's latest up to 255 times, AlphaPo's
// until acknowledged (and again when its status changes). It returns the
// deliveries in order, and stops early with ctx's error when ctx ends.
func (s *Server) Mine(ctx context.Context, n int) ([]Delivery, error) {
	var out []Delivery
	for range n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out = append(out, deliver(ctx, s.mineBlock())...)
	}
	return out, nil
}

// mineBlock adds one block and returns the callbacks it calls for: the
// Apirone side's, then the AlphaPo side's, each under its own lock.
func (s *Server) mineBlock() []delivery {
	sends := s.mineApirone()
	s.alphaPoAccount.mu.Lock()
	defer s.alphaPoAccount.mu.Unlock()
	return append(sends, s.mineAlphaPo()...)
}

// mineApirone adds one block to the Apirone chain and returns the
// callbacks it calls for.
func (s *Server) mineApirone() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.height++
	for _, t := range s.txs {
		if t.confirmations++; t.confirmations == 1 {
			s.setBlock(t)
		}
	}
	s.forwardConfirmed()
	var sends []delivery
	for _, dep := range s.deposits {
		if !dep.acked && dep.item.tx.confirmations <= maxCallbackConfirmations {
			sends = append(sends, s.apironeDelivery(dep))
		}
	}
	return append(sends, s.invoiceDeliveries(true)...)
}

// apironeDelivery prepares dep's callback as the address's settings say:
// a JSON POST, or a GET with the fields and the data in the query (the
// fake's reading of Apirone's GET callbacks). The caller holds s.mu.
func (s *Server) apironeDelivery(dep *deposit) delivery {
	ad, cb := dep.addr, *dep.addr.callback
	payload := s.paymentCallback(dep)
	target, body := cb.URL, []byte(nil)
	if cb.Method == http.MethodGet {
		target = addQuery(cb.URL, callbackQuery(payload))
	} else {
		body = mustJSON(callbackJSON(payload))
	}
	return func(ctx context.Context) Delivery {
		d, headers := s.sendCallback(ctx, cb.Method, target, body, nil)
		d.Confirmations = int(payload.Confirmations)
		d.Acknowledged = apironeAcknowledged(d)
		entry := logEntry{Date: cryptopay.Time{Time: s.Now()}, Response: cryptopay.CallbackLogResponse{Status: d.Status, Headers: headers, Content: d.Response}}
		entry.Request.Method, entry.Request.URL, entry.Request.Args = cb.Method, cb.URL, logArgs(payload)
		s.mu.Lock()
		defer s.mu.Unlock()
		ad.log = append(ad.log, entry)
		dep.acked = dep.acked || d.Acknowledged
		return d
	}
}

// paymentCallback is dep's callback as it stands. The caller holds s.mu.
func (s *Server) paymentCallback(dep *deposit) cryptopay.PaymentCallback {
	ad, item := dep.addr, dep.item
	payload := cryptopay.PaymentCallback{
		Value: item.detail.Amount, InputAddress: ad.text, Confirmations: int64(item.tx.confirmations),
		InputTransactionHash: item.tx.hash, Data: ad.callback.Data, Currency: ad.currency.name,
		Payment: item.detail.ID,
	}
	if ad.account.wallet != nil {
		payload.Wallet = ad.account.id
	} else {
		payload.Account = ad.account.id
	}
	if fwd := item.forward; fwd != nil {
		payload.TransactionHash, payload.Destinations = fwd.tx.hash, fwd.detail.Destinations
	}
	return payload
}

// walletCallback is a wallet's payment callback: it names the wallet and
// has no "account" (https://apirone.com/docs/wallet).
type walletCallback struct {
	cryptopay.PaymentCallback
	Account *struct{} `json:"account,omitempty"` // hides the embedded one: never set
}

// callbackJSON is p as Apirone sends it.
func callbackJSON(p cryptopay.PaymentCallback) any {
	if p.Wallet != "" {
		return walletCallback{PaymentCallback: p}
	}
	return p
}

// logArgs is p as the callback log shows it: without the data, where the
// callback secret lives, and the payment id, as Apirone's log example
// (https://apirone.com/docs/account, Address Callback Log).
func logArgs(p cryptopay.PaymentCallback) any {
	p.Data, p.Payment = nil, ""
	return callbackJSON(p)
}

// logEntry is one attempt of the callback log.
type logEntry struct {
	Date    cryptopay.Time `json:"date"`
	Request struct {
		Method string `json:"method"`
		URL    string `json:"url"`
		Args   any    `json:"args"`
	} `json:"request"`
	Response cryptopay.CallbackLogResponse `json:"response"`
}

// callbackLogJSON is a page of the callback log (cryptopay.CallbackLogPage).
type callbackLogJSON struct {
	Account    string               `json:"account"`
	Currency   string               `json:"currency"`
	Address    string               `json:"address"`
	Log        []logEntry           `json:"log"`
	Pagination cryptopay.Pagination `json:"pagination"`
}

// apironeAcknowledged reports whether the receiver accepted an Apirone
// callback: status 200 and the body "*ok*", white space around it ignored.
func apironeAcknowledged(d Delivery) bool {
	return d.Status == http.StatusOK && strings.TrimSpace(d.Response) == "*ok*"
}

// callbackQuery renders an Apirone callback as a GET query, destinations
// as "address:amount,..." (the form of the estimation query).
func callbackQuery(p cryptopay.PaymentCallback) url.Values {
	q := url.Values{}
	for k, v := range p.Data {
		q.Set(k, v)
	}
	q.Set("value", p.Value.String())
	q.Set("input_address", p.InputAddress)
	q.Set("confirmations", strconv.FormatInt(int64(p.Confirmations), 10))
	q.Set("input_transaction_hash", p.InputTransactionHash)
	if p.Wallet != "" {
		q.Set("wallet", p.Wallet)
	} else {
		q.Set("account", p.Account)
	}
	q.Set("currency", p.Currency)
	q.Set("payment", p.Payment)
	if p.TransactionHash != "" {
		q.Set("transaction_hash", p.TransactionHash)
		var dests []string
		for _, d := range p.Destinations {
			dests = append(dests, d.Address+":"+d.Amount.String())
		}
		q.Set("destinations", strings.Join(dests, ","))
	}
	return q
}

// sendCallback sends body (nil: none) to target with method and the extra
// headers. It returns the delivery, without Confirmations and
// Acknowledged, and the answer's headers (first values).
func (s *Server) sendCallback(ctx context.Context, method, target string, body []byte, header http.Header) (Delivery, map[string]string) {
	d := Delivery{Method: method, URL: target, Body: string(body)}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		d.Err = err
		return d, nil
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.callbackClient.Do(req)
	if err != nil {
		d.Err = err
		return d, nil
	}
	defer resp.Body.Close()
	content, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseContent))
	d.Status, d.Response, d.Err = resp.StatusCode, string(content), err
	headers := make(map[string]string, len(resp.Header))
	for k := range resp.Header {
		headers[k] = resp.Header.Get(k)
	}
	return d, headers
}

// mustJSON marshals v, which cannot fail for the fake's own wire types.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// addQuery appends q to target's own query.
func addQuery(target string, q url.Values) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + q.Encode()
}
