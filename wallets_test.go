package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWalletRefusesAnotherCurrency: a wallet holds one currency; a call
// given another fails with ErrInvalidParams naming currency, sending
// nothing.
func TestWalletRefusesAnotherCurrency(t *testing.T) {
	ctx := context.Background()
	dests := []Destination{{Address: "3N2a", Amount: Units(1000)}}
	calls := map[string]func(w *Wallet) error{
		"Balance": func(w *Wallet) error { _, err := w.Balance(ctx, &BalanceParams{Currency: "ltc"}); return err },
		"GenerateAddress": func(w *Wallet) error {
			_, err := w.GenerateAddress(ctx, &GenerateAddressParams{Currency: "ltc"})
			return err
		},
		"Addresses": func(w *Wallet) error { _, err := w.Addresses(ctx, &AddressesParams{Currency: "ltc"}); return err },
		"AllAddresses": func(w *Wallet) error {
			for _, err := range w.AllAddresses(ctx, &AddressesParams{Currency: "ltc"}) {
				return err
			}
			return nil
		},
		"EstimateTransfer": func(w *Wallet) error {
			_, err := w.EstimateTransfer(ctx, &TransferParams{Currency: "ltc", Destinations: dests})
			return err
		},
		"Transfer": func(w *Wallet) error {
			_, err := w.Transfer(ctx, &TransferParams{Currency: "ltc", Destinations: dests})
			return err
		},
		"History":        func(w *Wallet) error { _, err := w.History(ctx, &HistoryParams{Currency: "ltc"}); return err },
		"CallbackInfo":   func(w *Wallet) error { _, err := w.CallbackInfo(ctx, "ltc"); return err },
		"UpdateSettings": func(w *Wallet) error { _, err := w.UpdateSettings(ctx, &SettingsParams{Currency: "ltc"}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			wire := newWire(t)
			err := call(wire.apirone().Wallet(testWalletID, testTransferKey))
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, ErrInvalidParams)
			assert.Equal(t, "currency", pe.Field)
			assert.Zero(t, wire.count(), "nothing sent")
		})
	}
}

// TestWalletIDIsChecked: a malformed wallet id fails every call, before
// anything is sent, naming the wallet; an account id is not a wallet id.
func TestWalletIDIsChecked(t *testing.T) {
	for _, id := range []string{
		"", testAccountID, "btc-c70afacf0b7d7808e8be36bfd7ceed7", "btc-c70afacf0b7d7808e8be36bfd7ceed7g",
		"-c70afacf0b7d7808e8be36bfd7ceed71", "BTC-c70afacf0b7d7808e8be36bfd7ceed71", "b/c-c70afacf0b7d7808e8be36bfd7ceed71",
	} {
		wire := newWire(t)
		w := wire.apirone().Wallet(id, testTransferKey)
		_, err := w.Info(context.Background())
		var pe *ParamError
		require.ErrorAs(t, err, &pe, id)
		assert.Equal(t, "wallet", pe.Field, id)
		assert.ErrorIs(t, w.Login(context.Background()), ErrInvalidParams, id)
		assert.Zero(t, wire.count(), "nothing sent for %q", id)
		assert.Empty(t, w.Currency(), id)
	}
	assert.Equal(t, "usdt@trx", (&Client{}).Wallet("usdt@trx-c70afacf0b7d7808e8be36bfd7ceed71", "").Currency())
}

// TestAccountStillNeedsItsCurrency: what a wallet may leave out, an
// account call that needs it still refuses without it.
func TestAccountStillNeedsItsCurrency(t *testing.T) {
	ctx := context.Background()
	wire := newWire(t)
	a := wire.account()
	_, err1 := a.Transfer(ctx, &TransferParams{Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}}})
	_, err2 := a.GenerateAddress(ctx, nil)
	_, err3 := a.CallbackInfo(ctx, "")
	_, err4 := a.UpdateSettings(ctx, &SettingsParams{})
	_, err5 := a.Balance(ctx, &BalanceParams{Addresses: []string{"3N2a"}})
	for _, err := range []error{err1, err2, err3, err4, err5} {
		var pe *ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "currency", pe.Field)
	}
	assert.Zero(t, wire.count())
}

// TestWalletTransferOutcomeUnknown: a wallet's transfer moves money as an
// account's does: sent once, and a lost answer is ErrOutcomeUnknown.
func TestWalletTransferOutcomeUnknown(t *testing.T) {
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.Wallet(testWalletID, testTransferKey).Transfer(context.Background(),
		&TransferParams{Destinations: []Destination{{Address: "3N2a", Amount: Units(1000)}}})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.NotContains(t, err.Error(), testTransferKey)
	assert.Equal(t, int32(1), tries.Load(), "not resent")
}

// TestNewParamsAreChecked covers the checks of the calls and fields added
// with the wallet API.
func TestNewParamsAreChecked(t *testing.T) {
	ctx := context.Background()
	dest := []Destination{{Address: "0xabc", Amount: Units(1)}}
	cases := map[string]struct {
		call  func(c *Client, a *Account) error
		field string
	}{
		"create wallet without params": {func(c *Client, _ *Account) error { _, err := c.CreateWallet(ctx, nil); return err }, "currency"},
		"create wallet without currency": {func(c *Client, _ *Account) error {
			_, err := c.CreateWallet(ctx, &CreateWalletParams{Fee: FeeNormal})
			return err
		}, "currency"},
		"create wallet with a rate but no custom fee": {func(c *Client, _ *Account) error {
			_, err := c.CreateWallet(ctx, &CreateWalletParams{Currency: "btc", FeeRate: 3})
			return err
		}, "fee-rate"},
		"create wallet with a bad destination": {func(c *Client, _ *Account) error {
			_, err := c.CreateWallet(ctx, &CreateWalletParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Percent(101)}}})
			return err
		}, "destinations[0].amount"},
		"priority fee without a fee rate": {func(_ *Client, a *Account) error {
			_, err := a.Transfer(ctx, &TransferParams{Currency: "eth", Destinations: dest, PriorityFee: 2})
			return err
		}, "priority-fee"},
		"negative priority fee": {func(_ *Client, a *Account) error {
			_, err := a.EstimateTransfer(ctx, &TransferParams{Currency: "eth", Destinations: dest, Fee: FeeCustom, FeeRate: 1, PriorityFee: -1})
			return err
		}, "priority-fee"},
		"destination rules that are not JSON": {func(_ *Client, a *Account) error {
			_, err := a.UpdateSettings(ctx, &SettingsParams{Currency: "btc", DestinationRules: json.RawMessage(`[{`)})
			return err
		}, "destination_rules"},
		"tocrypto without params": {func(_ *Client, a *Account) error { _, err := a.ToCrypto(ctx, nil); return err }, "amount"},
		"tocrypto zero amount": {func(_ *Client, a *Account) error {
			_, err := a.ToCrypto(ctx, &ToCryptoParams{Fiat: "usd", Currencies: []string{"btc"}})
			return err
		}, "amount"},
		"tocrypto without fiat": {func(_ *Client, a *Account) error {
			_, err := a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("1"), Currencies: []string{"btc"}})
			return err
		}, "fiat"},
		"tocrypto without currencies": {func(_ *Client, a *Account) error {
			_, err := a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("1"), Fiat: "usd"})
			return err
		}, "currencies"},
		"tocrypto comma in a currency": {func(_ *Client, a *Account) error {
			_, err := a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("1"), Fiat: "usd", Currencies: []string{"btc,ltc"}})
			return err
		}, "currencies[0]"},
		"tocrypto negative factor": {func(_ *Client, a *Account) error {
			_, err := a.ToCrypto(ctx, &ToCryptoParams{Amount: MustDecimal("1"), Fiat: "usd", Currencies: []string{"btc"}, Factor: MustDecimal("-1")})
			return err
		}, "factor"},
		"refresh without tokens or transfer key": {func(c *Client, _ *Account) error {
			return c.Account(testAccountID, "").Refresh(ctx)
		}, "refresh-token"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			c := w.apirone()
			err := tc.call(c, c.Account(testAccountID, testTransferKey))
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, ErrInvalidParams)
			assert.Equal(t, tc.field, pe.Field)
			assert.Zero(t, w.count(), "nothing sent")
		})
	}
}
