package main

import (
	"net/http"
	"strconv"

	"github.com/cryptopay-go/cryptopay"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the service's Prometheus metrics, in a registry of their own
// (so that several services in one process, as in the tests, do not clash).
// The SDK's calls are counted from cryptopay.WithObserver: pass
// cryptopay.WithObserver(m.Observe) to both clients.
type Metrics struct {
	registry *prometheus.Registry
	calls    *prometheus.CounterVec   // per call: route, class, status
	duration *prometheus.HistogramVec // per call: route
	unknown  *prometheus.CounterVec   // money calls whose outcome is unknown: route
	credits  *prometheus.CounterVec   // method, source
	parked   prometheus.Counter
	payouts  *prometheus.CounterVec // the state a payout moved to
	catchups *prometheus.CounterVec // done, error, skipped
}

// NewMetrics registers the service's metrics in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cryptopay_calls_total", Help: "Provider API calls by route, error class and HTTP status.",
		}, []string{"route", "class", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cryptopay_call_duration_seconds", Help: "Provider API calls' duration, retries included.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		unknown: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cryptopay_outcome_unknown_total",
			Help: "Money-moving calls that failed after the request may have taken effect (ErrOutcomeUnknown), by route.",
		}, []string{"route"}),
		credits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "merchant_credits_total", Help: "Payments credited to orders, by method and source.",
		}, []string{"method", "source"}),
		parked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "merchant_parked_events_total", Help: "Events parked because they can never be credited.",
		}),
		payouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "merchant_payout_transitions_total", Help: "Payouts moved to a state, by state.",
		}, []string{"state"}),
		catchups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "merchant_catchup_runs_total", Help: "Catch-up runs, by result.",
		}, []string{"result"}),
	}
	m.registry.MustRegister(m.calls, m.duration, m.unknown, m.credits, m.parked, m.payouts, m.catchups,
		collectors.NewGoCollector())
	return m
}

// Observe is the function for cryptopay.WithObserver: it counts each whole
// call (not each try) by its route template, which holds no secret.
func (m *Metrics) Observe(info cryptopay.CallInfo) {
	if !info.Call {
		return
	}
	m.calls.WithLabelValues(info.Route, string(info.Class), strconv.Itoa(info.Status)).Inc()
	m.duration.WithLabelValues(info.Route).Observe(info.Duration.Seconds())
	if info.MoneyMayHaveMoved && info.Class != cryptopay.ClassOK {
		m.unknown.WithLabelValues(info.Route).Inc()
	}
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
