package cryptopay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const notesSignature = "03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec"

type signingVector struct {
	Secret    string `json:"secret"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func signingVectors(t *testing.T) []signingVector {
	t.Helper()
	var callback signingVector
	raw, err := os.ReadFile("testdata/signing/alphapo-callback-vector.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &callback))
	return []signingVector{
		{Secret: "AbCdEfG123456", Body: `{"currency":"BTC","foreign_id":"123456"}`, Signature: notesSignature},
		callback,
	}
}

func TestSignKnownAnswers(t *testing.T) {
	for _, v := range signingVectors(t) {
		assert.Equal(t, v.Signature, NewSigner(v.Secret).Sign([]byte(v.Body)))
	}
}

// TestVerify: exactly the signature of the body verifies, in any hex case;
// anything appended, cut or changed does not.
func TestVerify(t *testing.T) {
	for _, v := range signingVectors(t) {
		s := NewSigner(v.Secret)
		body := []byte(v.Body)
		sig := v.Signature
		for _, c := range []struct {
			name string
			sig  string
			want bool
		}{
			{"valid", sig, true},
			{"upper-case hex is the same value", strings.ToUpper(sig), true},
			{"mixed-case hex is the same value", mixCase(sig), true},
			{"empty", "", false},
			{"truncated", sig[:126], false},
			{"one digit cut", sig[:127], false},
			{"one digit appended", sig + "0", false},
			{"two digits appended", sig + "00", false},
			{"non-hex appended", sig + "zz", false},
			{"upper-case with a digit appended", strings.ToUpper(sig) + "0", false},
			{"space appended", sig + " ", false},
			{"newline appended", sig + "\n", false},
			{"space before", " " + sig, false},
			{"0x prefix", "0x" + sig[2:], false},
			{"not hex", "zz" + sig[2:], false},
			{"one digit changed", flipLastDigit(sig), false},
			{"signature twice", sig + sig, false},
		} {
			assert.Equal(t, c.want, s.Verify(body, c.sig), c.name)
		}
		assert.False(t, s.Verify(append(body, ' '), sig), "body changed")
		assert.False(t, NewSigner(v.Secret+"x").Verify(body, sig), "wrong secret")
	}
}

// TestSignerSharedByGoroutines signs and verifies different bodies from
// many goroutines through one Signer (run it with -race): every signature
// is the HMAC of its own body, however the reused hash states interleave.
func TestSignerSharedByGoroutines(t *testing.T) {
	const goroutines, rounds = 16, 200
	s := NewSigner(testAlphaSecret)
	errs := make(chan error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				body := []byte(strings.Repeat(fmt.Sprintf(`{"g":%d,"i":%d}`, g, i), i%40))
				mac := hmac.New(sha512.New, []byte(testAlphaSecret))
				mac.Write(body)
				want := hex.EncodeToString(mac.Sum(nil))
				if got := s.Sign(body); got != want || !s.Verify(body, want) || s.Verify(body, flipLastDigit(want)) {
					errs <- fmt.Errorf("goroutine %d round %d: signed %s, want %s", g, i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func mixCase(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i += 2 {
		if b[i] >= 'a' && b[i] <= 'f' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func flipLastDigit(s string) string {
	last := s[len(s)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return s[:len(s)-1] + string(repl)
}

func TestSignerHidesSecret(t *testing.T) {
	s := NewSigner("super-secret-value")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, s)
		assert.NotContains(t, out, "super-secret-value", verb)
		assert.NotContains(t, out, "115 117 112", verb) // the secret's bytes
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"currency":"BTC","foreign_id":"123456"}`), notesSignature)
	f.Add([]byte(`{}`), "00")
	s := NewSigner("AbCdEfG123456")
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		ok := s.Verify(body, sig)
		if ok != strings.EqualFold(sig, s.Sign(body)) {
			t.Fatalf("Verify(%q, %q) = %v", body, sig, ok)
		}
	})
}
