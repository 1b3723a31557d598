package settle_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
)

// Where the fake sends callbacks: the transport below answers them in
// process, so that a seed replays exactly.
const (
	apironeCallbackURL = "https://shop.example/apirone"
	alphaPoCallbackURL = "https://shop.example/alphapo"
)

// fate is what the network does to one callback on its way to the shop.
type fate int

const (
	delivered  fate = iota // the handler answers the fake
	missed                 // lost on the way: the handler never sees it
	answerLost             // the handler runs, its answer is lost: the fake sends it again
	held                   // delayed: it arrives later, after newer ones (reordered)
	duplicated             // it arrives twice
)

// network carries the fake's callbacks to the shop's handler, as an
// http.RoundTripper for cryptopaytest.WithCallbackClient, with the faults
// a fate draws. AlphaPo callbacks are answered 200 without a handler.
type network struct {
	rng     *source
	handler http.Handler
	faulty  bool // false: every callback is delivered
	down    bool // every callback is missed
	held    []*http.Request
	fates   [duplicated + 1]int // how many callbacks met each fate
}

func (n *network) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if r.URL.Path == "/alphapo" {
		return answer(http.StatusOK), nil
	}
	f := delivered
	switch {
	case n.down:
		f = missed
	case n.faulty:
		f = fate(n.rng.pick(55, 12, 12, 12, 9))
	}
	n.fates[f]++
	switch f {
	case missed:
		return answer(http.StatusBadGateway), nil
	case answerLost:
		n.serve(r, body)
		return answer(http.StatusGatewayTimeout), nil
	case held:
		n.held = append(n.held, copyRequest(r, body))
		return answer(http.StatusBadGateway), nil
	case duplicated:
		n.serve(r, body)
	}
	return n.serve(r, body).Result(), nil
}

// serve hands a copy of r with body to the handler and returns its answer.
func (n *network) serve(r *http.Request, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	n.handler.ServeHTTP(rec, copyRequest(r, body))
	return rec
}

// release delivers the held callbacks in a random order; their answers
// reach no one.
func (n *network) release() {
	held := slices.Clone(n.held)
	n.held = nil
	shuffle(n.rng, held)
	for _, r := range held {
		body, _ := io.ReadAll(r.Body)
		n.serve(r, body)
	}
}

func copyRequest(r *http.Request, body []byte) *http.Request {
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.RequestURI = r.URL.RequestURI()
	return c
}

func answer(status int) *http.Response {
	rec := httptest.NewRecorder()
	rec.WriteHeader(status)
	return rec.Result()
}
