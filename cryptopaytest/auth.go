package cryptopaytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

const (
	// defaultTokenLifetime is how long an access token lives unless
	// WithTokenLifetime says otherwise: about 10 minutes at Apirone.
	defaultTokenLifetime = 10 * time.Minute
	// refreshTokenLifetime is how long a refresh token lives: the fake's
	// choice, as Apirone does not document it.
	refreshTokenLifetime = 24 * time.Hour
)

// WithTokenLifetime makes access tokens from POST /v2/auth/login and
// /v2/auth/refresh-token expire d after they are issued, by the server's
// clock (see Advance), instead of after 10 minutes. Refresh tokens live 24
// hours.
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) { s.auth.lifetime = d }
}

// tokenStore holds the JWTs the server issued, by their text.
type tokenStore struct {
	lifetime time.Duration // of access tokens
	key      []byte        // signs the tokens
	tokens   map[string]*token
}

func newTokenStore() tokenStore {
	return tokenStore{lifetime: defaultTokenLifetime, key: []byte(randomString(base58Alphabet, 32)), tokens: map[string]*token{}}
}

// token is one issued JWT. A login or refresh issues an access token and a
// refresh token as a pair, and they are revoked together.
type token struct {
	account *account
	refresh bool
	expires time.Time
	pair    string // the other token of the pair
}

// tokensJSON is the answer of login and refresh-token.
type tokensJSON struct {
	Login   string `json:"login"`
	Access  string `json:"access-token"`
	Refresh string `json:"refresh-token"`
}

// login: POST /v2/auth/login {"login": account id, "password": transfer key}.
func (s *Server) login(r *http.Request) reply {
	var req struct{ Login, Password string }
	if rep, bad := decodeBody(r, &req); bad {
		return rep
	}
	if req.Login == "" || req.Password == "" {
		return badRequest("login and password are required.")
	}
	a := s.accounts[req.Login]
	if a == nil || subtle.ConstantTimeCompare([]byte(req.Password), []byte(a.transferKey)) != 1 {
		return reply{http.StatusUnauthorized, message("Invalid login or password.")}
	}
	return ok(s.issueTokens(a))
}

// refreshToken: POST /v2/auth/refresh-token with "Authorization: Bearer
// <refresh token>". The pair it belongs to is revoked and a new pair issued.
func (s *Server) refreshToken(r *http.Request) reply {
	t, raw, rep, valid := s.bearer(r, true)
	if !valid {
		return rep
	}
	s.auth.revoke(raw)
	return ok(s.issueTokens(t.account))
}

// logout: POST /v2/auth/logout with "Authorization: Bearer <access token>":
// revokes the token and its refresh token, and answers {}.
func (s *Server) logout(r *http.Request) reply {
	_, raw, rep, valid := s.bearer(r, false)
	if !valid {
		return rep
	}
	s.auth.revoke(raw)
	return ok(struct{}{})
}

// authorize admits a protected call on a: by the access token when the
// request has an Authorization header, else by the transfer key (from the
// query or the body, as the handler found it).
func (s *Server) authorize(r *http.Request, a *account, key string) (reply, bool) {
	if r.Header.Get("Authorization") == "" {
		return a.authorize(key)
	}
	t, _, rep, valid := s.bearer(r, false)
	switch {
	case !valid:
		return rep, true
	case t.account != a:
		return reply{http.StatusUnauthorized, message("Token is not valid for this account.")}, true
	}
	return reply{}, false
}

// bearer returns the live token of the request's "Authorization: Bearer"
// header and its text, which must be a refresh token when refresh is set
// and an access token otherwise; else a 401 reply.
func (s *Server) bearer(r *http.Request, refresh bool) (*token, string, reply, bool) {
	raw, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t := s.auth.tokens[raw]
	deny := func(text string) (*token, string, reply, bool) {
		return nil, "", reply{http.StatusUnauthorized, message(text)}, false
	}
	switch {
	case !found || raw == "":
		return deny("Authorization: Bearer token is required.")
	case t == nil || t.refresh != refresh:
		return deny("Invalid token.")
	case !s.Now().Before(t.expires):
		return deny("Token expired.")
	}
	return t, raw, reply{}, true
}

// issueTokens issues a new access and refresh token pair for a.
func (s *Server) issueTokens(a *account) tokensJSON {
	now := s.Now()
	access := s.auth.issue(a, false, now, s.auth.lifetime)
	refresh := s.auth.issue(a, true, now, refreshTokenLifetime)
	s.auth.tokens[access].pair, s.auth.tokens[refresh].pair = refresh, access
	return tokensJSON{Login: a.id, Access: access, Refresh: refresh}
}

// issue records and returns a new token that lives for lifetime from now.
func (ts *tokenStore) issue(a *account, refresh bool, now time.Time, lifetime time.Duration) string {
	expires := now.Add(lifetime)
	kind := "access"
	if refresh {
		kind = "refresh"
	}
	text := ts.sign(jwtClaims{Sub: a.id, Type: kind, Iat: now.Unix(), Exp: expires.Unix(), Jti: randomString(hexAlphabet, 16)})
	ts.tokens[text] = &token{account: a, refresh: refresh, expires: expires}
	return text
}

// jwtClaims is the payload of the fake's tokens.
type jwtClaims struct {
	Sub  string `json:"sub"`  // the account id
	Type string `json:"type"` // "access" or "refresh"
	Iat  int64  `json:"iat"`
	Exp  int64  `json:"exp"` // seconds since the Unix epoch, by the server's clock
	Jti  string `json:"jti"` // makes every token unique
}

// sign returns the claims as a JWT: base64url header, payload and
// HMAC-SHA256 signature. The server checks a token by looking it up, so the
// signature only makes it look real.
func (ts *tokenStore) sign(c jwtClaims) string {
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(mustJSON(c))
	mac := hmac.New(sha256.New, ts.key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(mac.Sum(nil))
}

// revoke forgets the token and its pair.
func (ts *tokenStore) revoke(text string) {
	if t := ts.tokens[text]; t != nil {
		delete(ts.tokens, t.pair)
	}
	delete(ts.tokens, text)
}
