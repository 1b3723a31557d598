package cryptopaytest

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// TestControlAPIAcceptsEveryParamsField walks the Go control params: each
// field of DepositParams, AlphaPoDepositParams and Failure has a field of
// the same type under its snake_case name in the body its control route
// decodes, so a field added to the Go API cannot be forgotten over HTTP.
// Failure.Delay, a time.Duration, travels as a Go duration string.
func TestControlAPIAcceptsEveryParamsField(t *testing.T) {
	for _, tc := range []struct {
		params, in reflect.Type
		path       string
		asText     map[string]bool // fields sent as a string over HTTP
	}{
		{reflect.TypeFor[DepositParams](), reflect.TypeFor[controlDepositIn](), "deposit", nil},
		{reflect.TypeFor[AlphaPoDepositParams](), reflect.TypeFor[controlAlphaPoDepositIn](), "alphapo/deposit", nil},
		{reflect.TypeFor[Failure](), reflect.TypeFor[controlFailIn](), "fail", map[string]bool{"Delay": true}},
	} {
		fields := map[string]reflect.Type{}
		for i := range tc.in.NumField() {
			f := tc.in.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields[name] = f.Type
		}
		route := routeNamed(tc.path)
		for i := range tc.params.NumField() {
			f := tc.params.Field(i)
			name := snake(f.Name)
			got, found := fields[name]
			if !assert.True(t, found, "%s.%s: no %q in the body of %s", tc.params.Name(), f.Name, name, tc.path) {
				continue
			}
			want := f.Type
			if tc.asText[f.Name] {
				want = reflect.TypeFor[string]()
			}
			assert.Equal(t, want, got, "%s.%s", tc.params.Name(), f.Name)
			assert.Contains(t, route.Fields, name, "ControlRoutes lists %s", name)
		}
	}
}

// routeNamed returns the control route at ControlPrefix+path.
func routeNamed(path string) ControlRoute {
	for _, r := range ControlRoutes() {
		if r.Path == ControlPrefix+path {
			return r
		}
	}
	return ControlRoute{}
}

// snake turns a Go field name into its snake_case JSON name:
// CallbackURL → callback_url, TxID → txid, AfterEffect → after_effect.
func snake(name string) string {
	name = strings.NewReplacer("TxID", "Txid", "URL", "Url", "ID", "Id").Replace(name)
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"CallbackURL": "callback_url", "TxID": "txid", "AfterEffect": "after_effect", "Date": "date", "ForeignID": "foreign_id",
	} {
		assert.Equal(t, want, snake(in))
	}
}
