package cryptopay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Tokens are an account's JWT access and refresh tokens (POST
// /v2/auth/login). They are secrets like the transfer key: printing Tokens
// with any fmt verb shows neither.
type Tokens struct {
	Access  string `json:"access-token"`
	Refresh string `json:"refresh-token"`
}

// Format prints "cryptopay.Tokens{REDACTED}" for every verb.
func (t Tokens) Format(f fmt.State, verb rune) { io.WriteString(f, "cryptopay.Tokens{REDACTED}") }

// refreshMargin is how long before its exp claim an access token is
// renewed. Apirone's access tokens live about 10 minutes.
const refreshMargin = 30 * time.Second

// session holds an account's tokens. lock is a one-slot channel used as a
// mutex that a waiting caller can abandon when its context ends; it also
// makes concurrent callers share one refresh.
type session struct {
	lock chan struct{}
	// access and refresh are the tokens, hidden even where fmt reaches a
	// session through an unexported field.
	access, refresh secret
	renewAt         time.Time // when a call renews the access token first; zero: only after a 401
	now             func() time.Time
	// used: tokens were stored once. Until then a call reads none, without
	// taking the lock.
	used atomic.Bool
}

func newSession() *session {
	return &session{lock: make(chan struct{}, 1), now: time.Now}
}

func (s *session) acquire(ctx context.Context) error {
	select {
	case s.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) release() { <-s.lock }

// set stores tokens, obtained from the server at that time, or at the zero
// time when the caller stored them (UseTokens); the caller holds the lock.
func (s *session) set(t Tokens, obtained time.Time) {
	if t.Refresh == "" {
		t.Refresh = s.refresh.reveal() // the refresh token did not rotate
	}
	s.access, s.refresh = newSecret(t.Access), newSecret(t.Refresh)
	s.renewAt = renewalTime(t.Access, obtained)
	s.used.Store(true)
}

// renewalTime is when the access token jwt is renewed before a call:
// refreshMargin before its exp claim, but no earlier than half its lifetime
// after it was obtained, so that a token that lives shorter than the margin,
// or a clock running ahead of the server's, costs one renewal per
// half-lifetime rather than one per call. With an iat claim the lifetime is
// exp - iat and counts from obtained, whatever the difference between the
// two clocks; without one it is exp - obtained. The zero time means no
// renewal before the server refuses the token: it has no exp claim, or one
// no later than obtained. For stored tokens (obtained is zero) it is the
// margin before exp.
func renewalTime(jwt string, obtained time.Time) time.Time {
	iat, exp := tokenTimes(jwt)
	switch {
	case exp.IsZero():
		return time.Time{}
	case obtained.IsZero():
		return exp.Add(-refreshMargin)
	case !iat.IsZero():
		exp = obtained.Add(exp.Sub(iat)) // exp by this machine's clock
	}
	lifetime := exp.Sub(obtained)
	if lifetime <= 0 {
		return time.Time{}
	}
	at, earliest := exp.Add(-refreshMargin), obtained.Add(lifetime/2)
	if at.Before(earliest) {
		return earliest
	}
	return at
}

// tokenTimes reads the iat and exp claims of a JWT without verifying it
// (the server does that); a claim that is missing is the zero time.
func tokenTimes(jwt string) (iat, exp time.Time) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return
	}
	var claims struct {
		Iat json.Number `json:"iat"`
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return
	}
	unix := func(n json.Number) time.Time {
		if sec, err := n.Int64(); err == nil {
			return time.Unix(sec, 0)
		}
		return time.Time{}
	}
	return unix(claims.Iat), unix(claims.Exp)
}

// loginBody is what POST /v2/auth/login takes.
type loginBody struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// Login signs in with the account id and transfer key. Afterwards the
// protected calls send "Authorization: Bearer <access token>" and no
// transfer key; the access token is renewed shortly before it expires (its
// exp claim), though no earlier than half its lifetime after it was
// obtained, and once after a 401, with concurrent calls sharing one
// renewal.
//
// POST /v2/auth/login
//
// API docs: https://apirone.com/docs/authorization
func (a *Account) Login(ctx context.Context) error { return a.login(ctx) }

// Login signs in with the wallet id and transfer key. Afterwards the
// protected calls send "Authorization: Bearer <access token>" and no
// transfer key; the access token is renewed shortly before it expires (its
// exp claim), though no earlier than half its lifetime after it was
// obtained, and once after a 401, with concurrent calls sharing one
// renewal.
//
// POST /v2/auth/login
//
// API docs: https://apirone.com/docs/authorization
func (w *Wallet) Login(ctx context.Context) error { return w.login(ctx) }

// login is Login with o's id and transfer key.
func (o *owner) login(ctx context.Context) error {
	if err := o.session.acquire(ctx); err != nil {
		return err
	}
	defer o.session.release()
	return o.signIn(ctx)
}

// signIn is login with the session lock held.
func (o *owner) signIn(ctx context.Context) error {
	ep := newEndpoint(http.MethodPost, "/v2/auth/login")
	ep.secrets = [2]string{o.transferKey.reveal()}
	ep.withBody(o.loginBody())
	t, err := call[*Tokens](ctx, &o.client.backend, ep)
	if err != nil {
		return err
	}
	if t.Access == "" {
		return errors.New("cryptopay: POST /v2/auth/login: no access-token in the answer")
	}
	o.session.set(*t, o.session.now())
	return nil
}

// loginBody checks the id and transfer key and returns them as the body
// of Login.
func (o *owner) loginBody() (any, error) {
	if o.transferKey.reveal() == "" {
		return nil, invalid("transfer-key", "Login needs the transfer key; pass it to Client.Account or Client.Wallet")
	}
	return &loginBody{Login: o.id, Password: o.transferKey.reveal()}, o.idErr
}

// tokenEndpoint declares one of the token calls, which send token as it is.
func tokenEndpoint(route, token string) endpoint {
	ep := newEndpoint(http.MethodPost, route)
	ep.auth, ep.token = bearerAuth, token
	return ep
}

// UseTokens makes the account's protected calls use tokens the caller
// stored from an earlier Login (see Tokens), renewing them as Login does.
func (a *Account) UseTokens(t Tokens) { a.useTokens(t) }

// UseTokens makes the wallet's protected calls use tokens the caller
// stored from an earlier Login (see Tokens), renewing them as Login does.
func (w *Wallet) UseTokens(t Tokens) { w.useTokens(t) }

// useTokens is UseTokens on o's session.
func (o *owner) useTokens(t Tokens) {
	o.session.lock <- struct{}{}
	defer o.session.release()
	o.session.set(t, time.Time{})
}

// Tokens returns the account's current tokens, e.g. to store them; both
// are empty before Login or UseTokens.
func (a *Account) Tokens() Tokens { return a.tokens() }

// Tokens returns the wallet's current tokens, e.g. to store them; both
// are empty before Login or UseTokens.
func (w *Wallet) Tokens() Tokens { return w.tokens() }

// tokens is Tokens of o's session.
func (o *owner) tokens() Tokens {
	o.session.lock <- struct{}{}
	defer o.session.release()
	return Tokens{Access: o.session.access.reveal(), Refresh: o.session.refresh.reveal()}
}

// Logout ends the account's token session on the server and forgets the
// tokens: protected calls go back to the transfer key.
//
// POST /v2/auth/logout
//
// API docs: https://apirone.com/docs/authorization
func (a *Account) Logout(ctx context.Context) error { return a.logout(ctx) }

// Logout ends the wallet's token session on the server and forgets the
// tokens: protected calls go back to the transfer key.
//
// POST /v2/auth/logout
//
// API docs: https://apirone.com/docs/authorization
func (w *Wallet) Logout(ctx context.Context) error { return w.logout(ctx) }

// logout is Logout of o's session.
func (o *owner) logout(ctx context.Context) error {
	if err := o.session.acquire(ctx); err != nil {
		return err
	}
	defer o.session.release()
	if o.session.access.reveal() == "" {
		return nil
	}
	ep := tokenEndpoint("/v2/auth/logout", o.session.access.reveal())
	err := o.client.do(ctx, &ep, nil)
	o.session.access, o.session.refresh, o.session.renewAt = secret{}, secret{}, time.Time{}
	return err
}

// accessToken returns a usable access token, renewing it first when it is
// about to expire. It returns "" when there are no tokens.
func (o *owner) accessToken(ctx context.Context) (string, error) {
	s := o.session
	if !s.used.Load() {
		return "", nil
	}
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	if s.access.reveal() != "" && !s.renewAt.IsZero() && !s.now().Before(s.renewAt) {
		if err := o.renew(ctx); err != nil {
			return "", err
		}
	}
	return s.access.reveal(), nil
}

// renewAfter renews the access token after the server refused stale,
// unless another caller already did.
func (o *owner) renewAfter(ctx context.Context, stale string) (string, error) {
	s := o.session
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	if s.access.reveal() == stale {
		if err := o.renew(ctx); err != nil {
			return "", err
		}
	}
	return s.access.reveal(), nil
}

// Refresh renews the account's access token now, whatever its expiry:
// with the refresh token, or by signing in again with the transfer key
// when that fails or no tokens are stored. Calls made meanwhile wait for
// it.
//
// POST /v2/auth/refresh-token
//
// API docs: https://apirone.com/docs/authorization
func (a *Account) Refresh(ctx context.Context) error { return a.refresh(ctx) }

// Refresh renews the wallet's access token now, whatever its expiry: with
// the refresh token, or by signing in again with the transfer key when
// that fails or no tokens are stored. Calls made meanwhile wait for it.
//
// POST /v2/auth/refresh-token
//
// API docs: https://apirone.com/docs/authorization
func (w *Wallet) Refresh(ctx context.Context) error { return w.refresh(ctx) }

// refresh is Refresh of o's session.
func (o *owner) refresh(ctx context.Context) error {
	if err := o.session.acquire(ctx); err != nil {
		return err
	}
	defer o.session.release()
	return o.renew(ctx)
}

// renew trades the refresh token for new tokens, or signs in again when
// that fails and the transfer key is known. The caller holds the lock.
//
// POST /v2/auth/refresh-token
//
// API docs: https://apirone.com/docs/authorization
func (o *owner) renew(ctx context.Context) error {
	ep := tokenEndpoint("/v2/auth/refresh-token", o.session.refresh.reveal())
	if o.session.refresh.reveal() == "" {
		ep.check(invalid("refresh-token", "none is stored"))
	}
	t, err := call[*Tokens](ctx, &o.client.backend, ep)
	if err == nil && t.Access != "" {
		o.session.set(*t, o.session.now())
		return nil
	}
	if o.transferKey.reveal() != "" {
		return o.signIn(ctx)
	}
	if err == nil {
		err = errors.New("cryptopay: POST /v2/auth/refresh-token: no access-token in the answer")
	}
	return err
}

// keyHolder is a request body that carries the transfer key.
type keyHolder interface{ setTransferKey(key string) }

// putTransferKey puts the transfer key where ep's method takes it: in the
// body when the body has a place for it, else in the query.
func (o *owner) putTransferKey(ep *endpoint) error {
	if o.transferKey.reveal() == "" {
		return invalid("transfer-key", "this call needs the transfer key (Client.Account, Client.Wallet) or tokens (Login)")
	}
	if body, ok := ep.body.(keyHolder); ok {
		body.setTransferKey(o.transferKey.reveal())
		return nil
	}
	if ep.query == nil {
		ep.query = url.Values{}
	}
	ep.query.Set("transfer-key", o.transferKey.reveal())
	return nil
}
