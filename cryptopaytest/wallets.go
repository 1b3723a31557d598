package cryptopaytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
)

// The fake serves Apirone's wallet API with its account code: a wallet is
// an account that holds one currency (account.wallet). onWallet puts the
// wallet's currency into each request, where a wallet call has none, and
// names the wallet "wallet" in each answer, where an account's says
// "account"; the calls both APIs share are routed to the same handlers
// (see routeApirone). Info and Balance have their own single-currency
// handlers.

// createWallet: POST /v2/wallets {"currency", "callback", "destinations",
// "fee", "fee-rate", "processing-fee-policy"}. The callback and
// destinations become the wallet's settings.
func (s *Server) createWallet(r *http.Request) reply {
	var req struct {
		Currency            string                        `json:"currency"`
		Callback            *cryptopay.Callback           `json:"callback"`
		Destinations        []cryptopay.Destination       `json:"destinations"`
		ProcessingFeePolicy cryptopay.ProcessingFeePolicy `json:"processing-fee-policy"`
	}
	if rep, bad := decodeBody(r, &req); bad {
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
	a := s.newWallet(cur)
	st := a.settingsOf(cur)
	st.callback, st.destinations = cb, req.Destinations
	if req.ProcessingFeePolicy != "" {
		st.feePolicy = req.ProcessingFeePolicy
	}
	return ok(cryptopay.CreatedWallet{Wallet: a.id, Currency: cur.name, Created: cryptopay.Time{Time: a.created}, TransferKey: a.transferKey})
}

// onWallet looks the wallet up (404 when unknown), gives the request the
// wallet's currency (400 for another one) and runs h as serve does, with
// "wallet" in place of "account" in the answer.
func (s *Server) onWallet(h accountHandler) http.HandlerFunc {
	return s.serve(func(r *http.Request) reply {
		a := s.accounts[r.PathValue("wallet")]
		if a == nil || a.wallet == nil {
			return reply{http.StatusNotFound, message("Wallet not found.")}
		}
		if rep, bad := withCurrency(r, a.wallet.name); bad {
			return rep
		}
		return renameAccount(h(r, a))
	})
}

// withCurrency sets currency in r's query and, when r has a JSON object
// body, in the body: 400 when either names another currency.
func withCurrency(r *http.Request, name string) (reply, bool) {
	q := r.URL.Query()
	if got := q.Get("currency"); got != "" && got != name {
		return badRequest("The wallet holds " + name + "."), true
	}
	q.Set("currency", name)
	r.URL.RawQuery = q.Encode()
	body, _ := io.ReadAll(r.Body)
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil && fields != nil {
		var got string
		if json.Unmarshal(fields["currency"], &got) == nil && got != "" && got != name {
			return badRequest("The wallet holds " + name + "."), true
		}
		fields["currency"], _ = json.Marshal(name)
		body, _ = json.Marshal(fields)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return reply{}, false
}

// renameAccount returns rep with its body's top-level "account" member
// named "wallet".
func renameAccount(rep reply) reply {
	var fields map[string]json.RawMessage
	if json.Unmarshal(mustJSON(rep.body), &fields) != nil || fields["account"] == nil {
		return rep
	}
	fields["wallet"] = fields["account"]
	delete(fields, "account")
	return reply{rep.status, fields}
}

// walletInfo: GET /v2/wallets/{wallet}: the wallet's one currency and its
// settings, callback included.
func (s *Server) walletInfo(r *http.Request, a *account) reply {
	st := a.settingsOf(a.wallet)
	return ok(cryptopay.WalletInfo{
		Wallet: a.id,
		CurrencyInfo: cryptopay.CurrencyInfo{
			Currency: a.wallet.name, Created: cryptopay.Time{Time: a.created}, Units: a.wallet.units,
			Destinations: st.destinations, Fee: cryptopay.FeeNormal, ProcessingFeePolicy: st.feePolicy,
		},
		Callback: st.callback,
	})
}

// walletBalance: GET /v2/wallets/{wallet}/balance?addresses=: the
// account's balance of the wallet's currency, flat.
func (s *Server) walletBalance(r *http.Request, a *account) reply {
	rep := s.accountBalance(r, a)
	b, isBalance := rep.body.(cryptopay.AccountBalance)
	if !isBalance {
		return rep
	}
	out := cryptopay.WalletBalance{Wallet: a.id, Balance: b.Balance[0]}
	out.Currency = ""
	return ok(out)
}
