package cryptopaytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

// ControlPrefix is the path below which WithControlAPI serves the control
// API. No route of either API starts with it.
const ControlPrefix = "/_control/"

// WithControlAPI serves a control API under ControlPrefix, so that a
// program in any language can drive the server over HTTP as a Go test
// drives it through its methods. The command cmd/cryptopaytest serves it.
// Bodies are JSON in and out; an error is 400 {"error": "..."}, an unknown
// route 404. Deliveries are the callbacks sent (see Delivery), each as
// {"method", "url", "body", "confirmations", "status", "response",
// "error", "acknowledged"}.
//
//	POST /_control/deposit {"address", "amount", "confirmations", "txid"}
//	    Deposit: pays amount (minor units) into an Apirone address.
//	    → {"payment", "txid", "deliveries"}
//	POST /_control/alphapo/deposit {"address", "amount", "confirmations", "callback_url", "txid"}
//	    AlphaPoDeposit: pays amount (whole coins, "0.01") into an AlphaPo address.
//	    → {"id", "txid", "deliveries"}
//	POST /_control/alphapo/callback-url {"url"}
//	    SetAlphaPoCallbackURL. → {}
//	POST /_control/mine {"blocks"}
//	    Mine: adds blocks (1 if not given). → {"deliveries"}
//	POST /_control/advance {"duration"}
//	    Advance: moves the clock by a Go duration ("90s", "1h"). → {"now", "deliveries"}
//	POST /_control/fail {"route", "times", "status", "body", "drop", "delay", "after_effect"}
//	    FailNext: route is FailNext's pattern ("POST /v2/accounts/{account}/transfer"),
//	    times defaults to 1, delay is a Go duration, the rest are Failure's fields. → {}
//	GET /_control/callbacks
//	    Every delivery the control API made, oldest first. → {"callbacks"}
//
// Fields not listed are refused, so that a typo does not pass unnoticed.
// The control API needs no credentials: serve it only where the merchant's
// test environment can reach it.
func WithControlAPI() Option {
	return func(s *Server) { s.control = &controlState{} }
}

// controlState is what the control API keeps: the deliveries it made.
type controlState struct {
	mu        sync.Mutex
	delivered []deliveryJSON
}

// record keeps ds and returns them in their JSON form.
func (c *controlState) record(ds []Delivery) []deliveryJSON {
	out := make([]deliveryJSON, 0, len(ds))
	for _, d := range ds {
		j := deliveryJSON{
			Method: d.Method, URL: d.URL, Body: d.Body, Confirmations: d.Confirmations,
			Status: d.Status, Response: d.Response, Acknowledged: d.Acknowledged,
		}
		if d.Err != nil {
			j.Error = d.Err.Error()
		}
		out = append(out, j)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delivered = append(c.delivered, out...)
	return out
}

// deliveryJSON is a Delivery as the control API shows it.
type deliveryJSON struct {
	Method        string `json:"method"`
	URL           string `json:"url"`
	Body          string `json:"body"`
	Confirmations int    `json:"confirmations"`
	Status        int    `json:"status"`
	Response      string `json:"response"`
	Error         string `json:"error,omitempty"`
	Acknowledged  bool   `json:"acknowledged"`
}

type controlError struct {
	Error string `json:"error"`
}

// controlHandler serves the control API.
func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_control/deposit", controlCall(s.controlDeposit))
	mux.HandleFunc("POST /_control/alphapo/deposit", controlCall(s.controlAlphaPoDeposit))
	mux.HandleFunc("POST /_control/alphapo/callback-url", controlCall(s.controlAlphaPoCallbackURL))
	mux.HandleFunc("POST /_control/mine", controlCall(s.controlMine))
	mux.HandleFunc("POST /_control/advance", controlCall(s.controlAdvance))
	mux.HandleFunc("POST /_control/fail", controlCall(s.controlFail))
	mux.HandleFunc("GET /_control/callbacks", controlCall(s.controlCallbacks))
	mux.HandleFunc(ControlPrefix, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, reply{http.StatusNotFound, controlError{"no control route " + r.Method + " " + r.URL.Path}})
	})
	return mux
}

// controlCall decodes the JSON body (none is {}) into a new In, refusing
// unknown fields, runs do and writes its answer, or its error as 400.
func controlCall[In any](do func(ctx context.Context, in *In) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := new(In)
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(in); err != nil && !errors.Is(err, io.EOF) {
			writeJSON(w, reply{http.StatusBadRequest, controlError{"invalid JSON body: " + err.Error()}})
			return
		}
		out, err := do(r.Context(), in)
		if err != nil {
			writeJSON(w, reply{http.StatusBadRequest, controlError{err.Error()}})
			return
		}
		writeJSON(w, ok(out))
	}
}

type controlDepositIn struct {
	Address       string           `json:"address"`
	Amount        cryptopay.Amount `json:"amount"`
	Confirmations int              `json:"confirmations"`
	TxID          string           `json:"txid"`
}

func (s *Server) controlDeposit(ctx context.Context, in *controlDepositIn) (any, error) {
	res, err := s.Deposit(ctx, DepositParams{Address: in.Address, Amount: in.Amount, Confirmations: in.Confirmations, TxID: in.TxID})
	if err != nil {
		return nil, err
	}
	return struct {
		Payment    string         `json:"payment"`
		TxID       string         `json:"txid"`
		Deliveries []deliveryJSON `json:"deliveries"`
	}{res.Payment, res.TxID, s.control.record(res.Deliveries)}, nil
}

type controlAlphaPoDepositIn struct {
	Address       string            `json:"address"`
	Amount        cryptopay.Decimal `json:"amount"`
	Confirmations int               `json:"confirmations"`
	CallbackURL   string            `json:"callback_url"`
	TxID          string            `json:"txid"`
}

func (s *Server) controlAlphaPoDeposit(ctx context.Context, in *controlAlphaPoDepositIn) (any, error) {
	res, err := s.AlphaPoDeposit(ctx, AlphaPoDepositParams{
		Address: in.Address, Amount: in.Amount, Confirmations: in.Confirmations, CallbackURL: in.CallbackURL, TxID: in.TxID,
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ID         int64          `json:"id"`
		TxID       string         `json:"txid"`
		Deliveries []deliveryJSON `json:"deliveries"`
	}{res.ID, res.TxID, s.control.record(res.Deliveries)}, nil
}

type controlURLIn struct {
	URL string `json:"url"`
}

func (s *Server) controlAlphaPoCallbackURL(_ context.Context, in *controlURLIn) (any, error) {
	s.SetAlphaPoCallbackURL(in.URL)
	return struct{}{}, nil
}

type controlMineIn struct {
	Blocks *int `json:"blocks"`
}

func (s *Server) controlMine(ctx context.Context, in *controlMineIn) (any, error) {
	n := 1
	if in.Blocks != nil {
		n = *in.Blocks
	}
	if n < 1 {
		return nil, fmt.Errorf("cryptopaytest: blocks must be at least 1, got %d", n)
	}
	ds, err := s.Mine(ctx, n)
	out := s.control.record(ds) // recorded even when ctx ended midway
	if err != nil {
		return nil, err
	}
	return struct {
		Deliveries []deliveryJSON `json:"deliveries"`
	}{out}, nil
}

type controlAdvanceIn struct {
	Duration string `json:"duration"`
}

func (s *Server) controlAdvance(ctx context.Context, in *controlAdvanceIn) (any, error) {
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		return nil, fmt.Errorf("cryptopaytest: duration: want a Go duration such as \"90s\" or \"1h\", got %q", in.Duration)
	}
	ds, err := s.Advance(ctx, d)
	if err != nil {
		return nil, err
	}
	return struct {
		Now        time.Time      `json:"now"`
		Deliveries []deliveryJSON `json:"deliveries"`
	}{s.Now(), s.control.record(ds)}, nil
}

type controlFailIn struct {
	Route       string `json:"route"`
	Times       *int   `json:"times"`
	Status      int    `json:"status"`
	Body        string `json:"body"`
	Drop        bool   `json:"drop"`
	Delay       string `json:"delay"`
	AfterEffect bool   `json:"after_effect"`
}

func (s *Server) controlFail(_ context.Context, in *controlFailIn) (any, error) {
	f := Failure{Status: in.Status, Body: in.Body, Drop: in.Drop, AfterEffect: in.AfterEffect}
	n := 1
	if in.Times != nil {
		n = *in.Times
	}
	switch {
	case in.Route == "":
		return nil, errors.New("cryptopaytest: route is required")
	case n < 1:
		return nil, fmt.Errorf("cryptopaytest: times must be at least 1, got %d", n)
	case in.Status != 0 && (in.Status < 100 || in.Status > 599):
		return nil, fmt.Errorf("cryptopaytest: status must be an HTTP status, got %d", in.Status)
	}
	if in.Delay != "" {
		var err error
		if f.Delay, err = time.ParseDuration(in.Delay); err != nil || f.Delay < 0 {
			return nil, fmt.Errorf("cryptopaytest: delay: want a Go duration such as \"2s\", got %q", in.Delay)
		}
	}
	s.FailNext(in.Route, n, f)
	return struct{}{}, nil
}

func (s *Server) controlCallbacks(context.Context, *struct{}) (any, error) {
	s.control.mu.Lock()
	defer s.control.mu.Unlock()
	return struct {
		Callbacks []deliveryJSON `json:"callbacks"`
	}{append([]deliveryJSON{}, s.control.delivered...)}, nil
}
