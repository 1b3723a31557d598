package cryptopaytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// The fidelity test: every body the fake answers (2xx) or sends as a
// callback is compared with the provider's reference body of its route
// (testdata/, see testdata/README.md), recursively: the same keys, and
// the same JSON type wherever the reference is not null. An array element
// of the fake's must match one of the reference array's elements. A key
// the docs allow to be absent, or a type they show both ways, is allowed
// by name in fidelityAllowed, with the page that allows it.

// answerFixtures maps each route of the fake to the reference body of its
// answer.
var answerFixtures = map[string]string{
	"POST /api/v2/accounts":                               "apirone/create_account.json",
	"GET /api/v2/accounts/{a}":                            "apirone/account_info.json",
	"PATCH /api/v2/accounts/{a}":                          "apirone/account_settings.json",
	"GET /api/v2/accounts/{a}/balance":                    "apirone/account_balance.json",
	"POST /api/v2/accounts/{a}/addresses":                 "apirone/generate_address.json",
	"GET /api/v2/accounts/{a}/addresses":                  "apirone/account_addresses.json",
	"GET /api/v2/accounts/{a}/addresses/{x}":              "apirone/address_info.json",
	"GET /api/v2/accounts/{a}/addresses/{x}/balance":      "apirone/address_balance.json",
	"GET /api/v2/accounts/{a}/addresses/{x}/history":      "apirone/address_history.json",
	"GET /api/v2/accounts/{a}/addresses/{x}/callback":     "apirone/address_callback.json",
	"GET /api/v2/accounts/{a}/addresses/{x}/callback-log": "apirone/address_callback_log.json",
	"GET /api/v2/accounts/{a}/callback":                   "apirone/account_callback.json",
	"GET /api/v2/accounts/{a}/transfer":                   "apirone/estimation.json",
	"POST /api/v2/accounts/{a}/transfer":                  "apirone/transfer.json",
	"GET /api/v2/accounts/{a}/history":                    "apirone/account_history.json",
	"GET /api/v2/accounts/{a}/history/{id}":               "apirone/history_item.json",
	"POST /api/v2/accounts/{a}/invoices":                  "apirone/invoice.json",
	"GET /api/v2/accounts/{a}/invoices":                   "apirone/account_invoices.json",
	"GET /api/v2/accounts/{a}/invoices/{i}":               "apirone/invoice.json",
	"GET /api/v2/invoices/{i}":                            "apirone/invoice.json",
	"POST /api/v2/auth/login":                             "apirone/login.json",
	"POST /api/v2/auth/refresh-token":                     "apirone/login.json",
	"POST /api/v2/auth/logout":                            "apirone/logout.json",
	"OPTIONS /api/v2/accounts":                            "apirone/currencies.json",
	"GET /api/v2/networks/{c}/fee":                        "apirone/network_fee.json",
	"POST /api/v2/wallets":                                "apirone/create_wallet.json",
	"GET /api/v2/wallets/{w}":                             "apirone/wallet_info.json",
	"PATCH /api/v2/wallets/{w}":                           "apirone/wallet_settings.json",
	"GET /api/v2/wallets/{w}/balance":                     "apirone/wallet_balance.json",
	"POST /api/v2/wallets/{w}/addresses":                  "apirone/wallet_generate_address.json",
	"GET /api/v2/wallets/{w}/addresses":                   "apirone/wallet_addresses.json",
	"GET /api/v2/wallets/{w}/addresses/{x}":               "apirone/wallet_address_info.json",
	"GET /api/v2/wallets/{w}/addresses/{x}/balance":       "apirone/wallet_address_balance.json",
	"GET /api/v2/wallets/{w}/addresses/{x}/history":       "apirone/wallet_address_history.json",
	"GET /api/v2/wallets/{w}/addresses/{x}/callback":      "apirone/wallet_address_callback.json",
	"GET /api/v2/wallets/{w}/addresses/{x}/callback-log":  "apirone/wallet_address_callback_log.json",
	"GET /api/v2/wallets/{w}/callback":                    "apirone/wallet_callback.json",
	"GET /api/v2/wallets/{w}/transfer":                    "apirone/wallet_estimation.json",
	"POST /api/v2/wallets/{w}/transfer":                   "apirone/wallet_transfer.json",
	"GET /api/v2/wallets/{w}/history":                     "apirone/wallet_history.json",
	"GET /api/v2/wallets/{w}/history/{id}":                "apirone/wallet_history_item.json",
	"POST /alphapo/api/v2/addresses/take":                 "alphapo/take_address.json",
	"POST /alphapo/api/v2/accounts/list":                  "alphapo/accounts_list.json",
	"POST /alphapo/api/v2/currencies/list":                "alphapo/currencies_list.json",
	"POST /alphapo/api/v2/currencies/pairs":               "alphapo/currencies_pairs.json",
	"POST /alphapo/api/v2/currencies/rates":               "alphapo/currencies_rates.json",
	"POST /alphapo/api/v2/exchange/calculate":             "alphapo/exchange_calculate.json",
	"POST /alphapo/api/v2/exchange/fixed":                 "alphapo/exchange_fixed.json",
	"POST /alphapo/api/v2/exchange/now":                   "alphapo/exchange_now.json",
	"POST /alphapo/api/v2/invoices/create":                "alphapo/invoices_create.json",
	"POST /alphapo/api/v2/withdrawal/crypto":              "alphapo/withdrawal_crypto.json",
}

// allowance is a difference from a reference body the docs allow.
type allowance struct {
	fixture, path string // path as compare writes it: "transactions[].tag"
	why           string // the page that allows it
}

// fidelityAllowed are the differences the docs allow, by name: keys that
// some of the provider's examples have and others lack, and values shown
// as a number in one example and as a string in another. fixture is a
// reference file, or a route of answerFixtures for one route only.
var fidelityAllowed = []allowance{
	// Apirone
	{"apirone/account_settings.json", "destinations", "null when nothing is forwarded: https://apirone.com/docs/account (Account Info example)"},
	{"apirone/wallet_settings.json", "destinations", "the same, for a wallet: https://apirone.com/docs/wallet"},
	{"apirone/wallet_info.json", "destinations", "the same, for a wallet: https://apirone.com/docs/wallet"},
	{"apirone/wallet_info.json", "callback.data", "the callback's data is optional: https://apirone.com/docs/settings"},
	{"apirone/account_addresses.json", "addresses[].currency", "listed in the answer's table of https://apirone.com/docs/account (Account Addresses), not in its example"},
	{"apirone/wallet_addresses.json", "addresses[].currency", "the same, for a wallet: https://apirone.com/docs/wallet"},
	{"apirone/address_history.json", "pagination", "listed in the answer's table of https://apirone.com/docs/account (Account Address History), not in its example"},
	{"apirone/wallet_address_history.json", "pagination", "the same, for a wallet: https://apirone.com/docs/wallet"},
	{"apirone/invoice.json", "linkback", "optional when the invoice is created: https://apirone.com/docs/invoices"},
	{"apirone/invoice.json", "user-data", "optional when the invoice is created: https://apirone.com/docs/invoices"},
	{"apirone/account_invoices.json", "invoices[].linkback", "optional: https://apirone.com/docs/invoices"},
	{"apirone/account_invoices.json", "invoices[].user-data", "optional: https://apirone.com/docs/invoices"},
	{"GET /api/v2/invoices/{i}", "account", "the public invoice leaves out the private fields: https://apirone.com/docs/invoices"},
	{"GET /api/v2/invoices/{i}", "callback-url", "the same"},
	{"apirone/ticker.json", "eur", "the answer has the fiat currencies asked for: https://apirone.com/docs/service-info (ticker, fiat)"},
	{"apirone/ticker_several.json", "ltc.usd", "a rate is a number; the assembled file has one as a string to test tolerant decoding"},
	{"apirone/payment_callback.json", "destinations", "sent once a forwarding payment is made: https://apirone.com/docs/receiving-callbacks"},
	{"apirone/payment_callback.json", "transaction_hash", "the same"},
	{"apirone/payment_callback.json", "wallet", "a wallet's callback names the wallet instead of an account: https://apirone.com/docs/wallet"},
	{"apirone/payment_callback.json", "account", "the same"},
	// AlphaPo
	{"transactions/info exchange", "foreign_id", "an exchange found by its foreign_id carries it: https://docs.cryptoprocessing.com/api-reference/endpoints/transactions-info"},
	{"alphapo/take_address.json", "data.convert_to", "present when asked for: https://docs.cryptoprocessing.com/api-reference/endpoints/addresses-take"},
	{"alphapo/callbacks/deposit_exchange.json", "end_user_reference", "the current deposit callbacks carry it: https://docs.cryptoprocessing.com/api-reference/callbacks"},
	{"alphapo/callbacks/withdrawal.json", "end_user_reference", "the current withdrawal callbacks carry it: https://docs.cryptoprocessing.com/api-reference/callbacks/withdrawal-callbacks"},
	{"alphapo/callbacks/withdrawal_exchange.json", "end_user_reference", "the same"},
	{"alphapo/callbacks/withdrawal_exchange.json", "crypto_address.convert_to", "the current example names the destination currency only: https://docs.cryptoprocessing.com/api-reference/callbacks/withdrawal-callbacks (Confirmed (with conversion))"},
	{"alphapo/callbacks/withdrawal_exchange.json", "transactions[].amount", "a string in the current example (the same page) and in every other callback"},
	{"alphapo/callbacks/withdrawal_exchange.json", "transactions[].amount_to", "the same"},
	{"alphapo/callbacks/deposit_exchange.json", "transactions[].confirmations", "a number in the deposit example: https://docs.cryptoprocessing.com/api-reference/callbacks"},
	{"alphapo/callbacks/invoice.json", "transactions[].confirmations", "the same"},
	{"alphapo/transactions_info.json", "transactions[].confirmations", "the same"},
	{"alphapo/callbacks/invoice.json", "fixed_at", "an invoice without a timer fixes no rate until the customer picks a currency (fixed_at null): https://github.com/coinspaid/docs/blob/master/api-documentation/callbacks.md, 1st Type of Invoice response"},
	{"alphapo/callbacks/invoice.json", "expires_at", "the same"},
}

// opaque are the objects of Apirone's bodies whose keys are the
// merchant's or a third party's, not the provider's: only their type is
// compared.
var opaque = map[string]string{
	"callback.data":          "the merchant's own data: https://apirone.com/docs/settings",
	"data":                   "the merchant's own data, echoed in a payment callback: https://apirone.com/docs/receiving-callbacks",
	"log[].response.headers": "the headers of the merchant's server",
}

// opaqueIn returns whether a path of fixture is opaque.
func opaqueIn(fixture string) func(path string) bool {
	return func(path string) bool {
		_, ok := opaque[path]
		return ok && strings.HasPrefix(fixture, "apirone/")
	}
}

// allowed reports whether the difference at path is allowed for fixture
// or route.
func allowed(fixture, route, path string) bool {
	return slices.ContainsFunc(fidelityAllowed, func(a allowance) bool {
		return (a.fixture == fixture || a.fixture == route) && a.path == path
	})
}

// jsonKind is the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// compare returns the differences of got from ref at path: keys missing
// or extra, and types that differ where ref is not null.
func compare(path string, ref, got any, opaque func(string) bool) []string {
	if opaque(path) && jsonKind(ref) == jsonKind(got) {
		return nil
	}
	switch r := ref.(type) {
	case nil:
		return nil
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %s", path, jsonKind(got))}
		}
		return compareObjects(path, r, g, opaque)
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %s", path, jsonKind(got))}
		}
		return compareArrays(path, r, g, opaque)
	}
	if jsonKind(ref) != jsonKind(got) {
		return []string{fmt.Sprintf("%s: want a %s, got %s", path, jsonKind(ref), jsonKind(got))}
	}
	return nil
}

func compareObjects(path string, ref, got map[string]any, opaque func(string) bool) []string {
	var out []string
	for k, rv := range ref {
		gv, ok := got[k]
		if !ok {
			out = append(out, "missing "+join(path, k))
			continue
		}
		out = append(out, compare(join(path, k), rv, gv, opaque)...)
	}
	for k := range got {
		if _, ok := ref[k]; !ok {
			out = append(out, "extra "+join(path, k))
		}
	}
	return out
}

// compareArrays matches each element of got with the reference element it
// differs least from; an empty reference array says nothing of elements.
func compareArrays(path string, ref, got []any, opaque func(string) bool) []string {
	if len(ref) == 0 {
		return nil
	}
	var out []string
	for _, g := range got {
		var best []string
		for i, r := range ref {
			d := compare(path+"[]", r, g, opaque)
			if i == 0 || len(d) < len(best) {
				best = d
			}
		}
		out = append(out, best...)
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeJSON decodes b keeping numbers as json.Number.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "%s", b)
	return v
}

// differences compares body with fixture and returns what is not allowed
// for fixture or route.
func differences(t *testing.T, fixture, route string, body []byte) []string {
	t.Helper()
	ref, err := os.ReadFile(filepath.Join("..", "testdata", filepath.FromSlash(fixture)))
	require.NoError(t, err)
	var out []string
	for _, d := range compare("", decodeJSON(t, ref), decodeJSON(t, body), opaqueIn(fixture)) {
		if !allowed(fixture, route, pathOf(d)) {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// pathOf returns the path a difference compare wrote is about.
func pathOf(difference string) string {
	path, _, _ := strings.Cut(difference, ":")
	return strings.TrimPrefix(strings.TrimPrefix(path, "missing "), "extra ")
}

// answer is one call the fake answered.
type answer struct {
	req    *http.Request
	status int
	body   []byte
}

// recorder is a transport that keeps every answer of the fake.
type recorder struct {
	mu      sync.Mutex
	answers []answer
}

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.answers = append(rec.answers, answer{req, resp.StatusCode, body})
	return resp, nil
}

// callbackSink is a merchant endpoint that keeps every callback body and
// acknowledges it as each provider wants.
type callbackSink struct {
	mu     sync.Mutex
	bodies map[string][][]byte // by path: "/apirone", "/alphapo"
}

func (c *callbackSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies[r.URL.Path] = append(c.bodies[r.URL.Path], body)
	c.mu.Unlock()
	io.WriteString(w, "*ok*")
}

// routeOf returns the answerFixtures pattern that serves req.
func routeOf(mux *http.ServeMux, req *http.Request) string {
	_, pattern := mux.Handler(req)
	return pattern
}

// TestFakeBodiesMatchReferences drives every route of the fake and every
// kind of callback it sends, and compares each body with its reference.
func TestFakeBodiesMatchReferences(t *testing.T) {
	rec := &recorder{}
	sink := &callbackSink{bodies: map[string][][]byte{}}
	shop := httptest.NewServer(sink)
	defer shop.Close()
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	hc := cryptopay.WithHTTPClient(&http.Client{Transport: rec})
	driveApirone(t, srv, srv.Client(hc), shop.URL)
	driveAlphaPo(t, srv, srv.AlphaPoClient(hc), shop.URL)

	mux := http.NewServeMux()
	for pattern := range answerFixtures {
		mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	}
	seen := map[string]bool{}
	for _, a := range rec.answers {
		if a.status/100 != 2 {
			continue
		}
		fixture := answerFixture(mux, a.req)
		if fixture == "" {
			continue
		}
		route := routeOf(mux, a.req)
		seen[route] = true
		assert.Empty(t, differences(t, fixture, route, a.body), "%s %s against %s: %s", a.req.Method, a.req.URL.Path, fixture, a.body)
	}
	for pattern := range answerFixtures {
		assert.True(t, seen[pattern], "the scenario never called %s", pattern)
	}
	compareInfo(t, rec.answers)
	compareCallbacks(t, sink)
}

// answerFixture returns the reference of req's answer: by route, and for
// the ticker by the number of currencies asked.
func answerFixture(mux *http.ServeMux, req *http.Request) string {
	if req.URL.Path == "/api/v2/ticker" {
		if strings.Contains(req.URL.Query().Get("currency"), ",") {
			return "apirone/ticker_several.json"
		}
		return "apirone/ticker.json"
	}
	if req.URL.Path == "/alphapo/api/v2/ping" {
		return "" // text, not JSON: the AlphaPo tests check it is "OK"
	}
	if req.URL.Path == "/alphapo/api/v2/transactions/info" {
		return "" // compared by type in compareInfo
	}
	fixture, ok := answerFixtures[routeOf(mux, req)]
	if !ok {
		panic("no reference for " + req.Method + " " + req.URL.Path)
	}
	return fixture
}

// compareInfo compares each transactions/info answer with the reference
// of its type: the page's own example for a deposit, else the callback of
// that type, which the docs give the same fields
// (https://docs.cryptoprocessing.com/api-reference/endpoints/transactions-info).
func compareInfo(t *testing.T, answers []answer) {
	t.Helper()
	kinds := map[string]bool{}
	for _, a := range answers {
		if a.req.URL.Path != "/alphapo/api/v2/transactions/info" || a.status != http.StatusOK {
			continue
		}
		var head struct{ Type string }
		require.NoError(t, json.Unmarshal(a.body, &head))
		kinds[head.Type] = true
		fixture := "alphapo/callbacks/" + head.Type + ".json"
		if head.Type == "deposit" {
			fixture = "alphapo/transactions_info.json"
		}
		assert.Empty(t, differences(t, fixture, "transactions/info "+head.Type, a.body), "transactions/info of a %s: %s", head.Type, a.body)
	}
	assert.True(t, kinds["deposit"] && kinds["deposit_exchange"] && kinds["withdrawal"], "transactions/info kinds compared: %v", kinds)
}

// compareCallbacks compares each callback the shop got with the reference
// of its kind: Apirone's payment callback, and AlphaPo's by type.
func compareCallbacks(t *testing.T, sink *callbackSink) {
	t.Helper()
	kinds := map[string]bool{}
	for _, body := range sink.bodies["/apirone"] {
		kinds["payment"] = true
		assert.Empty(t, differences(t, "apirone/payment_callback.json", "", body), "Apirone payment callback: %s", body)
		assert.NotContains(t, decodeJSON(t, body), "wallet", "an account's callback: %s", body)
	}
	for _, body := range sink.bodies["/apirone-wallet"] {
		kinds["wallet payment"] = true
		assert.Empty(t, differences(t, "apirone/payment_callback.json", "", body), "Apirone wallet payment callback: %s", body)
		assert.NotContains(t, decodeJSON(t, body), "account", "a wallet's callback names the wallet only: %s", body)
	}
	// Apirone's invoice callbacks have no published example; the fake's
	// carry the two fields the invoices page names.
	for _, body := range sink.bodies["/apirone-invoice"] {
		kinds["invoice status"] = true
		assert.Subset(t, keysOf(decodeJSON(t, body)), []string{"invoice", "status"}, "Apirone invoice callback: %s", body)
	}
	for _, body := range sink.bodies["/alphapo"] {
		var head struct{ Type string }
		require.NoError(t, json.Unmarshal(body, &head))
		kinds[head.Type] = true
		fixture := "alphapo/callbacks/" + head.Type + ".json"
		assert.Empty(t, differences(t, fixture, "", body), "AlphaPo %s callback: %s", head.Type, body)
	}
	for _, kind := range []string{"payment", "wallet payment", "invoice status", "deposit", "deposit_exchange", "withdrawal", "withdrawal_exchange", "exchange", "invoice", "payment_request"} {
		assert.True(t, kinds[kind], "no %s callback was compared", kind)
	}
}

// keysOf returns the keys of a decoded JSON object.
func keysOf(v any) []string {
	var keys []string
	for k := range v.(map[string]any) {
		keys = append(keys, k)
	}
	return keys
}

// driveApirone calls every Apirone route of the fake, on an account and
// on a wallet, with callbacks to shop.
func driveApirone(t *testing.T, srv *cryptopaytest.Server, c *cryptopay.Client, shop string) {
	t.Helper()
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)
	cb := &cryptopay.Callback{URL: shop + "/apirone", Data: map[string]string{"order": "17"}}
	_, err = acct.UpdateSettings(ctx, &cryptopay.SettingsParams{Currency: "btc", Callback: cb, ProcessingFeePolicy: cryptopay.ProcessingFeeFixed})
	require.NoError(t, err)
	driveOwner(t, srv, acct, cb)
	_, err = acct.Info(ctx, "")
	require.NoError(t, err)
	_, err = acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	require.NoError(t, err)

	inv, err := acct.CreateInvoice(ctx, &cryptopay.InvoiceParams{Currency: "btc", Amount: cryptopay.NewAmount(5000), CallbackURL: shop + "/apirone-invoice"})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: inv.Address, Amount: cryptopay.NewAmount(5000), Confirmations: 1})
	require.NoError(t, err)
	_, err = acct.Invoices(ctx, nil)
	require.NoError(t, err)
	_, err = acct.Invoice(ctx, inv.ID)
	require.NoError(t, err)
	_, err = c.Invoice(ctx, inv.ID)
	require.NoError(t, err)

	require.NoError(t, acct.Login(ctx))
	require.NoError(t, acct.Refresh(ctx))
	require.NoError(t, acct.Logout(ctx))
	_, err = c.ServiceInfo(ctx)
	require.NoError(t, err)
	_, err = c.NetworkFees(ctx, "btc")
	require.NoError(t, err)
	_, err = c.Ticker(ctx, []string{"btc"}, "usd")
	require.NoError(t, err)
	_, err = c.Ticker(ctx, []string{"btc", "ltc"}, "usd")
	require.NoError(t, err)

	made, err := c.CreateWallet(ctx, &cryptopay.CreateWalletParams{Currency: "btc"})
	require.NoError(t, err)
	wallet := c.Wallet(made.Wallet, made.TransferKey)
	walletCB := &cryptopay.Callback{URL: shop + "/apirone-wallet", Data: cb.Data}
	_, err = wallet.UpdateSettings(ctx, &cryptopay.SettingsParams{Callback: walletCB})
	require.NoError(t, err)
	driveOwner(t, srv, wallet, walletCB)
	_, err = wallet.Info(ctx)
	require.NoError(t, err)
	_, err = wallet.Balance(ctx, nil)
	require.NoError(t, err)
}

// owner is what an Account and a Wallet share.
type owner interface {
	GenerateAddress(context.Context, *cryptopay.GenerateAddressParams) (*cryptopay.Address, error)
	Addresses(context.Context, *cryptopay.AddressesParams) (*cryptopay.AddressPage, error)
	AddressInfo(context.Context, string) (*cryptopay.AddressInfo, error)
	AddressBalance(context.Context, string) (*cryptopay.AddressBalance, error)
	AddressHistory(context.Context, string, *cryptopay.PageParams) (*cryptopay.AddressHistoryPage, error)
	AddressCallbackInfo(context.Context, string) (*cryptopay.AddressCallback, error)
	AddressCallbackLog(context.Context, string, *cryptopay.PageParams) (*cryptopay.CallbackLogPage, error)
	CallbackInfo(context.Context, string) (*cryptopay.AccountCallback, error)
	EstimateTransfer(context.Context, *cryptopay.TransferParams) (*cryptopay.Estimation, error)
	Transfer(context.Context, *cryptopay.TransferParams) (*cryptopay.TransferResult, error)
	History(context.Context, *cryptopay.HistoryParams) (*cryptopay.HistoryPage, error)
	HistoryItem(context.Context, string) (*cryptopay.HistoryItem, error)
}

// driveOwner calls the routes accounts and wallets share: an address
// with a callback, a deposit, a block, a transfer and the history.
func driveOwner(t *testing.T, srv *cryptopaytest.Server, o owner, cb *cryptopay.Callback) {
	t.Helper()
	addr, err := o.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc", Callback: cb})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(200000)})
	require.NoError(t, err)
	_, err = srv.Mine(ctx, 1)
	require.NoError(t, err)
	for _, call := range []func() error{
		func() error { _, err := o.Addresses(ctx, &cryptopay.AddressesParams{Currency: "btc"}); return err },
		func() error { _, err := o.AddressInfo(ctx, addr.Address); return err },
		func() error { _, err := o.AddressBalance(ctx, addr.Address); return err },
		func() error { _, err := o.AddressHistory(ctx, addr.Address, nil); return err },
		func() error { _, err := o.AddressCallbackInfo(ctx, addr.Address); return err },
		func() error { _, err := o.AddressCallbackLog(ctx, addr.Address, nil); return err },
		func() error { _, err := o.CallbackInfo(ctx, "btc"); return err },
	} {
		require.NoError(t, call())
	}
	pay := &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(50000)}}}
	_, err = o.EstimateTransfer(ctx, pay)
	require.NoError(t, err)
	paid, err := o.Transfer(ctx, pay)
	require.NoError(t, err)
	_, err = o.History(ctx, nil)
	require.NoError(t, err)
	_, err = o.HistoryItem(ctx, paid.ID)
	require.NoError(t, err)
}

// driveAlphaPo calls every AlphaPo route of the fake and makes it send
// every type of callback to shop.
func driveAlphaPo(t *testing.T, srv *cryptopaytest.Server, ap *cryptopay.AlphaPoClient, shop string) {
	t.Helper()
	srv.SetAlphaPoCallbackURL(shop + "/alphapo")
	require.NoError(t, ap.Ping(ctx))
	btc, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17"})
	require.NoError(t, err)
	eur, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ConvertTo: "EUR", ForeignID: "customer-17", EndUserReference: "customer-17"})
	require.NoError(t, err)
	for _, to := range []string{btc.Address, eur.Address} {
		dep, err := srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: to, Amount: cryptopay.MustDecimal("0.5"), Confirmations: 1})
		require.NoError(t, err)
		_, err = ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ID: dep.ID})
		require.NoError(t, err)
	}
	_, err = ap.Balances(ctx)
	require.NoError(t, err)
	_, err = ap.Currencies(ctx, nil)
	require.NoError(t, err)
	_, err = ap.CurrencyPairs(ctx, nil)
	require.NoError(t, err)
	_, err = ap.CurrencyRates(ctx, &cryptopay.AlphaPoPairsParams{CurrencyFrom: "BTC", CurrencyTo: "EUR"})
	require.NoError(t, err)
	amount := cryptopay.MustDecimal("0.01")
	_, err = ap.CalculateExchange(ctx, &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount})
	require.NoError(t, err)
	_, err = ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, ForeignID: "exchange-1"})
	require.NoError(t, err)
	quote, err := ap.CalculateExchange(ctx, &cryptopay.AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount})
	require.NoError(t, err)
	_, err = ap.ExchangeFixed(ctx, &cryptopay.AlphaPoExchangeParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount, Price: &quote.Price, ForeignID: "exchange-2"})
	require.NoError(t, err)
	_, err = ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{ForeignID: "payout-1", EndUserReference: "customer-17", Currency: "BTC", Amount: amount, Address: external})
	require.NoError(t, err)
	_, err = ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "payout-1"})
	require.NoError(t, err)
	_, err = ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{ForeignID: "payout-2", EndUserReference: "customer-17", Currency: "EUR", ConvertTo: "BTC", Amount: cryptopay.MustDecimal("10"), Address: external})
	require.NoError(t, err)
	inv, err := ap.CreateInvoice(ctx, &cryptopay.AlphaPoInvoiceParams{Timer: true, Title: "Order 1", Currency: "BTC", Amount: amount, ForeignID: "order-1", EndUserReference: "customer-17",
		URLSuccess: "https://shop.example/paid", URLFailed: "https://shop.example/failed"})
	require.NoError(t, err)
	_, err = srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: inv.Address, Amount: amount, Confirmations: 1})
	require.NoError(t, err)
	_, err = srv.AlphaPoPaymentRequest(ctx, cryptopaytest.AlphaPoPaymentRequestParams{
		ForeignID: "order-2", Status: cryptopay.AlphaPoStatusProcessing, Currency: "BTC", Expected: amount, Received: cryptopay.MustDecimal("0"),
	})
	require.NoError(t, err)
	_, err = srv.Mine(ctx, 2)
	require.NoError(t, err)
}

// errorShape is an error body a provider documents, and the page that
// documents it.
type errorShape struct {
	body, source string
}

// errorShapes are each provider's error bodies: every error the fake
// answers on a provider's route has the keys and JSON types of one of
// them (the values are the pages' examples).
var errorShapes = map[string][]errorShape{
	"apirone": {
		{`{"message": "Invalid wallet."}`, "any status >= 400: Apirone's pages list the statuses only (https://apirone.com/docs/account); its errors carry \"message\", the one member the Apirone client reads"},
	},
	"alphapo": {
		{`{"error": "Bad signature header", "code": "bad_header_signature"}`, "auth and format errors: https://docs.cryptoprocessing.com/api-reference/errors"},
		{`{"errors": {"currency": "This field is required."}}`, "validation errors, a message per field: https://docs.cryptoprocessing.com/api-reference/errors"},
	},
}

// errorAllowed are the differences from errorShapes the fake may have,
// by provider and path, with the reason.
var errorAllowed = map[string]map[string]string{
	"alphapo": {"code": "the page gives codes for its auth and format errors only; the fake's own errors (not found, FailNext) carry none"},
}

// errorDifferences returns how body differs from the provider's error
// shape it is closest to; none when it has one of them.
func errorDifferences(t *testing.T, provider string, body []byte) []string {
	t.Helper()
	fieldsOf := func(path string) bool { return path == "errors" } // keys are the request's fields
	var best []string
	for i, shape := range errorShapes[provider] {
		var diffs []string
		for _, d := range compare("", decodeJSON(t, []byte(shape.body)), decodeJSON(t, body), fieldsOf) {
			if _, ok := errorAllowed[provider][pathOf(d)]; !ok {
				diffs = append(diffs, d)
			}
		}
		if i == 0 || len(diffs) < len(best) {
			best = diffs
		}
	}
	return best
}

// TestFakeErrorBodiesMatchProviders makes the fake refuse calls on each
// API in every way it can (FailNext's default body, an unknown route or
// method, bad auth, bad content, a validation error, not found) and
// checks each error body has its own provider's shape: an AlphaPo client
// reads only "error", "code" and "errors", an Apirone client "message".
func TestFakeErrorBodiesMatchProviders(t *testing.T) {
	rec := &recorder{}
	hc := &http.Client{Transport: rec}
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	driveApironeErrors(t, srv, hc)
	driveAlphaPoErrors(t, srv, hc)

	seen := map[string]int{}
	for _, a := range rec.answers {
		if a.status < 400 {
			continue
		}
		provider := "apirone"
		if strings.HasPrefix(a.req.URL.Path, "/alphapo/") {
			provider = "alphapo"
		}
		seen[provider]++
		assert.Empty(t, errorDifferences(t, provider, a.body), "%s %s: %d %s", a.req.Method, a.req.URL.Path, a.status, a.body)
	}
	assert.Equal(t, map[string]int{"apirone": 6, "alphapo": 9}, seen, "error answers compared")
}

// driveApironeErrors gets an error answer from each kind of Apirone
// refusal, through hc.
func driveApironeErrors(t *testing.T, srv *cryptopaytest.Server, hc *http.Client) {
	t.Helper()
	c := srv.Client(cryptopay.WithHTTPClient(hc), cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)
	srv.FailNext("GET /v2/accounts/{account}/balance", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	_, err = acct.Balance(ctx, nil)
	require.Error(t, err)
	_, err = c.Account(created.Account, "wrong-key").Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(1000)}}})
	require.Error(t, err)
	_, err = c.Account("apr-unknown", "").Info(ctx, "")
	require.Error(t, err)
	_, err = acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "nope"})
	require.Error(t, err)
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		req, err := http.NewRequest(method, srv.ApironeURL()+"/v2/no-such-route", nil)
		require.NoError(t, err)
		roundTrip(t, hc, req)
	}
}

// driveAlphaPoErrors gets an error answer from each kind of AlphaPo
// refusal, through hc.
func driveAlphaPoErrors(t *testing.T, srv *cryptopaytest.Server, hc *http.Client) {
	t.Helper()
	key, secret := srv.AlphaPoCredentials()
	signed := func(method, path, body string) {
		req, err := http.NewRequest(method, srv.AlphaPoURL()+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Processing-Key", key)
		req.Header.Set("X-Processing-Signature", cryptopay.NewSigner(secret).Sign([]byte(body)))
		roundTrip(t, hc, req)
	}
	srv.FailNext("POST /v2/addresses/take", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	signed(http.MethodPost, "/v2/addresses/take", `{"currency":"BTC","foreign_id":"c-1","end_user_reference":"c-1"}`)
	srv.FailNext("GET /v2/ping", 1, cryptopaytest.Failure{Status: http.StatusInternalServerError})
	signed(http.MethodGet, "/v2/ping", "")
	signed(http.MethodPost, "/v2/addresses/take", `not JSON`)
	signed(http.MethodPost, "/v2/addresses/take", `{}`)
	signed(http.MethodGet, "/v2/transactions/info", `{"id":999999}`)
	signed(http.MethodPost, "/v2/no-such-route", `{}`)
	signed(http.MethodGet, "/v2/addresses/take", `{}`)

	req, err := http.NewRequest(http.MethodPost, srv.AlphaPoURL()+"/v2/accounts/list", strings.NewReader(`{}`))
	require.NoError(t, err)
	roundTrip(t, hc, req) // no key header
	badSig, err := http.NewRequest(http.MethodPost, srv.AlphaPoURL()+"/v2/accounts/list", strings.NewReader(`{}`))
	require.NoError(t, err)
	badSig.Header.Set("X-Processing-Key", key)
	badSig.Header.Set("X-Processing-Signature", cryptopay.NewSigner("wrong-secret").Sign([]byte(`{}`)))
	roundTrip(t, hc, badSig)
}

// roundTrip sends req through hc and drops the answer (the recorder
// behind hc keeps it).
func roundTrip(t *testing.T, hc *http.Client, req *http.Request) {
	t.Helper()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
}
