package cryptopaytest

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
)

// defaultFeePolicy is the processing-fee policy of a new account: the
// fake's choice, since Apirone's documentation does not name a default.
// The fake stores the policy and reports it, but charges no processing fee.
const defaultFeePolicy = cryptopay.ProcessingFeePercentage

// currencySettings is what PATCH /v2/accounts/{account} sets for one
// currency of an account.
type currencySettings struct {
	// callback is the account's callback: an address generated later
	// without a callback of its own gets this one (the fake's model of
	// the account-level callback).
	callback *cryptopay.Callback
	// destinations forwards each receipt, once it has a confirmation, to
	// these addresses (percentages of it); nil: no forwarding.
	destinations []cryptopay.Destination
	feePolicy    cryptopay.ProcessingFeePolicy
}

// settingsOf returns the settings of cur in the account, creating the
// defaults on first use. The caller holds s.mu.
func (a *account) settingsOf(cur *currency) *currencySettings {
	st := a.settings[cur.name]
	if st == nil {
		st = &currencySettings{feePolicy: defaultFeePolicy}
		a.settings[cur.name] = st
	}
	return st
}

// settingsRequest is the body of PATCH /v2/accounts/{account}.
// Destinations stays raw to tell an absent field (no change) from null (a
// reset).
type settingsRequest struct {
	Currency            string                        `json:"currency"`
	TransferKey         string                        `json:"transfer-key"`
	Callback            *cryptopay.Callback           `json:"callback"`
	Destinations        json.RawMessage               `json:"destinations"`
	ProcessingFeePolicy cryptopay.ProcessingFeePolicy `json:"processing-fee-policy"`
}

// updateSettings: PATCH /v2/accounts/{account}, authorized by the transfer
// key in the body or an access token. Fields left out stay as they are;
// "destinations": null (or []) stops forwarding.
func (s *Server) updateSettings(r *http.Request, a *account) reply {
	var req settingsRequest
	if rep, bad := decodeBody(r, &req); bad {
		return rep
	}
	if rep, denied := s.authorize(r, a, req.TransferKey); denied {
		return rep
	}
	cur, rep, found := lookupCurrency(req.Currency)
	if !found {
		return rep
	}
	cb, rep, valid := checkCallback(req.Callback)
	if !valid {
		return rep
	}
	dests, rep, valid := parseForwarding(req.Destinations)
	if !valid {
		return rep
	}
	switch req.ProcessingFeePolicy {
	case "", cryptopay.ProcessingFeeFixed, cryptopay.ProcessingFeePercentage:
	default:
		return badRequest("processing-fee-policy must be fixed or percentage.")
	}
	st := a.settingsOf(cur)
	if cb != nil {
		st.callback = cb
	}
	if len(req.Destinations) > 0 {
		st.destinations = dests
	}
	if req.ProcessingFeePolicy != "" {
		st.feePolicy = req.ProcessingFeePolicy
	}
	return ok(cryptopay.AccountSettings{
		Account: a.id, Currency: cur.name, Callback: settingsCallback(st.callback), Destinations: st.destinations, ProcessingFeePolicy: st.feePolicy,
	})
}

// settingsCallback is cb as the settings answer shows it: url and data,
// without the method (https://apirone.com/docs/settings).
func settingsCallback(cb *cryptopay.Callback) *cryptopay.Callback {
	if cb == nil {
		return nil
	}
	return &cryptopay.Callback{URL: cb.URL, Data: cb.Data}
}

// parseForwarding reads a destinations field: null or [] gives nil; a
// destination without an amount forwards 100% (as Apirone's own plugins
// send it). Amounts must be percentages from 1 to 100 that add up to 100
// at most.
func parseForwarding(raw json.RawMessage) ([]cryptopay.Destination, reply, bool) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, reply{}, true
	}
	var list []struct {
		Address string                       `json:"address"`
		Amount  *cryptopay.DestinationAmount `json:"amount"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return nil, badRequest("destinations must be a list of {address, amount}."), false
	}
	var out []cryptopay.Destination
	sum := new(big.Rat)
	for _, d := range list {
		amount := cryptopay.Percent(100)
		if d.Amount != nil {
			amount = *d.Amount
		}
		pct, isPercent := amount.Percent()
		switch {
		case d.Address == "":
			return nil, badRequest("Destination address is required."), false
		case !isPercent:
			return nil, badRequest("Forwarding amounts must be percentages."), false
		case pct.Rat().Cmp(big.NewRat(1, 1)) < 0 || pct.Rat().Cmp(big.NewRat(100, 1)) > 0:
			return nil, badRequest("Destination percentage must be from 1 to 100."), false
		}
		if sum.Add(sum, pct.Rat()); sum.Cmp(big.NewRat(100, 1)) > 0 {
			return nil, badRequest("Destination percentages add up to more than 100."), false
		}
		out = append(out, cryptopay.Destination{Address: d.Address, Amount: amount})
	}
	return out, reply{}, true
}

// accountCallback: GET /v2/accounts/{account}/callback?currency=, the
// callback set with PATCH /v2/accounts/{account} (null until then).
func (s *Server) accountCallback(r *http.Request, a *account) reply {
	cur, rep, found := lookupCurrency(r.URL.Query().Get("currency"))
	if !found {
		return rep
	}
	return ok(cryptopay.AccountCallback{Account: a.id, Currency: cur.name, Callback: a.settingsOf(cur).callback})
}

// forwarding is a receipt waiting for its first confirmation, to be
// forwarded to the destinations set when it arrived.
type forwarding struct {
	receipt *historyItem
	from    *address
	dests   []cryptopay.Destination
}

// forwardConfirmed forwards every waiting receipt that has a confirmation
// and keeps the others waiting. The caller holds s.mu.
func (s *Server) forwardConfirmed() {
	var waiting []*forwarding
	for _, f := range s.forwards {
		if f.receipt.tx.confirmations == 0 {
			waiting = append(waiting, f)
			continue
		}
		if p := forwardPlan(f); p != nil {
			f.receipt.forward, _ = s.apply(f.from.account, p)
		}
	}
	s.forwards = waiting
}

// forwardPlan works out a forwarding payment: each destination gets its
// percentage of the receipt (rounded down), less its share of a "normal"
// network fee for one input; on UTXO coins what is not forwarded goes to a
// change address. It returns nil when the amounts cannot pay the fee: the
// receipt then stays in the account.
func forwardPlan(f *forwarding) *plan {
	cur, received := f.from.currency, f.receipt.detail.Amount
	amounts, _, valid := resolveAmounts(f.dests, received)
	if !valid {
		return nil
	}
	p := &plan{cur: cur, fees: feeInfo{SubtractFromAmount: true, Network: networkFee{Strategy: cryptopay.FeeNormal, Rate: cur.normalRate}}}
	for _, amt := range amounts {
		p.amount = p.amount.Add(amt)
	}
	p.total = p.amount
	outputs, spent := len(amounts), p.amount
	if cur.utxo {
		p.change, spent = received.Sub(p.amount), received
		if p.change.Sign() > 0 {
			outputs++
		}
	}
	p.fees.Network.Amount = cur.fee(cur.normalRate, 1, outputs)
	if amounts, valid = subtractFee(amounts, p.amount, p.fees.Network.Amount); !valid {
		return nil
	}
	for i, d := range f.dests {
		p.dests = append(p.dests, cryptopay.AddressAmount{Address: d.Address, Amount: amounts[i]})
	}
	p.spends = []spend{{from: f.from, amount: spent}}
	return p
}
