package cryptopay

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const apironeAccountURL = ApironeBaseURL + "/v2/accounts/" + testAccountID

func TestCreateAccount(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, ApironeBaseURL+"/v2/accounts", 200, fixture(t, "apirone/create_account.json"))

	got, err := w.apirone().CreateAccount(context.Background())
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/v2/accounts", req.Path)
	assert.Equal(t, "", req.RawQuery)
	assert.Equal(t, "", req.Body)
	assert.Equal(t, "application/json", req.Header.Get("Accept"))
	assert.Equal(t, "cryptopay-go/"+Version, req.Header.Get("User-Agent"))
	assert.Equal(t, &CreatedAccount{
		Account:     "apr-f9e1211f4b52a50bcf3c36819fdc4ad3",
		Created:     ts(t, "2021-11-03T11:03:55.083199"),
		TransferKey: "4sSm9aeXQiqMBmeEs42NTjZidJuGrqm7",
	}, got)
}

func TestCreatedAccountHidesTransferKey(t *testing.T) {
	a := CreatedAccount{Account: "apr-1", TransferKey: "sekret-key"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		assert.NotContains(t, fmt.Sprintf(verb, a), "sekret-key", verb)
		assert.NotContains(t, fmt.Sprintf(verb, &a), "sekret-key", verb)
	}
}

func TestAccountInfo(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, fixture(t, "apirone/account_info.json"))

	got, err := w.account().Info(context.Background(), "btc")
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID, req.Path)
	assert.Equal(t, "currency=btc", req.RawQuery)
	assert.Equal(t, "", req.Body)
	assert.Empty(t, req.Header.Get("Content-Type"))

	none := []Destination(nil)
	assert.Equal(t, &AccountInfo{
		Account: testAccountID,
		Info: []CurrencyInfo{
			{Currency: "btc", Created: ts(t, "2022-03-13T10:13:00.904188"), Units: "satoshi",
				Destinations: []Destination{{Address: "3N1nvw5pTR9wEZSq1GcJJjt7dXi2AUtp1Rn", Amount: Percent(100)}}, Fee: FeeNormal},
			{Currency: "ltc", Created: ts(t, "2022-03-13T14:33:43.388854"), Units: "satoshi", Destinations: none, Fee: FeeNormal},
			{Currency: "doge", Created: ts(t, "2022-03-13T14:33:43.425453"), Units: "satoshi", Destinations: none, Fee: FeeNormal},
			{Currency: "bch", Created: ts(t, "2022-03-13T14:33:43.440855"), Units: "satoshi", Destinations: none, Fee: FeeNormal},
		},
	}, got)
}

func TestAccountInfoAllCurrenciesSendsNoQuery(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL, 200, fixture(t, "apirone/account_info.json"))
	_, err := w.account().Info(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "", w.only().RawQuery)
}

func TestAccountBalance(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/balance", 200, fixture(t, "apirone/account_balance.json"))

	got, err := w.account().Balance(context.Background(), &BalanceParams{
		Currency:  "btc",
		Addresses: []string{"3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", "3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"},
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/balance", req.Path)
	assert.Equal(t, "addresses=3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu%2C3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT&currency=btc", req.RawQuery)
	assert.Equal(t, &AccountBalance{
		Account: testAccountID,
		Balance: []Balance{{Currency: "btc", Available: NewAmount(0), Total: NewAmount(0)}},
	}, got)
}

func TestAccountBalanceNilParams(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/balance", 200, fixture(t, "apirone/account_balance.json"))
	_, err := w.account().Balance(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "", w.only().RawQuery)
}

func TestAccountBalanceAddressesNeedCurrency(t *testing.T) {
	w := newWire(t)
	_, err := w.account().Balance(context.Background(), &BalanceParams{Addresses: []string{"3JH4"}})
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.ErrorContains(t, err, "currency")
	assert.Zero(t, w.count())
}

func TestMalformedAccountIDSendsNothing(t *testing.T) {
	for _, id := range []string{"", "apr-", "e729d998", "apr-../x", "apr-a/b", "apr-a?q", "apr-a#f", "apr-a b"} {
		t.Run(id, func(t *testing.T) {
			w := newWire(t)
			_, err := w.apirone().Account(id, testTransferKey).Balance(context.Background(), nil)
			assert.ErrorIs(t, err, ErrInvalidParams)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "account", pe.Field)
			assert.Zero(t, w.count())
		})
	}
}

func TestAccountHidesTransferKey(t *testing.T) {
	w := newWire(t)
	acct := w.account()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, acct)
		assert.NotContains(t, out, testTransferKey, verb)
		assert.Contains(t, out, testAccountID, verb)
	}
	assert.Equal(t, testAccountID, acct.ID())
}
