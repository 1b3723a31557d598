package cryptopay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateAddress(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/addresses", 200, fixture(t, "apirone/generate_address.json"))

	got, err := w.account().GenerateAddress(context.Background(), &GenerateAddressParams{
		Currency: "btc",
		AddrType: "p2sh-p2wpkh",
		Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses", req.Path)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, `{"currency":"btc","addr-type":"p2sh-p2wpkh","callback":{"method":"POST","url":"http://example.com/callback","data":{"id":"1"}}}`, req.Body)
	assert.NotContains(t, req.Body, testTransferKey, "GenerateAddress is public")
	assert.Equal(t, &Address{
		Account:  testAccountID,
		Currency: "btc",
		Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
		Created:  ts(t, "2021-11-04T08:38:33.389076"),
		Type:     "p2sh-p2wpkh",
		Callback: &Callback{Method: "POST", URL: "http://example.com/callback", Data: map[string]string{"id": "1"}},
	}, got)
}

func TestGenerateAddressMinimalBody(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/addresses", 200, fixture(t, "apirone/generate_address.json"))
	_, err := w.account().GenerateAddress(context.Background(), &GenerateAddressParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, `{"currency":"btc"}`, w.only().Body)
}

func TestGenerateAddressRejectsBadInput(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", 1024)
	cases := map[string]struct {
		p     *GenerateAddressParams
		field string
	}{
		"nil params":        {nil, "currency"},
		"no currency":       {&GenerateAddressParams{}, "currency"},
		"relative callback": {&GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: "/cb"}}, "callback.url"},
		"ftp callback":      {&GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: "ftp://example.com/cb"}}, "callback.url"},
		"long callback":     {&GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: long}}, "callback.url"},
		"bad method":        {&GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: "https://example.com", Method: "PUT"}}, "callback.method"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.account().GenerateAddress(context.Background(), tc.p)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.ErrorIs(t, err, ErrInvalidParams)
			assert.Zero(t, w.count())
		})
	}
}

func TestAddressInfo(t *testing.T) {
	w := newWire(t)
	addr := "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/"+addr, 200, fixture(t, "apirone/address_info.json"))

	got, err := w.account().AddressInfo(context.Background(), addr)
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses/"+addr, req.Path)
	assert.Equal(t, "", req.RawQuery)
	assert.Equal(t, &AddressInfo{
		Account: testAccountID, Currency: "btc", Address: addr, Type: "p2sh-p2wpkh",
		Created: ts(t, "2021-12-16T11:53:14.691862"),
		Balance: Balance{Available: NewAmount(100000), Total: NewAmount(100000)},
	}, got)
}

func TestAddressBalance(t *testing.T) {
	w := newWire(t)
	addr := "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu"
	w.respond(http.MethodGet, apironeAccountURL+"/addresses/"+addr+"/balance", 200, fixture(t, "apirone/address_balance.json"))

	got, err := w.account().AddressBalance(context.Background(), addr)
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses/"+addr+"/balance", req.Path)
	assert.Equal(t, &AddressBalance{
		Account: testAccountID, Address: addr,
		Balance: Balance{Currency: "btc", Available: NewAmount(100000), Total: NewAmount(100000)},
	}, got)
}

func TestPathArgumentsThatChangeTheURLAreRejected(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "../x", "a/b", "?q", "#f", `a\b`, "a%2Fb", "a\nb"} {
		t.Run(fmt.Sprintf("%q", bad), func(t *testing.T) {
			w := newWire(t)
			acct := w.account()
			ctx := context.Background()
			calls := []func() error{
				func() error { _, err := acct.AddressInfo(ctx, bad); return err },
				func() error { _, err := acct.AddressBalance(ctx, bad); return err },
				func() error { _, err := acct.AddressHistory(ctx, bad, nil); return err },
				func() error { _, err := acct.AddressCallbackInfo(ctx, bad); return err },
				func() error { _, err := acct.AddressCallbackLog(ctx, bad, nil); return err },
				func() error { _, err := acct.HistoryItem(ctx, bad); return err },
			}
			for i, f := range calls {
				assert.ErrorIs(t, f(), ErrInvalidParams, "call %d", i)
			}
			assert.Zero(t, w.count())
		})
	}
}

func TestAddresses(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/addresses", 200, fixture(t, "apirone/account_addresses.json"))

	got, err := w.account().Addresses(context.Background(), &AddressesParams{
		Currency: "btc", Limit: 10, Offset: 20, Address: "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", NonEmpty: true,
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/addresses", req.Path)
	assert.Equal(t, "currency=btc&limit=10&offset=20&q=address%3A3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu%2Cempty%3Afalse", req.RawQuery)
	assert.Equal(t, &AddressPage{
		Account:  testAccountID,
		Currency: "btc",
		Addresses: []AddressEntry{{
			Address: "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", Type: "p2sh-p2wpkh",
			Created: ts(t, "2021-11-04T15:08:25.078103"),
			Balance: Balance{Available: NewAmount(1218381), Total: NewAmount(1218381)},
		}},
		Pagination: Pagination{Total: 23, Offset: 0, Limit: 10},
	}, got)
}

func TestAddressesRejectsNegativePaging(t *testing.T) {
	w := newWire(t)
	_, err := w.account().Addresses(context.Background(), &AddressesParams{Limit: -1})
	assert.ErrorIs(t, err, ErrInvalidParams)
	_, err = w.account().Addresses(context.Background(), &AddressesParams{Offset: -5})
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Zero(t, w.count())
}

// pagedAddresses serves total addresses in pages, recording the queries.
func pagedAddresses(w *wire, total int) {
	w.pages(apironeAccountURL+"/addresses", "addresses", total, func(i int) string {
		return fmt.Sprintf(`{"address":"addr%d","balance":{"available":%d,"total":%d}}`, i, i, i)
	})
}

func TestAllAddressesFetchesEveryPage(t *testing.T) {
	w := newWire(t)
	pagedAddresses(w, 7)

	var got []string
	for entry, err := range w.account().AllAddresses(context.Background(), &AddressesParams{Currency: "btc", Limit: 3}) {
		require.NoError(t, err)
		got = append(got, entry.Address)
	}
	assert.Equal(t, []string{"addr0", "addr1", "addr2", "addr3", "addr4", "addr5", "addr6"}, got)
	require.Equal(t, 3, w.count())
	assert.Equal(t, "currency=btc&limit=3", w.reqs[0].RawQuery)
	assert.Equal(t, "currency=btc&limit=3&offset=3", w.reqs[1].RawQuery)
	assert.Equal(t, "currency=btc&limit=3&offset=6", w.reqs[2].RawQuery)
}

func TestAllAddressesStopsFetchingWhenTheLoopBreaks(t *testing.T) {
	w := newWire(t)
	pagedAddresses(w, 50)
	n := 0
	for _, err := range w.account().AllAddresses(context.Background(), &AddressesParams{Limit: 10}) {
		require.NoError(t, err)
		if n++; n == 12 {
			break
		}
	}
	assert.Equal(t, 2, w.count())
}

func TestAllAddressesDefaultPageSizeAndEmptyPage(t *testing.T) {
	w := newWire(t)
	// The server claims more items than it returns: the empty page ends the loop.
	w.respond(http.MethodGet, apironeAccountURL+"/addresses", 200, `{"addresses":[],"pagination":{"total":5}}`)
	n := 0
	for range w.account().AllAddresses(context.Background(), nil) {
		n++
	}
	assert.Zero(t, n)
	assert.Equal(t, "limit=100", w.only().RawQuery)
}

func TestAllAddressesYieldsErrorOnceAndStops(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/addresses", 500, `{"message":"boom"}`)
	var errs []error
	for _, err := range w.account().AllAddresses(context.Background(), nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var apiErr *APIError
	require.True(t, errors.As(errs[0], &apiErr))
	assert.Equal(t, "boom", apiErr.Message)
}

func TestCallbackHidesSecrets(t *testing.T) {
	cb := Callback{Method: "POST", URL: "https://shop.example.com/cb?token=url-secret", Data: map[string]string{"secret": "data-secret", "order": "1042"}}
	p := &GenerateAddressParams{Currency: "btc", Callback: &cb}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{cb, &cb, p} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "url-secret", verb)
			assert.NotContains(t, out, "data-secret", verb)
		}
	}
	assert.Equal(t, "cryptopay.Callback{Method:POST URL:https://shop.example.com/cb?REDACTED DataKeys:[order secret]}", fmt.Sprint(cb))
}
