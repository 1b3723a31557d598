package cryptopay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
)

// Signer computes and checks AlphaPo signatures: the lowercase hex
// HMAC-SHA512 of the exact body bytes, keyed with the API secret. Nothing
// but the body is signed (no method, path or timestamp).
//
// A Signer never prints its secret (see Format).
// It is safe for concurrent use.
type Signer struct {
	secret []byte
}

// NewSigner returns a Signer for the given API secret.
func NewSigner(secret string) *Signer {
	return &Signer{secret: []byte(secret)}
}

// Sign returns the signature of body: 128 lowercase hex digits.
func (s *Signer) Sign(body []byte) string {
	return hex.EncodeToString(s.mac(body))
}

// Verify reports whether signature is the signature of body. The
// comparison is constant-time. Hex case does not matter (it does not change
// the value): an upper-case copy of a valid signature verifies. A signature
// that is not hex, or not 64 bytes long once decoded, is rejected.
func (s *Signer) Verify(body []byte, signature string) bool {
	got, err := hex.DecodeString(signature)
	if err != nil || len(got) != sha512.Size {
		return false
	}
	return hmac.Equal(got, s.mac(body))
}

func (s *Signer) mac(body []byte) []byte {
	m := hmac.New(sha512.New, s.secret)
	m.Write(body)
	return m.Sum(nil)
}

// Format prints "cryptopay.Signer{REDACTED}" for every verb, so no format
// string can reveal the secret.
func (s *Signer) Format(f fmt.State, verb rune) { io.WriteString(f, "cryptopay.Signer{REDACTED}") }
