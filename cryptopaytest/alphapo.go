package cryptopaytest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cryptopay-go/cryptopay"
)

// alphaState is the AlphaPo merchant account the server keeps. It has its
// own lock, the AlphaPo lock, so that AlphaPo calls never wait for Apirone
// ones (which take Server.mu) and the reverse.
type alphaState struct {
	mu          sync.Mutex               // the AlphaPo lock: guards every field below
	ids         int64                    // the last AlphaPo id handed out
	callbackURL string                   // the dashboard's callback URL; "" = none
	clock       func() time.Time         // the server's clock (Server.Now)
	balances    map[string]*big.Int      // by currency, in 1e-8 units
	rates       map[string]*big.Int      // EUR value of one unit, in 1e-8 units
	addresses   map[string]*alphaAddress // by address text
	ops         []*alphaOp               // every transaction, in creation order
	foreignIDs  map[string]bool          // taken by withdrawals, exchanges and invoices
	quotes      []*alphaQuote            // exchange quotes not yet released
}

// alphaAddress is a deposit address handed out by addresses/take or for
// an invoice.
type alphaAddress struct {
	taken   cryptopay.TakenAddress
	invoice *alphaOp // the invoice it belongs to; nil for taken addresses
}

// newAlphaState returns an empty account: every balance zero, the
// made-up rates of alphaPoCurrencies.
func newAlphaState() *alphaState {
	a := &alphaState{
		balances:   map[string]*big.Int{},
		rates:      map[string]*big.Int{},
		addresses:  map[string]*alphaAddress{},
		foreignIDs: map[string]bool{},
	}
	for _, c := range alphaPoCurrencies {
		a.balances[c.name] = new(big.Int)
		a.rates[c.name] = mustUnits(c.eur)
	}
	return a
}

func (a *alphaState) nextID() int64 {
	a.ids++
	return a.ids
}

// now reads the server's clock (see WithClock and Advance).
func (a *alphaState) now() time.Time { return a.clock() }

// SetAlphaPoCallbackURL sets where AlphaPo callbacks go, as the callback
// URL of the merchant's dashboard does on the real service: withdrawal,
// exchange, invoice and deposit callbacks, unless AlphaPoDeposit names
// another URL. Callbacks are sent when something happens, so an empty URL
// (the default) means none are sent.
func (s *Server) SetAlphaPoCallbackURL(url string) {
	s.alphaPoAccount.mu.Lock()
	defer s.alphaPoAccount.mu.Unlock()
	s.alphaPoAccount.callbackURL = url
}

// alphaPoError is AlphaPo's authentication and format error. Texts and
// codes are AlphaPo's (https://docs.alphapo.net/api-reference/errors).
type alphaPoError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

var badContent = reply{http.StatusBadRequest, alphaPoError{"Bad content format", "bad_content_format"}}

// problems is AlphaPo's validation error: 400 {"errors": {field: message}}.
// The messages are the fake's, except where a comment cites AlphaPo's.
type problems map[string]string

// add records msg for field unless the field already has a problem.
func (p problems) add(field, msg string) {
	if _, found := p[field]; !found {
		p[field] = msg
	}
}

func (p problems) require(field, value string) {
	if value == "" {
		p.add(field, "This field is required.")
	}
}

func (p problems) maxLength(field, value string, chars int) {
	if utf8.RuneCountInString(value) > chars {
		p.add(field, fmt.Sprintf("Ensure this field has no more than %d characters.", chars))
	}
}

// currency checks a required currency name and returns the currency.
func (p problems) currency(field, name string) *alphaCurrency {
	p.require(field, name)
	c := alphaPoCurrency(name)
	if c == nil && name != "" {
		p.add(field, "Unsupported currency.")
	}
	return c
}

// amount checks a positive amount with at most 8 decimal places and
// returns it in 1e-8 units (nil when it has a problem).
func (p problems) amount(field string, d cryptopay.Decimal) *big.Int {
	u, ok := toUnits(d)
	switch {
	case !ok:
		p.add(field, "The amount may have at most 8 decimal places.")
	case u.Sign() <= 0:
		p.add(field, "The amount must be greater than 0.")
	default:
		return u
	}
	return nil
}

// minimum checks that amount of c is at least c's minimum; the message is
// AlphaPo's (https://docs.cryptoprocessing.com/api-documentation/api-reference).
func (p problems) minimum(field string, amount *big.Int, c *alphaCurrency) {
	if amount != nil && c != nil && amount.Cmp(mustUnits(c.minimum)) < 0 {
		p.add(field, "The amount must be at least "+c.minimum+".")
	}
}

// foreignID checks the unique foreign_id of a withdrawal, exchange or
// invoice. The message for a repeat is AlphaPo's for invoices/create
// (https://docs.cryptoprocessing.com/api-documentation/api-reference); the fake
// answers it for withdrawals and exchanges too.
func (p problems) foreignID(id string, taken map[string]bool) {
	p.require("foreign_id", id)
	p.maxLength("foreign_id", id, 255)
	if taken[id] {
		p.add("foreign_id", "The foreign id has already been taken.")
	}
}

// userData checks a sender or receiver (role "sender" or "receiver") as
// the user data collection page describes it
// (https://docs.cryptoprocessing.com/api-reference/user-data-collection):
// the type and the data come together; a natural person has a first and
// last name and a YYYY-MM-DD date of birth, a legal entity a name and an
// ISO 3166-1 alpha-3 country (the fake checks only its form); a receiver
// may be "self", without data.
func (p problems) userData(role, kind string, d *cryptopay.AlphaPoUserData, self bool) {
	typeField, dataField := role+"_type", role+"_data"
	switch {
	case kind == "" && d == nil:
	case kind == cryptopay.AlphaPoSelf && self:
		if d != nil {
			p.add(dataField, "Must be empty for this type.")
		}
	case kind != cryptopay.AlphaPoNaturalPerson && kind != cryptopay.AlphaPoLegalEntity:
		p.add(typeField, "The selected type is invalid.")
	case d == nil:
		p.add(dataField, "This field is required.")
	case kind == cryptopay.AlphaPoNaturalPerson:
		p.require(dataField+".first_name", d.FirstName)
		p.require(dataField+".last_name", d.LastName)
		if _, err := time.Parse(time.DateOnly, d.DateOfBirth); err != nil {
			p.add(dataField+".date_of_birth", "Must be a date written YYYY-MM-DD.")
		}
	default:
		p.require(dataField+".legal_name", d.LegalName)
		if !alpha3.MatchString(d.CountryOfRegistration) {
			p.add(dataField+".country_of_registration", "Must be an ISO 3166-1 alpha-3 code.")
		}
	}
}

var alpha3 = regexp.MustCompile(`^[A-Z]{3}$`)

// noPair is AlphaPo's message for currencies that do not form an exchange
// pair (https://docs.cryptoprocessing.com/api-documentation/exchange).
const noPair = "Exchange is unavailable for given currencies"

func (p problems) reply() reply { return reply{http.StatusBadRequest, alphaPoFieldErrors{p}} }

type alphaPoFieldErrors struct {
	Errors problems `json:"errors"`
}

// data wraps v in AlphaPo's {"data": ...} envelope.
func data(v any) reply { return ok(map[string]any{"data": v}) }

func (s *Server) routeAlphaPo(mux *http.ServeMux) {
	mux.HandleFunc("GET "+alphaPoPrefix+"/v2/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "OK")
	})
	post := func(path string, h http.HandlerFunc) { mux.HandleFunc("POST "+alphaPoPrefix+path, h) }
	post("/v2/addresses/take", signedCall(s, s.takeAddress))
	post("/v2/accounts/list", signedCall(s, s.listBalances))
	post("/v2/currencies/list", signedCall(s, s.listCurrencies))
	post("/v2/currencies/pairs", signedCall(s, s.listPairs))
	post("/v2/currencies/rates", signedCall(s, s.currencyRates))
	post("/v2/withdrawal/crypto", signedCall(s, s.withdrawCrypto))
	post("/v2/exchange/calculate", signedCall(s, s.calculateExchange))
	post("/v2/exchange/fixed", signedCall(s, s.exchangeFixed))
	post("/v2/exchange/now", signedCall(s, s.exchangeNow))
	post("/v2/invoices/create", signedCall(s, s.createAlphaPoInvoice))
	mux.HandleFunc("GET "+alphaPoPrefix+"/v2/transactions/info", signedCall(s, s.transactionInfo))
}

// signedCall serves a signed AlphaPo call: it reads the body (readBody,
// without a lock), checks the key and signature over those exact bytes
// (403), decodes the JSON body into a new P (400 bad_content_format) and
// answers what handle returns. handle runs, and its answer is encoded, with
// the AlphaPo lock held.
func signedCall[P any](s *Server, handle func(p *P) reply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r)
		if err != nil {
			writeJSON(w, badContent)
			return
		}
		if rep, denied := s.checkAlphaPoAuth(r.Header, body); denied {
			writeJSON(w, rep)
			return
		}
		p := new(P)
		if json.Unmarshal(body, p) != nil {
			writeJSON(w, badContent)
			return
		}
		writeJSON(w, locked(&s.alphaPoAccount.mu, func() reply {
			rep := handle(p)
			rep.body = json.RawMessage(mustJSON(rep.body)) // a snapshot, taken under the lock
			return rep
		}))
	}
}

// checkAlphaPoAuth checks X-Processing-Key and, in constant time,
// X-Processing-Signature over the exact body: 403 with AlphaPo's codes.
func (s *Server) checkAlphaPoAuth(h http.Header, body []byte) (reply, bool) {
	key, sig := h.Get("X-Processing-Key"), h.Get("X-Processing-Signature")
	var e alphaPoError
	switch {
	case key == "":
		e = alphaPoError{"No key header", "required_header_key"}
	case subtle.ConstantTimeCompare([]byte(key), []byte(s.alphaKey)) != 1:
		e = alphaPoError{"Bad key header", "bad_header_key"}
	case sig == "":
		e = alphaPoError{"No signature header", "required_header_signature"}
	case !cryptopay.NewSigner(s.alphaSecret).Verify(body, sig):
		e = alphaPoError{"Bad signature header", "bad_header_signature"}
	default:
		return reply{}, false
	}
	return reply{http.StatusForbidden, e}, true
}

// takeAddress: POST /addresses/take. Each call hands out a new address,
// as the real one may. convert_to must be a fiat currency: the pairs
// the fake exchanges are crypto to fiat.
func (s *Server) takeAddress(p *cryptopay.TakeAddressParams) reply {
	errs := problems{}
	cur := errs.currency("currency", p.Currency)
	errs.require("foreign_id", p.ForeignID)
	errs.maxLength("foreign_id", p.ForeignID, 255)
	errs.require("end_user_reference", p.EndUserReference)
	if cur != nil && cur.fiat {
		errs.add("currency", "Unsupported currency.")
	}
	if to := alphaPoCurrency(p.ConvertTo); p.ConvertTo != "" && (to == nil || !to.fiat) {
		errs.add("convert_to", "Unsupported currency.")
	}
	errs.userData("sender", p.SenderType, p.SenderData, false)
	if len(errs) > 0 {
		return errs.reply()
	}
	a := s.newAlphaAddress(cur, p.ConvertTo, p.ForeignID, p.EndUserReference)
	return data(a.taken)
}

// newAlphaAddress hands out a deposit address in cur. The caller holds the AlphaPo lock.
func (s *Server) newAlphaAddress(cur *alphaCurrency, convertTo, foreignID, endUser string) *alphaAddress {
	text := cur.format.generate()
	for s.alphaPoAccount.addresses[text] != nil {
		text = cur.format.generate()
	}
	a := &alphaAddress{taken: cryptopay.TakenAddress{
		ID: s.alphaPoAccount.nextID(), Currency: cur.name, ConvertTo: convertTo, Address: text,
		ForeignID: foreignID, EndUserReference: endUser,
	}}
	if cur.name == "XRP" {
		a.taken.Tag = randomString("123456789", 9)
	}
	s.alphaPoAccount.addresses[text] = a
	return a
}
