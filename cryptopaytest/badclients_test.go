package cryptopaytest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallMidBody opens a raw connection to the server and starts a POST to
// path that promises a 1000-byte body but sends only part of it. It
// returns once the handler is reading the body: the server sends "100
// Continue" when a handler first reads the body of a request that expects
// it. Closing the connection ends the call.
func stallMidBody(t *testing.T, serverURL, path string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(serverURL, "http://"))
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute))) // against a hung test, not a bound
	_, err = io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: fake\r\nContent-Type: application/json\r\n"+
		"Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusContinue, resp.StatusCode)
	_, err = io.WriteString(conn, `{"login":"`)
	require.NoError(t, err)
	return conn
}

// A client that stalls in the middle of its request body holds up only its
// own call: calls from other clients, on either API, are answered.
func TestStalledBodyHoldsUpNoOtherCall(t *testing.T) {
	e := newEnv(t)
	key, secret := e.srv.AlphaPoCredentials()
	ap := alphaPoClient(t, e.srv, key, secret)
	for _, tc := range []struct{ name, path string }{
		{"login", "/api/v2/auth/login"},
		{"generate address", "/api/v2/accounts/" + e.acct.ID() + "/addresses"},
		{"take address", "/alphapo/api/v2/addresses/take"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := stallMidBody(t, e.srv.URL(), tc.path)
			defer conn.Close()

			// The calls take milliseconds; the stalled body, before the
			// fix, held them up for good.
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, err := e.c.CreateAccount(ctx)
			require.NoError(t, err)
			_, err = e.acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
			require.NoError(t, err)
			_, err = ap.Balances(ctx)
			require.NoError(t, err)
		})
	}
}

// Numbers that overflow, are negative, out of range or no numbers get a
// 400 with the provider's JSON error body on every route that reads a
// number: never a panic, a dropped connection or another status.
func TestBadNumbersGet400(t *testing.T) {
	e := newEnv(t)
	addr := e.address("btc", nil)
	e.deposit(addr, cryptopay.NewAmount(100000), 1)
	acct := e.srv.ApironeURL() + "/v2/accounts/" + e.acct.ID()
	addrURL := acct + "/addresses/" + addr
	key := "transfer-key=" + e.key
	integers := []string{"-1", "0", "abc", "1.5", "1e3", "9223372036854775807", "99999999999999999999", "-9223372036854775809"}

	// Apirone: {"message": "..."}.
	type call struct{ method, url, body string }
	var apirone []call
	for _, list := range []string{acct + "/addresses?", addrURL + "/history?", addrURL + "/callback-log?" + key + "&",
		acct + "/history?", acct + "/invoices?" + key + "&"} {
		for _, q := range []string{"limit=9223372036854775807&offset=1", "offset=9223372036854775807&limit=1",
			"limit=0", "limit=-1", "offset=-1", "limit=abc", "offset=1e3", "limit=99999999999999999999"} {
			apirone = append(apirone, call{http.MethodGet, list + q, ""})
		}
	}
	transfer := func(amount, feeRate string) string {
		return `{"currency":"btc","transfer-key":"` + e.key + `","destinations":[{"address":"` + external + `","amount":` + amount +
			`}],"fee":"custom","fee-rate":` + feeRate + `}`
	}
	for _, n := range integers {
		apirone = append(apirone,
			call{http.MethodGet, acct + "/transfer?currency=btc&fee=custom&fee-rate=10&destinations=" + external + ":" + n, ""},
			call{http.MethodGet, acct + "/transfer?currency=btc&fee=custom&destinations=" + external + ":1000&fee-rate=" + n, ""},
			call{http.MethodPost, acct + "/transfer", transfer(n, "10")},
			call{http.MethodPost, acct + "/transfer", transfer("1000", n)},
			call{http.MethodPost, acct + "/invoices", `{"currency":"btc","lifetime":` + n + `}`},
		)
	}
	for _, n := range []string{"-1", "abc", "1.5", "1e3"} {
		apirone = append(apirone, call{http.MethodPost, acct + "/invoices", `{"currency":"btc","amount":` + n + `}`})
	}
	for _, n := range []string{"-1", "0", "abc", "101", "1e3", "99999999999999999999"} {
		apirone = append(apirone, call{http.MethodPatch, acct,
			`{"currency":"btc","transfer-key":"` + e.key + `","destinations":[{"address":"` + external + `","amount":"` + n + `%"}]}`})
	}
	for _, c := range apirone {
		status, body := send(t, c.method, c.url, c.body, nil)
		var answer struct{ Message string }
		if assert.Equal(t, http.StatusBadRequest, status, "%s %s %s: %s", c.method, c.url, c.body, body) &&
			assert.NoError(t, json.Unmarshal([]byte(body), &answer), body) {
			assert.NotEmpty(t, answer.Message, "%s %s %s: %s", c.method, c.url, c.body, body)
		}
	}

	// AlphaPo: {"errors": {field: "..."}} or {"error": "...", "code": "..."}.
	// Amounts are decimals with at most 8 places.
	alphaKey, alphaSecret := e.srv.AlphaPoCredentials()
	var alphaPo []call
	for _, n := range []string{`"-1"`, `"0"`, `"abc"`, `"1e3"`, `1e999`, `"0.000000001"`, `1e-9`, `"-9223372036854775809"`} {
		alphaPo = append(alphaPo,
			call{http.MethodPost, "/v2/withdrawal/crypto", `{"currency":"BTC","amount":` + n + `,"address":"` + external + `","foreign_id":"w","end_user_reference":"u"}`},
			call{http.MethodPost, "/v2/exchange/calculate", `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":` + n + `}`},
			call{http.MethodPost, "/v2/exchange/now", `{"sender_currency":"BTC","receiver_currency":"EUR","receiver_amount":` + n + `,"foreign_id":"x"}`},
			call{http.MethodPost, "/v2/exchange/fixed", `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"1","price":` + n + `,"foreign_id":"x"}`},
			call{http.MethodPost, "/v2/invoices/create", `{"title":"t","currency":"BTC","amount":` + n + `,"foreign_id":"i","url_success":"https://s","url_failed":"https://f"}`},
		)
	}
	for _, n := range []string{"-1", "0", "abc", "1.5", `"7"`, "9223372036854775808", "-9223372036854775809"} {
		alphaPo = append(alphaPo, call{http.MethodGet, "/v2/transactions/info", `{"id":` + n + `}`})
	}
	for _, c := range alphaPo {
		status, body := send(t, c.method, e.srv.AlphaPoURL()+c.url, c.body, signed(alphaKey, alphaSecret, c.body))
		var answer struct {
			Errors map[string]string
			Error  string
		}
		if assert.Equal(t, http.StatusBadRequest, status, "%s %s: %s", c.url, c.body, body) &&
			assert.NoError(t, json.Unmarshal([]byte(body), &answer), body) {
			assert.True(t, len(answer.Errors) > 0 || answer.Error != "", "%s %s: %s", c.url, c.body, body)
		}
	}
}
