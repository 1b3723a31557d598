package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// external is a destination outside the server.
const external = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"

// started is the command running, as its startup lines describe it.
type started struct {
	cmd    *exec.Cmd
	stdout io.Reader
	stderr *bytes.Buffer
	vars   map[string]string // APIRONE_URL and the other KEY=VALUE lines
}

// start builds the command and runs it with args on a free loopback port.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cryptopaytest")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	s := &started{cmd: cmd, stdout: stdout, stderr: &bytes.Buffer{}, vars: map[string]string{}}
	cmd.Stderr = s.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil { // the test failed before stopping it
			cmd.Process.Kill()
			cmd.Wait()
		}
	})

	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		k, v, _ := strings.Cut(lines.Text(), "=")
		s.vars[k] = v
		if k == "CONTROL_URL" {
			return s
		}
	}
	t.Fatalf("the command ended before printing its URLs: %v; stderr: %s", lines.Err(), s.stderr)
	return nil
}

// stop sends SIGTERM and waits for the command to exit.
func (s *started) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	rest, err := io.ReadAll(s.stdout) // until the command closes it; Wait comes after
	require.NoError(t, err)
	assert.Empty(t, string(rest), "nothing more on standard output")
	require.NoError(t, s.cmd.Wait(), "stderr: %s", s.stderr)
	assert.Equal(t, 0, s.cmd.ProcessState.ExitCode())
	assert.Contains(t, s.stderr.String(), "cryptopaytest: stopped")
}

// delivery is a callback as the control API reports it.
type delivery struct {
	URL           string
	Confirmations int
	Status        int
	Response      string
	Acknowledged  bool
}

// control posts body to the control API and decodes the answer into out.
func (s *started) control(t *testing.T, method, path, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(s.vars["CONTROL_URL"], "/")+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, path, text)
	require.NoError(t, json.Unmarshal(text, out), "%s", text)
}

// A merchant's whole flow over HTTP, with the SDK's real client: account,
// address with a callback to the merchant's own server, a deposit, a
// block, the callback acknowledged, a transfer; then a clean stop.
func TestCommandServesAMerchantFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	srv := start(t, "-clock", "2024-05-01T12:00:00Z", "-freeze", "-alphapo-key", "k1", "-alphapo-secret", "s1")
	assert.Equal(t, "k1", srv.vars["ALPHAPO_KEY"])
	assert.Equal(t, "s1", srv.vars["ALPHAPO_SECRET"])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(srv.vars["APIRONE_URL"]))
	require.NoError(t, err)
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	assert.Equal(t, "2024-05-01T12:00:00Z", created.Created.UTC().Format(time.RFC3339), "the -clock time, frozen")
	acct := c.Account(created.Account, created.TransferKey)

	// The merchant ships once a payment has a confirmation.
	var mu sync.Mutex
	var paid []*cryptopay.PaymentCallback
	shop := httptest.NewServer(cryptopay.PaymentCallbackHandler(func(_ context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Confirmations < 1 {
			return assert.AnError // not yet: the server calls again with the next block
		}
		mu.Lock()
		defer mu.Unlock()
		paid = append(paid, cb)
		return nil
	}, cryptopay.WithCallbackSecret("shop", "s3cret")))
	defer shop.Close()
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc", Callback: &cryptopay.Callback{URL: shop.URL + "/paid", Data: map[string]string{"shop": "s3cret", "order": "17"}},
	})
	require.NoError(t, err)

	var dep struct {
		Payment    string
		Deliveries []delivery
	}
	srv.control(t, "POST", "/deposit", `{"address":"`+addr.Address+`","amount":150000}`, &dep)
	require.Len(t, dep.Deliveries, 1)
	assert.Equal(t, shop.URL+"/paid", dep.Deliveries[0].URL)
	assert.Equal(t, http.StatusInternalServerError, dep.Deliveries[0].Status, "the merchant waits for a confirmation")

	var mined struct{ Deliveries []delivery }
	srv.control(t, "POST", "/mine", `{"blocks":1}`, &mined)
	require.Len(t, mined.Deliveries, 1)
	assert.True(t, mined.Deliveries[0].Acknowledged)
	assert.Equal(t, "*ok*", mined.Deliveries[0].Response)
	mu.Lock()
	require.Len(t, paid, 1)
	assert.Equal(t, dep.Payment, paid[0].Payment)
	assert.Equal(t, map[string]string{"order": "17"}, paid[0].Data)
	mu.Unlock()

	var list struct{ Callbacks []delivery }
	srv.control(t, "GET", "/callbacks", "", &list)
	assert.Equal(t, append(dep.Deliveries, mined.Deliveries...), list.Callbacks)

	payment, err := acct.Transfer(ctx, &cryptopay.TransferParams{
		Currency: "btc", Destinations: []cryptopay.Destination{{Address: external, Amount: cryptopay.Units(100000)}},
	})
	require.NoError(t, err)
	item, err := acct.HistoryItem(ctx, payment.ID)
	require.NoError(t, err)
	assert.Equal(t, cryptopay.ItemPayment, item.Type)

	srv.stop(t)
}

func TestCommandServesAlphaPo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	srv := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, secret := srv.vars["ALPHAPO_KEY"], srv.vars["ALPHAPO_SECRET"]
	ap, err := cryptopay.NewAlphaPoClient(key, secret, cryptopay.WithBaseURL(srv.vars["ALPHAPO_URL"]))
	require.NoError(t, err)
	taken, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "u1", EndUserReference: "u1"})
	require.NoError(t, err)

	verifier, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	require.NoError(t, err)
	got := make(chan *cryptopay.AlphaPoTransaction, 1)
	shop := httptest.NewServer(verifier.Handler(func(_ context.Context, tx *cryptopay.AlphaPoTransaction) error {
		got <- tx
		return nil
	}))
	defer shop.Close()
	var dep struct {
		ID         int64
		Deliveries []delivery
	}
	srv.control(t, "POST", "/alphapo/deposit", `{"address":"`+taken.Address+`","amount":"0.01","confirmations":1,"callback_url":"`+shop.URL+`"}`, &dep)
	require.Len(t, dep.Deliveries, 1)
	assert.True(t, dep.Deliveries[0].Acknowledged, "the callback is signed with the server's key and secret")
	require.Len(t, got, 1, "the callback reached the merchant's own server")
	assert.Equal(t, dep.ID, int64((<-got).ID))

	balances, err := ap.Balances(ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(balances, func(b cryptopay.AlphaPoBalance) bool { return b.Currency == "BTC" })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "0.00990000", balances[i].Balance.String(), "0.01 less the 1 % deposit fee")
	srv.stop(t)
}

func TestUsageDocumentsFlagsAndControlAPI(t *testing.T) {
	var out bytes.Buffer
	assert.ErrorIs(t, run(context.Background(), []string{"-h"}, io.Discard, &out), flag.ErrHelp)
	for _, want := range []string{
		"-addr", "-clock", "-freeze", "-token-lifetime", "-alphapo-key", "-alphapo-secret", "-alphapo-callback-url",
	} {
		assert.Contains(t, out.String(), want)
	}
	routes := cryptopaytest.ControlRoutes()
	require.NotEmpty(t, routes)
	for _, r := range routes {
		for _, line := range strings.Split(r.String(), "\n") {
			assert.Contains(t, out.String(), "\n  "+line+"\n", "-h lists the route")
		}
	}
}

// The package doc lists the control routes as cryptopaytest.ControlRoutes
// has them, so it cannot fall behind the server.
func TestPackageDocListsControlRoutes(t *testing.T) {
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	doc, _, _ := strings.Cut(string(src), "package main")
	listed := 0
	for _, r := range cryptopaytest.ControlRoutes() {
		for _, line := range strings.Split(r.String(), "\n") {
			assert.Contains(t, doc, "//\t"+line+"\n")
		}
		listed++
	}
	assert.Equal(t, listed, strings.Count(doc, "//\tPOST /_control/")+strings.Count(doc, "//\tGET /_control/"),
		"no route the server does not serve")
}

func TestBadCommandLines(t *testing.T) {
	for args, want := range map[string]string{
		"-clock yesterday":    "-clock: want an RFC 3339 time",
		"-alphapo-secret=":    "must not be empty",
		"-addr 127.0.0.1:0 x": "unexpected arguments",
	} {
		err := run(context.Background(), strings.Fields(args), io.Discard, io.Discard)
		assert.ErrorContains(t, err, want, args)
	}
	assert.ErrorIs(t, run(context.Background(), []string{"-nope"}, io.Discard, io.Discard), errUsage)
}
