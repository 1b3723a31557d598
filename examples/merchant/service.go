package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/settle"
)

// Config is what a Service needs. Build the clients with
// cryptopay.WithObserver(metrics.Observe) so that their calls are counted.
type Config struct {
	Store   *Store
	Logger  *slog.Logger
	Metrics *Metrics

	// Account is the Apirone account, with its transfer key: it generates
	// addresses and invoices, confirms callbacks, pays out and replays.
	Account *cryptopay.Account
	// AlphaPo and the key pair its callbacks are signed with; nil AlphaPo
	// turns the AlphaPo flow off.
	AlphaPo                   *cryptopay.AlphaPoClient
	AlphaPoKey, AlphaPoSecret string
	// PublicURL is where the providers reach this service's /callbacks/...
	PublicURL string
	// CallbackSecret, long and random, goes into every Apirone callback and
	// is checked on arrival; it is never logged.
	CallbackSecret string
	// Confirmations is how many confirmations a payment needs before it is
	// credited; a replayed payment, which carries no count, once the API
	// shows it confirmed and it is settle.ConfirmationPolicy.ReplayAge old.
	Confirmations settle.ConfirmationPolicy
	// PayoutLookupGrace is how long "not found" after a lost payout answer
	// is not final: longer than a send may run (30 s a try by default), plus
	// a margin. Zero sends again at once (tests only).
	PayoutLookupGrace time.Duration
}

// Service is the merchant backend: orders, payments, payouts, catch-up.
// Any number of instances may share one PostgreSQL database; an SQLite
// database serves one instance (see Store).
type Service struct {
	Config
	verifier *cryptopay.AlphaPoCallbackVerifier
}

// NewService checks cfg and returns the service.
func NewService(cfg Config) (*Service, error) {
	s := &Service{Config: cfg}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Metrics == nil {
		s.Metrics = NewMetrics()
	}
	if s.AlphaPo != nil {
		v, err := cryptopay.NewAlphaPoCallbackVerifier(cfg.AlphaPoKey, cfg.AlphaPoSecret)
		if err != nil {
			return nil, err
		}
		s.verifier = v
	}
	return s, nil
}

// Handler serves the service's HTTP API:
//
//	POST /orders             {"method", "currency", "price", "customer"} -> order
//	GET  /orders/{id}        -> order
//	POST /payouts            {"provider", "currency", "address", "amount"} -> payout
//	GET  /payouts/{id}       -> payout
//	POST /jobs/payouts       send planned payouts, settle unknown ones -> counts
//	POST /jobs/catchup       replay what the callbacks missed -> {"ran"}
//	GET  /healthz            200 when the database answers, else 503
//	GET  /metrics            Prometheus metrics
//	/callbacks/apirone/payment, /callbacks/apirone/invoice, /callbacks/alphapo
//
// The callbacks prove themselves (a secret and the API's confirmation,
// AlphaPo's signature); the other routes trust their caller: serve them
// only to your own systems, behind your authentication.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.handleCreateOrder)
	mux.HandleFunc("GET /orders/{id}", s.handleGetOrder)
	mux.HandleFunc("POST /payouts", s.handleCreatePayout)
	mux.HandleFunc("GET /payouts/{id}", s.handleGetPayout)
	mux.HandleFunc("POST /jobs/payouts", s.handlePayoutJob)
	mux.HandleFunc("POST /jobs/catchup", s.handleCatchUpJob)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", s.Metrics.Handler())
	mux.Handle("/callbacks/apirone/payment", s.paymentHandler())
	mux.Handle("/callbacks/apirone/invoice", s.invoiceHandler())
	if s.verifier != nil {
		mux.Handle("/callbacks/alphapo", s.verifier.Handler(s.onAlphaPo("callback"),
			cryptopay.WithCallbackLogger(s.Logger)))
	}
	return mux
}

func (s *Service) paymentHandler() http.Handler {
	return cryptopay.PaymentCallbackHandler(s.onPayment("callback"), s.apironeCallbackOptions()...)
}

func (s *Service) invoiceHandler() http.Handler {
	return cryptopay.InvoiceCallbackHandler(s.onInvoice("callback"), s.apironeCallbackOptions()...)
}

func (s *Service) apironeCallbackOptions() []cryptopay.CallbackOption {
	return []cryptopay.CallbackOption{
		s.secretOption(),
		cryptopay.WithCallbackConfirm(s.Account), // believe the API, not the callback
		cryptopay.WithCallbackLogger(s.Logger),
	}
}

// secretKey is the callback data key (Apirone payment callbacks) or query
// parameter (invoice callbacks) that carries the callback secret.
const secretKey = "secret"

func (s *Service) secretOption() cryptopay.CallbackOption {
	return cryptopay.WithCallbackSecret(secretKey, s.CallbackSecret)
}
