package cryptopaytest_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
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
	for _, path := range []string{
		"/api/v2/auth/login",
		"/api/v2/accounts/" + e.acct.ID() + "/addresses",
		"/alphapo/api/v2/addresses/take",
	} {
		t.Run(path, func(t *testing.T) {
			conn := stallMidBody(t, e.srv.URL(), path)
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
