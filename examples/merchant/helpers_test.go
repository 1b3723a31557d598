package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

// postgresDSN names the PostgreSQL server the PostgreSQL tests use: each
// test gets a database of its own there, dropped after it.
var postgresDSN = os.Getenv("MERCHANT_POSTGRES_DSN")

const skipPostgres = "MERCHANT_POSTGRES_DSN is not set: no PostgreSQL server to test against (.ci/run starts one)"

// engines runs test once per database engine, with the DSN of a fresh,
// empty database; PostgreSQL's is skipped, saying why, without a server.
func engines(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteDatabase(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, postgresDatabase(t)) })
}

func sqliteDatabase(t *testing.T) string {
	return filepath.Join(t.TempDir(), "merchant.db")
}

// postgresDatabase creates a database for t on MERCHANT_POSTGRES_DSN's
// server and returns its DSN.
func postgresDatabase(t *testing.T) string {
	t.Helper()
	if postgresDSN == "" {
		t.Skip(skipPostgres)
	}
	admin, err := sql.Open("pgx", postgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "merchant_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", postgresDSN)
		if err == nil {
			admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
			admin.Close()
		}
	})
	u, err := url.Parse(postgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func openStore(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := OpenStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// shop is one instance of the service in a test, behind an httptest server.
type shop struct {
	*Service
	http *httptest.Server
	log  *syncBuffer
}

// account is a new Apirone account on srv, with what a service needs.
type account struct {
	id, key, secret string
}

func newAccount(t *testing.T, srv *cryptopaytest.Server) account {
	t.Helper()
	created, err := srv.Client().CreateAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return account{id: created.Account, key: created.TransferKey, secret: newID("secret") + newID("")}
}

// newShop starts an instance of the service on store for acct at srv.
// publicURL is where the providers call it back; "" means its own URL.
// hc, if not nil, is the HTTP client of its SDK clients.
func newShop(t *testing.T, srv *cryptopaytest.Server, store *Store, acct account, publicURL string, hc *http.Client) *shop {
	t.Helper()
	sh := &shop{log: &syncBuffer{}}
	var handler atomic.Value
	sh.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(sh.http.Close)
	if publicURL == "" {
		publicURL = sh.http.URL
		srv.SetAlphaPoCallbackURL(publicURL + "/callbacks/alphapo")
	}
	metrics := NewMetrics()
	opts := []cryptopay.Option{cryptopay.WithObserver(metrics.Observe), cryptopay.WithBaseURL(srv.ApironeURL())}
	if hc != nil {
		opts = append(opts, cryptopay.WithHTTPClient(hc))
	}
	c, err := cryptopay.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	key, secret := srv.AlphaPoCredentials()
	opts[1] = cryptopay.WithBaseURL(srv.AlphaPoURL())
	ap, err := cryptopay.NewAlphaPoClient(key, secret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sh.Service, err = NewService(Config{
		Store: store, Metrics: metrics, Account: c.Account(acct.id, acct.key),
		Logger:  slog.New(slog.NewTextHandler(sh.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AlphaPo: ap, AlphaPoKey: key, AlphaPoSecret: secret,
		PublicURL: publicURL, CallbackSecret: acct.secret,
		Confirmations: settle.ConfirmationPolicy{Default: 1, Now: srv.Now}, // a replayed payment's age by the fake's clock
	})
	if err != nil {
		t.Fatal(err)
	}
	handler.Store(sh.Handler())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", sh.http.URL, sh.log.String())
		}
	})
	return sh
}

// setup is one service on a fresh database of the engine dsn names, and a
// fake provider with a new account.
func setup(t *testing.T, dsn string) (*cryptopaytest.Server, *shop) {
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	return srv, newShop(t, srv, openStore(t, dsn), newAccount(t, srv), "", nil)
}

func (sh *shop) order(t *testing.T, method, currency, price, customer string) *Order {
	t.Helper()
	o, err := sh.CreateOrder(context.Background(), OrderRequest{Method: method, Currency: currency, Price: price, Customer: customer})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// paid returns what the order has been credited and its status.
func (sh *shop) paid(t *testing.T, id string) (string, string) {
	t.Helper()
	o, err := sh.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Paid, o.Status
}

func (sh *shop) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := sh.Store.db.QueryRow(sh.Store.q(query), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func deposit(t *testing.T, srv *cryptopaytest.Server, address string, amount int64, confirmations int) *cryptopaytest.DepositResult {
	t.Helper()
	d, err := srv.Deposit(context.Background(), cryptopaytest.DepositParams{
		Address: address, Amount: cryptopay.NewAmount(amount), Confirmations: confirmations})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// later moves the fake's clock d on: a replayed payment is credited only
// once it is old enough for the policy (settle.ConfirmationPolicy.ReplayAge).
func later(t *testing.T, srv *cryptopaytest.Server, d time.Duration) {
	t.Helper()
	if _, err := srv.Advance(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

func mine(t *testing.T, srv *cryptopaytest.Server, n int) []cryptopaytest.Delivery {
	t.Helper()
	d, err := srv.Mine(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// payments returns the amounts of the account's outgoing payments to payee,
// as the provider's history holds them: what was really sent.
func payments(t *testing.T, srv *cryptopaytest.Server, acct account, payee string) map[string]int {
	t.Helper()
	a := srv.Client().Account(acct.id, acct.key)
	sent := map[string]int{}
	for e, err := range a.AllHistory(context.Background(), &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment}) {
		if err != nil {
			t.Fatal(err)
		}
		item, err := a.HistoryItem(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range item.Destinations {
			if d.Address == payee {
				sent[d.Amount.String()]++
			}
		}
	}
	return sent
}

// post sends v as JSON to url and decodes the answer into out.
func post(t *testing.T, url string, v, out any) int {
	t.Helper()
	body, _ := json.Marshal(v)
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, out)
}

func get(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, out)
}

func decode(t *testing.T, resp *http.Response, out any) int {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v: %s", resp.Request.URL, err, b)
		}
	}
	return resp.StatusCode
}

// loseAnswers is a transport that carries out every request but loses the
// answers of those lost says: the money call takes effect, the caller gets
// a broken connection.
type loseAnswers struct {
	lost func(*http.Request) bool
}

func (l loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !l.lost(r) {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("test: connection reset after the request was carried out")
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// setupDown is setup with the service behind a gate that is down until
// the test sets the returned flag to false: callbacks fail with 503 until then.
func setupDown(t *testing.T, dsn string) (*cryptopaytest.Server, *shop, *atomic.Bool) {
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	var down atomic.Bool
	down.Store(true)
	var target atomic.Pointer[url.URL]
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		httputil.NewSingleHostReverseProxy(target.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	sh := newShop(t, srv, openStore(t, dsn), newAccount(t, srv), gate.URL, nil)
	srv.SetAlphaPoCallbackURL(gate.URL + "/callbacks/alphapo")
	u, _ := url.Parse(sh.http.URL)
	target.Store(u)
	return srv, sh, &down
}
