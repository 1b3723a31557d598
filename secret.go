package cryptopay

import (
	"fmt"
	"io"
)

// redacted stands in for a secret in printed values, errors and URLs.
const redacted = "REDACTED"

// secret holds a credential (an AlphaPo key or secret, a callback secret)
// and prints as REDACTED with every fmt verb. fmt calls no method on a
// value it reaches through an unexported field, so the text sits behind a
// pointer: printed that way, a secret shows an address only.
type secret struct{ p *string }

func newSecret(s string) secret { return secret{&s} }

// reveal returns the credential; "" for the zero secret.
func (s secret) reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// Format prints REDACTED for every verb.
func (secret) Format(f fmt.State, verb rune) { io.WriteString(f, redacted) }

// String returns REDACTED.
func (secret) String() string { return redacted }

// GoString returns REDACTED.
func (secret) GoString() string { return redacted }
