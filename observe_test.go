package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// observed returns a client on srv whose observer records every CallInfo
// (durations zeroed) and whose retry waits are not slept.
func observed(t *testing.T, srv *httptest.Server) (*Account, *[]CallInfo) {
	t.Helper()
	var got []CallInfo
	c, err := NewClient(WithHTTPClient(srv.Client()), WithBaseURL(srv.URL), WithObserver(func(ci CallInfo) {
		assert.GreaterOrEqual(t, ci.Duration, time.Duration(0))
		assert.Less(t, ci.Duration, time.Minute, "the try's or the call's time, with an observer and no logger")
		ci.Duration = 0
		got = append(got, ci)
	}))
	require.NoError(t, err)
	c.sleep = func(context.Context, time.Duration) error { return nil }
	return c.Account(testAccountID, testTransferKey), &got
}

func TestObserverSeesTriesAndTheCall(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, `{"account":%q,"currency":"btc","callback":null}`, testAccountID)
	}))
	defer srv.Close()
	acct, got := observed(t, srv)

	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	route := "GET /v2/accounts/{account}/callback"
	assert.Equal(t, []CallInfo{
		{Route: route, Attempt: 1, Status: 503, Class: ClassStatus},
		{Route: route, Attempt: 2, Status: 200, Class: ClassOK},
		{Route: route, Call: true, Attempt: 2, Status: 200, Class: ClassOK},
	}, *got)
	for _, ci := range *got {
		assert.NotContains(t, fmt.Sprintf("%+v", ci), testTransferKey)
		assert.NotContains(t, fmt.Sprintf("%+v", ci), testAccountID, "the route template, not the filled path")
	}
}

func TestObserverSaysWhetherMoneyMayHaveMoved(t *testing.T) {
	params := &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: Units(1000)}}}
	route := "POST /v2/accounts/{account}/transfer"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		try     CallInfo
	}{
		{"done", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"account":%q,"currency":"btc","id":"p1","txs":["t"]}`, testAccountID)
		}, CallInfo{Route: route, Attempt: 1, Status: 200, Class: ClassOK, MoneyMayHaveMoved: true}},
		{"refused", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"message":"Not enough funds."}`, http.StatusBadRequest)
		}, CallInfo{Route: route, Attempt: 1, Status: 400, Class: ClassStatus}},
		{"answer lost", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}, CallInfo{Route: route, Attempt: 1, Class: ClassTransport, MoneyMayHaveMoved: true}},
		{"server failed", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}, CallInfo{Route: route, Attempt: 1, Status: 502, Class: ClassStatus, MoneyMayHaveMoved: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			acct, got := observed(t, srv)
			_, err := acct.Transfer(context.Background(), params)
			call := tt.try
			call.Call = true
			assert.Equal(t, []CallInfo{tt.try, call}, *got)
			assert.Equal(t, tt.try.MoneyMayHaveMoved && err != nil, errors.Is(err, ErrOutcomeUnknown))
		})
	}
}

func TestObserverSeesACallRefusedBeforeSending(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	acct, got := observed(t, srv)
	_, err := acct.Transfer(context.Background(), nil)
	require.ErrorIs(t, err, ErrInvalidParams)
	assert.Equal(t, []CallInfo{{Route: "POST /v2/accounts/{account}/transfer", Call: true, Class: ClassParams}}, *got)
}

func TestClassify(t *testing.T) {
	ctxErr := fmt.Errorf("cryptopay: GET /v2/x: %w", context.DeadlineExceeded)
	tests := []struct {
		err    error
		status int
		want   ErrorClass
	}{
		{nil, 200, ClassOK},
		{invalid("currency", "is required"), 0, ClassParams},
		{ctxErr, 200, ClassCanceled},
		{&outcomeUnknownError{err: &APIError{StatusCode: 500}}, 500, ClassStatus},
		{errors.New("decoding response: unexpected end"), 200, ClassResponse},
		{errors.New("connection reset"), 0, ClassTransport},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, classify(tt.err, tt.status), "%v", tt.err)
	}
}
