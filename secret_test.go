package cryptopay

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const proxyPassword = "pr0xy-pa55word"

const (
	callbackSecret   = "cb-5ecret-value"
	testAccessToken  = "access-t0ken-0123456789"
	testRefreshToken = "refresh-t0ken-0123456789"
)

// verbs are the fmt verbs every secret holder is printed with.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}

// assertHidden fails when out holds one of the secrets, raw or in hex.
func assertHidden(t *testing.T, out string, secrets []string, msgAndArgs ...any) {
	t.Helper()
	for _, secret := range secrets {
		assert.NotContains(t, out, secret, msgAndArgs...)
		assert.NotContains(t, out, fmt.Sprintf("%x", secret), msgAndArgs...)
		assert.NotContains(t, out, fmt.Sprintf("%X", secret), msgAndArgs...)
	}
}

// valueOf returns a copy of the value p points to. It goes through reflect
// so that copying a Signer (whose sync.Pool must not be copied) does not
// trip go vet: a careless caller may still do it.
func valueOf(p any) any { return reflect.ValueOf(p).Elem().Interface() }

// TestNoValuePrintsASecret formats every exported type that holds a
// credential, by pointer, by value and as a field of another struct, with
// every verb.
func TestNoValuePrintsASecret(t *testing.T) {
	c, err := NewClient(WithBaseURL("https://shop:" + proxyPassword + "@proxy.example.com/apirone"))
	require.NoError(t, err)
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithBaseURL("https://shop:"+proxyPassword+"@proxy.example.com/alphapo"))
	require.NoError(t, err)
	verifier, err := NewAlphaPoCallbackVerifier(testAlphaKey, testAlphaSecret)
	require.NoError(t, err)
	acct := c.Account(testAccountID, testTransferKey)
	acct.UseTokens(Tokens{Access: testAccessToken, Refresh: testRefreshToken})
	tokens := acct.Tokens()
	wallet := c.Wallet(testWalletID, testTransferKey)
	wallet.UseTokens(Tokens{Access: testAccessToken, Refresh: testRefreshToken})
	secretURL := "https://shop.example/cb?secret=" + callbackSecret
	callback := &Callback{Method: "GET", URL: secretURL, Data: map[string]string{"secret": callbackSecret}}
	settings := *newCallbackSettings([]CallbackOption{WithCallbackSecret("secret", callbackSecret)})
	pointers := map[string]any{
		"Client":                  c,
		"AlphaPoClient":           ap,
		"AlphaPoCallbackVerifier": verifier,
		"Account":                 acct,
		"Wallet":                  wallet,
		"CreatedWallet":           &CreatedWallet{Wallet: testWalletID, TransferKey: testTransferKey},
		"Signer":                  NewSigner(testAlphaSecret),
		"CreatedAccount":          &CreatedAccount{Account: testAccountID, TransferKey: testTransferKey},
		"Tokens":                  &tokens,
		"Callback":                callback,
		"Invoice":                 &Invoice{ID: "inv-1", CallbackURL: secretURL},
		"InvoiceParams":           &InvoiceParams{Currency: "btc", CallbackURL: secretURL},
		"InvoicePage":             &InvoicePage{Invoices: []Invoice{{ID: "inv-1", CallbackURL: secretURL}}},
		"Address":                 &Address{Address: "bc1q", Callback: callback},
		"AccountCallback":         &AccountCallback{Callback: callback},
		"SettingsParams":          &SettingsParams{Currency: "btc", Callback: callback},
		"CallbackLogRequest":      &CallbackLogRequest{Method: "GET", URL: secretURL, Args: PaymentCallback{Data: map[string]string{"secret": callbackSecret}}},
		"PaymentCallback":         &PaymentCallback{InputAddress: "bc1q", Data: map[string]string{"secret": callbackSecret}},
		"CallbackLogPage":         &CallbackLogPage{Log: []CallbackLogEntry{{Request: CallbackLogRequest{URL: secretURL}}}},
		"callbackSettings":        &settings,
	}
	secrets := []string{testTransferKey, testAlphaSecret, testAlphaKey, proxyPassword, testAccessToken, testRefreshToken, callbackSecret}
	for name, p := range pointers {
		forms := map[string]any{
			"pointer":  p,
			"value":    valueOf(p),
			"in field": struct{ V any }{valueOf(p)},
			"in slice": []any{valueOf(p)},
		}
		for form, v := range forms {
			for _, verb := range verbs {
				assertHidden(t, fmt.Sprintf(verb, v), secrets, "%s %s %s", name, form, verb)
			}
		}
	}
	// fmt calls no method on a value it reaches through an unexported
	// field; the types below keep every credential in a secret, which then
	// prints as an address.
	for name, p := range map[string]any{"Signer": pointers["Signer"], "AlphaPoCallbackVerifier": verifier, "callbackSettings": &settings, "Account": acct, "Wallet": wallet, "Client": c, "AlphaPoClient": ap} {
		for _, verb := range verbs {
			assertHidden(t, fmt.Sprintf(verb, struct{ v any }{valueOf(p)}), secrets, "%s in unexported field %s", name, verb)
		}
	}
	assert.Equal(t, "cryptopay.Client{https://shop:REDACTED@proxy.example.com/apirone}", fmt.Sprint(c))
	assert.Equal(t, "cryptopay.Client{https://shop:REDACTED@proxy.example.com/apirone}", fmt.Sprint(*c))
	assert.Equal(t, "cryptopay.Account{"+testAccountID+"}", fmt.Sprint(*acct))
	assert.Equal(t, "cryptopay.Wallet{"+testWalletID+"}", fmt.Sprint(wallet))
}

// TestBadBaseURLErrorHidesItsPassword: whatever a base URL's password
// holds, WithBaseURL's error does not show it, nor the query.
func TestBadBaseURLErrorHidesItsPassword(t *testing.T) {
	for _, password := range []string{proxyPassword, "pa/ss" + proxyPassword, "pa ss" + proxyPassword, "pa?ss" + proxyPassword,
		"pa#ss" + proxyPassword, "pa%zz" + proxyPassword, "pa@ss" + proxyPassword, "12/" + proxyPassword} {
		for _, base := range []string{
			"ftp://shop:" + password + "@proxy.example.com/?k=v",
			"https://shop:" + password + "@proxy.example.com:notaport/",
			"https://shop:" + password + "@proxy.example.com/api?",
			"https://shop:" + password + "@proxy.example.com/api#",
			"https://shop:" + password + "@proxy.example.com/api?k=v",
		} {
			_, err := NewClient(WithBaseURL(base))
			require.ErrorIs(t, err, ErrInvalidParams, base)
			assert.NotContains(t, err.Error(), proxyPassword, base)
			assert.NotContains(t, err.Error(), "k=v", base)
		}
	}
}

// TestAmbiguousBaseURLIsRefused: a base URL that would not take the
// path it shows, or that Go reads with another host, is refused.
func TestAmbiguousBaseURLIsRefused(t *testing.T) {
	for _, base := range []string{
		"https://proxy.example.com/api?", "https://proxy.example.com/api#", "https://proxy.example.com/api/?",
		"https://user:12/34@proxy.example.com/api", // Go reads host "user:12": the password holds a raw '/'
	} {
		_, err := NewClient(WithBaseURL(base))
		assert.ErrorIs(t, err, ErrInvalidParams, base)
	}
}

// TestTransportErrorsHideSecrets: the *url.Error of net/http holds the whole
// URL; the transfer key in a GET's query and a password in the base URL
// must not come out of it, whatever the caller prints or unwraps.
func TestTransportErrorsHideSecrets(t *testing.T) {
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errRefused })}
	c, err := NewClient(WithHTTPClient(hc), WithBaseURL("http://shop:"+proxyPassword+"@127.0.0.1:1/api"))
	require.NoError(t, err)
	c.sleep = func(context.Context, time.Duration) error { return nil }
	_, err = c.Account(testAccountID, testTransferKey).CallbackInfo(context.Background(), "btc")
	require.Error(t, err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		assert.NotContains(t, text, testTransferKey)
		assert.NotContains(t, text, proxyPassword)
	}
	for e := err; e != nil; {
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e)} {
			assert.NotContains(t, text, testTransferKey, "every error in the chain")
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
}

func TestRedactURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://apirone.com/api/v2/accounts/apr-1/callback?currency=btc&transfer-key=" + testTransferKey, "https://apirone.com/api/v2/accounts/apr-1/callback?REDACTED"},
		{"https://apirone.com/api/v2/x#frag", "https://apirone.com/api/v2/x?REDACTED"},
		{"https://user:" + proxyPassword + "@proxy.example/a", "https://user:REDACTED@proxy.example/a"},
		{"https://user@proxy.example/a", "https://user@proxy.example/a"},
		{"https://apirone.com/api/v2/accounts/apr-1", "https://apirone.com/api/v2/accounts/apr-1"},
		{"", ""},
		// Passwords that do not parse, or parse into another URL.
		{"https://user:" + proxyPassword + "@host:notaport/", "https://user:REDACTED@host:notaport/"},
		{"https://user:p%zz" + proxyPassword + "@host/a", "https://user:REDACTED@host/a"},
		{"https://user:pa ss@host/a", "https://user:REDACTED@host/a"},
		{"https://user:12/34@host/a?k=v", "https://user:REDACTED@host/a?REDACTED"},
		{"https://user:pa?ss@host/a", "https://user:REDACTED@host/a"},
		{"https://user:pa#ss@host/a#f", "https://user:REDACTED@host/a?REDACTED"},
		{"https://user:p@ss@host/a", "https://user:REDACTED@host/a"},
		{"https://user:p%40ss@[::1]:8080/a", "https://user:REDACTED@[::1]:8080/a"},
		{"user:" + proxyPassword + "@host/a", "user:REDACTED@host/a"},
		{"https://:" + proxyPassword + "@host/a", "https://:REDACTED@host/a"},
		{"?transfer-key=" + testTransferKey, "?REDACTED"},
		{"://user:" + proxyPassword + "@host/a", "://user:REDACTED@host/a"},
		// An '@' in the query: the query goes, the host stays.
		{"https://shop.example/cb?email=a@b.example", "https://shop.example/cb?REDACTED"},
		{"https://user@shop.example/cb?t=a:b@c", "https://user@shop.example/cb?REDACTED"},
		// A ':' before an '@' may be a port before an '@' in the path, or
		// a password holding a '/': hidden either way.
		{"https://host:8080/cb?email=a@b", "https://host:REDACTED@b"},
		{"https://[::1]:8080/a", "https://[::1]:8080/a"},
	} {
		assert.Equal(t, c.want, redactURL(c.in), c.in)
	}
}

// TestEchoedSecretsAreScrubbed: a provider answer that repeats a key,
// secret or token the client holds shows it nowhere: not in the error's
// text, Message, Fields, Code or Body, nor in a log line.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	echo := func(secret string) string {
		return fmt.Sprintf(`{"message":"bad key %[1]s","error":"%[1]s","code":"k%[1]s",`+
			`"errors":{"key":"%[1]s is wrong","%[1]s":"x"},"echo":"?transfer-key=%[1]s"}`, secret)
	}
	account := func(w *wire, log *slog.Logger) *Account {
		a := w.account()
		a.client.logger = log
		return a
	}
	alphapo := func(w *wire, log *slog.Logger) *AlphaPoClient {
		c := w.alphapo()
		c.logger = log
		return c
	}
	transfer := &TransferParams{Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}}}
	take := &TakeAddressParams{Currency: "BTC", ForeignID: "1", EndUserReference: "u"}
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		secret string
		call   func(w *wire, log *slog.Logger) error
	}{
		{"Apirone Transfer, key in the body", testTransferKey, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodPost, apironeAccountURL+"/transfer", 400, echo(testTransferKey))
			_, err := account(w, log).Transfer(ctx, transfer)
			return err
		}},
		{"Apirone GET, key in the query", testTransferKey, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodGet, apironeAccountURL+"/callback", 400, echo(testTransferKey))
			_, err := account(w, log).CallbackInfo(ctx, "btc")
			return err
		}},
		{"Apirone error in a 200", testTransferKey, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodGet, apironeAccountURL+"/callback", 200, `{"message":"bad key `+testTransferKey+`"}`)
			_, err := account(w, log).CallbackInfo(ctx, "btc")
			return err
		}},
		{"Apirone Login", testTransferKey, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/login", 401, echo(testTransferKey))
			return account(w, log).Login(ctx)
		}},
		{"Apirone access token", testAccessToken, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodPost, ApironeBaseURL+"/v2/auth/logout", 400, echo(testAccessToken))
			a := account(w, log)
			a.UseTokens(Tokens{Access: testAccessToken, Refresh: testRefreshToken})
			return a.Logout(ctx)
		}},
		{"AlphaPo key", testAlphaKey, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 400, echo(testAlphaKey))
			_, err := alphapo(w, log).TakeAddress(ctx, take)
			return err
		}},
		{"AlphaPo secret", testAlphaSecret, func(w *wire, log *slog.Logger) error {
			w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 403, echo(testAlphaSecret))
			_, err := alphapo(w, log).TakeAddress(ctx, take)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log bytes.Buffer
			err := c.call(newWire(t), slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, apiErr.Message, "REDACTED", "the rest of the message stays")
			require.Contains(t, log.String(), "error=", "the failed try is logged")
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), apiErr.Message, apiErr.Code,
				fmt.Sprint(apiErr.Fields), string(apiErr.Body), log.String()} {
				assert.NotContains(t, text, c.secret)
			}
		})
	}
}

// TestScrubbedForms: an answer may echo a secret JSON-escaped (Go's
// escaping and PHP's "\/") or URL-escaped; a body cut at 4 KiB may end in
// the first bytes of one. Secrets too short to tell from text are left.
func TestScrubbedForms(t *testing.T) {
	const key = "k3y/with<&>+ space"
	body := `{"message":"k3y/with\u003c\u0026\u003e+ space k3y\/with<&>+ space","echo":"k3y%2Fwith%3C%26%3E%2B+space k3y%2Fwith%3C&%3E+%20space"}`
	e := newAPIError(apirone, "GET", "/x", 400, []byte(body), key, "", "short")
	assert.Equal(t, "REDACTED REDACTED", e.Message)
	assert.Equal(t, `{"message":"REDACTED REDACTED","echo":"REDACTED REDACTED"}`, string(e.Body))

	e = newAPIError(apirone, "GET", "/x", 400, []byte(`{"message":"trailing\\ x"}`), `trailing\`)
	assert.Equal(t, `{"message":"REDACTED x"}`, string(e.Body), "the JSON form, which holds the plain one, goes whole")

	e = newAPIError(apirone, "GET", "/x", 400, []byte(`{"message":"short"}`), "short")
	assert.Equal(t, "short", e.Message, "a secret under 8 bytes is not looked for")
	e = newAPIError(apirone, "GET", "/x", 400, []byte(`{"message":"8bytes!! and 7bytes!"}`), "8bytes!!", "7bytes!")
	assert.Equal(t, "REDACTED and 7bytes!", e.Message, "a secret of 8 bytes is")

	long := strings.Repeat("x", maxErrorBody-len(testTransferKey)+5) + testTransferKey
	e = newAPIError(apirone, "GET", "/x", 400, []byte(long), testTransferKey)
	assert.Equal(t, strings.Repeat("x", maxErrorBody-len(testTransferKey)+5)+"REDACTED", string(e.Body), "the cut leaves 27 bytes of the key")
	for _, c := range []struct {
		tail int // bytes of the key the cut body ends in
		want string
	}{
		{minSecretTail, "REDACTED"},
		{minSecretTail - 1, testTransferKey[:minSecretTail-1]},
	} {
		pad := strings.Repeat("x", maxErrorBody-c.tail)
		e = newAPIError(apirone, "GET", "/x", 400, []byte(pad+testTransferKey), testTransferKey)
		assert.Equal(t, pad+c.want, string(e.Body), "a cut leaving %d bytes of the key", c.tail)
	}
	e = newAPIError(apirone, "GET", "/x", 400, []byte("xx"+testTransferKey[:10]), testTransferKey)
	assert.Equal(t, "xx"+testTransferKey[:10], string(e.Body), "an answer that was not cut keeps its end")
}
