package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInvalidInputSendsNothing covers the checks each endpoint makes
// before any I/O; account ids, path arguments and transfer parameters have
// their own tables next to their endpoints.
func TestInvalidInputSendsNothing(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("a", maxForeignID+1)
	zero, negative := MustDecimal("0"), MustDecimal("-0.5")
	cases := map[string]struct {
		call  func(*Account, *AlphaPoClient) error
		field string
	}{
		"addresses limit above 1000": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.Addresses(ctx, &AddressesParams{Limit: 1001})
			return err
		}, "limit"},
		"history limit above 1000": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.History(ctx, &HistoryParams{Limit: 5000})
			return err
		}, "limit"},
		"address history limit above 1000": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.AddressHistory(ctx, "3JH4", &PageParams{Limit: 1001})
			return err
		}, "limit"},
		"callback log negative limit": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.AddressCallbackLog(ctx, "3JH4", &PageParams{Limit: -1})
			return err
		}, "limit"},
		"iterator limit above 1000": {func(a *Account, _ *AlphaPoClient) error {
			for _, err := range a.AllHistory(ctx, &HistoryParams{Limit: 1001}) {
				return err
			}
			return nil
		}, "limit"},
		"comma in the address filter": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.Addresses(ctx, &AddressesParams{Address: "3JH4,empty:false"})
			return err
		}, "address"},
		"comma in the history address filter": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.History(ctx, &HistoryParams{Address: "a,b"})
			return err
		}, "address"},
		"comma in the item type filter": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.History(ctx, &HistoryParams{ItemType: "payment,receipt"})
			return err
		}, "item_type"},
		"empty balance address": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.Balance(ctx, &BalanceParams{Currency: "btc", Addresses: []string{"3JH4", ""}})
			return err
		}, "addresses[1]"},
		"comma in a balance address": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.Balance(ctx, &BalanceParams{Currency: "btc", Addresses: []string{"a,b"}})
			return err
		}, "addresses[0]"},
		"take address without params": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, nil)
			return err
		}, "currency"},
		"take address without foreign id": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", EndUserReference: "u"})
			return err
		}, "foreign_id"},
		"take address with a long foreign id": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: long, EndUserReference: "u"})
			return err
		}, "foreign_id"},
		"take address without end user reference": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTC", ForeignID: "f"})
			return err
		}, "end_user_reference"},
		"zero Lightning amount": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTCLN", ForeignID: "f", EndUserReference: "u", Amount: &zero})
			return err
		}, "amount"},
		"negative Lightning amount": {func(_ *Account, ap *AlphaPoClient) error {
			_, err := ap.TakeAddress(ctx, &TakeAddressParams{Currency: "BTCLN", ForeignID: "f", EndUserReference: "u", Amount: &negative})
			return err
		}, "amount"},
		"callback URL of 1024 characters": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.GenerateAddress(ctx, &GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: urlOfLength(1024)}})
			return err
		}, "callback.url"},
		"callback URL without host": {func(a *Account, _ *AlphaPoClient) error {
			_, err := a.GenerateAddress(ctx, &GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: "https:///cb"}})
			return err
		}, "callback.url"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			err := tc.call(w.account(), w.alphapo())
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, ErrInvalidParams)
			assert.Equal(t, tc.field, pe.Field)
			assert.Zero(t, w.count(), "nothing sent")
		})
	}
}

// urlOfLength returns an https URL of exactly n characters.
func urlOfLength(n int) string {
	const prefix = "https://shop.example.com/"
	return prefix + strings.Repeat("a", n-len(prefix))
}

func TestLimitsAtTheirBoundsAreSent(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/history", 200, fixture(t, "apirone/account_history.json"))
	w.respond(http.MethodPost, apironeAccountURL+"/addresses", 200, fixture(t, "apirone/generate_address.json"))
	acct := w.account()

	_, err := acct.History(context.Background(), &HistoryParams{Limit: maxPageSize})
	require.NoError(t, err)
	cb := urlOfLength(maxCallbackURL)
	require.Len(t, cb, 1023, "Apirone takes URLs under 1024 characters")
	_, err = acct.GenerateAddress(context.Background(), &GenerateAddressParams{Currency: "btc", Callback: &Callback{URL: cb}})
	require.NoError(t, err)

	require.Equal(t, 2, w.count())
	assert.Equal(t, "limit=1000", w.reqs[0].RawQuery)
	assert.Contains(t, w.reqs[1].Body, cb)
}
