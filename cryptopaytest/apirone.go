package cryptopaytest

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cryptopay-go/cryptopay"
)

// Statuses the real API documents only as "400 500": where the reference
// is silent these are the fake's choice, in Apirone's {"message": "..."}
// shape: 404 for an unknown account, address or history item, 401 for a
// missing or wrong transfer key, 400 for any bad parameter.

// accountHandler answers a call on one account; the caller holds s.mu.
type accountHandler func(r *http.Request, a *account) reply

// addressHandler answers a call on one address; the caller holds s.mu.
type addressHandler func(r *http.Request, ad *address) reply

func (s *Server) routeApirone(mux *http.ServeMux) {
	const accounts = apironePrefix + "/v2/accounts"
	const wallets = apironePrefix + "/v2/wallets"
	const acct = accounts + "/{account}"
	const wallet = wallets + "/{wallet}"
	mux.HandleFunc("POST "+accounts, s.serve(s.createAccount))
	mux.HandleFunc("GET "+acct, s.onAccount(s.accountInfo))
	mux.HandleFunc("GET "+acct+"/balance", s.onAccount(s.accountBalance))
	mux.HandleFunc("POST "+wallets, s.serve(s.createWallet))
	mux.HandleFunc("GET "+wallet, s.onWallet(s.walletInfo))
	mux.HandleFunc("GET "+wallet+"/balance", s.onWallet(s.walletBalance))
	// The calls accounts and wallets share, on either owner's route.
	for owner, on := range map[string]func(accountHandler) http.HandlerFunc{acct: s.onAccount, wallet: s.onWallet} {
		addr := owner + "/addresses/{address}"
		mux.HandleFunc("POST "+owner+"/addresses", on(s.generateAddress))
		mux.HandleFunc("GET "+owner+"/addresses", on(s.listAddresses))
		mux.HandleFunc("GET "+addr, on(onAddress(s.addressInfo)))
		mux.HandleFunc("GET "+addr+"/balance", on(onAddress(s.addressBalance)))
		mux.HandleFunc("GET "+addr+"/history", on(onAddress(s.addressHistory)))
		mux.HandleFunc("GET "+addr+"/callback", on(s.protected(onAddress(s.addressCallback))))
		mux.HandleFunc("GET "+addr+"/callback-log", on(s.protected(onAddress(s.callbackLog))))
		mux.HandleFunc("GET "+owner+"/callback", on(s.protected(s.accountCallback)))
		mux.HandleFunc("GET "+owner+"/transfer", on(s.estimate))
		mux.HandleFunc("POST "+owner+"/transfer", on(s.transfer))
		mux.HandleFunc("GET "+owner+"/history", on(s.history))
		mux.HandleFunc("GET "+owner+"/history/{id}", on(s.historyItem))
		mux.HandleFunc("PATCH "+owner, on(s.updateSettings))
	}
	mux.HandleFunc("POST "+acct+"/invoices", s.onAccount(s.createInvoice))
	mux.HandleFunc("GET "+acct+"/invoices", s.onAccount(s.protected(s.listInvoices)))
	mux.HandleFunc("GET "+acct+"/invoices/{invoice}", s.onAccount(s.protected(s.accountInvoice)))
	mux.HandleFunc("GET "+apironePrefix+"/v2/invoices/{invoice}", s.serve(s.publicInvoice))
	mux.HandleFunc("POST "+apironePrefix+"/v2/auth/login", s.serve(s.login))
	mux.HandleFunc("POST "+apironePrefix+"/v2/auth/refresh-token", s.serve(s.refreshToken))
	mux.HandleFunc("POST "+apironePrefix+"/v2/auth/logout", s.serve(s.logout))
	mux.HandleFunc("OPTIONS "+accounts, s.serve(s.serviceInfo))
	mux.HandleFunc("OPTIONS "+wallets, s.serve(s.serviceInfo))
	mux.HandleFunc("GET "+apironePrefix+"/v2/networks/{currency}/fee", s.serve(s.networkFees))
	mux.HandleFunc("GET "+apironePrefix+"/v2/ticker", s.serve(s.ticker))
}

// onAccount looks the account up (404 when unknown) and runs h as serve
// does.
func (s *Server) onAccount(h accountHandler) http.HandlerFunc {
	return s.serve(func(r *http.Request) reply {
		a := s.accounts[r.PathValue("account")]
		if a == nil || a.wallet != nil {
			return reply{http.StatusNotFound, message("Account not found.")}
		}
		return h(r, a)
	})
}

// serve reads the request body into memory (see readBody), then runs h
// under the lock; the answer is written after the lock is released.
func (s *Server) serve(h func(r *http.Request) reply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := readBody(w, r); err != nil {
			writeJSON(w, badRequest("Invalid JSON body."))
			return
		}
		writeJSON(w, locked(&s.mu, func() reply { return h(r) }))
	}
}

// locked runs f with mu held.
func locked(mu *sync.Mutex, f func() reply) reply {
	mu.Lock()
	defer mu.Unlock()
	return f()
}

// onAddress looks the address up in the account (404 when it is not there).
func onAddress(h addressHandler) accountHandler {
	return func(r *http.Request, a *account) reply {
		ad, found := a.address(r.PathValue("address"))
		if !found {
			return reply{http.StatusNotFound, message("Address not found.")}
		}
		return h(r, ad)
	}
}

func (a *account) address(text string) (*address, bool) {
	i := slices.IndexFunc(a.addresses, func(ad *address) bool { return ad.text == text })
	if i < 0 {
		return nil, false
	}
	return a.addresses[i], true
}

// protected requires an access token or the account's transfer key in the
// query (GET calls).
func (s *Server) protected(h accountHandler) accountHandler {
	return func(r *http.Request, a *account) reply {
		if rep, denied := s.authorize(r, a, r.URL.Query().Get("transfer-key")); denied {
			return rep
		}
		return h(r, a)
	}
}

// authorize checks a transfer key in constant time: 401 when missing or wrong.
func (a *account) authorize(key string) (reply, bool) {
	switch {
	case key == "":
		return reply{http.StatusUnauthorized, message("Transfer key is required.")}, true
	case subtle.ConstantTimeCompare([]byte(key), []byte(a.transferKey)) != 1:
		return reply{http.StatusUnauthorized, message("Invalid transfer key.")}, true
	}
	return reply{}, false
}

// createAccount: POST /v2/accounts.
func (s *Server) createAccount(r *http.Request) reply {
	a := s.newAccount()
	return ok(cryptopay.CreatedAccount{Account: a.id, Created: cryptopay.Time{Time: a.created}, TransferKey: a.transferKey})
}

// lookupCurrency returns the named currency, or a 400 reply.
func lookupCurrency(name string) (*currency, reply, bool) {
	if name == "" {
		return nil, badRequest("currency is required."), false
	}
	cur := currencies[name]
	if cur == nil {
		return nil, badRequest("Unsupported currency: " + name + "."), false
	}
	return cur, reply{}, true
}

// selectCurrencies returns the one currency named, or all when name is "".
func selectCurrencies(name string) ([]*currency, reply, bool) {
	if name == "" {
		all := make([]*currency, len(currencyNames))
		for i, n := range currencyNames {
			all[i] = currencies[n]
		}
		return all, reply{}, true
	}
	cur, rep, found := lookupCurrency(name)
	return []*currency{cur}, rep, found
}

// accountInfo: GET /v2/accounts/{account}. Every account has every
// currency, created with the account, with fee "normal" and the
// destinations and processing-fee policy of its settings.
func (s *Server) accountInfo(r *http.Request, a *account) reply {
	curs, rep, found := selectCurrencies(r.URL.Query().Get("currency"))
	if !found {
		return rep
	}
	info := cryptopay.AccountInfo{Account: a.id, Info: []cryptopay.CurrencyInfo{}}
	for _, cur := range curs {
		st := a.settingsOf(cur)
		info.Info = append(info.Info, cryptopay.CurrencyInfo{
			Currency: cur.name, Created: cryptopay.Time{Time: a.created}, Units: cur.units,
			Destinations: st.destinations, Fee: cryptopay.FeeNormal, ProcessingFeePolicy: st.feePolicy,
		})
	}
	return ok(info)
}

// accountBalance: GET /v2/accounts/{account}/balance?currency=&addresses=.
func (s *Server) accountBalance(r *http.Request, a *account) reply {
	q := r.URL.Query()
	curs, rep, found := selectCurrencies(q.Get("currency"))
	if !found {
		return rep
	}
	var only []*address
	if list := q.Get("addresses"); list != "" {
		if q.Get("currency") == "" {
			return badRequest("currency is required with addresses.")
		}
		if only, rep, found = a.sourceAddresses(curs[0], strings.Split(list, ",")); !found {
			return rep
		}
	}
	out := cryptopay.AccountBalance{Account: a.id, Balance: []cryptopay.Balance{}}
	for _, cur := range curs {
		addrs := only
		if addrs == nil {
			addrs = a.addressesOf(cur)
		}
		b := sumBalances(addrs)
		b.Currency = cur.name
		out.Balance = append(out.Balance, b)
	}
	return ok(out)
}

// addressesOf returns the account's addresses in cur, oldest first.
func (a *account) addressesOf(cur *currency) []*address {
	var out []*address
	for _, ad := range a.addresses {
		if ad.currency == cur {
			out = append(out, ad)
		}
	}
	return out
}

// sourceAddresses resolves a list of address texts that must all be the
// account's addresses in cur; a 400 reply names the first that is not. An
// address listed twice counts once.
func (a *account) sourceAddresses(cur *currency, texts []string) ([]*address, reply, bool) {
	out := make([]*address, 0, len(texts))
	for _, text := range texts {
		ad, found := a.address(text)
		if !found || ad.currency != cur {
			return nil, badRequest("Address " + text + " is not a " + cur.name + " address of the account."), false
		}
		if !slices.Contains(out, ad) {
			out = append(out, ad)
		}
	}
	return out, reply{}, true
}

func sumBalances(addrs []*address) cryptopay.Balance {
	var sum cryptopay.Balance
	for _, ad := range addrs {
		b := ad.balance()
		sum.Available = sum.Available.Add(b.Available)
		sum.Total = sum.Total.Add(b.Total)
	}
	return sum
}

// maxCallbackURL is Apirone's limit on a callback URL.
const maxCallbackURL = 1023

// generateAddress: POST /v2/accounts/{account}/addresses. An address
// without a callback of its own gets the account's callback for the
// currency, if one is set (see updateSettings).
func (s *Server) generateAddress(r *http.Request, a *account) reply {
	var p cryptopay.GenerateAddressParams
	if rep, bad := decodeBody(r, &p); bad {
		return rep
	}
	cur, rep, found := lookupCurrency(p.Currency)
	if !found {
		return rep
	}
	f := cur.format(p.AddrType)
	if f == nil {
		return badRequest("Unsupported address type: " + p.AddrType + ".")
	}
	cb, rep, valid := checkCallback(p.Callback)
	if !valid {
		return rep
	}
	if cb == nil {
		cb = a.settingsOf(cur).callback
	}
	ad := s.newAddress(a, cur, f, cb)
	return ok(cryptopay.Address{
		Account: a.id, Currency: cur.name, Address: ad.text, Created: cryptopay.Time{Time: ad.created},
		Type: ad.typ, Callback: ad.callback,
	})
}

// checkCallback validates a callback and returns the copy to store, with
// the method upper-cased and POST by default, as Apirone echoes it.
func checkCallback(cb *cryptopay.Callback) (*cryptopay.Callback, reply, bool) {
	if cb == nil {
		return nil, reply{}, true
	}
	if !validCallbackURL(cb.URL) {
		return nil, badRequest("callback.url must be a valid URL shorter than 1024 characters."), false
	}
	method := strings.ToUpper(cb.Method)
	switch method {
	case "":
		method = http.MethodPost
	case http.MethodGet, http.MethodPost:
	default:
		return nil, badRequest("callback.method must be GET or POST."), false
	}
	return &cryptopay.Callback{Method: method, URL: cb.URL, Data: cb.Data}, reply{}, true
}

// validCallbackURL reports whether target is an absolute http(s) URL
// Apirone would call.
func validCallbackURL(target string) bool {
	u, err := url.Parse(target)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(target) <= maxCallbackURL
}

// decodeBody decodes the JSON request body, which serve has read into
// memory, into v: 400 when it is not JSON.
func decodeBody(r *http.Request, v any) (reply, bool) {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return badRequest("Invalid JSON body."), true
	}
	return reply{}, false
}

// listAddresses: GET /v2/accounts/{account}/addresses?currency=&limit=&offset=&q=
// with q filters address (a part of it) and empty (false only), oldest first.
func (s *Server) listAddresses(r *http.Request, a *account) reply {
	q := r.URL.Query()
	var cur *currency
	if name := q.Get("currency"); name != "" {
		var rep reply
		var found bool
		if cur, rep, found = lookupCurrency(name); !found {
			return rep
		}
	}
	pg, rep, valid := parsePage(q)
	if !valid {
		return rep
	}
	filter, rep, valid := parseFilter(q.Get("q"), "address", "empty")
	if !valid {
		return rep
	}
	if e, set := filter["empty"]; set && e != "false" {
		return badRequest("Filter empty takes only false.")
	}
	var entries []cryptopay.AddressEntry
	for _, ad := range a.addresses {
		b := ad.balance()
		if (cur != nil && ad.currency != cur) || !strings.Contains(ad.text, filter["address"]) ||
			(filter["empty"] == "false" && b.Total.Sign() == 0) {
			continue
		}
		entries = append(entries, cryptopay.AddressEntry{
			Address: ad.text, Currency: ad.currency.name, Type: ad.typ, Created: cryptopay.Time{Time: ad.created}, Balance: b,
		})
	}
	list := cryptopay.AddressPage{Account: a.id, Currency: q.Get("currency")}
	list.Addresses, list.Pagination = paginate(entries, pg)
	return ok(list)
}

// addressInfo: GET /v2/accounts/{account}/addresses/{address}.
func (s *Server) addressInfo(r *http.Request, ad *address) reply {
	return ok(cryptopay.AddressInfo{
		Account: ad.account.id, Currency: ad.currency.name, Address: ad.text, Type: ad.typ,
		Created: cryptopay.Time{Time: ad.created}, Balance: ad.balance(),
	})
}

// addressBalance: GET /v2/accounts/{account}/addresses/{address}/balance.
func (s *Server) addressBalance(r *http.Request, ad *address) reply {
	b := ad.balance()
	b.Currency = ad.currency.name
	return ok(cryptopay.AddressBalance{Account: ad.account.id, Address: ad.text, Balance: b})
}

// addressHistory: GET /v2/accounts/{account}/addresses/{address}/history,
// newest first.
func (s *Server) addressHistory(r *http.Request, ad *address) reply {
	pg, rep, valid := parsePage(r.URL.Query())
	if !valid {
		return rep
	}
	txs := make([]cryptopay.AddressTx, 0, len(ad.txs))
	for _, t := range newestFirst(ad.txs, func(t *tx) int64 { return t.created.UnixMicro() }) {
		txs = append(txs, cryptopay.AddressTx{TxID: t.hash, Created: cryptopay.Time{Time: t.created}, Amount: t.amount, Block: t.block})
	}
	out := cryptopay.AddressHistoryPage{Account: ad.account.id, Currency: ad.currency.name, Address: ad.text}
	out.Txs, out.Pagination = paginate(txs, pg)
	return ok(out)
}

// addressCallback: GET /v2/accounts/{account}/addresses/{address}/callback.
func (s *Server) addressCallback(r *http.Request, ad *address) reply {
	return ok(cryptopay.AddressCallback{Account: ad.account.id, Currency: ad.currency.name, Address: ad.text, Callback: ad.callback})
}

// callbackLog: GET /v2/accounts/{account}/addresses/{address}/callback-log,
// newest first.
func (s *Server) callbackLog(r *http.Request, ad *address) reply {
	pg, rep, valid := parsePage(r.URL.Query())
	if !valid {
		return rep
	}
	out := callbackLogJSON{Account: ad.account.id, Currency: ad.currency.name, Address: ad.text}
	out.Log, out.Pagination = paginate(reversed(ad.log), pg)
	return ok(out)
}

// historyItem: GET /v2/accounts/{account}/history/{id}.
func (s *Server) historyItem(r *http.Request, a *account) reply {
	item := a.items[r.PathValue("id")]
	if item == nil {
		return reply{http.StatusNotFound, message("History item not found.")}
	}
	return ok(historyItemJSON{HistoryItem: item.detail, Fee: item.fee})
}

// page is the offset/limit of a list call.
type page struct{ limit, offset int }

// parsePage reads limit (default 10, at least 1) and offset (default 0):
// 400 when either is not such a number, or their sum overflows an int.
func parsePage(q url.Values) (page, reply, bool) {
	limit, validLimit := intParam(q.Get("limit"), 10, 1)
	offset, validOffset := intParam(q.Get("offset"), 0, 0)
	switch {
	case !validLimit:
		return page{}, badRequest("Invalid limit: " + q.Get("limit") + "."), false
	case !validOffset:
		return page{}, badRequest("Invalid offset: " + q.Get("offset") + "."), false
	case limit > math.MaxInt-offset:
		return page{}, badRequest("Invalid limit: offset + limit is too large."), false
	}
	return page{limit: limit, offset: offset}, reply{}, true
}

// intParam parses v, which must be an integer of at least least; "" gives def.
func intParam(v string, def, least int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= least
}

// paginate returns the items of the page (never nil, so JSON shows []) and
// the pagination block.
func paginate[T any](items []T, pg page) ([]T, cryptopay.Pagination) {
	lo := min(pg.offset, len(items))
	hi := min(lo+pg.limit, len(items))
	return append([]T{}, items[lo:hi]...), cryptopay.Pagination{Total: len(items), Offset: pg.offset, Limit: pg.limit}
}

// parseFilter splits Apirone's q filter, "key:value,key:value", allowing
// only the given keys. A value may hold ':' (dates).
func parseFilter(q string, keys ...string) (map[string]string, reply, bool) {
	out := map[string]string{}
	if q == "" {
		return out, reply{}, true
	}
	for _, pair := range strings.Split(q, ",") {
		k, v, found := strings.Cut(pair, ":")
		if !found || !slices.Contains(keys, k) {
			return nil, badRequest("Invalid filter: " + pair + "."), false
		}
		out[k] = v
	}
	return out, reply{}, true
}

// newestFirst returns items sorted by key, largest first, keeping the
// order of equal keys reversed (the later added first).
func newestFirst[T any](items []T, key func(T) int64) []T {
	out := reversed(items)
	slices.SortStableFunc(out, func(x, y T) int {
		switch kx, ky := key(x), key(y); {
		case kx > ky:
			return -1
		case kx < ky:
			return 1
		}
		return 0
	})
	return out
}

// reversed returns a reversed copy of items.
func reversed[T any](items []T) []T {
	out := slices.Clone(items)
	slices.Reverse(out)
	return out
}
