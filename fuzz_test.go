package cryptopay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Seed corpora for every target are kept in testdata/fuzz/<target> (for
// FuzzResponse, every reference response example); the f.Add calls below
// are the few inputs a reader needs to see.

// responseTypes are the results the request path decodes, for FuzzResponse,
// in the order of the seed corpus's kind values.
var responseTypes = []struct {
	envelope bool
	new      func() any
}{
	{false, func() any { return new(CreatedAccount) }},
	{false, func() any { return new(AccountInfo) }},
	{false, func() any { return new(AccountBalance) }},
	{false, func() any { return new(Address) }},
	{false, func() any { return new(AddressInfo) }},
	{false, func() any { return new(AddressBalance) }},
	{false, func() any { return new(AddressPage) }},
	{false, func() any { return new(Estimation) }},
	{false, func() any { return new(TransferResult) }},
	{false, func() any { return new(HistoryPage) }},
	{false, func() any { return new(HistoryItem) }},
	{false, func() any { return new(AddressHistoryPage) }},
	{false, func() any { return new(AccountCallback) }},
	{false, func() any { return new(AddressCallback) }},
	{false, func() any { return new(CallbackLogPage) }},
	{true, func() any { return new(TakenAddress) }},
	{false, func() any { return new(PaymentCallback) }},
}

// FuzzResponse feeds any body to the response decoder for each result type:
// it must not panic, and what it accepts must encode to JSON that decodes
// to the same value (compared by its encoding).
func FuzzResponse(f *testing.F) {
	f.Add(uint8(0), []byte(`{"account":"apr-1","created":"2021-11-03T11:03:55.083199","transfer-key":"k"}`))
	f.Add(uint8(0), []byte(`{"message":"Invalid wallet."}`))
	f.Add(uint8(15), []byte(`{"data":null}`))
	f.Add(uint8(2), []byte(`{"balance":[{"currency":"eth","available":"`+strings.Repeat("9", maxDigits+1)+`"}]}`))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		rt := responseTypes[int(kind)%len(responseTypes)]
		ep := endpoint{method: http.MethodGet, path: "/fuzz"}
		if rt.envelope {
			ep.envelope = inData
		}
		v := rt.new()
		if decode(&ep, &callState{}, 200, body, v) != nil {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			if !strings.Contains(err.Error(), "year outside 0 to 9999") {
				t.Fatalf("%s: encoding %T: %v", body, v, err)
			}
			return
		}
		again := rt.new()
		if err := json.Unmarshal(out, again); err != nil {
			t.Fatalf("%s -> %s: %v", body, out, err)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("%s -> %s -> %s", body, out, out2)
		}
	})
}

// FuzzLenientInt checks that an integer lenientInt accepts encodes as a
// JSON number that decodes to the same value.
func FuzzLenientInt(f *testing.F) {
	for _, s := range []string{`12`, `"12"`, `-9223372036854775808`, `""`, `null`, `1.5`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v int64
		if json.Unmarshal(data, (*lenientInt)(&v)) != nil {
			return
		}
		out, _ := json.Marshal(v)
		var back int64
		if err := json.Unmarshal(out, (*lenientInt)(&back)); err != nil || back != v {
			t.Fatalf("%s -> %s -> %d (%v)", data, out, back, err)
		}
	})
}

// FuzzLenientString checks that text lenientString accepts (a tag, an id
// sent as a number) encodes, as a tag is sent, to JSON that decodes to the
// same text.
func FuzzLenientString(f *testing.F) {
	for _, s := range []string{`"12345"`, `12345`, `null`, `"memo text"`, `1e3`, `true`, `""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s string
		if json.Unmarshal(data, (*lenientString)(&s)) != nil {
			return
		}
		out, _ := json.Marshal(lenientString(s))
		var back string
		if err := json.Unmarshal(out, (*lenientString)(&back)); err != nil || back != s {
			t.Fatalf("%s -> %s -> %q (%v)", data, out, back, err)
		}
	})
}

func FuzzDestinationAmount(f *testing.F) {
	for _, s := range []string{`10000`, `"10000"`, `"50%"`, `"12.5%"`, `"123456789012345678901234"`, `"%"`, `1.5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d DestinationAmount
		if json.Unmarshal(data, &d) != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		var back DestinationAmount
		if err := json.Unmarshal(out, &back); err != nil || back.String() != d.String() {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
		if _, isUnits := d.Units(); isUnits == strings.HasSuffix(d.String(), "%") {
			t.Fatalf("%s: units %v but reads %s", data, isUnits, d)
		}
	})
}

// FuzzAPIErrorBody feeds any error answer to newAPIError, as each
// provider's: it keeps at most 4 KiB of the body, matches the sentinel of
// its status, and prints the provider's message only when the body is JSON.
func FuzzAPIErrorBody(f *testing.F) {
	f.Add(400, []byte(`{"message": "Invalid wallet."}`))
	f.Add(400, []byte(`{"errors": {"currency": ["is required", "is invalid"]}}`))
	f.Add(403, []byte(`{"error": "Bad signature", "code": "bad_header_signature"}`))
	f.Add(429, []byte(`error code: 1015`))
	f.Add(502, []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, p := range []provider{apirone, alphaPo} {
			e := newAPIError(p, http.MethodPost, "/v2/addresses/take", status, body)
			if len(e.Body) > maxErrorBody || !bytes.HasPrefix(body, e.Body) {
				t.Fatalf("Body %q is not a prefix of at most %d bytes", e.Body, maxErrorBody)
			}
			prefix := fmt.Sprintf("cryptopay: POST /v2/addresses/take: %d %s", status, http.StatusText(status))
			msg := e.Error()
			if !strings.HasPrefix(msg, prefix) {
				t.Fatalf("Error() = %q", msg)
			}
			if !json.Valid(e.Body) && msg != prefix {
				t.Fatalf("a body that is not JSON shows in Error(): %q", msg)
			}
			if p == apirone && (e.Code != "" || e.Fields != nil) {
				t.Fatalf("an Apirone error took AlphaPo's members: %+v", e)
			}
			if e.Is(ErrServer) != (status >= 500) || e.Is(ErrNotFound) != (status == 404) {
				t.Fatalf("status %d matches the wrong sentinel", status)
			}
		}
	})
}

// FuzzHasData checks hasData against encoding/json: a valid object has a
// non-null "data" member exactly when decoding it into a map (exact keys,
// the last of repeated ones) gives one.
func FuzzHasData(f *testing.F) {
	for _, s := range []string{`{"data":{"id":1}}`, `{"data":null}`, `{"Data":1}`, `{"x":"data","y":{"data":2}}`,
		`{"d\u0061ta":[]}`, `{"data":1,"data":null}`, ` { "a" : "\"}" , "data" : true } `, `{"a":-1.5e3,"data":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var members map[string]json.RawMessage
		if !isObject(data) || json.Unmarshal(data, &members) != nil {
			return
		}
		v, ok := members["data"]
		if want := ok && string(v) != "null"; hasData(data) != want {
			t.Fatalf("hasData(%s) = %v, want %v", data, !want, want)
		}
	})
}

// FuzzParseUTCTime: whatever parseUTCTime reads, time.Parse reads the same
// way, to the nanosecond and in UTC.
func FuzzParseUTCTime(f *testing.F) {
	for _, s := range []string{"2021-11-03T11:03:55.083199", "2022-10-13T00:00:01", "2024-02-29T23:59:59.999999999",
		"2023-02-29T00:00:00", "2021-11-03T24:00:00", "2021-11-03T1:03:55", "2021-11-03T11:03:55.", "0000-01-01T00:00:00.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTCTime([]byte(s))
		if !ok {
			return
		}
		want, err := time.Parse(utcLayout, s)
		if err != nil || !got.Equal(want) || got != want {
			t.Fatalf("%q: parseUTCTime gives %v, time.Parse %v (%v)", s, got, want, err)
		}
	})
}
