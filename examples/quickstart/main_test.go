package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func TestDemoRunsTheMerchantFlow(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, config{}))
	for _, want := range []string{
		"shop: callback for order 1042: 150000 satoshi (0.00150000 BTC), 0 confirmation(s)",
		"shop: not shipping before a confirmation; not answering *ok* yet",
		"callback not acknowledged (answer 500 \"callback deferred\"): Apirone sends it again with the next block",
		"shop: callback for order 1042: 150000 satoshi (0.00150000 BTC), 1 confirmation(s)",
		"shop: order 1042 is paid; shipping it and answering *ok*",
		"callback acknowledged: Apirone stops sending it",
		"available 150000 satoshi (0.00150000 BTC)",
		"receives 74860 satoshi (0.00074860 BTC)",
		"payment -75000 satoshi (-0.00075000 BTC)",
		"refused: 403 bad_header_signature, errors.Is(err, cryptopay.ErrUnauthorized) = true",
	} {
		assert.Contains(t, out.String(), want)
	}
}

// The shop ships once per payment event, however often the callback comes,
// and refuses callbacks without its secret.
func TestShopShipsOncePerEvent(t *testing.T) {
	var out bytes.Buffer
	shop := newShop(&report{out: &out})
	defer shop.Close()
	post := func(secret string) (int, string) {
		body := `{"value":150000,"input_address":"3RKZgQd2XVGnXk9s4v2zkourWxuJ2B9UBN","confirmations":1,` +
			`"input_transaction_hash":"ab12","data":{"order":"1042","secret":"` + secret + `"},"account":"apr-1","currency":"btc"}`
		resp, err := http.Post(shop.URL, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(answer)
	}
	for range 2 {
		status, answer := post(shopSecret)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "*ok*", answer)
	}
	assert.Equal(t, 1, strings.Count(out.String(), "shipping it"))
	assert.Equal(t, 1, strings.Count(out.String(), "already shipped"))

	status, _ := post("a-guess")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, 2, strings.Count(out.String(), "shop: callback for order"), "a forged callback never reaches the shop")
}

func TestDemoRefusesLiveFlags(t *testing.T) {
	for _, cfg := range []config{{send: true}, {to: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ"}, {takeAddress: true}} {
		assert.Error(t, run(ctx, &bytes.Buffer{}, cfg), "%+v", cfg)
	}
}

// liveAgainst points live mode at a cryptopaytest server holding an
// account with 100000 satoshi, and returns that account.
func liveAgainst(t *testing.T) (*cryptopay.Account, config) {
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(100000), Confirmations: 1})
	require.NoError(t, err)
	key, secret := srv.AlphaPoCredentials()
	return acct, config{
		account: created.Account, transferKey: created.TransferKey, alphaKey: key, alphaSecret: secret,
		apironeURL: srv.ApironeURL(), alphaPoURL: srv.AlphaPoURL(), currency: "btc",
		to: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", amount: 10000,
	}
}

func payments(t *testing.T, acct *cryptopay.Account) int {
	page, err := acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	return len(page.Items)
}

func TestLiveModeOnlyReadsAndEstimates(t *testing.T) {
	acct, cfg := liveAgainst(t)
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, cfg))
	assert.Contains(t, out.String(), "This run only reads and estimates")
	assert.Contains(t, out.String(), "available 100000 satoshi (0.00100000 BTC)")
	assert.Contains(t, out.String(), "leaves the account: 10140 satoshi (0.00010140 BTC)")
	assert.Contains(t, out.String(), "not sent: add -send")
	assert.Contains(t, out.String(), "AlphaPo balances")
	assert.Contains(t, out.String(), "skipped: pass -take-address")
	assert.Zero(t, payments(t, acct), "no money moved")
}

func TestLiveModeSendsOnlyWithSend(t *testing.T) {
	acct, cfg := liveAgainst(t)
	cfg.send, cfg.takeAddress = true, true
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, cfg))
	assert.Contains(t, out.String(), "MOVES REAL MONEY")
	assert.Contains(t, out.String(), "10140 satoshi (0.00010140 BTC) left the account")
	assert.Regexp(t, `address bc1q\w+ \(id 1, tag ""\)`, out.String())
	assert.Equal(t, 1, payments(t, acct))
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		amount, currency, units string
		want                    string
	}{
		{"150000", "btc", "satoshi", "150000 satoshi (0.00150000 BTC)"},
		{"-75000", "btc", "satoshi", "-75000 satoshi (-0.00075000 BTC)"},
		{"0", "trx", "sun", "0 sun (0.000000 TRX)"},
		{"50000000000000000001", "eth", "wei", "50000000000000000001 wei (50.000000000000000001 ETH)"},
		{"7", "xyz", "units", "7 units"},
	} {
		assert.Equal(t, tc.want, money(cryptopay.MustAmount(tc.amount), tc.currency, tc.units), tc.amount)
	}
}
