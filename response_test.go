package cryptopay

// Tests of response.go: reading an answer and decoding it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmptySuccessBody(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, "")
	_, err := w.account().Info(context.Background(), "")
	assert.ErrorContains(t, err, "empty response body")
}

// TestDecodeEnvelopes: where decode takes a 2xx result from, for each
// envelope: an Apirone answer is the result even when it has a "data"
// member, and a bare list is the result whatever the envelope.
func TestDecodeEnvelopes(t *testing.T) {
	type item struct{ X int }
	for _, tc := range []struct {
		envelope envelope
		body     string
		want     []item
	}{
		{bare, `[{"x":1}]`, []item{{1}}},
		{inData, `[{"x":1}]`, []item{{1}}},
		{maybeInData, `[{"x":1}]`, []item{{1}}},
		{inData, `{"data":[{"x":2}]}`, []item{{2}}},
		{maybeInData, `{"data":[{"x":2}]}`, []item{{2}}},
	} {
		var got []item
		require.NoError(t, decode(&endpoint{envelope: tc.envelope}, &callState{}, 200, []byte(tc.body), &got), tc.body)
		assert.Equal(t, tc.want, got, "envelope %d, %s", tc.envelope, tc.body)
	}
	var got item
	require.NoError(t, decode(&endpoint{envelope: bare}, &callState{}, 200, []byte(`{"data":{"x":1},"x":2}`), &got))
	assert.Equal(t, item{2}, got, "Apirone: the whole answer")
	require.NoError(t, decode(&endpoint{envelope: maybeInData}, &callState{}, 200, []byte(`{"x":3}`), &got))
	assert.Equal(t, item{3}, got, "maybeInData without data: the whole answer")
}

// TestErrorIn2xxBody: a 2xx body holding nothing but error keys is an
// *APIError whatever their order, spacing or escaping; a result that has
// such a key among others is a result; AlphaPo's envelope must hold data.
func TestErrorIn2xxBody(t *testing.T) {
	// Each client takes the message from its own provider's member only
	// (Apirone's "message", AlphaPo's "error"); a body of error members is
	// an *APIError for both.
	for _, tc := range []struct{ body, apirone, alphaPo string }{
		{`{"message":"Invalid wallet."}`, "Invalid wallet.", ""},
		{" \n\t{ \"code\" : 7 , \"message\":\"Invalid wallet.\"}", "Invalid wallet.", ""},
		{`{"\u006dessage":"Invalid wallet."}`, "Invalid wallet.", ""},
		{`{"error":"Invalid wallet.","errors":null}`, "", "Invalid wallet."},
	} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL, 200, tc.body)
		_, err := w.account().Info(context.Background(), "")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, tc.body)
		assert.Equal(t, 200, apiErr.StatusCode, tc.body)
		assert.Equal(t, tc.apirone, apiErr.Message, tc.body)

		w = newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, tc.body)
		_, err = w.alphapo().TakeAddress(context.Background(), takeParams)
		require.ErrorAs(t, err, &apiErr, tc.body)
		assert.Equal(t, tc.alphaPo, apiErr.Message, tc.body)
	}
	for _, body := range []string{`{"message":"note","account":"apr-1"}`, `{"account":"apr-1","error":"note"}`} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL, 200, body)
		info, err := w.account().Info(context.Background(), "")
		require.NoError(t, err, body)
		assert.Equal(t, "apr-1", info.Account, body)
	}
	for body, want := range map[string]string{
		`{"message":"note","data":{"address":"2NFZ"}}`: "",
		`{"data":null}`:                                              `response has no "data"`,
		`{"address":"2NFZ"}`:                                         `response has no "data"`,
		`{"dAtA":{"address":"2NFZ"}}`:                                `response has no "data"`,
		`{"dAtA":{"address":"2NFZ"},"note":"data"}`:                  `response has no "data"`,
		`{"info":{"data":{"address":"2NFZ"}}}`:                       `response has no "data"`,
		`{"data":{"address":"2NFZ"},"data":null}`:                    `response has no "data"`,
		`{"data":{"address":"2NFZ"},"Data":{"address":"elsewhere"}}`: "",
		`{"DATA":{"address":"elsewhere"},"data":{"address":"2NFZ"}}`: "",
		`{"d\u0061ta":{"address":"2NFZ"}}`:                           "",
		`{"d\u0061t":{"address":"2NFZ"}}`:                            `response has no "data"`,
		`{"data":{"address":"2NFZ"},"more":[1,{"x":"}"},"\""]}`:      "",
		`{"data":{"address":"2N"`:                                    "decoding response",
		`[{"address":"2NFZ"}]`:                                       "decoding response",
	} {
		w := newWire(t)
		w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/addresses/take", 200, body)
		taken, err := w.alphapo().TakeAddress(context.Background(), takeParams)
		if want != "" {
			assert.ErrorContains(t, err, want, body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, "2NFZ", taken.Address, body)
	}
}

func TestTruncatedJSON(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, `{"account":"apr-1","info":[`)
	_, err := w.account().Info(context.Background(), "")
	assert.ErrorContains(t, err, "decoding response")
}

// TestHugeBodyIsCutAtTheCap serves a 100 MiB body: the call fails at once
// when Content-Length gives the size, else once 10 MiB have been read,
// without reading (or allocating) the rest.
func TestHugeBodyIsCutAtTheCap(t *testing.T) {
	for _, tc := range []struct {
		name          string
		contentLength bool
		maxAlloc      uint64
	}{
		{"streamed", false, 32 << 20}, // a doubling buffer: 4 KiB, 8 KiB, ... 8 MiB, then 10 MiB + 1 B
		{"with Content-Length", true, 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var written atomic.Int64
			served := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(served)
				if tc.contentLength {
					w.Header().Set("Content-Length", fmt.Sprint(100<<20+2))
				}
				endless(100<<20)(&countingWriter{w: w, n: &written}, r)
			}))
			defer srv.Close()
			transport := &http.Transport{}
			defer transport.CloseIdleConnections()
			c, err := NewClient(WithHTTPClient(&http.Client{Transport: transport}), WithBaseURL(srv.URL))
			require.NoError(t, err)

			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = c.Account(testAccountID, "").Info(context.Background(), "")
			runtime.ReadMemStats(&after)
			<-served

			assert.ErrorContains(t, err, "response larger than 10485760 bytes")
			assert.Less(t, written.Load(), int64(50<<20), "the server could not send the whole body")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, tc.maxAlloc, "allocated while reading")
		})
	}
}

type countingWriter struct {
	w http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Header() http.Header { return c.w.Header() }
func (c *countingWriter) WriteHeader(s int)   { c.w.WriteHeader(s) }
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func TestReadCappedBoundary(t *testing.T) {
	for _, tc := range []struct {
		body          string
		contentLength int64
		tooLarge      bool
	}{
		{"0123456789", -1, false},
		{"0123456789", 10, false},
		{"0123456789a", -1, true},
		{"0123456789a", 11, true},
		{"", 0, false},
		{strings.Repeat("x", 5000), -1, true}, // past the first 4 KiB buffer
	} {
		resp := &http.Response{Body: io.NopCloser(strings.NewReader(tc.body)), ContentLength: tc.contentLength}
		got, err := readCapped(resp, 10)
		if tc.tooLarge {
			assert.ErrorIs(t, err, errTooLarge, "%d bytes, Content-Length %d", len(tc.body), tc.contentLength)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.body, string(got))
	}
	big := strings.Repeat("y", 100_000)
	got, err := readCapped(&http.Response{Body: io.NopCloser(strings.NewReader(big)), ContentLength: -1}, 100_000)
	require.NoError(t, err)
	assert.Equal(t, big, string(got), "a body of exactly the cap, read through several doublings")
}

// TestStatusClasses: every 2xx answer is a result, every other an
// *APIError with its status.
func TestStatusClasses(t *testing.T) {
	for _, tc := range []struct {
		status int
		ok     bool
	}{
		{200, true}, {201, true}, {299, true}, {300, false}, {304, false}, {400, false},
	} {
		w := newWire(t)
		w.respond(http.MethodGet, apironeAccountURL+"/callback", tc.status, fixture(t, "apirone/account_callback.json"))
		_, err := w.account().CallbackInfo(context.Background(), "btc")
		if tc.ok {
			assert.NoError(t, err, "status %d", tc.status)
			continue
		}
		var apiErr *APIError
		if assert.ErrorAs(t, err, &apiErr, "status %d", tc.status) {
			assert.Equal(t, tc.status, apiErr.StatusCode)
		}
	}
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

// Seed corpora for every fuzz target are kept in testdata/fuzz/<target>
// (for FuzzResponse, every reference response example); the f.Add calls
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
	f.Add(uint8(13), []byte(`{"callback":{"url":"https://shop.example","data":{"user":"john","order":123456,"paid":true,"note":null}}}`))
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
