package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const proxyPassword = "pr0xy-pa55word"

// TestNoValuePrintsASecret formats every value that holds a credential with
// every verb.
func TestNoValuePrintsASecret(t *testing.T) {
	c, err := NewClient(WithBaseURL("https://shop:" + proxyPassword + "@proxy.example.com/apirone"))
	require.NoError(t, err)
	ap, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithBaseURL("https://shop:"+proxyPassword+"@proxy.example.com/alphapo"))
	require.NoError(t, err)
	created := CreatedAccount{Account: testAccountID, TransferKey: testTransferKey}
	values := map[string]any{
		"Client":          c,
		"AlphaPoClient":   ap,
		"Account":         c.Account(testAccountID, testTransferKey),
		"Signer":          NewSigner(testAlphaSecret),
		"CreatedAccount":  created,
		"*CreatedAccount": &created,
	}
	secrets := []string{testTransferKey, testAlphaSecret, testAlphaKey, proxyPassword}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range secrets {
				assert.NotContains(t, out, secret, "%s %s", name, verb)
				assert.NotContains(t, out, fmt.Sprintf("%x", secret), "%s %s: hex", name, verb)
			}
		}
	}
	assert.Equal(t, "cryptopay.Client{https://shop:REDACTED@proxy.example.com/apirone}", fmt.Sprint(c))
}

func TestBadBaseURLErrorHidesItsPassword(t *testing.T) {
	_, err := NewClient(WithBaseURL("ftp://shop:" + proxyPassword + "@proxy.example.com/?k=v"))
	require.ErrorIs(t, err, ErrInvalidParams)
	assert.NotContains(t, err.Error(), proxyPassword)
	assert.NotContains(t, err.Error(), "k=v")
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
	for in, want := range map[string]string{
		"https://apirone.com/api/v2/accounts/apr-1/callback?currency=btc&transfer-key=" + testTransferKey: "https://apirone.com/api/v2/accounts/apr-1/callback?REDACTED",
		"https://apirone.com/api/v2/x#frag":                  "https://apirone.com/api/v2/x?REDACTED",
		"https://user:" + proxyPassword + "@proxy.example/a": "https://user:REDACTED@proxy.example/a",
		"https://user@proxy.example/a":                       "https://user@proxy.example/a",
		"https://apirone.com/api/v2/accounts/apr-1":          "https://apirone.com/api/v2/accounts/apr-1",
	} {
		assert.Equal(t, want, redactURL(in), in)
	}
}
