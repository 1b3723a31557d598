package cryptopay

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jwt builds an unsigned token whose payload carries exp and a marker.
func jwt(exp time.Time, marker string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"exp":%d,"sub":%q}`, exp.Unix(), marker))) + ".sig"
}

// jwtIssued is jwt with an iat claim.
func jwtIssued(iat, exp time.Time, marker string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"iat":%d,"exp":%d,"sub":%q}`, iat.Unix(), exp.Unix(), marker))) + ".sig"
}

var testNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func loginAnswer(access, refresh string) string {
	return fmt.Sprintf(`{"login":%q,"access-token":%q,"refresh-token":%q}`, testAccountID, access, refresh)
}

func TestLoginThenProtectedCallsUseBearer(t *testing.T) {
	w := newWire(t)
	access := jwt(testNow.Add(10*time.Minute), "a1")
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/login", 200, loginAnswer(access, "r1"))
	w.respond(http.MethodPost, apironeAccountURL+"/transfer", 200, fixture(t, "apirone/transfer.json"))
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))

	acct := w.account()
	acct.session.now = func() time.Time { return testNow }
	require.NoError(t, acct.Login(context.Background()))
	assert.Equal(t, Tokens{Access: access, Refresh: "r1"}, acct.Tokens())

	_, err := acct.Transfer(context.Background(), &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1000)}}})
	require.NoError(t, err)
	_, err = acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)

	require.Equal(t, 3, w.count())
	login, transfer, cb := w.reqs[0], w.reqs[1], w.reqs[2]
	assert.Equal(t, "/api/v2/auth/login", login.Path)
	assert.Equal(t, `{"login":"`+testAccountID+`","password":"`+testTransferKey+`"}`, login.Body)
	assert.Empty(t, login.Header.Get("Authorization"))

	assert.Equal(t, "Bearer "+access, transfer.Header.Get("Authorization"))
	assert.Equal(t, `{"currency":"btc","destinations":[{"address":"3N2a","amount":1000}]}`, transfer.Body, "no transfer key with a token")
	assert.Equal(t, "Bearer "+access, cb.Header.Get("Authorization"))
	assert.Equal(t, "currency=btc", cb.RawQuery, "no transfer key with a token")
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	w := newWire(t)
	fresh := jwt(testNow.Add(10*time.Minute), "a2")
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", 200, loginAnswer(fresh, "r2"))
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))

	acct := w.apirone().Account(testAccountID, "")
	acct.session.now = func() time.Time { return testNow }
	acct.UseTokens(Tokens{Access: jwt(testNow.Add(20*time.Second), "a1"), Refresh: "r1"}) // inside the 30 s margin

	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	require.Equal(t, 2, w.count())
	assert.Equal(t, "/api/v2/auth/refresh-token", w.reqs[0].Path)
	assert.Equal(t, "Bearer r1", w.reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "Bearer "+fresh, w.reqs[1].Header.Get("Authorization"))
	assert.Equal(t, Tokens{Access: fresh, Refresh: "r2"}, acct.Tokens())
}

func TestTokenKeptWhileFresh(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))
	acct := w.apirone().Account(testAccountID, "")
	acct.session.now = func() time.Time { return testNow }
	access := jwt(testNow.Add(31*time.Second), "a1")
	acct.UseTokens(Tokens{Access: access, Refresh: "r1"})
	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+access, w.only().Header.Get("Authorization"))
}

// A token that lives shorter than refreshMargin, or a client clock that
// runs ahead of the server's, must not cost a renewal per call: with 2 s
// tokens, 20 calls 100 ms apart by the client's clock renew once, at half
// the token's lifetime. Without an iat claim a clock running ahead leaves
// the lifetime unknown, and renewal waits for a 401.
func TestShortLivedTokenRenewedOncePerHalfLifetime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ahead time.Duration // the client's clock minus the server's
		iat   bool          // the tokens carry an iat claim
		want  int           // renewals
	}{
		{"2 s tokens", 0, true, 1},
		{"2 s tokens without iat", 0, false, 1},
		{"client clock an hour ahead", time.Hour, true, 1},
		{"client clock an hour ahead, no iat", time.Hour, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWire(t)
			now := testNow // the client's clock; the server's is now - tc.ahead
			var issued atomic.Int32
			issue := func(r *http.Request) (*http.Response, error) {
				w.record(r)
				n := issued.Add(1)
				iat := now.Add(-tc.ahead)
				token := jwt(iat.Add(2*time.Second), fmt.Sprint("a", n))
				if tc.iat {
					token = jwtIssued(iat, iat.Add(2*time.Second), fmt.Sprint("a", n))
				}
				return newJSONResponse(200, loginAnswer(token, fmt.Sprint("r", n))), nil
			}
			w.mock.RegisterResponder(http.MethodPost, ApironeBaseURL+"/v2/auth/login", issue)
			w.mock.RegisterResponder(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", issue)
			w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))

			acct := w.account()
			acct.session.now = func() time.Time { return now }
			require.NoError(t, acct.Login(context.Background()))
			for range 20 {
				_, err := acct.CallbackInfo(context.Background(), "btc")
				require.NoError(t, err)
				now = now.Add(100 * time.Millisecond)
			}
			assert.Equal(t, int32(1+tc.want), issued.Load(), "the login and %d renewals", tc.want)
			assert.Equal(t, 1+tc.want+20, w.count())
		})
	}
}

func TestRenewOnceAfter401(t *testing.T) {
	w := newWire(t)
	stale, fresh := jwt(testNow.Add(time.Hour), "stale"), jwt(testNow.Add(time.Hour), "fresh")
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", 200, `{"access-token":"`+fresh+`"}`)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL+"/callback", func(r *http.Request) (*http.Response, error) {
		w.record(r)
		if r.Header.Get("Authorization") == "Bearer "+stale {
			return newJSONResponse(401, `{"message":"Token expired"}`), nil
		}
		return newJSONResponse(200, fixture(t, "apirone/account_callback.json")), nil
	})
	acct := w.apirone().Account(testAccountID, "")
	acct.session.now = func() time.Time { return testNow }
	acct.UseTokens(Tokens{Access: stale, Refresh: "r1"})

	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	require.Equal(t, 3, w.count())
	assert.Equal(t, "Bearer "+fresh, w.reqs[2].Header.Get("Authorization"))
	assert.Equal(t, Tokens{Access: fresh, Refresh: "r1"}, acct.Tokens(), "a refresh token that did not rotate is kept")
}

func TestSecond401IsReturned(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", 200, `{"access-token":"`+jwt(testNow.Add(time.Hour), "x")+`"}`)
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 401, `{"message":"Unauthorized"}`)
	acct := w.apirone().Account(testAccountID, "")
	acct.UseTokens(Tokens{Access: "opaque", Refresh: "r1"})
	_, err := acct.CallbackInfo(context.Background(), "btc")
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, 3, w.count(), "call, refresh, one retry")
}

func TestFailedRefreshFallsBackToLogin(t *testing.T) {
	w := newWire(t)
	fresh := jwt(testNow.Add(time.Hour), "fresh")
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", 401, `{"message":"Refresh token expired"}`)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/login", 200, loginAnswer(fresh, "r9"))
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))
	acct := w.account()
	acct.session.now = func() time.Time { return testNow }
	acct.UseTokens(Tokens{Access: jwt(testNow.Add(-time.Minute), "old"), Refresh: "r1"})

	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	require.Equal(t, 3, w.count())
	assert.Equal(t, "/api/v2/auth/login", w.reqs[1].Path)
	assert.Equal(t, "Bearer "+fresh, w.reqs[2].Header.Get("Authorization"))
}

func TestFailedRefreshWithoutTransferKeyIsReturned(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/refresh-token", 401, `{"message":"Refresh token expired"}`)
	acct := w.apirone().Account(testAccountID, "")
	acct.session.now = func() time.Time { return testNow }
	acct.UseTokens(Tokens{Access: jwt(testNow.Add(-time.Minute), "old"), Refresh: "r1"})
	_, err := acct.CallbackInfo(context.Background(), "btc")
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, 1, w.count())
}

func TestLogout(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/logout", 200, `{}`)
	w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, fixture(t, "apirone/account_callback.json"))
	acct := w.account()
	acct.UseTokens(Tokens{Access: "acc", Refresh: "ref"})
	require.NoError(t, acct.Logout(context.Background()))
	assert.Equal(t, Tokens{}, acct.Tokens())

	_, err := acct.CallbackInfo(context.Background(), "btc")
	require.NoError(t, err)
	require.Equal(t, 2, w.count())
	assert.Equal(t, "/api/v2/auth/logout", w.reqs[0].Path)
	assert.Equal(t, "Bearer acc", w.reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "currency=btc&transfer-key="+testTransferKey, w.reqs[1].RawQuery, "back to the transfer key")
}

func TestTokensNeverPrinted(t *testing.T) {
	tok := Tokens{Access: "access-secret", Refresh: "refresh-secret"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d"} {
		out := fmt.Sprintf(verb, tok)
		assert.NotContains(t, out, "access-secret")
		assert.NotContains(t, out, "refresh-secret")
	}
}

// TestConcurrentCallersShareOneRefresh runs against a real server so that
// the callers truly overlap.
func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	var refreshes, calls atomic.Int32
	fresh := jwt(time.Now().Add(time.Hour), "fresh")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case r.URL.Path == "/api/v2/auth/refresh-token":
			refreshes.Add(1)
			fmt.Fprintf(w, `{"access-token":%q}`, fresh)
		case r.Header.Get("Authorization") == "Bearer "+fresh:
			calls.Add(1)
			fmt.Fprint(w, `{"account":"`+testAccountID+`","currency":"btc"}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Token expired"}`)
		}
	}))
	defer srv.Close()

	c, err := NewClient(WithBaseURL(srv.URL + "/api"))
	require.NoError(t, err)
	acct := c.Account(testAccountID, "")
	acct.UseTokens(Tokens{Access: jwt(time.Now().Add(-time.Minute), "expired"), Refresh: "r1"})

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := acct.CallbackInfo(context.Background(), "btc")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), refreshes.Load())
	assert.Equal(t, int32(n), calls.Load())
}

func TestWaitingForTheSessionEndsWithTheContext(t *testing.T) {
	acct := (&Client{}).Account(testAccountID, "")
	acct.UseTokens(Tokens{Access: testAccessToken, Refresh: testRefreshToken})
	acct.session.lock <- struct{}{} // a refresh in progress elsewhere
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := acct.CallbackInfo(ctx, "btc")
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, strings.Contains(err.Error(), "canceled"))
}

// TestRefreshWithoutTokensSignsIn: with the transfer key and no tokens,
// Refresh signs in.
func TestRefreshWithoutTokensSignsIn(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, "https://apirone.com/api/v2/auth/login", 200, fixture(t, "apirone/login.json"))
	wallet := w.apirone().Wallet(testWalletID, testTransferKey)
	require.NoError(t, wallet.Refresh(context.Background()))
	assert.NotEmpty(t, wallet.Tokens().Access)
	assert.Equal(t, 1, w.count())
}
