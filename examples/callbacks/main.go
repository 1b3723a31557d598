// Command callbacks is a server that receives the callbacks Apirone and
// AlphaPo send, verifies them and handles each event once.
//
//	APIRONE_CALLBACK_SECRET=... ALPHAPO_KEY=... ALPHAPO_SECRET=... \
//	    go run ./examples/callbacks -addr 127.0.0.1:8080
//
// Routes, each mounted only when its credentials are set:
//
//	/apirone/payment  Apirone payment callbacks (POST JSON or GET query);
//	                  create addresses with Callback.Data {"secret": ...}
//	/apirone/invoice  Apirone invoice callbacks; use a callback-url ending
//	                  in ?secret=...
//	/alphapo          AlphaPo callbacks, signed with your API key and secret
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	minConf := flag.Int64("confirmations", 1, "confirmations an Apirone payment needs before it is credited")
	flag.Parse()

	mux := http.NewServeMux()
	l := &ledger{done: make(map[string]bool)}
	mountApirone(mux, l, *minConf)
	mountAlphaPo(mux, l)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("listening on %s (Ctrl-C to stop)", *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// mountApirone serves Apirone's callbacks, accepting only those that carry
// the shared secret.
func mountApirone(mux *http.ServeMux, l *ledger, minConf int64) {
	secret := os.Getenv("APIRONE_CALLBACK_SECRET")
	if secret == "" {
		log.Print("APIRONE_CALLBACK_SECRET is not set: not receiving Apirone callbacks")
		return
	}
	check := cryptopay.WithCallbackSecret("secret", secret)
	report := cryptopay.WithCallbackLogger(slog.Default()) // why a callback was refused or not processed

	mux.Handle("/apirone/payment", cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		if cb.Confirmations < minConf {
			log.Printf("apirone: %s %s to %s has %d of %d confirmations: waiting", cb.Value, cb.Currency, cb.InputAddress, cb.Confirmations, minConf)
			return cryptopay.ErrNotYet // 500, not "*ok*": Apirone calls again on the next block; logged at debug level, not as a failure
		}
		l.once(cb.DedupeKey(), func() {
			log.Printf("apirone: credit order %q with %s minor units of %s (tx %s)", cb.Data["order"], cb.Value, cb.Currency, cb.InputTransactionHash)
		})
		return nil
	}, check, report))

	mux.Handle("/apirone/invoice", cryptopay.InvoiceCallbackHandler(func(ctx context.Context, cb *cryptopay.InvoiceCallback) error {
		// An invoice callback carries no amounts: before shipping, fetch the
		// invoice from the API and act on what it says.
		l.once(cb.DedupeKey(), func() {
			log.Printf("apirone: invoice %s is now %s: re-fetch it before acting", cb.Invoice, cb.Status)
		})
		return nil
	}, check, report))
	log.Print("receiving Apirone callbacks on /apirone/payment and /apirone/invoice")
}

// mountAlphaPo serves AlphaPo's callbacks, accepting only correctly signed
// ones.
func mountAlphaPo(mux *http.ServeMux, l *ledger) {
	v, err := cryptopay.NewAlphaPoCallbackVerifier(os.Getenv("ALPHAPO_KEY"), os.Getenv("ALPHAPO_SECRET"))
	if err != nil {
		log.Print("ALPHAPO_KEY and ALPHAPO_SECRET are not both set: not receiving AlphaPo callbacks")
		return
	}
	mux.Handle("/alphapo", v.Handler(func(ctx context.Context, cb *cryptopay.AlphaPoTransaction) error {
		switch cb.Status {
		case cryptopay.AlphaPoStatusConfirmed:
			l.once(cb.DedupeKey(), func() {
				log.Printf("alphapo: %s %d for %q confirmed: %s", cb.Type, cb.ID, foreignID(cb), received(cb))
			})
		case cryptopay.AlphaPoStatusCancelled, cryptopay.AlphaPoStatusDeclined, cryptopay.AlphaPoStatusFailed:
			l.once(cb.DedupeKey(), func() {
				log.Printf("alphapo: %s %d for %q %s: %s", cb.Type, cb.ID, foreignID(cb), cb.Status, cb.Error)
			})
		default:
			log.Printf("alphapo: %s %d is %s: waiting for a final status", cb.Type, cb.ID, cb.Status)
		}
		return nil // answered 200: AlphaPo sends a new callback when the status changes
	}, cryptopay.WithCallbackLogger(slog.Default())))
	log.Print("receiving AlphaPo callbacks on /alphapo")
}

// foreignID is your id the callback concerns: for a deposit, the customer
// the address was taken for (crypto_address.foreign_id, the only place
// AlphaPo sends it); for a withdrawal, exchange or invoice, its own.
func foreignID(cb *cryptopay.AlphaPoTransaction) string {
	switch {
	case cb.Type != cryptopay.AlphaPoTxDeposit && cb.Type != cryptopay.AlphaPoTxDepositExchange:
		return cb.ForeignID
	case cb.CryptoAddress != nil:
		return cb.CryptoAddress.ForeignID
	}
	return ""
}

func received(cb *cryptopay.AlphaPoTransaction) string {
	r := cb.CurrencyReceived
	switch {
	case r == nil:
		return "no amount"
	case r.AmountMinusFee != nil:
		return r.AmountMinusFee.String() + " " + r.Currency + " after fees"
	}
	return r.Amount.String() + " " + r.Currency
}

// ledger applies each event once. A real service keeps the keys in its
// database, written in the same transaction as the order update (e.g. a
// unique index on the key), so that a retry after a crash is still
// applied exactly once.
type ledger struct {
	mu   sync.Mutex
	done map[string]bool
}

func (l *ledger) once(key string, apply func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done[key] {
		log.Printf("duplicate delivery of %s: already handled", key)
		return
	}
	apply()
	l.done[key] = true
}
