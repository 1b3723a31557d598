package cryptopaytest_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// claims decodes a JWT's payload.
func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"alg":"HS256","typ":"JWT"}`, string(header))
	_, err = base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err, "the signature is base64url")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(payload, &c))
	return c
}

// login signs the account in and returns its tokens.
func (e *env) login() cryptopay.Tokens {
	e.t.Helper()
	require.NoError(e.t, e.acct.Login(ctx))
	return e.acct.Tokens()
}

// stoppedClock stops the server's clock at the wall clock's time (Advance
// still moves it), so that a token's exp claim is exactly its issue time
// plus its lifetime when a test reads the server's time after the call:
// on the running clock a second could begin in between. The SDK, on the
// wall clock, sees the tokens as a client of a real server would.
func stoppedClock() cryptopaytest.Option {
	now := time.Now()
	return cryptopaytest.WithClock(func() time.Time { return now })
}

// tokenOnly is a handle on the account without its transfer key, so its
// protected calls can only use tokens (and renew them only by refresh).
func (e *env) tokenOnly(tk cryptopay.Tokens) *cryptopay.Account {
	a := e.c.Account(e.acct.ID(), "")
	a.UseTokens(tk)
	return a
}

// bearerGet sends GET /v2/accounts/{account}/callback with token.
func (e *env) bearerGet(token string) (int, string) {
	e.t.Helper()
	return send(e.t, http.MethodGet, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"/callback?currency=btc", "",
		http.Header{"Authorization": {"Bearer " + token}})
}

func TestLoginIssuesJWTs(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, cryptopaytest.WithClock(func() time.Time { return start }))
	tk := e.login()

	access := claims(t, tk.Access)
	assert.Equal(t, e.acct.ID(), access["sub"])
	assert.Equal(t, "access", access["type"])
	assert.Equal(t, float64(start.Add(10*time.Minute).Unix()), access["exp"], "10 minutes by default")
	assert.Equal(t, float64(start.Unix()), access["iat"])
	refresh := claims(t, tk.Refresh)
	assert.Equal(t, "refresh", refresh["type"])
	assert.Equal(t, float64(start.Add(24*time.Hour).Unix()), refresh["exp"])

	status, body := send(t, http.MethodPost, e.srv.ApironeURL()+"/v2/auth/login", `{"login":"`+e.acct.ID()+`","password":"`+e.key+`"}`, nil)
	require.Equal(t, http.StatusOK, status)
	var answer map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &answer))
	assert.Equal(t, e.acct.ID(), answer["login"])
	assert.NotEqual(t, tk.Access, answer["access-token"], "every login issues new tokens")
}

func TestTokensAuthorizeProtectedCalls(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.address("btc", nil), cryptopay.NewAmount(100000), 1)
	acct := e.tokenOnly(e.login())

	_, err := acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err)
	_, err = acct.UpdateSettings(ctx, &cryptopay.SettingsParams{Currency: "btc", ProcessingFeePolicy: cryptopay.ProcessingFeeFixed})
	require.NoError(t, err)
	_, err = acct.Invoices(ctx, nil)
	require.NoError(t, err)
	sent, err := acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{to(external, cryptopay.Units(1000))}})
	require.NoError(t, err)
	assert.Equal(t, cryptopay.NewAmount(1140), sent.Total)
}

func TestLoginRefusesWrongPassword(t *testing.T) {
	e := newEnv(t)
	err := e.c.Account(e.acct.ID(), "wrong-key").Login(ctx)
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized)
	assert.Equal(t, "Invalid login or password.", apiError(t, err).Message)
	err = e.c.Account("apr-00000000000000000000000000000000", e.key).Login(ctx)
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized)

	status, body := send(t, http.MethodPost, e.srv.ApironeURL()+"/v2/auth/login", `{"login":"`+e.acct.ID()+`"}`, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, `{"message":"login and password are required."}`, body)
}

// An expired access token gets 401; the client then trades its refresh
// token for new ones and repeats the call.
func TestExpiredTokenIsRenewedAfter401(t *testing.T) {
	e := newEnv(t, stoppedClock())
	first := e.login()
	acct := e.tokenOnly(first)

	_, err := e.srv.Advance(ctx, 10*time.Minute)
	require.NoError(t, err)
	status, body := e.bearerGet(first.Access)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Token expired."}`, body)

	_, err = acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err, "renewed by refresh, then repeated")
	renewed := acct.Tokens()
	assert.NotEqual(t, first.Access, renewed.Access)
	assert.NotEqual(t, first.Refresh, renewed.Refresh, "the refresh token rotates")
	assert.Equal(t, float64(e.srv.Now().Add(10*time.Minute).Unix()), claims(t, renewed.Access)["exp"])

	status, _ = e.bearerGet(renewed.Access)
	assert.Equal(t, http.StatusOK, status)
	status, body = send(t, http.MethodPost, e.srv.ApironeURL()+"/v2/auth/refresh-token", "", http.Header{"Authorization": {"Bearer " + first.Refresh}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Invalid token."}`, body, "a used refresh token is spent")
}

// The client renews a stored token whose exp claim is less than 30 s away
// before using it.
func TestShortLivedTokenIsRenewedBeforeUse(t *testing.T) {
	e := newEnv(t, cryptopaytest.WithTokenLifetime(20*time.Second), stoppedClock())
	first := e.login()
	assert.Equal(t, float64(e.srv.Now().Add(20*time.Second).Unix()), claims(t, first.Access)["exp"])
	status, _ := e.bearerGet(first.Access)
	require.Equal(t, http.StatusOK, status, "still valid on the server")

	acct := e.tokenOnly(first)
	_, err := acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err)
	assert.NotEqual(t, first.Access, acct.Tokens().Access, "renewed before the call")
	status, body := e.bearerGet(first.Access)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Invalid token."}`, body, "the old pair was revoked by the refresh")
}

// Tokens that live shorter than the client's 30 s renewal margin, or a
// client clock running ahead of the server's, must not cost a renewal per
// call: the client renews at most once per half-lifetime (1 s here) of the
// token it holds. The SDK's clock is the wall clock, so the bound allows one
// renewal per second the 20 calls took (they take milliseconds).
func TestShortLivedTokensAreNotRenewedOnEveryCall(t *testing.T) {
	for _, tc := range []struct {
		name   string
		behind time.Duration // the server's clock behind the client's
	}{{"2 s tokens", 0}, {"client clock an hour ahead", time.Hour}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, cryptopaytest.WithTokenLifetime(2*time.Second),
				cryptopaytest.WithClock(func() time.Time { return time.Now().Add(-tc.behind) }))
			start := time.Now()
			seen := map[string]bool{e.login().Access: true}
			for range 20 {
				_, err := e.acct.CallbackInfo(ctx, "btc")
				require.NoError(t, err)
				seen[e.acct.Tokens().Access] = true
			}
			renewals := len(seen) - 1
			assert.LessOrEqual(t, renewals, 1+int(time.Since(start)/time.Second), "renewals in %s", time.Since(start))
		})
	}
}

// Calls racing on an expired token all get through (run with -race).
func TestConcurrentCallsAfterExpiry(t *testing.T) {
	e := newEnv(t)
	acct := e.tokenOnly(e.login())
	_, err := e.srv.Advance(ctx, time.Hour)
	require.NoError(t, err)

	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := acct.CallbackInfo(ctx, "btc")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	status, _ := e.bearerGet(acct.Tokens().Access)
	assert.Equal(t, http.StatusOK, status)
}

func TestExpiredRefreshTokenFallsBackToTransferKey(t *testing.T) {
	e := newEnv(t)
	tk := e.login()
	keyless := e.tokenOnly(tk)
	_, err := e.srv.Advance(ctx, 24*time.Hour)
	require.NoError(t, err)

	_, err = keyless.CallbackInfo(ctx, "btc")
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized, "no refresh and no key")
	assert.Equal(t, "Token expired.", apiError(t, err).Message)

	_, err = e.acct.CallbackInfo(ctx, "btc")
	require.NoError(t, err, "signs in again with the transfer key")
	assert.NotEqual(t, tk.Access, e.acct.Tokens().Access)
}

func TestLogoutRevokesTokens(t *testing.T) {
	e := newEnv(t)
	tk := e.login()
	require.NoError(t, e.acct.Logout(ctx))
	assert.Equal(t, cryptopay.Tokens{}, e.acct.Tokens())

	status, body := e.bearerGet(tk.Access)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Invalid token."}`, body)
	_, err := e.tokenOnly(tk).CallbackInfo(ctx, "btc")
	require.ErrorIs(t, err, cryptopay.ErrUnauthorized, "the refresh token went with it")

	_, err = e.acct.CallbackInfo(ctx, "btc")
	assert.NoError(t, err, "back to the transfer key")

	status, body = send(t, http.MethodPost, e.srv.ApironeURL()+"/v2/auth/logout", "", http.Header{"Authorization": {"Bearer " + tk.Access}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Invalid token."}`, body)
}

func TestTokenIsCheckedAgainstAccountAndKind(t *testing.T) {
	e := newEnv(t)
	tk := e.login()
	otherAcct, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)

	status, body := send(t, http.MethodGet, e.srv.ApironeURL()+"/v2/accounts/"+otherAcct.Account+"/callback?currency=btc", "",
		http.Header{"Authorization": {"Bearer " + tk.Access}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Token is not valid for this account."}`, body)

	status, body = e.bearerGet(tk.Refresh)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"message":"Invalid token."}`, body, "a refresh token is no access token")

	status, body = send(t, http.MethodGet, e.srv.ApironeURL()+"/v2/accounts/"+e.acct.ID()+"/callback?currency=btc&transfer-key="+e.key, "",
		http.Header{"Authorization": {"Basic x"}})
	assert.Equal(t, http.StatusUnauthorized, status, "an Authorization header is checked even with a key")
	assert.JSONEq(t, `{"message":"Authorization: Bearer token is required."}`, body)
}

func TestAdvanceMovesTheServersClock(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	e := newEnv(t, cryptopaytest.WithClock(func() time.Time { return start }))
	assert.Equal(t, start.Truncate(time.Microsecond), e.srv.Now())
	_, err := e.srv.Advance(ctx, -time.Second)
	assert.Error(t, err)
	_, err = e.srv.Advance(ctx, time.Hour)
	require.NoError(t, err)
	later := start.Add(time.Hour).Truncate(time.Microsecond)
	assert.Equal(t, later, e.srv.Now())

	created, err := e.c.CreateAccount(ctx)
	require.NoError(t, err)
	assert.Equal(t, later, created.Created.Time, "records carry the server's time")
}
