package cryptopaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// defaultInvoiceLifetime is how long an invoice can be paid when it is
// created with neither lifetime nor expire: the fake's choice.
const defaultInvoiceLifetime = time.Hour

// invoice is an Apirone invoice. Its status moves on as payments reach its
// address, as they are confirmed and as the server's clock passes its
// expiry (see advance).
type invoice struct {
	id          string
	account     *account
	addr        *address // made for the invoice; see address.invoice
	created     time.Time
	expire      time.Time
	amount      cryptopay.Amount // zero: an open amount
	userData    json.RawMessage  // echoed as given
	linkback    string
	callbackURL string
	status      cryptopay.InvoiceStatus
	history     []invoiceEvent
	payments    []*tx            // the receipts that counted, oldest first
	notices     []*invoiceNotice // one per status change when there is a callback URL
}

// invoiceEvent is one entry of an invoice's history. A payment adds one
// even when the status stays as it was.
type invoiceEvent struct {
	Date   cryptopay.Time          `json:"date"`
	Status cryptopay.InvoiceStatus `json:"status"`
	TxID   string                  `json:"txid,omitempty"`
	Amount *cryptopay.Amount       `json:"amount,omitempty"`
}

// invoiceNotice is the callback for one status change.
type invoiceNotice struct {
	status   cryptopay.InvoiceStatus
	attempts int
	acked    bool
}

// invoiceRequest is the body of POST /v2/accounts/{account}/invoices.
type invoiceRequest struct {
	Currency    string            `json:"currency"`
	Amount      *cryptopay.Amount `json:"amount"`
	Lifetime    *int64            `json:"lifetime"`
	Expire      cryptopay.Time    `json:"expire"`
	CallbackURL string            `json:"callback-url"`
	// CallbackURLAlt: the example on Apirone's Invoices page spells the
	// field callback_url, its parameter table callback-url.
	CallbackURLAlt string          `json:"callback_url"`
	Linkback       string          `json:"linkback"`
	UserData       json.RawMessage `json:"user-data"`
}

// createInvoice: POST /v2/accounts/{account}/invoices; no authorization.
// The invoice gets a new address of the account (default type, no
// callback). An amount of 0 or none makes an open-amount invoice; expire
// wins over lifetime (seconds, at most what a time.Duration holds); with
// neither it lives an hour.
func (s *Server) createInvoice(r *http.Request, a *account) reply {
	var req invoiceRequest
	if rep, bad := decodeBody(r, &req); bad {
		return rep
	}
	cur, rep, found := lookupCurrency(req.Currency)
	if !found {
		return rep
	}
	inv := &invoice{id: randomString(base58Alphabet, 16), account: a, created: s.Now(), linkback: req.Linkback, status: cryptopay.InvoiceCreated}
	if rep, valid := inv.configure(&req); !valid {
		return rep
	}
	inv.addr = s.newAddress(a, cur, &cur.types[0], nil)
	inv.addr.invoice = inv
	inv.history = []invoiceEvent{{Date: cryptopay.Time{Time: inv.created}, Status: cryptopay.InvoiceCreated}}
	a.invoices = append(a.invoices, inv)
	s.invoices = append(s.invoices, inv)
	return ok(inv.view(r, true))
}

// configure checks and sets the amount, expiry, callback URL and user data.
func (inv *invoice) configure(req *invoiceRequest) (reply, bool) {
	if req.Amount != nil {
		if req.Amount.Sign() < 0 {
			return badRequest("amount must not be negative."), false
		}
		inv.amount = *req.Amount
	}
	inv.expire = inv.created.Add(defaultInvoiceLifetime)
	switch {
	case !req.Expire.IsZero():
		if !req.Expire.After(inv.created) {
			return badRequest("expire must be in the future."), false
		}
		inv.expire = req.Expire.UTC().Truncate(time.Microsecond)
	case req.Lifetime != nil:
		switch {
		case *req.Lifetime <= 0:
			return badRequest("lifetime must be a positive number of seconds."), false
		case *req.Lifetime > int64(math.MaxInt64/time.Second):
			return badRequest("lifetime is too long."), false
		}
		inv.expire = inv.created.Add(time.Duration(*req.Lifetime) * time.Second)
	}
	inv.callbackURL = req.CallbackURL
	if inv.callbackURL == "" {
		inv.callbackURL = req.CallbackURLAlt
	}
	if inv.callbackURL != "" && !validCallbackURL(inv.callbackURL) {
		return badRequest("callback-url must be a valid URL shorter than 1024 characters."), false
	}
	if len(req.UserData) > 0 && !bytes.Equal(req.UserData, []byte("null")) {
		if req.UserData[0] != '{' {
			return badRequest("user-data must be an object."), false
		}
		inv.userData = req.UserData
	}
	return reply{}, true
}

// invoiceJSON is an invoice as the API shows it. The public view leaves
// out account and callback-url; an open amount is null.
type invoiceJSON struct {
	Account     string                  `json:"account,omitempty"`
	Invoice     string                  `json:"invoice"`
	Created     cryptopay.Time          `json:"created"`
	Currency    string                  `json:"currency"`
	Address     string                  `json:"address"`
	Expire      cryptopay.Time          `json:"expire"`
	Amount      *cryptopay.Amount       `json:"amount"`
	UserData    json.RawMessage         `json:"user-data,omitempty"`
	Status      cryptopay.InvoiceStatus `json:"status"`
	History     []invoiceEvent          `json:"history"`
	Linkback    string                  `json:"linkback,omitempty"`
	CallbackURL string                  `json:"callback-url,omitempty"`
	InvoiceURL  string                  `json:"invoice-url"`
}

// view renders the invoice; private adds the account's fields. The
// invoice-url points at this server, which serves no payment page.
func (inv *invoice) view(r *http.Request, private bool) invoiceJSON {
	out := invoiceJSON{
		Invoice: inv.id, Created: cryptopay.Time{Time: inv.created}, Currency: inv.addr.currency.name, Address: inv.addr.text,
		Expire: cryptopay.Time{Time: inv.expire}, UserData: inv.userData, Status: inv.status,
		History: slices.Clone(inv.history), Linkback: inv.linkback, InvoiceURL: "http://" + r.Host + "/invoice?id=" + inv.id,
	}
	if inv.amount.Sign() > 0 {
		amount := inv.amount
		out.Amount = &amount
	}
	if private {
		out.Account, out.CallbackURL = inv.account.id, inv.callbackURL
	}
	return out
}

// publicInvoice: GET /v2/invoices/{invoice}, the payer's view; no
// authorization.
func (s *Server) publicInvoice(r *http.Request) reply {
	s.advanceInvoices()
	inv := s.findInvoice(r.PathValue("invoice"))
	if inv == nil {
		return invoiceNotFound()
	}
	return ok(inv.view(r, false))
}

// accountInvoice: GET /v2/accounts/{account}/invoices/{invoice}, the
// private view of one of the account's invoices.
func (s *Server) accountInvoice(r *http.Request, a *account) reply {
	s.advanceInvoices()
	inv := s.findInvoice(r.PathValue("invoice"))
	if inv == nil || inv.account != a {
		return invoiceNotFound()
	}
	return ok(inv.view(r, true))
}

func invoiceNotFound() reply { return reply{http.StatusNotFound, message("Invoice not found.")} }

func (s *Server) findInvoice(id string) *invoice {
	i := slices.IndexFunc(s.invoices, func(inv *invoice) bool { return inv.id == id })
	if i < 0 {
		return nil
	}
	return s.invoices[i]
}

// invoiceListJSON is the Invoices List answer.
type invoiceListJSON struct {
	Account    string               `json:"account"`
	Invoices   []invoiceJSON        `json:"invoices"`
	Pagination cryptopay.Pagination `json:"pagination"`
}

// listInvoices: GET /v2/accounts/{account}/invoices?offset=&limit=, the
// private views, newest first.
func (s *Server) listInvoices(r *http.Request, a *account) reply {
	pg, rep, valid := parsePage(r.URL.Query())
	if !valid {
		return rep
	}
	s.advanceInvoices()
	var views []invoiceJSON
	for _, inv := range reversed(a.invoices) {
		views = append(views, inv.view(r, true))
	}
	out := invoiceListJSON{Account: a.id}
	out.Invoices, out.Pagination = paginate(views, pg)
	return ok(out)
}

// pay counts a receipt of the invoice's address, unless the invoice is
// already completed or expired: the status becomes partpaid, paid or
// overpaid by the total received (paid for any payment to an open amount).
func (inv *invoice) pay(t *tx) {
	if inv.status.IsFinal() {
		return
	}
	inv.payments = append(inv.payments, t)
	status := cryptopay.InvoicePaid
	if inv.amount.Sign() > 0 {
		var received cryptopay.Amount
		for _, p := range inv.payments {
			received = received.Add(p.amount)
		}
		switch received.Cmp(inv.amount) {
		case -1:
			status = cryptopay.InvoicePartPaid
		case 1:
			status = cryptopay.InvoiceOverpaid
		}
	}
	amount := t.amount
	inv.record(t.created, status, t.hash, &amount)
}

// advance moves the invoice on by time and confirmations: created or
// partpaid becomes expired once now reaches its expiry (the event dated at
// the expiry); paid or overpaid becomes completed once every payment has a
// confirmation. A paid invoice waiting for confirmations does not expire.
func (inv *invoice) advance(now time.Time) {
	switch inv.status {
	case cryptopay.InvoiceCreated, cryptopay.InvoicePartPaid:
		if !now.Before(inv.expire) {
			inv.record(inv.expire, cryptopay.InvoiceExpired, "", nil)
		}
	case cryptopay.InvoicePaid, cryptopay.InvoiceOverpaid:
		if !slices.ContainsFunc(inv.payments, func(t *tx) bool { return t.confirmations == 0 }) {
			inv.record(now, cryptopay.InvoiceCompleted, "", nil)
		}
	}
}

// record adds a history event and, when the status changes and the
// invoice has a callback URL, a callback to send.
func (inv *invoice) record(date time.Time, status cryptopay.InvoiceStatus, txid string, amount *cryptopay.Amount) {
	inv.history = append(inv.history, invoiceEvent{Date: cryptopay.Time{Time: date}, Status: status, TxID: txid, Amount: amount})
	if status == inv.status {
		return
	}
	inv.status = status
	if inv.callbackURL != "" {
		inv.notices = append(inv.notices, &invoiceNotice{status: status})
	}
}

// advanceInvoices advances every invoice by the server's clock. Reads call
// it too, so that they never show a stale status (the clock may move by
// itself, see WithClock); the callbacks of what they changed go out with the
// next Deposit, Mine or Advance. The caller holds s.mu.
func (s *Server) advanceInvoices() {
	now := s.Now()
	for _, inv := range s.invoices {
		inv.advance(now)
	}
}

// invoiceDeliveries advances every invoice and prepares the invoice
// callbacks due: each status change's callback once, in order, and with
// resend (a new block) the latest one of each invoice again while it is
// not acknowledged, up to 255 attempts. The caller holds s.mu.
func (s *Server) invoiceDeliveries(resend bool) []delivery {
	s.advanceInvoices()
	var sends []delivery
	for _, inv := range s.invoices {
		for i, n := range inv.notices {
			latest := i == len(inv.notices)-1
			if n.attempts == 0 || (resend && latest && !n.acked && n.attempts < maxCallbackConfirmations) {
				sends = append(sends, s.invoiceDelivery(inv, n))
			}
		}
	}
	return sends
}

// invoiceDelivery prepares n's callback: a JSON POST of {"invoice",
// "status"} to the invoice's callback URL, acknowledged as Apirone's
// payment callbacks are. The caller holds s.mu.
func (s *Server) invoiceDelivery(inv *invoice, n *invoiceNotice) delivery {
	n.attempts++
	target, body := inv.callbackURL, mustJSON(cryptopay.InvoiceCallback{Invoice: inv.id, Status: n.status})
	return func(ctx context.Context) Delivery {
		d, _ := s.sendCallback(ctx, http.MethodPost, target, body, nil)
		d.Acknowledged = apironeAcknowledged(d)
		s.mu.Lock()
		defer s.mu.Unlock()
		n.acked = n.acked || d.Acknowledged
		return d
	}
}
