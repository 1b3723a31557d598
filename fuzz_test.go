package cryptopay

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
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
