package cryptopaytest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/cryptopay-go/cryptopay"
)

// alphaPoCurrencies are the currencies the fake hands out AlphaPo
// addresses in, with their address formats. XRP addresses come with a
// numeric destination tag.
var alphaPoCurrencies = map[string]addressFormat{
	"BTC":   {"", "bc1q", bech32Alphabet, 42},
	"LTC":   {"", "ltc1q", bech32Alphabet, 43},
	"BCH":   {"", "q", bech32Alphabet, 42},
	"DOGE":  {"", "D", base58Alphabet, 34},
	"ETH":   {"", "0x", hexAlphabet, 42},
	"USDTE": {"", "0x", hexAlphabet, 42},
	"TRX":   {"", "T", base58Alphabet, 34},
	"USDTT": {"", "T", base58Alphabet, 34},
	"XRP":   {"", "r", base58Alphabet, 34},
}

// alphaPoFiat are the convert_to currencies the fake accepts besides its
// crypto currencies.
var alphaPoFiat = []string{"EUR", "USD", "GBP"}

// alphaPoError is AlphaPo's authentication and format error. Texts and
// codes are AlphaPo's (https://docs.alphapo.net/api-reference/errors).
type alphaPoError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// alphaPoFieldErrors is AlphaPo's validation error: 400 {"errors": {field: message}}.
type alphaPoFieldErrors struct {
	Errors map[string]string `json:"errors"`
}

// takenAddressJSON is cryptopay.TakenAddress as AlphaPo writes it: no
// convert_to when there is no conversion (the outer field wins in JSON).
type takenAddressJSON struct {
	cryptopay.TakenAddress
	ConvertTo string `json:"convert_to,omitempty"`
}

func (s *Server) routeAlphaPo(mux *http.ServeMux) {
	mux.HandleFunc("POST "+alphaPoPrefix+"/addresses/take", s.takeAddress)
}

// takeAddress: POST /addresses/take, signed. Each call hands out a new
// address, as the real one may.
func (s *Server) takeAddress(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeJSON(w, reply{http.StatusBadRequest, alphaPoError{"Bad content format", "bad_content_format"}})
		return
	}
	if rep, denied := s.checkAlphaPoAuth(r.Header, body); denied {
		writeJSON(w, rep)
		return
	}
	var p cryptopay.TakeAddressParams
	if json.Unmarshal(body, &p) != nil {
		writeJSON(w, reply{http.StatusBadRequest, alphaPoError{"Bad content format", "bad_content_format"}})
		return
	}
	if errs := checkTake(&p); len(errs) > 0 {
		writeJSON(w, reply{http.StatusBadRequest, alphaPoFieldErrors{errs}})
		return
	}
	writeJSON(w, s.locked(func() reply {
		taken := s.newTakenAddress(&p)
		return ok(map[string]any{"data": takenAddressJSON{TakenAddress: taken, ConvertTo: taken.ConvertTo}})
	}))
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

// checkTake returns the field errors of a take request (the messages are
// the fake's).
func checkTake(p *cryptopay.TakeAddressParams) map[string]string {
	errs := map[string]string{}
	required := map[string]string{"currency": p.Currency, "foreign_id": p.ForeignID, "end_user_reference": p.EndUserReference}
	for field, v := range required {
		if v == "" {
			errs[field] = "This field is required."
		}
	}
	if _, known := alphaPoCurrencies[p.Currency]; p.Currency != "" && !known {
		errs["currency"] = "Unsupported currency."
	}
	if _, known := alphaPoCurrencies[p.ConvertTo]; p.ConvertTo != "" && !known && !slices.Contains(alphaPoFiat, p.ConvertTo) {
		errs["convert_to"] = "Unsupported currency."
	}
	if len(p.ForeignID) > 255 {
		errs["foreign_id"] = "Ensure this field has no more than 255 characters."
	}
	return errs
}

// newTakenAddress hands out an address for p. The caller holds s.mu.
func (s *Server) newTakenAddress(p *cryptopay.TakeAddressParams) cryptopay.TakenAddress {
	f := alphaPoCurrencies[p.Currency]
	text := f.generate()
	for s.alphaAddresses[text] != nil {
		text = f.generate()
	}
	s.alphaIDs++
	taken := &cryptopay.TakenAddress{
		ID: cryptopay.FlexInt(s.alphaIDs), Currency: p.Currency, ConvertTo: p.ConvertTo, Address: text,
		ForeignID: p.ForeignID, EndUserReference: p.EndUserReference,
	}
	if p.Currency == "XRP" {
		taken.Tag = cryptopay.Tag(randomString("123456789", 9))
	}
	s.alphaAddresses[text] = taken
	return *taken
}

// AlphaPoDepositParams describes a payment into an AlphaPo address taken
// on the server.
type AlphaPoDepositParams struct {
	Address       string            // an address taken on this server; required
	Amount        cryptopay.Decimal // in whole coins, e.g. "0.01"; must be positive
	Confirmations int               // 0: status "not_confirmed"; 1 or more: "confirmed"
	// CallbackURL is where the callbacks go (on the real service, a
	// setting of the merchant's dashboard); required.
	CallbackURL string
	TxID        string // the blockchain transaction id; "" means a random one
}

// AlphaPoDepositResult is an AlphaPo deposit and its first callback delivery.
type AlphaPoDepositResult struct {
	ID         int64      // the callback's id; receivers dedupe on (id, status)
	TxID       string     // the blockchain transaction id
	Deliveries []Delivery // the callback sent
}

// alphaDeposit is an AlphaPo deposit whose callback is re-sent until
// acknowledged, and sent again when its status changes.
type alphaDeposit struct {
	id, txID      int64
	addr          cryptopay.TakenAddress
	amount        cryptopay.Decimal
	hash          string
	confirmations int
	url           string
	sent          string // the status last sent
	acked         bool   // whether the last status sent was acknowledged
}

func (d *alphaDeposit) status() string {
	if d.confirmations > 0 {
		return "confirmed"
	}
	return "not_confirmed"
}

// AlphaPoDeposit pays p.Amount into an AlphaPo address and delivers the
// deposit callback to p.CallbackURL before returning: a POST signed like
// AlphaPo's (X-Processing-Key, X-Processing-Signature over the exact
// body), acknowledged by status 200. Mine confirms it, sends the
// "confirmed" callback and re-sends unacknowledged ones. The fake charges
// no fee and converts nothing.
func (s *Server) AlphaPoDeposit(ctx context.Context, p AlphaPoDepositParams) (*AlphaPoDepositResult, error) {
	send, res, err := s.recordAlphaPoDeposit(p)
	if err != nil {
		return nil, err
	}
	res.Deliveries = []Delivery{send(ctx)}
	return res, nil
}

func (s *Server) recordAlphaPoDeposit(p AlphaPoDepositParams) (delivery, *AlphaPoDepositResult, error) {
	switch {
	case p.Amount.Sign() <= 0:
		return nil, nil, fmt.Errorf("cryptopaytest: deposit amount must be positive, got %s", p.Amount)
	case p.Confirmations < 0:
		return nil, nil, fmt.Errorf("cryptopaytest: negative confirmations %d", p.Confirmations)
	case p.CallbackURL == "":
		return nil, nil, fmt.Errorf("cryptopaytest: AlphaPoDepositParams.CallbackURL is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := s.alphaAddresses[p.Address]
	if taken == nil {
		return nil, nil, fmt.Errorf("cryptopaytest: no AlphaPo address %q on this server", p.Address)
	}
	dep := &alphaDeposit{
		id: s.alphaIDs + 1, txID: s.alphaIDs + 2, addr: *taken, amount: p.Amount,
		hash: p.TxID, confirmations: p.Confirmations, url: p.CallbackURL,
	}
	s.alphaIDs += 2
	if dep.hash == "" {
		dep.hash = newTxID()
	}
	s.alphaDeposits = append(s.alphaDeposits, dep)
	return s.alphaPoDelivery(dep), &AlphaPoDepositResult{ID: dep.id, TxID: dep.hash}, nil
}

// mineAlphaPo adds a confirmation to every AlphaPo deposit and returns the
// callbacks that calls for. The caller holds s.mu.
func (s *Server) mineAlphaPo() []delivery {
	var sends []delivery
	for _, dep := range s.alphaDeposits {
		dep.confirmations++
		if !dep.acked || dep.status() != dep.sent {
			sends = append(sends, s.alphaPoDelivery(dep))
		}
	}
	return sends
}

// alphaPoDelivery prepares dep's callback with its current status, signed
// with the server's secret. The caller holds s.mu.
func (s *Server) alphaPoDelivery(dep *alphaDeposit) delivery {
	status := dep.status()
	dep.sent, dep.acked = status, false
	body := mustJSON(dep.callback())
	header := http.Header{}
	header.Set("X-Processing-Key", s.alphaKey)
	header.Set("X-Processing-Signature", cryptopay.NewSigner(s.alphaSecret).Sign(body))
	confirmations := dep.confirmations
	return func(ctx context.Context) Delivery {
		d, _ := s.sendCallback(ctx, http.MethodPost, dep.url, body, header)
		d.Confirmations = confirmations
		d.Acknowledged = d.Status == http.StatusOK
		s.mu.Lock()
		defer s.mu.Unlock()
		if dep.sent == status {
			dep.acked = dep.acked || d.Acknowledged
		}
		return d
	}
}

// alphaPoCallback is the deposit callback AlphaPo sends (API-NOTES.md,
// "Callbacks AlphaPo sends"; the shape of the published vector).
type alphaPoCallback struct {
	ID               int64                `json:"id"`
	ForeignID        string               `json:"foreign_id"`
	EndUserReference string               `json:"end_user_reference"`
	Type             string               `json:"type"`
	CryptoAddress    alphaPoCryptoAddress `json:"crypto_address"`
	CurrencySent     alphaPoMoney         `json:"currency_sent"`
	CurrencyReceived alphaPoMoney         `json:"currency_received"`
	Transactions     []alphaPoTransaction `json:"transactions"`
	Fees             []alphaPoFee         `json:"fees"`
	Error            string               `json:"error"`
	Status           string               `json:"status"`
}

type alphaPoCryptoAddress struct {
	ID        int64         `json:"id"`
	Currency  string        `json:"currency"`
	ConvertTo *string       `json:"convert_to"`
	Address   string        `json:"address"`
	Tag       cryptopay.Tag `json:"tag"`
	ForeignID string        `json:"foreign_id"`
}

type alphaPoMoney struct {
	Currency       string             `json:"currency"`
	Amount         cryptopay.Decimal  `json:"amount"`
	AmountMinusFee *cryptopay.Decimal `json:"amount_minus_fee,omitempty"`
}

type alphaPoTransaction struct {
	ID              int64             `json:"id"`
	Currency        string            `json:"currency"`
	TransactionType string            `json:"transaction_type"`
	Type            string            `json:"type"`
	Address         string            `json:"address"`
	Tag             cryptopay.Tag     `json:"tag"`
	Amount          cryptopay.Decimal `json:"amount"`
	TxID            string            `json:"txid"`
	RiskScore       *string           `json:"riskscore"`
	Confirmations   string            `json:"confirmations"` // a string, as in the published vector
}

type alphaPoFee struct {
	Type     string            `json:"type"`
	Currency string            `json:"currency"`
	Amount   cryptopay.Decimal `json:"amount"`
}

func (d *alphaDeposit) callback() alphaPoCallback {
	a := d.addr
	var convertTo *string
	if a.ConvertTo != "" {
		convertTo = &a.ConvertTo
	}
	return alphaPoCallback{
		ID: d.id, ForeignID: a.ForeignID, EndUserReference: a.EndUserReference, Type: "deposit",
		CryptoAddress: alphaPoCryptoAddress{
			ID: int64(a.ID), Currency: a.Currency, ConvertTo: convertTo, Address: a.Address, Tag: a.Tag, ForeignID: a.ForeignID,
		},
		CurrencySent:     alphaPoMoney{Currency: a.Currency, Amount: d.amount},
		CurrencyReceived: alphaPoMoney{Currency: a.Currency, Amount: d.amount, AmountMinusFee: &d.amount},
		Transactions: []alphaPoTransaction{{
			ID: d.txID, Currency: a.Currency, TransactionType: "blockchain", Type: "deposit", Address: a.Address,
			Tag: a.Tag, Amount: d.amount, TxID: d.hash, Confirmations: strconv.Itoa(d.confirmations),
		}},
		Fees:   []alphaPoFee{},
		Status: d.status(),
	}
}
