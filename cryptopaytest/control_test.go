package cryptopaytest_test

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// controlDelivery is a delivery as the control API shows it.
type controlDelivery struct {
	Method        string
	URL           string
	Body          string
	Confirmations int
	Status        int
	Response      string
	Error         string
	Acknowledged  bool
}

// controlAnswer is any answer of the control API.
type controlAnswer struct {
	Payment    string
	TxID       string
	ID         int64
	Now        time.Time
	Deliveries []controlDelivery
	Callbacks  []controlDelivery
	Error      string
}

// jsonHeader is the Content-Type the control API takes.
var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// control calls the control API of srv and decodes the answer.
func control(t *testing.T, srv *cryptopaytest.Server, method, path, body string) (int, controlAnswer) {
	t.Helper()
	status, text := send(t, method, srv.URL()+path, body, jsonHeader)
	var ans controlAnswer
	require.NoError(t, json.Unmarshal([]byte(text), &ans), text)
	return status, ans
}

func TestControlAPIDrivesAPaymentOverHTTP(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	e := &env{t: t, srv: srv, c: srv.Client()}
	created, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)
	e.acct = e.c.Account(created.Account, created.TransferKey)
	// The shop acknowledges a payment once it has a confirmation.
	shop := newReceiver(t, func(in received) (int, string) {
		if strings.Contains(in.Body, `"confirmations":0`) {
			return http.StatusOK, "wait"
		}
		return http.StatusOK, "*ok*"
	})
	addr := e.address("btc", &cryptopay.Callback{URL: shop.URL + "/paid"})

	status, dep := control(t, srv, "POST", "/_control/deposit", `{"address":"`+addr+`","amount":150000,"txid":"aa11"}`)
	require.Equal(t, http.StatusOK, status, dep.Error)
	assert.Equal(t, "aa11", dep.TxID)
	assert.NotEmpty(t, dep.Payment)
	require.Len(t, dep.Deliveries, 1)
	assert.Equal(t, shop.URL+"/paid", dep.Deliveries[0].URL)
	assert.False(t, dep.Deliveries[0].Acknowledged)
	assert.Equal(t, "wait", dep.Deliveries[0].Response)

	status, mined := control(t, srv, "POST", "/_control/mine", "")
	require.Equal(t, http.StatusOK, status, mined.Error)
	require.Len(t, mined.Deliveries, 1)
	assert.Equal(t, 1, mined.Deliveries[0].Confirmations)
	assert.True(t, mined.Deliveries[0].Acknowledged)
	assert.Equal(t, cryptopay.NewAmount(150000), e.balance("btc").Available)
	assert.Len(t, shop.calls(), 2, "the callbacks went to the shop's own URL")

	_, mined = control(t, srv, "POST", "/_control/mine", `{"blocks":3}`)
	assert.Empty(t, mined.Deliveries, "an acknowledged callback is not sent again")

	_, list := control(t, srv, "GET", "/_control/callbacks", "")
	require.Len(t, list.Callbacks, 2)
	assert.Equal(t, dep.Deliveries[0], list.Callbacks[0])
	assert.JSONEq(t, dep.Deliveries[0].Body, list.Callbacks[0].Body)
}

func TestControlAPIClockAndFailures(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	before := srv.Now()
	status, adv := control(t, srv, "POST", "/_control/advance", `{"duration":"2h"}`)
	require.Equal(t, http.StatusOK, status, adv.Error)
	assert.WithinDuration(t, before.Add(2*time.Hour), adv.Now, time.Minute)
	assert.False(t, srv.Now().Before(before.Add(2*time.Hour)))

	status, ans := control(t, srv, "POST", "/_control/fail", `{"route":"GET /v2/networks/{currency}/fee","status":503,"body":"{\"message\":\"busy\"}"}`)
	require.Equal(t, http.StatusOK, status, ans.Error)
	c := srv.Client(cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 1}))
	_, err := c.NetworkFees(ctx, "btc")
	ae := apiError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, "busy", ae.Message)
	_, err = c.NetworkFees(ctx, "btc")
	assert.NoError(t, err, "times defaults to 1")
}

func TestControlAPIAlphaPoDeposit(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	shop := newReceiver(t, func(received) (int, string) { return http.StatusOK, "" })
	taken, err := srv.AlphaPoClient().TakeAddress(ctx, takeParams("BTC"))
	require.NoError(t, err)

	status, ans := control(t, srv, "POST", "/_control/alphapo/callback-url", `{"url":"`+shop.URL+`"}`)
	require.Equal(t, http.StatusOK, status, ans.Error)
	status, dep := control(t, srv, "POST", "/_control/alphapo/deposit", `{"address":"`+taken.Address+`","amount":"0.01","confirmations":1,"risk_score":"0.9"}`)
	require.Equal(t, http.StatusOK, status, dep.Error)
	assert.Contains(t, dep.Deliveries[0].Body, `"riskscore":"0.9"`, "the risk score a merchant's hold acts on")
	assert.NotZero(t, dep.ID)
	require.Len(t, dep.Deliveries, 1)
	assert.True(t, dep.Deliveries[0].Acknowledged)
	key, secret := srv.AlphaPoCredentials()
	calls := shop.calls()
	require.Len(t, calls, 1)
	assert.Equal(t, cryptopaytest.SignAlphaPoCallback(key, secret, []byte(calls[0].Body)).Get("X-Processing-Signature"),
		calls[0].Header.Get("X-Processing-Signature"), "the callback is signed as AlphaPo signs")
}

func TestControlAPIRefusesBadCalls(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	for _, tc := range []struct {
		method, path, body string
		status             int
		err                string
	}{
		{"POST", "/_control/deposit", `{"address":"nowhere","amount":1}`, 400, `no address "nowhere"`},
		{"POST", "/_control/deposit", `{"adress":"x"}`, 400, `unknown field "adress"`},
		{"POST", "/_control/deposit", `{"address":`, 400, "invalid JSON body"},
		{"POST", "/_control/mine", `{"blocks":0}`, 400, "blocks must be from 1 to 1000"},
		{"POST", "/_control/mine", `{"blocks":1001}`, 400, "blocks must be from 1 to 1000, got 1001"},
		{"POST", "/_control/advance", `{"duration":"-1s"}`, 400, "cannot move the clock back"},
		{"POST", "/_control/advance", `{"duration":"soon"}`, 400, "want a Go duration"},
		{"POST", "/_control/fail", `{"status":503}`, 400, "route is required"},
		{"POST", "/_control/fail", `{"route":"/v2/ticker","status":5}`, 400, "must be an HTTP status"},
		{"POST", "/_control/nothing", `{}`, 404, "no control route POST /_control/nothing"},
	} {
		status, ans := control(t, srv, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.status, status, "%s %s", tc.path, tc.body)
		assert.Contains(t, ans.Error, tc.err, "%s %s", tc.path, tc.body)
	}
}

func TestControlAPIIsOffByDefaultAndCannotBeOverridden(t *testing.T) {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	status, _ := send(t, "POST", srv.URL()+"/_control/mine", "", jsonHeader)
	assert.Equal(t, http.StatusNotFound, status)

	on := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer on.Close()
	on.Handle("POST /_control/mine", http.NotFoundHandler())
	on.FailNext("/_control/mine", 1, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
	status, _ = send(t, "POST", on.URL()+"/_control/mine", "", jsonHeader)
	assert.Equal(t, http.StatusOK, status)
}

// A deposit's date is accepted over HTTP as DepositParams.Date is in Go,
// and shows in the history item.
func TestControlAPIDepositDate(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	e := &env{t: t, srv: srv, c: srv.Client()}
	created, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)
	e.acct = e.c.Account(created.Account, created.TransferKey)
	addr := e.address("btc", nil)

	status, dep := control(t, srv, "POST", "/_control/deposit", `{"address":"`+addr+`","amount":5000,"date":"2023-04-05T06:07:08.123456Z"}`)
	require.Equal(t, http.StatusOK, status, dep.Error)
	item, err := e.acct.HistoryItem(ctx, dep.Payment)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2023, 4, 5, 6, 7, 8, 123456000, time.UTC), item.Created.Time)
}

// Two maximal advances leave the clock at its farthest, not in the past.
func TestControlAPIClockSaturates(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	start := srv.Now()
	var last time.Time
	for range 3 {
		status, adv := control(t, srv, "POST", "/_control/advance", `{"duration":"2562047h47m16.854775807s"}`)
		require.Equal(t, http.StatusOK, status, adv.Error)
		assert.False(t, adv.Now.Before(start.Add(time.Duration(math.MaxInt64)-time.Second)), "now %s", adv.Now)
		assert.False(t, adv.Now.Before(last), "the clock went back from %s to %s", last, adv.Now)
		last = adv.Now
	}
	assert.False(t, srv.Now().Before(last))
}

// What a web page in the developer's browser could send to a fake on
// their machine is refused, and nothing happens.
func TestControlAPIRefusesCrossSiteCalls(t *testing.T) {
	srv := cryptopaytest.NewServer(cryptopaytest.WithControlAPI())
	defer srv.Close()
	before := srv.Now()
	advance := `{"duration":"1h"}`
	for _, tc := range []struct {
		header http.Header
		status int
		err    string
	}{
		{nil, http.StatusUnsupportedMediaType, "want Content-Type application/json"},
		{http.Header{"Content-Type": {"text/plain"}}, http.StatusUnsupportedMediaType, "want Content-Type application/json"},
		{http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, http.StatusUnsupportedMediaType, "want Content-Type"},
		{http.Header{"Content-Type": {"application/json"}, "Origin": {"https://evil.example"}}, http.StatusForbidden, `refused a call from origin \"https://evil.example\"`},
		{http.Header{"Content-Type": {"text/plain"}, "Origin": {"http://attacker.test"}}, http.StatusForbidden, "refused a call from origin"},
		{http.Header{"Content-Type": {"application/json"}, "Origin": {"null"}}, http.StatusForbidden, "refused a call from origin"},
	} {
		status, text := send(t, "POST", srv.URL()+"/_control/advance", advance, tc.header)
		assert.Equal(t, tc.status, status, "%v", tc.header)
		assert.Contains(t, text, tc.err, "%v", tc.header)
	}
	status, text := send(t, "GET", srv.URL()+"/_control/callbacks", "", http.Header{"Origin": {"https://evil.example"}})
	assert.Equal(t, http.StatusForbidden, status, text)
	assert.True(t, srv.Now().Before(before.Add(time.Hour)), "no refused call moved the clock")

	same := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Origin": {srv.URL()}}
	status, text = send(t, "POST", srv.URL()+"/_control/advance", advance, same)
	assert.Equal(t, http.StatusOK, status, "a page the fake serves itself may call it: %s", text)
}

// The docs of WithControlAPI list every route as ControlRoutes renders it.
func TestControlAPIDocsListEveryRoute(t *testing.T) {
	src, err := os.ReadFile("control.go")
	require.NoError(t, err)
	routes := cryptopaytest.ControlRoutes()
	require.Len(t, routes, 7)
	for _, r := range routes {
		for _, line := range strings.Split(r.String(), "\n") {
			assert.Contains(t, string(src), "//\t"+line+"\n", "WithControlAPI's docs")
		}
	}
	assert.Equal(t, `POST /_control/deposit {"address", "amount", "confirmations", "date", "txid"}`, strings.Split(routes[0].String(), "\n")[0])
}
