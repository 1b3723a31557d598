package cryptopaytest

import (
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// transferRequest is a transfer (JSON body) or an estimation (query).
type transferRequest struct {
	Currency              string                  `json:"currency"`
	TransferKey           string                  `json:"transfer-key"`
	Addresses             addressList             `json:"addresses"`
	Destinations          []cryptopay.Destination `json:"destinations"`
	Fee                   cryptopay.FeeStrategy   `json:"fee"`
	FeeRate               int64                   `json:"fee-rate"`
	SubtractFeeFromAmount bool                    `json:"subtract-fee-from-amount"`
}

// addressList is a JSON array of addresses or one comma-separated string:
// the reference describes the second and shows the first.
type addressList []string

// UnmarshalJSON accepts ["a","b"] and "a,b".
func (l *addressList) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*l = splitList(s)
		return nil
	}
	return json.Unmarshal(data, (*[]string)(l))
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// estimationJSON and transferJSON are the answers; the outer Fee replaces
// the embedded one in the JSON (see feeInfo).
type estimationJSON struct {
	cryptopay.Estimation
	Fee feeInfo `json:"fee"`
}

type transferJSON struct {
	cryptopay.TransferResult
	Fee feeInfo `json:"fee"`
}

// estimate: GET /v2/accounts/{account}/transfer?currency=&destinations=addr:10000,addr2:50%&fee=&fee-rate=&subtract-fee-from-amount=&addresses=.
// It moves nothing and needs no transfer key.
func (s *Server) estimate(r *http.Request, a *account) reply {
	req, rep, valid := estimateRequest(r.URL.Query())
	if !valid {
		return rep
	}
	p, rep, valid := a.plan(req)
	if !valid {
		return rep
	}
	return ok(estimationJSON{
		Estimation: cryptopay.Estimation{Account: a.id, Currency: p.cur.name, Destinations: p.dests, Amount: p.amount, Total: p.total},
		Fee:        p.fees,
	})
}

func estimateRequest(q url.Values) (*transferRequest, reply, bool) {
	req := &transferRequest{Currency: q.Get("currency"), Addresses: splitList(q.Get("addresses")), Fee: cryptopay.FeeStrategy(q.Get("fee"))}
	for _, pair := range splitList(q.Get("destinations")) {
		i := strings.LastIndex(pair, ":") // an address may hold ':' itself (bitcoincash:q...)
		var d cryptopay.DestinationAmount
		if i < 0 || d.UnmarshalJSON([]byte(strconv.Quote(pair[i+1:]))) != nil {
			return nil, badRequest("Invalid destination: " + pair + "."), false
		}
		req.Destinations = append(req.Destinations, cryptopay.Destination{Address: pair[:i], Amount: d})
	}
	if v := q.Get("fee-rate"); v != "" {
		rate, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, badRequest("Invalid fee-rate: " + v + "."), false
		}
		req.FeeRate = rate
	}
	if v := q.Get("subtract-fee-from-amount"); v != "" {
		subtract, err := strconv.ParseBool(v)
		if err != nil {
			return nil, badRequest("Invalid subtract-fee-from-amount: " + v + "."), false
		}
		req.SubtractFeeFromAmount = subtract
	}
	return req, reply{}, true
}

// transfer: POST /v2/accounts/{account}/transfer with the transfer key in
// the body or an access token. The destinations are outside the fake: nothing is credited to
// them.
func (s *Server) transfer(r *http.Request, a *account) reply {
	var req transferRequest
	if rep, bad := decodeBody(r, &req); bad {
		return rep
	}
	if rep, denied := s.authorize(r, a, req.TransferKey); denied {
		return rep
	}
	p, rep, valid := a.plan(&req)
	if !valid {
		return rep
	}
	item, change := s.apply(a, p)
	return ok(transferJSON{
		TransferResult: cryptopay.TransferResult{HistoryItem: item.detail, ChangeAddress: change},
		Fee:            item.fee,
	})
}

// plan is a transfer worked out against the account's balances.
type plan struct {
	cur    *currency
	dests  []cryptopay.AddressAmount // after fees
	amount cryptopay.Amount          // what the destinations asked for
	total  cryptopay.Amount          // what leaves the account
	fees   feeInfo
	spends []spend
	change cryptopay.Amount
}

// spend is what one address gives to a transfer.
type spend struct {
	from   *address
	amount cryptopay.Amount
}

// plan checks req and works out amounts, fee, inputs and change. A
// percentage is of the available balance of the source addresses (every
// address of the currency unless req.Addresses names some). Without
// subtract-fee-from-amount the fee comes on top; with it, it is taken from
// the destinations in proportion to their amounts.
func (a *account) plan(req *transferRequest) (*plan, reply, bool) {
	cur, rep, found := lookupCurrency(req.Currency)
	if !found {
		return nil, rep, false
	}
	strategy, rate, rep, valid := feeRate(cur, req)
	if !valid {
		return nil, rep, false
	}
	sources := a.addressesOf(cur)
	if len(req.Addresses) > 0 {
		if sources, rep, found = a.sourceAddresses(cur, req.Addresses); !found {
			return nil, rep, false
		}
	}
	p := &plan{cur: cur, fees: feeInfo{SubtractFromAmount: req.SubtractFeeFromAmount, Network: networkFee{Strategy: strategy, Rate: rate}}}
	amounts, rep, valid := resolveAmounts(req.Destinations, sumBalances(sources).Available)
	if !valid {
		return nil, rep, false
	}
	for _, amt := range amounts {
		p.amount = p.amount.Add(amt)
	}
	if !p.selectInputs(sources, len(amounts), rate, req.SubtractFeeFromAmount) {
		return nil, badRequest("Insufficient funds."), false
	}
	if req.SubtractFeeFromAmount {
		if amounts, valid = subtractFee(amounts, p.amount, p.fees.Network.Amount); !valid {
			return nil, badRequest("Amount is too small to pay the network fee."), false
		}
	}
	for i, d := range req.Destinations {
		p.dests = append(p.dests, cryptopay.AddressAmount{Address: d.Address, Amount: amounts[i]})
	}
	return p, reply{}, true
}

// feeRate returns the strategy and the rate it uses.
func feeRate(cur *currency, req *transferRequest) (cryptopay.FeeStrategy, int64, reply, bool) {
	switch req.Fee {
	case "", cryptopay.FeeNormal:
		return cryptopay.FeeNormal, cur.normalRate, reply{}, true
	case cryptopay.FeePriority:
		return cryptopay.FeePriority, cur.priorityRate, reply{}, true
	case cryptopay.FeeCustom:
		if req.FeeRate <= 0 {
			return "", 0, badRequest("fee-rate is required with the custom fee."), false
		}
		return cryptopay.FeeCustom, req.FeeRate, reply{}, true
	}
	return "", 0, badRequest("Unsupported fee strategy: " + string(req.Fee) + "."), false
}

// resolveAmounts turns each destination into minor units; a percentage is
// of pool, rounded down.
func resolveAmounts(dests []cryptopay.Destination, pool cryptopay.Amount) ([]cryptopay.Amount, reply, bool) {
	if len(dests) == 0 {
		return nil, badRequest("destinations are required."), false
	}
	out := make([]cryptopay.Amount, len(dests))
	for i, d := range dests {
		if d.Address == "" {
			return nil, badRequest("Destination address is required."), false
		}
		units, isUnits := d.Amount.Units()
		pct, _ := d.Amount.Percent()
		switch {
		case isUnits && units.Sign() <= 0:
			return nil, badRequest("Destination amount must be positive."), false
		case !isUnits && (pct.Cmp(cryptopay.MustDecimal("1")) < 0 || pct.Cmp(cryptopay.MustDecimal("100")) > 0):
			return nil, badRequest("Destination percentage must be from 1 to 100."), false
		case !isUnits:
			share := new(big.Rat).Mul(new(big.Rat).SetInt(pool.BigInt()), pct.Rat())
			units = cryptopay.AmountFromBig(new(big.Int).Quo(share.Num(), new(big.Int).Mul(share.Denom(), big.NewInt(100))))
		}
		if units.Sign() <= 0 {
			return nil, badRequest("Insufficient funds."), false
		}
		out[i] = units
	}
	return out, reply{}, true
}

// selectInputs takes source addresses with an available balance, oldest
// first, until they cover the amount (and the fee, unless it is
// subtracted). It records the fee, total, spends and change, and reports
// whether the sources sufficed.
func (p *plan) selectInputs(sources []*address, destinations int, rate int64, subtract bool) bool {
	outputs := destinations
	if p.cur.utxo {
		outputs++ // change
	}
	var inputs []*address
	var avail []cryptopay.Amount
	var covered cryptopay.Amount
	for _, ad := range sources {
		b := ad.balance().Available
		if b.Sign() <= 0 {
			continue
		}
		inputs, avail, covered = append(inputs, ad), append(avail, b), covered.Add(b)
		p.fees.Network.Amount = p.cur.fee(rate, len(inputs), outputs)
		p.total = p.amount
		if !subtract {
			p.total = p.amount.Add(p.fees.Network.Amount)
		}
		if covered.Cmp(p.total) >= 0 {
			p.spend(inputs, avail, covered)
			return true
		}
	}
	return false
}

// spend records what each input gives: all of it for UTXO currencies, the
// rest coming back as change; exactly the total for the others.
func (p *plan) spend(inputs []*address, avail []cryptopay.Amount, covered cryptopay.Amount) {
	left := p.total
	for i, ad := range inputs {
		give := avail[i]
		if !p.cur.utxo && give.Cmp(left) > 0 {
			give = left
		}
		p.spends = append(p.spends, spend{from: ad, amount: give})
		left = left.Sub(give)
	}
	if p.cur.utxo {
		p.change = covered.Sub(p.total)
	}
}

// fee is the network fee for a transaction of that shape (see currency).
func (c *currency) fee(rate int64, inputs, outputs int) cryptopay.Amount {
	size := c.base + c.perInput*int64(inputs) + c.perOutput*int64(outputs)
	return cryptopay.AmountFromBig(new(big.Int).Mul(big.NewInt(rate), big.NewInt(size)))
}

// subtractFee takes fee from amounts in proportion to each (rounded down,
// the last destination taking the remainder), so that they sum to total −
// fee. It reports false if a destination would get nothing.
func subtractFee(amounts []cryptopay.Amount, total, fee cryptopay.Amount) ([]cryptopay.Amount, bool) {
	out := make([]cryptopay.Amount, len(amounts))
	var taken cryptopay.Amount
	for i, amt := range amounts {
		share := fee.Sub(taken)
		if i < len(amounts)-1 {
			share = cryptopay.AmountFromBig(new(big.Int).Quo(new(big.Int).Mul(fee.BigInt(), amt.BigInt()), total.BigInt()))
		}
		taken = taken.Add(share)
		if out[i] = amt.Sub(share); out[i].Sign() <= 0 {
			return nil, false
		}
	}
	return out, true
}

// apply makes the planned transfer: one transaction spending the inputs,
// change to a new address of the account, and a payment in the history.
// It returns the item and the change address ("" when there is none). The
// caller holds s.mu.
func (s *Server) apply(a *account, p *plan) (*historyItem, string) {
	hash, created := newTxID(), s.Now()
	item := &historyItem{
		detail: cryptopay.HistoryItem{
			Account: a.id, Currency: p.cur.name, Created: cryptopay.Time{Time: created}, Type: cryptopay.ItemPayment,
			ID: newTxID(), Txs: []string{hash}, Destinations: p.dests, Amount: p.amount, Total: p.total,
		},
		fee:    p.fees,
		signed: cryptopay.Amount{}.Sub(p.total),
	}
	for _, sp := range p.spends {
		t := s.addTx(sp.from, hash, cryptopay.Amount{}.Sub(sp.amount), 0, created)
		if item.tx == nil {
			item.tx = t
		}
		item.addresses = append(item.addresses, sp.from.text)
	}
	for _, d := range p.dests {
		item.addresses = append(item.addresses, d.Address)
	}
	var change string
	if p.change.Sign() > 0 {
		ad := s.newAddress(a, p.cur, &p.cur.types[0], nil)
		s.addTx(ad, hash, p.change, 0, created)
		change = ad.text
		item.addresses = append(item.addresses, change)
	}
	a.addItem(item)
	return item, change
}
