// Command quickstart runs a merchant's main job with cryptopay and prints
// each step: take a payment to a fresh address, hear of it by callback,
// then estimate and send a transfer and read the history.
//
// With no credentials in the environment it needs no network: it starts
// an in-memory Apirone + AlphaPo server (package cryptopaytest) in the
// process and plays the customer and the blockchain itself:
//
//	go run ./examples/quickstart
//
// With credentials it talks to the real APIs, and then only reads and
// estimates unless asked otherwise:
//
//	APIRONE_ACCOUNT=apr-... APIRONE_TRANSFER_KEY=... go run ./examples/quickstart -to ADDRESS [-amount N]
//	    account info, balance, addresses, history, and an estimate of a
//	    transfer to ADDRESS (N minor units, or everything, fee included)
//	... -to ADDRESS -amount N -send
//	    also makes that transfer: this moves real money
//	ALPHAPO_KEY=... ALPHAPO_SECRET=... go run ./examples/quickstart -take-address
//	    takes an AlphaPo deposit address (without the flag, nothing is sent)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/cryptopay-go/cryptopay"
)

// config is what the environment and the flags ask for.
type config struct {
	account, transferKey  string // APIRONE_ACCOUNT, APIRONE_TRANSFER_KEY
	alphaKey, alphaSecret string // ALPHAPO_KEY, ALPHAPO_SECRET
	apironeURL            string
	alphaPoURL            string
	currency              string
	to                    string
	amount                int64
	send                  bool
	takeAddress           bool
}

// live reports whether any credentials were given.
func (c config) live() bool { return c.account != "" || c.alphaKey != "" }

func main() {
	cfg := config{
		account: os.Getenv("APIRONE_ACCOUNT"), transferKey: os.Getenv("APIRONE_TRANSFER_KEY"),
		alphaKey: os.Getenv("ALPHAPO_KEY"), alphaSecret: os.Getenv("ALPHAPO_SECRET"),
	}
	flag.StringVar(&cfg.currency, "currency", "btc", "live: the Apirone currency to read and estimate")
	flag.StringVar(&cfg.to, "to", "", "live: the address to estimate (and with -send, make) a transfer to")
	flag.Int64Var(&cfg.amount, "amount", 0, "live: the transfer amount in minor units; 0 means everything, fee included")
	flag.BoolVar(&cfg.send, "send", false, "live: make the transfer: this MOVES REAL MONEY")
	flag.BoolVar(&cfg.takeAddress, "take-address", false, "live: take an AlphaPo deposit address")
	flag.StringVar(&cfg.apironeURL, "apirone-url", cryptopay.ApironeBaseURL, "live: the Apirone API base URL")
	flag.StringVar(&cfg.alphaPoURL, "alphapo-url", cryptopay.AlphaPoBaseURL, "live: the AlphaPo API base URL")
	flag.Parse()

	if err := run(context.Background(), os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, cfg config) error {
	out = &syncWriter{w: out} // the demo's shop prints from its own goroutine
	if cfg.live() {
		return live(ctx, &report{out: out}, cfg)
	}
	if cfg.to != "" || cfg.send || cfg.takeAddress {
		return errors.New("-to, -send and -take-address need credentials (APIRONE_ACCOUNT or ALPHAPO_KEY); the demo runs without them")
	}
	return demo(ctx, out)
}

// syncWriter serializes writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// report prints numbered steps and their details.
type report struct {
	out  io.Writer
	step int
}

func (r *report) title(format string, args ...any) {
	r.step++
	fmt.Fprintf(r.out, "\n%d. %s\n", r.step, fmt.Sprintf(format, args...))
}

func (r *report) say(format string, args ...any) {
	fmt.Fprintf(r.out, "   %s\n", fmt.Sprintf(format, args...))
}

// decimals is how many decimal places a coin has over its minor unit.
var decimals = map[string]int{"btc": 8, "ltc": 8, "bch": 8, "doge": 8, "tbtc": 8, "trx": 6, "eth": 18}

// money renders an amount in minor units and, for a known currency, in
// whole coins: "150000 satoshi (0.00150000 BTC)".
func money(a cryptopay.Amount, currency, units string) string {
	s := a.String() + " " + units
	if d, known := decimals[currency]; known {
		s += " (" + cryptopay.FormatUnits(a, d) + " " + strings.ToUpper(currency) + ")"
	}
	return s
}

// short shortens a long id for display.
func short(id string) string {
	if len(id) <= 16 {
		return id
	}
	return id[:8] + "…" + id[len(id)-6:]
}

// printHistory prints a history page, newest first.
func printHistory(r *report, page *cryptopay.HistoryPage, units string) {
	if len(page.Items) == 0 {
		r.say("(empty)")
	}
	for _, item := range page.Items {
		state := "confirmed"
		if !item.IsConfirmed {
			state = "unconfirmed"
		}
		r.say("%s  %-7s %s  %s  id %s", item.Date.Format("2006-01-02 15:04:05"), item.Type,
			money(item.Amount, item.Currency, units), state, short(item.ID))
	}
	r.say("%d item(s) in all", page.Pagination.Total)
}

// printEstimate prints what a transfer would do.
func printEstimate(r *report, est *cryptopay.Estimation, units string) {
	for _, d := range est.Destinations {
		r.say("%s receives %s", d.Address, money(d.Amount, est.Currency, units))
	}
	r.say("network fee %s (%s, rate %s)", money(est.Fee.Network.Amount, est.Currency, units), est.Fee.Network.Strategy, est.Fee.Network.Rate)
	r.say("leaves the account: %s", money(est.Total, est.Currency, units))
}
