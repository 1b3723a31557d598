package cryptopaytest

import (
	"bytes"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
)

// SignAlphaPoCallback returns the headers AlphaPo sends with a callback
// body: Content-Type application/json, X-Processing-Key with key, and
// X-Processing-Signature with the HMAC-SHA512 of body keyed with secret.
// Send body byte for byte as given: the signature covers those bytes.
func SignAlphaPoCallback(key, secret string, body []byte) http.Header {
	h := make(http.Header)
	h.Set("Content-Type", "application/json")
	h.Set("X-Processing-Key", key)
	h.Set("X-Processing-Signature", cryptopay.NewSigner(secret).Sign(body))
	return h
}

// NewAlphaPoCallbackRequest returns a POST of body to url, signed as AlphaPo
// signs callbacks (see SignAlphaPoCallback). Pass it to a handler's
// ServeHTTP, or send it with an *http.Client. Like httptest.NewRequest, it
// panics if url cannot be parsed.
func NewAlphaPoCallbackRequest(url, key, secret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic("cryptopaytest: NewAlphaPoCallbackRequest: invalid url") // the URL may hold a token: not repeated
	}
	req.Header = SignAlphaPoCallback(key, secret, body)
	return req
}
