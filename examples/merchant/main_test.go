package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The command with no set-up plays the whole cycle against the in-process
// fake, and its log says so.
func TestRunPlaysTheCycle(t *testing.T) {
	var out syncBuffer
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-once", "-db", sqliteDatabase(t)}, &out, io.Discard); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`msg="payment credited"`,
		`msg="demo: Apirone order paid by its callback"`,
		`msg="demo: AlphaPo order paid by its callback"`,
		`msg="payout outcome unknown: it will be looked up, not sent again"`,
		`msg="payout settled: the lookup found it"`,
		`msg="demo: full cycle done: order -> payment -> credit -> payout, against the in-process cryptopaytest"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "secret_") {
		t.Errorf("the callback secret is in the log:\n%s", out.String())
	}
}

// The service against cmd/cryptopaytest run as a process of its own, driven
// over HTTP only: the service's API, the fake's control API.
func TestAgainstStandaloneFake(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		fake := startFake(t)
		t.Setenv("CALLBACK_SECRET", "a-long-random-callback-secret")
		t.Setenv("ALPHAPO_KEY", fake["ALPHAPO_KEY"])
		t.Setenv("ALPHAPO_SECRET", fake["ALPHAPO_SECRET"])
		shop := startService(t, "-real", "-create-account", "-db", dsn,
			"-apirone-url", fake["APIRONE_URL"], "-alphapo-url", fake["ALPHAPO_URL"])
		control := strings.TrimSuffix(fake["CONTROL_URL"], "/")

		if status := get(t, shop+"/healthz", nil); status != 200 {
			t.Errorf("healthz: %d", status)
		}
		var o Order
		post(t, shop+"/orders", OrderRequest{Method: MethodApironeAddress, Currency: "btc", Price: "150000"}, &o)
		var dep struct {
			Deliveries []struct{ Acknowledged bool }
		}
		post(t, control+"/deposit", map[string]any{"address": o.Address, "amount": "150000", "confirmations": 3}, &dep) // the default policy
		if len(dep.Deliveries) != 1 || !dep.Deliveries[0].Acknowledged {
			t.Errorf("deposit deliveries: %+v", dep.Deliveries)
		}
		expectOrder(t, shop, o.ID, "150000", "paid")

		post(t, control+"/alphapo/callback-url", map[string]string{"url": shop + "/callbacks/alphapo"}, nil)
		var ao Order
		post(t, shop+"/orders", OrderRequest{Method: MethodAlphaPo, Currency: "BTC", Price: "20000", Customer: "c-1"}, &ao)
		post(t, control+"/alphapo/deposit", map[string]any{"address": ao.Address, "amount": "0.0002", "confirmations": 1}, nil)
		expectOrder(t, shop, ao.ID, "20000", "paid")

		var p Payout
		post(t, shop+"/payouts", PayoutRequest{Provider: "apirone", Currency: "btc", Address: payee, Amount: "50000"}, &p)
		post(t, control+"/fail", map[string]any{"route": "POST /v2/accounts/{account}/transfer", "status": 502, "after_effect": true}, nil)
		var run PayoutRun
		post(t, shop+"/jobs/payouts", nil, &run)
		if run.Unknown != 1 || run.Settled != 1 {
			t.Errorf("payout job: %+v, want the lost answer settled", run)
		}
		get(t, shop+"/payouts/"+p.ID, &p)
		if p.State != PayoutSettled {
			t.Errorf("payout %s, want settled", p.State)
		}
		var catchUp map[string]bool
		if post(t, shop+"/jobs/catchup", nil, &catchUp); !catchUp["ran"] {
			t.Errorf("catch-up: %v", catchUp)
		}
		var refused map[string]string
		if status := post(t, shop+"/orders", OrderRequest{Method: "cash", Currency: "btc", Price: "1"}, &refused); status != 400 {
			t.Errorf("unknown method: %d %v, want 400", status, refused)
		}
		metrics := fetchText(t, shop+"/metrics")
		for _, want := range []string{
			`cryptopay_calls_total{class="status",route="POST /v2/accounts/{account}/transfer",status="502"} 1`,
			`cryptopay_outcome_unknown_total{route="POST /v2/accounts/{account}/transfer"} 1`,
			`merchant_credits_total{method="alphapo",source="callback"} 1`,
			`merchant_payout_transitions_total{state="settled"} 1`,
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

func expectOrder(t *testing.T, shop, id, paid, status string) {
	t.Helper()
	var o Order
	get(t, shop+"/orders/"+id, &o)
	if o.Paid != paid || o.Status != status {
		t.Errorf("order %s: paid %s, %s; want %s, %s", id, o.Paid, o.Status, paid, status)
	}
}

var (
	fakeBinary     string
	fakeBinaryErr  error
	fakeBinaryOnce sync.Once
)

// startFake builds cmd/cryptopaytest once, starts it on a free port and
// returns the settings it prints (APIRONE_URL, CONTROL_URL, ...).
func startFake(t *testing.T) map[string]string {
	fakeBinaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cryptopaytest-")
		if err != nil {
			fakeBinaryErr = err
			return
		}
		fakeBinary = filepath.Join(dir, "cryptopaytest")
		out, err := exec.Command("go", "build", "-o", fakeBinary, "github.com/cryptopay-go/cryptopay/cmd/cryptopaytest").CombinedOutput()
		if err != nil {
			fakeBinaryErr = err
			t.Logf("go build: %s", out)
		}
	})
	if fakeBinaryErr != nil {
		t.Fatal(fakeBinaryErr)
	}
	cmd := exec.Command(fakeBinary, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	settings := map[string]string{}
	lines := bufio.NewScanner(stdout)
	for len(settings) < 5 && lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			settings[k] = v
		}
	}
	go io.Copy(io.Discard, stdout)
	if settings["CONTROL_URL"] == "" {
		t.Fatalf("cryptopaytest printed %v", settings)
	}
	return settings
}

// startService runs the command with args on a free port until the test
// ends and returns its URL.
func startService(t *testing.T, args ...string) string {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-interval", "1h"}, args...), &out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if t.Failed() {
			t.Logf("service log:\n%s", out.String())
		}
	})
	serving := regexp.MustCompile(`msg=serving url=(\S+)`)
	var url string
	waitFor(t, "the service to listen", func() bool {
		if m := serving.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run ended: %v\n%s", err, out.String())
		default:
		}
		return url != ""
	})
	return url
}

func fetchText(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
