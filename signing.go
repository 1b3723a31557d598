package cryptopay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"
)

// Signer computes and checks AlphaPo signatures: the lowercase hex
// HMAC-SHA512 of the exact body bytes, keyed with the API secret. Nothing
// but the body is signed (no method, path or timestamp).
//
// A Signer never prints its secret (see Format).
// It is safe for concurrent use.
type Signer struct {
	secret secret
	// macs holds *macState keyed with secret, reset after each use, so
	// that signing does not key a new HMAC every time.
	macs sync.Pool
}

// NewSigner returns a Signer for the given API secret.
func NewSigner(secret string) *Signer {
	return &Signer{secret: newSecret(secret)}
}

// Sign returns the signature of body: 128 lowercase hex digits.
func (s *Signer) Sign(body []byte) string {
	m := s.mac(body)
	var text [2 * sha512.Size]byte
	hex.Encode(text[:], m.sum[:])
	s.macs.Put(m)
	return string(text[:])
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
	m := s.mac(body)
	ok := hmac.Equal(got, m.sum[:])
	s.macs.Put(m)
	return ok
}

// macState is a keyed HMAC and room for its sum.
type macState struct {
	hash.Hash
	sum [sha512.Size]byte
}

// mac returns a state from s.macs holding the HMAC-SHA512 of body in sum;
// the caller puts it back once done with sum.
func (s *Signer) mac(body []byte) *macState {
	m, _ := s.macs.Get().(*macState)
	if m == nil {
		m = &macState{Hash: hmac.New(sha512.New, []byte(s.secret.reveal()))}
	}
	m.Write(body)
	m.Sum(m.sum[:0])
	m.Reset()
	return m
}

// Format prints "cryptopay.Signer{REDACTED}" for every verb, so no format
// string can reveal the secret. A Signer must not be copied (it holds a
// sync.Pool); a copy printed anyway shows no secret either.
func (s *Signer) Format(f fmt.State, verb rune) { io.WriteString(f, "cryptopay.Signer{REDACTED}") }
