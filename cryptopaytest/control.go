package cryptopaytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
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
// "error", "acknowledged"}. ControlRoutes lists the routes:
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
// Fields not listed are refused, so that a typo does not pass unnoticed.
// The control API needs no credentials: serve it only where the merchant's
// test environment can reach it. So that a web page the developer visits
// cannot drive it, it answers 415 to a request with a body that is not
// Content-Type application/json (a browser sends JSON cross-site only
// after a preflight, which the control API does not answer) and 403 to a
// request whose Origin header names another host than the one it calls.
func WithControlAPI() Option {
	return func(s *Server) { s.control = &controlState{} }
}

// maxMineBlocks is the most blocks one /_control/mine call adds, so that
// a careless call cannot hold the server for hours.
const maxMineBlocks = 1000

// ControlRoute is one route of the control API (see WithControlAPI).
type ControlRoute struct {
	Method  string   // "POST" or "GET"
	Path    string   // e.g. "/_control/deposit"
	Fields  []string // the JSON body's fields, all optional unless Summary says
	Summary string   // the Server method it calls and what it does
	Reply   []string // the answer's JSON fields
}

// String renders r as the control API's docs list it: the method, path
// and fields, then, indented, the summary and the reply.
func (r ControlRoute) String() string {
	head := r.Method + " " + r.Path
	if len(r.Fields) > 0 {
		head += " " + jsonKeys(r.Fields)
	}
	return head + "\n    " + r.Summary + " → " + jsonKeys(r.Reply)
}

// jsonKeys renders names as {"a", "b"}.
func jsonKeys(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	return "{" + strings.Join(quoted, ", ") + "}"
}

// ControlRoutes returns the control API's routes, in the order its docs
// list them. The fields of each are read from the types the route
// decodes and answers, so the list cannot drift from what is served.
func ControlRoutes() []ControlRoute {
	out := make([]ControlRoute, len(controlRoutes))
	for i, r := range controlRoutes {
		out[i] = r.ControlRoute
	}
	return out
}

// controlRoute is a ControlRoute and what serves it.
type controlRoute struct {
	ControlRoute
	serve func(s *Server) http.HandlerFunc
}

// route declares a control route served by do, its fields and reply read
// from In and Out.
func route[In, Out any](method, path, summary string, do func(s *Server, ctx context.Context, in *In) (*Out, error)) controlRoute {
	return controlRoute{
		ControlRoute: ControlRoute{
			Method: method, Path: ControlPrefix + path, Summary: summary,
			Fields: jsonNames(reflect.TypeFor[In]()), Reply: jsonNames(reflect.TypeFor[Out]()),
		},
		serve: func(s *Server) http.HandlerFunc { return controlCall(s, do) },
	}
}

// jsonNames returns the JSON names of t's fields, in order.
func jsonNames(t reflect.Type) []string {
	names := []string{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// controlRoutes is the one list of the control API's routes: the server
// serves it, ControlRoutes reports it, and tests check WithControlAPI's
// docs and cmd/cryptopaytest's against it.
var controlRoutes = []controlRoute{
	route("POST", "deposit", "Deposit: pays amount (minor units) into an Apirone address; date is RFC 3339.", (*Server).controlDeposit),
	route("POST", "alphapo/deposit", `AlphaPoDeposit: pays amount (whole coins, "0.01") into an AlphaPo address.`, (*Server).controlAlphaPoDeposit),
	route("POST", "alphapo/callback-url", "SetAlphaPoCallbackURL: where AlphaPo callbacks go.", (*Server).controlAlphaPoCallbackURL),
	route("POST", "mine", "Mine: adds blocks (1 if not given, at most 1000 a call).", (*Server).controlMine),
	route("POST", "advance", `Advance: moves the clock by a Go duration ("90s", "1h").`, (*Server).controlAdvance),
	route("POST", "fail", `FailNext: the next calls to route ("POST /v2/accounts/{account}/transfer") fail as the Failure fields say.`, (*Server).controlFail),
	route("GET", "callbacks", "Every delivery the control API made, oldest first.", (*Server).controlCallbacks),
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
	for _, r := range controlRoutes {
		mux.HandleFunc(r.Method+" "+r.Path, r.serve(s))
	}
	mux.HandleFunc(ControlPrefix, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, reply{http.StatusNotFound, controlError{"no control route " + r.Method + " " + r.URL.Path}})
	})
	return crossSiteGuard(mux)
}

// crossSiteGuard refuses what a web page could send to the control API
// without the user knowing: a body of another type than JSON, which a
// browser sends cross-site without a preflight (415), and a call whose
// Origin is not the server itself (403).
func crossSiteGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !sameHost(origin, r.Host) {
			writeJSON(w, reply{http.StatusForbidden, controlError{"control API: refused a call from origin " + strconv.Quote(origin)}})
			return
		}
		if r.Method != http.MethodGet && !isJSON(r.Header.Get("Content-Type")) {
			writeJSON(w, reply{http.StatusUnsupportedMediaType, controlError{"control API: want Content-Type application/json"}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameHost reports whether origin ("http://host:port") names host.
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == host
}

// isJSON reports whether the media type is application/json.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// controlCall decodes the JSON body (none is {}) into a new In, refusing
// unknown fields, runs do and writes its answer, or its error as 400.
func controlCall[In, Out any](s *Server, do func(s *Server, ctx context.Context, in *In) (*Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := new(In)
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(in); err != nil && !errors.Is(err, io.EOF) {
			writeJSON(w, reply{http.StatusBadRequest, controlError{"invalid JSON body: " + err.Error()}})
			return
		}
		out, err := do(s, r.Context(), in)
		if err != nil {
			writeJSON(w, reply{http.StatusBadRequest, controlError{err.Error()}})
			return
		}
		writeJSON(w, ok(out))
	}
}

// controlDepositIn is DepositParams over HTTP.
type controlDepositIn struct {
	Address       string           `json:"address"`
	Amount        cryptopay.Amount `json:"amount"`
	Confirmations int              `json:"confirmations"`
	Date          time.Time        `json:"date"`
	TxID          string           `json:"txid"`
}

type controlDepositOut struct {
	Payment    string         `json:"payment"`
	TxID       string         `json:"txid"`
	Deliveries []deliveryJSON `json:"deliveries"`
}

func (s *Server) controlDeposit(ctx context.Context, in *controlDepositIn) (*controlDepositOut, error) {
	res, err := s.Deposit(ctx, DepositParams(*in))
	if err != nil {
		return nil, err
	}
	return &controlDepositOut{res.Payment, res.TxID, s.control.record(res.Deliveries)}, nil
}

// controlAlphaPoDepositIn is AlphaPoDepositParams over HTTP.
type controlAlphaPoDepositIn struct {
	Address       string            `json:"address"`
	Amount        cryptopay.Decimal `json:"amount"`
	Confirmations int               `json:"confirmations"`
	CallbackURL   string            `json:"callback_url"`
	TxID          string            `json:"txid"`
	RiskScore     string            `json:"risk_score"`
}

type controlAlphaPoDepositOut struct {
	ID         int64          `json:"id"`
	TxID       string         `json:"txid"`
	Deliveries []deliveryJSON `json:"deliveries"`
}

func (s *Server) controlAlphaPoDeposit(ctx context.Context, in *controlAlphaPoDepositIn) (*controlAlphaPoDepositOut, error) {
	res, err := s.AlphaPoDeposit(ctx, AlphaPoDepositParams(*in))
	if err != nil {
		return nil, err
	}
	return &controlAlphaPoDepositOut{res.ID, res.TxID, s.control.record(res.Deliveries)}, nil
}

type controlURLIn struct {
	URL string `json:"url"`
}

type controlEmpty struct{}

func (s *Server) controlAlphaPoCallbackURL(_ context.Context, in *controlURLIn) (*controlEmpty, error) {
	s.SetAlphaPoCallbackURL(in.URL)
	return &controlEmpty{}, nil
}

type controlMineIn struct {
	Blocks *int `json:"blocks"`
}

type controlDeliveries struct {
	Deliveries []deliveryJSON `json:"deliveries"`
}

func (s *Server) controlMine(ctx context.Context, in *controlMineIn) (*controlDeliveries, error) {
	n := 1
	if in.Blocks != nil {
		n = *in.Blocks
	}
	if n < 1 || n > maxMineBlocks {
		return nil, fmt.Errorf("cryptopaytest: blocks must be from 1 to %d, got %d", maxMineBlocks, n)
	}
	ds, err := s.Mine(ctx, n)
	out := s.control.record(ds) // recorded even when ctx ended midway
	if err != nil {
		return nil, err
	}
	return &controlDeliveries{out}, nil
}

type controlAdvanceIn struct {
	Duration string `json:"duration"`
}

type controlAdvanceOut struct {
	Now        time.Time      `json:"now"`
	Deliveries []deliveryJSON `json:"deliveries"`
}

func (s *Server) controlAdvance(ctx context.Context, in *controlAdvanceIn) (*controlAdvanceOut, error) {
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		return nil, fmt.Errorf("cryptopaytest: duration: want a Go duration such as \"90s\" or \"1h\", got %q", in.Duration)
	}
	ds, err := s.Advance(ctx, d)
	if err != nil {
		return nil, err
	}
	return &controlAdvanceOut{s.Now(), s.control.record(ds)}, nil
}

// controlFailIn is FailNext's arguments over HTTP: its pattern and count,
// then the Failure's fields.
type controlFailIn struct {
	Route       string `json:"route"`
	Times       *int   `json:"times"`
	Status      int    `json:"status"`
	Body        string `json:"body"`
	Drop        bool   `json:"drop"`
	Delay       string `json:"delay"`
	AfterEffect bool   `json:"after_effect"`
}

func (s *Server) controlFail(_ context.Context, in *controlFailIn) (*controlEmpty, error) {
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
	return &controlEmpty{}, nil
}

type controlCallbacksOut struct {
	Callbacks []deliveryJSON `json:"callbacks"`
}

func (s *Server) controlCallbacks(context.Context, *controlEmpty) (*controlCallbacksOut, error) {
	s.control.mu.Lock()
	defer s.control.mu.Unlock()
	return &controlCallbacksOut{append([]deliveryJSON{}, s.control.delivered...)}, nil
}
