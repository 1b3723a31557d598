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
