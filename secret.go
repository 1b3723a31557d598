package cryptopay

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
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

// redactURLError removes the query (which may hold a transfer key) and any
// password from the URL that *url.Error prints.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

// redactURL hides a password in raw and replaces its query and fragment
// with "?REDACTED". The password is found in the text, not with url.Parse,
// so that one which does not parse or holds '/', '?', '#' or '@' is hidden
// too: it is everything from the first ':' after "://" (or after the
// start, without one) to the last '@'. A ':' before an '@' elsewhere (a
// port before an '@' in the path, say) hides that stretch as well.
func redactURL(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	}
	if colon := strings.IndexByte(raw[start:], ':'); colon >= 0 {
		colon += start
		if at := strings.LastIndexByte(raw, '@'); at > colon {
			raw = raw[:colon+1] + redacted + raw[at:]
		}
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i] + "?" + redacted
	}
	return raw
}
