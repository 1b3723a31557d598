package cryptopaytest

import (
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// alphaPoInvoiceJSON is cryptopay.AlphaPoInvoice as AlphaPo writes it now:
// "title", and no "name" (the outer field wins in JSON).
type alphaPoInvoiceJSON struct {
	cryptopay.AlphaPoInvoice
	Name string `json:"name,omitempty"`
}

// invoiceCreated is the status of an invoice nobody has paid yet.
const invoiceCreated = "created"

// createAlphaPoInvoice: POST /invoices/create. The invoice gets a deposit
// address at once, in the currency the customer pays (see payCurrency),
// and the amount to pay there: Amount converted at the market price,
// rounded up to 1e-8. With Timer the rate is fixed for 15 minutes on the
// AlphaPo clock (fixed_at, release_at, seconds_left); the fake does not
// expire invoices. The URL points at the server but is not served.
func (s *Server) createAlphaPoInvoice(p *cryptopay.AlphaPoInvoiceParams) reply {
	errs := problems{}
	errs.require("title", p.Title)
	errs.maxLength("title", p.Title, 50)
	errs.maxLength("description", p.Description, 1000)
	cur := errs.currency("currency", p.Currency)
	amount := errs.amount("amount", p.Amount)
	errs.foreignID(p.ForeignID, s.alphaPoAccount.foreignIDs)
	errs.require("end_user_reference", p.EndUserReference)
	errs.require("url_success", p.URLSuccess)
	errs.require("url_failed", p.URLFailed)
	errs.userData("sender", p.SenderType, p.SenderData, false)
	pay := payCurrency(errs, p.SenderCurrency, cur)
	if len(errs) > 0 {
		return errs.reply()
	}
	due, convertTo := amount, ""
	if pay != cur {
		due, convertTo = convert(amount, cur, s.alphaPoAccount.price(pay, cur), true), cur.name
	}
	addr := s.newAlphaAddress(pay, convertTo, p.ForeignID, p.EndUserReference)
	rec := cryptopay.AlphaPoTransaction{
		ID: s.alphaPoAccount.nextID(), ForeignID: p.ForeignID,
		EndUserReference: p.EndUserReference, Type: cryptopay.AlphaPoTxInvoice,
		CryptoAddress: &cryptopay.AlphaPoCryptoAddress{
			ID: addr.taken.ID, Currency: pay.name, ConvertTo: convertTo, Address: addr.taken.Address, Tag: addr.taken.Tag,
		},
		CurrencySent:     &cryptopay.AlphaPoCurrencyAmount{Currency: pay.name, Amount: decimal(due), RemainingAmount: decimalPtr(due)},
		CurrencyReceived: &cryptopay.AlphaPoCurrencyAmount{Currency: cur.name, Amount: decimal(amount)},
		Status:           invoiceCreated,
	}
	inv := cryptopay.AlphaPoInvoice{
		ID: rec.ID, URL: s.srv.URL + "/alphapo/invoice/" + randomString(base58Alphabet, 6), ForeignID: rec.ForeignID,
		EndUserReference: rec.EndUserReference, Address: addr.taken.Address, Title: p.Title, Status: invoiceCreated,
		Currency: cur.name, Amount: decimal(amount), SenderCurrency: pay.name, SenderAmount: decimalPtr(due),
	}
	if p.Timer {
		fixed := s.alphaPoAccount.now().UTC().Truncate(time.Second)
		rec.FixedAt, rec.ExpiresAt = fixed.Unix(), fixed.Add(invoiceTimer).Unix()
		inv.FixedAt, inv.ReleaseAt = cryptopay.UnixTime{Time: fixed}, cryptopay.UnixTime{Time: fixed.Add(invoiceTimer)}
		inv.SecondsLeft = int64(invoiceTimer / time.Second)
	}
	chargeDepositFee(&rec, "fee_crypto_deposit")
	op := s.addOp(rec, true)
	op.invoice, addr.invoice = true, op
	s.alphaPoAccount.foreignIDs[p.ForeignID] = true
	return data(alphaPoInvoiceJSON{AlphaPoInvoice: inv})
}

// payCurrency returns what the customer pays an invoice of cur in:
// sender (SenderCurrency) when given, else cur when it is a crypto
// currency, else BTC, standing for the customer's choice on the invoice
// page.
func payCurrency(errs problems, sender string, cur *alphaCurrency) *alphaCurrency {
	name := sender
	switch {
	case name != "":
	case cur != nil && !cur.fiat:
		name = cur.name
	default:
		name = "BTC"
	}
	pay := alphaPoCurrency(name)
	switch {
	case pay == nil || pay.fiat:
		errs.add("sender_currency", "Unsupported currency.")
	case cur != nil && pay != cur && !isPair(pay, cur):
		errs.add("sender_currency", noPair)
	}
	return pay
}
