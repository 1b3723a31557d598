// Command cryptopaytest runs the fake Apirone + AlphaPo server of package
// cryptopaytest as a process of its own, for merchant backends tested in
// docker-compose or from another language's test suite:
//
//	go run github.com/cryptopay-go/cryptopay/cmd/cryptopaytest -addr 127.0.0.1:8080
//
// It serves the Apirone API under /api and the AlphaPo API under
// /alphapo/api, exactly as package cryptopaytest does; point a client at
// them with cryptopay.WithBaseURL. On start it prints its URLs and the
// AlphaPo credentials it accepts, one KEY=VALUE line each, to standard
// output:
//
//	APIRONE_URL=http://127.0.0.1:8080/api
//	ALPHAPO_URL=http://127.0.0.1:8080/alphapo/api
//	ALPHAPO_KEY=test-alphapo-key
//	ALPHAPO_SECRET=test-alphapo-secret
//	CONTROL_URL=http://127.0.0.1:8080/_control/
//
// The URLs are built from the address it listens on; with -addr :8080 in
// a container, other containers reach it by the service's name instead.
// It stops on SIGINT or SIGTERM, once the calls in progress have finished,
// and exits 0. Everything it holds is in memory and lost on exit.
//
// # Flags
//
//	-addr host:port             where to listen (default 127.0.0.1:8080; port 0 picks a free one)
//	-clock RFC3339              the server's time at start (default: now); it then runs with the wall clock
//	-freeze                     stop the server's clock: only POST /_control/advance moves it
//	-token-lifetime duration    how long Apirone access tokens live (default 10m)
//	-alphapo-key string         the AlphaPo API key accepted (default "test-alphapo-key")
//	-alphapo-secret string      the AlphaPo API secret accepted and signing callbacks (default "test-alphapo-secret")
//	-alphapo-callback-url url   where AlphaPo callbacks go, the dashboard's setting (default: none)
//
// # Control API
//
// The blockchain and the clock are driven over HTTP, under /_control/,
// with JSON in and out (see cryptopaytest.WithControlAPI; -h prints the
// same list, made from cryptopaytest.ControlRoutes). A call with a body
// must say Content-Type: application/json, and a call from a web page of
// another origin is refused. An error is 400 {"error": "..."}. Callbacks
// go to the URLs the merchant registered (its own server), while the call
// is made, and are sent again with each block until acknowledged: "*ok*"
// for Apirone, status 200 for AlphaPo. A delivery is {"method", "url",
// "body", "confirmations", "status", "response", "error", "acknowledged"}.
//
//	POST /_control/deposit {"address", "amount", "confirmations", "date", "txid"}
//	    Deposit: pays amount (minor units) into an Apirone address; date is RFC 3339. → {"payment", "txid", "deliveries"}
//	POST /_control/alphapo/deposit {"address", "amount", "confirmations", "callback_url", "txid", "risk_score"}
//	    AlphaPoDeposit: pays amount (whole coins, "0.01") into an AlphaPo address. → {"id", "txid", "deliveries"}
//	POST /_control/alphapo/callback-url {"url"}
//	    SetAlphaPoCallbackURL: where AlphaPo callbacks go. → {}
//	POST /_control/mine {"blocks"}
//	    Mine: adds blocks (1 if not given, at most 1000 a call). → {"deliveries"}
//	POST /_control/advance {"duration"}
//	    Advance: moves the clock by a Go duration ("90s", "1h"). → {"now", "deliveries"}
//	POST /_control/fail {"route", "times", "status", "body", "drop", "delay", "after_effect"}
//	    FailNext: the next calls to route ("POST /v2/accounts/{account}/transfer") fail as the Failure fields say. → {}
//	GET /_control/callbacks
//	    Every delivery the control API made, oldest first. → {"callbacks"}
//
// The control API needs no credentials: publish the port only to the test
// environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// usage heads -h; the flags follow, then controlUsage.
const usage = `Usage: cryptopaytest [flags]

Runs the fake Apirone + AlphaPo server of package cryptopaytest: the Apirone
API under /api, AlphaPo under /alphapo/api, a control API under /_control/.
Prints APIRONE_URL, ALPHAPO_URL, ALPHAPO_KEY, ALPHAPO_SECRET and CONTROL_URL
lines on start; stops on SIGINT or SIGTERM.

Flags:
`

// controlUsage ends -h: the control API's routes, from
// cryptopaytest.ControlRoutes, the one list of them.
func controlUsage() string {
	var b strings.Builder
	b.WriteString("\nControl API (JSON in and out, Content-Type: application/json; an error is 400 {\"error\": \"...\"}):\n")
	for _, r := range cryptopaytest.ControlRoutes() {
		b.WriteString("  " + strings.ReplaceAll(r.String(), "\n", "\n  ") + "\n")
	}
	b.WriteString(`A delivery is {"method", "url", "body", "confirmations", "status", "response",
"error", "acknowledged"}. Callbacks go to the URLs the merchant registered and
are sent again with each block until acknowledged ("*ok*" for Apirone, 200 for
AlphaPo).
`)
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "cryptopaytest:", err)
		os.Exit(1)
	}
}

// errUsage is a bad command line, which the flag package has reported.
var errUsage = errors.New("usage")

// run serves until ctx ends, then closes the server.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cryptopaytest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), controlUsage())
	}
	addr := fs.String("addr", "127.0.0.1:8080", "where to listen, host:port; port 0 picks a free one")
	start := fs.String("clock", "", "the server's time at start, RFC 3339 (default: now); it then runs with the wall clock")
	freeze := fs.Bool("freeze", false, "stop the server's clock: only POST /_control/advance moves it")
	tokenLifetime := fs.Duration("token-lifetime", 10*time.Minute, "how long Apirone access tokens live, by the server's clock")
	key := fs.String("alphapo-key", "test-alphapo-key", "the AlphaPo API key the server accepts")
	secret := fs.String("alphapo-secret", "test-alphapo-secret", "the AlphaPo API secret the server accepts and signs callbacks with")
	callbackURL := fs.String("alphapo-callback-url", "", "where AlphaPo callbacks go, as set in the AlphaPo dashboard (default: none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (see -h)", fs.Args())
	}
	if *key == "" || *secret == "" {
		return errors.New("-alphapo-key and -alphapo-secret must not be empty")
	}
	now, err := clock(*start, *freeze)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := cryptopaytest.NewServer(
		cryptopaytest.WithListener(l),
		cryptopaytest.WithControlAPI(),
		cryptopaytest.WithClock(now),
		cryptopaytest.WithTokenLifetime(*tokenLifetime),
		cryptopaytest.WithAlphaPoCredentials(*key, *secret),
	)
	srv.SetAlphaPoCallbackURL(*callbackURL)
	k, s := srv.AlphaPoCredentials()
	fmt.Fprintf(stdout, "APIRONE_URL=%s\nALPHAPO_URL=%s\nALPHAPO_KEY=%s\nALPHAPO_SECRET=%s\nCONTROL_URL=%s\n",
		srv.ApironeURL(), srv.AlphaPoURL(), k, s, srv.URL()+cryptopaytest.ControlPrefix)

	<-ctx.Done()
	fmt.Fprintln(stderr, "cryptopaytest: stopping")
	srv.Close()
	fmt.Fprintln(stderr, "cryptopaytest: stopped")
	return nil
}

// clock returns the base of the server's clock: the wall clock, moved to
// start when given, or frozen at start (or now) with freeze.
func clock(start string, freeze bool) (func() time.Time, error) {
	launch := time.Now()
	at := launch
	if start != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, start); err != nil {
			return nil, fmt.Errorf("-clock: want an RFC 3339 time such as 2024-01-02T15:04:05Z, got %q", start)
		}
	}
	if freeze {
		return func() time.Time { return at }, nil
	}
	return func() time.Time { return at.Add(time.Since(launch)) }, nil
}
