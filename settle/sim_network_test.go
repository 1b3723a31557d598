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
	simApironeURL = "https://shop.example/apirone"
	simAlphaPoURL = "https://shop.example/alphapo"
)

// simFate is what the network does to one callback on its way to the shop.
type simFate int

const (
	fateDelivered  simFate = iota // the handler answers the fake
	fateMissed                    // lost on the way: the handler never sees it
	fateAnswerLost                // the handler runs, its answer is lost: the fake sends it again
	fateHeld                      // delayed: it arrives later, after newer ones (reordered)
	fateDuplicated                // it arrives twice
)

// simNetwork carries the fake's callbacks to the shop's handler, as an
// http.RoundTripper for cryptopaytest.WithCallbackClient, with the faults
// a fate draws. AlphaPo callbacks are answered 200 without a handler.
type simNetwork struct {
	rng     *simRand
	handler http.Handler
	faulty  bool // false: every callback is delivered
	down    bool // every callback is missed
	held    []*http.Request
	fates   [fateDuplicated + 1]int // how many callbacks met each fate
}

func (n *simNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if r.URL.Path == "/alphapo" {
		return simAnswer(http.StatusOK), nil
	}
	f := fateDelivered
	switch {
	case n.down:
		f = fateMissed
	case n.faulty:
		f = simFate(n.rng.pick(55, 12, 12, 12, 9))
	}
	n.fates[f]++
	switch f {
	case fateMissed:
		return simAnswer(http.StatusBadGateway), nil
	case fateAnswerLost:
		n.serve(r, body)
		return simAnswer(http.StatusGatewayTimeout), nil
	case fateHeld:
		n.held = append(n.held, simCopyRequest(r, body))
		return simAnswer(http.StatusBadGateway), nil
	case fateDuplicated:
		n.serve(r, body)
	}
	return n.serve(r, body).Result(), nil
}

// serve hands a copy of r with body to the handler and returns its answer.
func (n *simNetwork) serve(r *http.Request, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	n.handler.ServeHTTP(rec, simCopyRequest(r, body))
	return rec
}

// release delivers the held callbacks in a random order; their answers
// reach no one.
func (n *simNetwork) release() {
	held := slices.Clone(n.held)
	n.held = nil
	simShuffle(n.rng, held)
	for _, r := range held {
		body, _ := io.ReadAll(r.Body)
		n.serve(r, body)
	}
}

func simCopyRequest(r *http.Request, body []byte) *http.Request {
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.RequestURI = r.URL.RequestURI()
	return c
}

func simAnswer(status int) *http.Response {
	rec := httptest.NewRecorder()
	rec.WriteHeader(status)
	return rec.Result()
}
