// Command merchant is a small, complete merchant backend on the cryptopay
// SDK and a real database: orders paid through Apirone addresses or invoices
// or AlphaPo deposit addresses, callbacks credited exactly once, payouts that
// are never sent twice, a catch-up job for missed callbacks, a health
// endpoint and Prometheus metrics. Any number of instances may share one
// PostgreSQL database.
//
// With no flags it runs against an in-process cryptopaytest server and an
// SQLite file in a temporary directory, plays one order → payment → credit →
// payout cycle (its log says so) and keeps serving until interrupted:
//
//	go run ./examples/merchant   (from the repository's root, through its go.work)
//
// Against the real providers, set APIRONE_ACCOUNT, APIRONE_TRANSFER_KEY,
// CALLBACK_SECRET (and ALPHAPO_KEY, ALPHAPO_SECRET for AlphaPo), and give
// -public-url, where the providers reach this service, and -db or
// DATABASE_URL (postgres://... or an SQLite file).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "merchant:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	addr          string
	db            string
	publicURL     string
	real          bool
	apironeURL    string
	alphaPoURL    string
	createAccount bool
	confirmations int64
	interval      time.Duration
	once          bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("merchant", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "where to listen, host:port (port 0 picks one)")
	fs.StringVar(&o.db, "db", os.Getenv("DATABASE_URL"), "postgres://... or an SQLite file (default $DATABASE_URL, else a temporary SQLite file)")
	fs.StringVar(&o.publicURL, "public-url", "", "where the providers reach this service (default http://<addr>)")
	fs.BoolVar(&o.real, "real", false, "talk to the real APIs (APIRONE_ACCOUNT, APIRONE_TRANSFER_KEY, CALLBACK_SECRET, ALPHAPO_KEY, ALPHAPO_SECRET) instead of an in-process fake")
	fs.StringVar(&o.apironeURL, "apirone-url", "", "with -real: Apirone's base URL (default the real one)")
	fs.StringVar(&o.alphaPoURL, "alphapo-url", "", "with -real: AlphaPo's base URL (default the real one)")
	fs.BoolVar(&o.createAccount, "create-account", false, "with -real: create an Apirone account at start (for a test server such as cmd/cryptopaytest)")
	fs.Int64Var(&o.confirmations, "confirmations", settle.DefaultConfirmations, "confirmations a payment needs before it is credited")
	fs.DurationVar(&o.interval, "interval", 30*time.Second, "how often to send payouts and catch up")
	fs.BoolVar(&o.once, "once", false, "with the in-process fake: exit after the demonstration cycle")
	return o, fs.Parse(args)
}

// run is the command, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if o.publicURL == "" {
		o.publicURL = "http://" + ln.Addr().String()
	}
	store, cleanup, err := openDatabase(ctx, o.db, logger)
	if err != nil {
		return err
	}
	defer cleanup()

	metrics := NewMetrics()
	cfg := Config{Store: store, Logger: logger, Metrics: metrics, PublicURL: o.publicURL,
		Confirmations: settle.ConfirmationPolicy{Default: o.confirmations}, PayoutLookupGrace: 2 * time.Minute}
	var fake *cryptopaytest.Server
	if o.real {
		err = realProviders(ctx, &cfg, o, cryptopay.WithObserver(metrics.Observe))
	} else {
		fake = cryptopaytest.NewServer()
		defer fake.Close()
		err = fakeProviders(ctx, &cfg, fake, cryptopay.WithObserver(metrics.Observe))
	}
	if err != nil {
		return err
	}
	svc, err := NewService(cfg)
	if err != nil {
		return err
	}
	return serve(ctx, svc, ln, fake, o)
}

// serve serves the service on ln, runs the payout and catch-up jobs every
// interval, and plays the demonstration against fake if there is one.
func serve(ctx context.Context, svc *Service, ln net.Listener, fake *cryptopaytest.Server, o *options) error {
	hs := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	defer hs.Shutdown(context.WithoutCancel(ctx))
	svc.Logger.Info("serving", "url", o.publicURL)

	if fake != nil {
		if err := demo(ctx, svc, fake); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if o.once {
			return nil
		}
	}
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			svc.Logger.Info("stopping")
			return nil
		case err := <-served:
			return err
		case <-tick.C:
			runJobs(ctx, svc)
		}
	}
}

func runJobs(ctx context.Context, svc *Service) {
	if _, err := svc.RunPayouts(ctx); err != nil {
		svc.Logger.Error("payout job", "err", err)
	}
	svc.CatchUp(ctx) // logs its own outcome
}

// openDatabase opens dsn, or an SQLite file in a new temporary directory
// (removed by cleanup) when dsn is empty.
func openDatabase(ctx context.Context, dsn string, logger *slog.Logger) (*Store, func(), error) {
	cleanup := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "merchant-")
		if err != nil {
			return nil, nil, err
		}
		dsn = filepath.Join(dir, "merchant.db")
		cleanup = func() { os.RemoveAll(dir) }
	}
	store, err := OpenStore(ctx, dsn)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	logger.Info("database ready", "engine", map[bool]string{true: "postgresql", false: "sqlite"}[store.postgres])
	return store, func() { store.Close(); cleanup() }, nil
}

// realProviders configures the APIs at their real (or given) URLs from the
// environment.
func realProviders(ctx context.Context, cfg *Config, o *options, observe cryptopay.Option) error {
	cfg.CallbackSecret = os.Getenv("CALLBACK_SECRET")
	if len(cfg.CallbackSecret) < 16 {
		return errors.New("-real needs a CALLBACK_SECRET of 16 characters or more")
	}
	c, err := cryptopay.NewClient(withBaseURL([]cryptopay.Option{observe}, o.apironeURL)...)
	if err != nil {
		return err
	}
	account, key := os.Getenv("APIRONE_ACCOUNT"), os.Getenv("APIRONE_TRANSFER_KEY")
	if o.createAccount {
		created, err := c.CreateAccount(ctx)
		if err != nil {
			return err
		}
		account, key = created.Account, created.TransferKey
		cfg.Logger.Info("apirone account created", "account", account)
	}
	if account == "" || key == "" {
		return errors.New("-real needs APIRONE_ACCOUNT and APIRONE_TRANSFER_KEY, or -create-account")
	}
	cfg.Account = c.Account(account, key)
	cfg.AlphaPoKey, cfg.AlphaPoSecret = os.Getenv("ALPHAPO_KEY"), os.Getenv("ALPHAPO_SECRET")
	if cfg.AlphaPoKey != "" {
		cfg.AlphaPo, err = cryptopay.NewAlphaPoClient(cfg.AlphaPoKey, cfg.AlphaPoSecret,
			withBaseURL([]cryptopay.Option{observe}, o.alphaPoURL)...)
	}
	return err
}

// withBaseURL adds WithBaseURL(url) to opts unless url is "".
func withBaseURL(opts []cryptopay.Option, url string) []cryptopay.Option {
	if url == "" {
		return opts
	}
	return append(opts, cryptopay.WithBaseURL(url))
}

// fakeProviders configures fake's Apirone (a new account) and AlphaPo
// (callbacks to this service).
func fakeProviders(ctx context.Context, cfg *Config, fake *cryptopaytest.Server, observe cryptopay.Option) error {
	created, err := fake.Client(observe).CreateAccount(ctx)
	if err != nil {
		return err
	}
	cfg.Account = fake.Client(observe).Account(created.Account, created.TransferKey)
	cfg.AlphaPo = fake.AlphaPoClient(observe)
	cfg.AlphaPoKey, cfg.AlphaPoSecret = fake.AlphaPoCredentials()
	cfg.CallbackSecret = newID("secret") + newID("")
	fake.SetAlphaPoCallbackURL(cfg.PublicURL + "/callbacks/alphapo")
	return nil
}
