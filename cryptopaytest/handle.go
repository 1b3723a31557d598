package cryptopaytest

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// Handle makes h answer the requests pattern matches, in place of the
// server's own route: a test's escape hatch for an answer the fake does
// not give. pattern is an http.ServeMux pattern on the server's paths, the
// API's base path included:
//
//	srv.Handle("GET /api/v2/ticker", h)                     // Apirone
//	srv.Handle("POST /alphapo/api/v2/addresses/take", h)    // AlphaPo
//	srv.Handle("GET /api/v2/accounts/{account}/balance", h) // r.PathValue("account") works
//
// A route added by Handle wins over the built-in routes, whichever is
// more specific; among the added routes, ServeMux's precedence rules
// apply. Handling the same pattern again replaces h. FailNext's failures
// apply to these routes as to the built-in ones; the control API
// (WithControlAPI) cannot be overridden. h runs without the server's
// locks, so it may call the server's methods. Like http.ServeMux.Handle,
// Handle panics if pattern is invalid or conflicts with another pattern
// given to Handle.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.routes.add(pattern, h)
}

// overrides are the routes Handle added: a ServeMux rebuilt on each
// Handle, so that a pattern can be handled again.
type overrides struct {
	mu       sync.Mutex // serializes add
	handlers map[string]http.Handler
	mux      atomic.Pointer[http.ServeMux] // nil until the first Handle
}

func (o *overrides) add(pattern string, h http.Handler) {
	o.mu.Lock()
	defer o.mu.Unlock()
	mux := http.NewServeMux()
	mux.Handle(pattern, h) // panics on a bad pattern before anything changes
	for p, old := range o.handlers {
		if p != pattern {
			mux.Handle(p, old)
		}
	}
	if o.handlers == nil {
		o.handlers = map[string]http.Handler{}
	}
	o.handlers[pattern] = h
	o.mux.Store(mux)
}

// serve answers r with the added route that matches it, if any, and
// reports whether one did.
func (o *overrides) serve(w http.ResponseWriter, r *http.Request) bool {
	mux := o.mux.Load()
	if mux == nil {
		return false
	}
	if _, pattern := mux.Handler(r); pattern == "" {
		return false // no added route, or only for another method
	}
	mux.ServeHTTP(w, r) // matches again, setting r's path values
	return true
}
