package cryptopaytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Failure is what FailNext makes a matching call do instead of its normal
// answer. Set Status or Drop to fail the call; Delay alone only slows it.
type Failure struct {
	// Status answers with this HTTP status.
	Status int
	// Body is the answer's body; "" means the status text in the error
	// shape of the call's API: {"error": "<status text>"} on an AlphaPo
	// route, {"message": "<status text>"} on an Apirone one, so a client
	// reads it as the provider's message.
	Body string
	// Drop closes the connection without answering: the client sees a
	// transport error. Note that Go's http.Transport resends a GET (any
	// idempotent request) once by itself when a reused keep-alive
	// connection closes unanswered, so a GET fails only if n covers the
	// resend too.
	Drop bool
	// Delay waits this long before answering (or failing), or until the
	// client gives up.
	Delay time.Duration
	// AfterEffect runs the call first, so it takes effect (a transfer is
	// made, an address generated), and only then fails as above: the
	// client cannot tell whether it did.
	AfterEffect bool
}

// failureRule is a Failure waiting for the calls it matches.
type failureRule struct {
	method   string   // "" = any
	segments []string // the path's segments; "{...}" matches any one
	left     int
	failure  Failure
}

// FailNext makes the next n calls matching pattern fail as f says. pattern
// is "[METHOD ]PATH" with PATH relative to the API's base, as the API
// documents it, and {name} matching any one path segment:
//
//	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: 503})
//	srv.FailNext("/v2/addresses/take", 2, cryptopaytest.Failure{Drop: true})
//
// Rules are used in the order they were added; a call uses at most one.
func (s *Server) FailNext(pattern string, n int, f Failure) {
	if n <= 0 {
		return
	}
	method, path, found := strings.Cut(pattern, " ")
	if !found {
		method, path = "", pattern
	}
	rule := &failureRule{method: method, segments: strings.Split(path, "/"), left: n, failure: f}
	s.failMu.Lock()
	defer s.failMu.Unlock()
	s.failures = append(s.failures, rule)
}

// takeFailure returns the failure for r, if a rule matches, and uses it up.
func (s *Server) takeFailure(r *http.Request) (Failure, bool) {
	segments := strings.Split(apiPath(r), "/")
	s.failMu.Lock()
	defer s.failMu.Unlock()
	for i, rule := range s.failures {
		if !rule.matches(r.Method, segments) {
			continue
		}
		if rule.left--; rule.left == 0 {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
		}
		return rule.failure, true
	}
	return Failure{}, false
}

func (rule *failureRule) matches(method string, segments []string) bool {
	if (rule.method != "" && rule.method != method) || len(rule.segments) != len(segments) {
		return false
	}
	for i, want := range rule.segments {
		wildcard := strings.HasPrefix(want, "{") && strings.HasSuffix(want, "}")
		if want != segments[i] && !(wildcard && segments[i] != "") {
			return false
		}
	}
	return true
}

// withFailures applies the failures FailNext set up before next answers.
func (s *Server) withFailures(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, found := s.takeFailure(r)
		if !found {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 && !sleep(r, f.Delay) {
			return
		}
		if f.Status == 0 && !f.Drop {
			next.ServeHTTP(w, r)
			return
		}
		if f.AfterEffect {
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		if f.Drop {
			panic(http.ErrAbortHandler) // net/http closes the connection unanswered
		}
		if f.Body == "" {
			writeJSON(w, errorReply(r, f.Status, http.StatusText(f.Status)))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
	})
}

// sleep waits d, or until the client gives up; it reports whether d passed.
func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
