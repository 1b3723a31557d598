package settle_test

// Settling a money-moving call that failed with ErrOutcomeUnknown, on the
// in-memory server: the lost call is found, one that never arrived is not.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	payee  = "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ"
	payee2 = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
)

// fundedAccount returns an account of srv holding 1 BTC, confirmed.
func fundedAccount(t *testing.T, srv *cryptopaytest.Server) *cryptopay.Account {
	t.Helper()
	ctx := context.Background()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(100_000_000), Confirmations: 1})
	require.NoError(t, err)
	return acct
}

func btcTransfer(dests ...cryptopay.Destination) *cryptopay.TransferParams {
	return &cryptopay.TransferParams{Currency: "btc", Destinations: dests}
}

func TestFindTransferAfterOutcomeUnknown(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := fundedAccount(t, srv)
	p := btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(250_000)})

	mark, err := settle.ReadMark(ctx, acct)
	require.NoError(t, err)
	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})
	_, err = acct.Transfer(ctx, p)
	require.ErrorIs(t, err, cryptopay.ErrOutcomeUnknown)

	found, err := settle.FindTransfer(ctx, acct, p, mark)
	require.NoError(t, err, "the transfer was made: it must be found")
	page, err := acct.History(ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment})
	require.NoError(t, err)
	require.Len(t, page.Items, 1, "made once")
	assert.Equal(t, page.Items[0].ID, found.ID)
	assert.Equal(t, []cryptopay.AddressAmount{{Address: payee, Amount: cryptopay.NewAmount(250_000)}}, found.Destinations)

	// The same transfer, lost before it reached the server: nothing to find.
	require.NoError(t, advance(srv))
	mark, err = settle.ReadMark(ctx, acct)
	require.NoError(t, err)
	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Drop: true})
	_, err = acct.Transfer(ctx, p)
	require.ErrorIs(t, err, cryptopay.ErrOutcomeUnknown)
	_, err = settle.FindTransfer(ctx, acct, p, mark)
	require.ErrorIs(t, err, cryptopay.ErrNotFound, "the transfer never arrived")
	assert.NotErrorIs(t, err, cryptopay.ErrInvalidParams)
}

// advance moves srv's clock a minute on, so that what follows is later
// than anything before.
func advance(srv *cryptopaytest.Server) error {
	_, err := srv.Advance(context.Background(), time.Minute)
	return err
}

// TestFindTransferMatching: which payments count as the transfer.
func TestFindTransferMatching(t *testing.T) {
	ctx := context.Background()
	// The history's date_from filter has whole seconds: a payment a
	// fraction of a second before since is listed, and must not match.
	noon := time.Date(2024, 5, 1, 12, 0, 0, 500_000_000, time.UTC)
	srv := cryptopaytest.NewServer(cryptopaytest.WithClock(func() time.Time { return noon }))
	t.Cleanup(srv.Close)
	acct := fundedAccount(t, srv)

	send := func(p *cryptopay.TransferParams) *cryptopay.TransferResult {
		t.Helper()
		res, err := acct.Transfer(ctx, p)
		require.NoError(t, err)
		_, err = srv.Mine(ctx, 1) // the change becomes available
		require.NoError(t, err)
		return res
	}
	before := srv.Now()
	old := send(btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(70_000)}))
	_, err := srv.Advance(ctx, 100*time.Millisecond)
	require.NoError(t, err)
	since := srv.Now()
	require.Equal(t, old.Created.Truncate(time.Second), since.Truncate(time.Second), "the same second")
	two := send(btcTransfer(
		cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10_000)},
		cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(20_000)},
	))
	subtracted := send(&cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true,
		Destinations: []cryptopay.Destination{{Address: payee2, Amount: cryptopay.Units(50_000)}}})
	require.Less(t, subtracted.Destinations[0].Amount.Cmp(cryptopay.NewAmount(50_000)), 0, "the fee came off the amount")
	twice := send(&cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{
		{Address: payee2, Amount: cryptopay.Units(30_000)}, {Address: payee2, Amount: cryptopay.Units(90_000)}}})
	swept := send(&cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true,
		Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Percent(10)}}})

	tests := []struct {
		name  string
		p     *cryptopay.TransferParams
		since time.Time
		want  string // the payment's id; "" for none
	}{
		{"same", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10_000)}, cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(20_000)}), since, two.ID},
		{"destinations in another order", btcTransfer(cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(20_000)}, cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10_000)}), since, two.ID},
		{"one destination fewer", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10_000)}), since, ""},
		{"another amount", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(10_001)}, cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(20_000)}), since, ""},
		{"amounts swapped between addresses", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(20_000)}, cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(10_000)}), since, ""},
		{"another currency", &cryptopay.TransferParams{Currency: "ltc", Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Units(70_000)}}}, before, ""},
		{"before since", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(70_000)}), since, ""},
		{"after an earlier since", btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(70_000)}), before, old.ID},
		{"fee subtracted", &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee2, Amount: cryptopay.Units(50_000)}}}, since, subtracted.ID},
		{"fee subtracted, asked less than paid", &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee2, Amount: cryptopay.Units(40_000)}}}, since, ""},
		{"fee subtracted, asked more than paid", &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee2, Amount: cryptopay.Units(60_000)}}}, since, ""},
		{"same address twice, fee subtracted, another order", &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee2, Amount: cryptopay.Units(90_000)}, {Address: payee2, Amount: cryptopay.Units(30_000)}}}, since, twice.ID},
		{"fee on top, not subtracted", btcTransfer(cryptopay.Destination{Address: payee2, Amount: cryptopay.Units(50_000)}), since, ""},
		{"percentage: any amount to the address", &cryptopay.TransferParams{Currency: "btc", SubtractFeeFromAmount: true, Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Percent(10)}}}, since, swept.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := settle.FindTransfer(ctx, acct, tt.p, settle.Mark{Time: tt.since})
			if tt.want == "" {
				require.ErrorIs(t, err, cryptopay.ErrNotFound)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.ID)
		})
	}
}

func TestFindTransferRefuses(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	acct := fundedAccount(t, srv)
	p := btcTransfer(cryptopay.Destination{Address: payee, Amount: cryptopay.Units(1000)})

	_, err := settle.FindTransfer(ctx, acct, p, settle.Mark{})
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "a zero mark would read the whole history")
	now := settle.Mark{Time: srv.Now()}
	_, err = settle.FindTransfer(ctx, acct, nil, now)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
	_, err = settle.FindTransfer(ctx, acct, &cryptopay.TransferParams{Destinations: p.Destinations}, now)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "an account needs the currency")
	_, err = settle.FindTransfer(ctx, acct, btcTransfer(), now)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "no destination")
	_, err = settle.FindTransfer(ctx, acct, btcTransfer(cryptopay.Destination{Amount: cryptopay.Units(1)}), now)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "no address")
	_, err = settle.FindTransfer(ctx, acct, btcTransfer(cryptopay.Destination{Address: payee}), now)
	assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "no amount")

	// A lookup that fails is never "not found": that would mean "send again".
	_, err = settle.FindTransfer(ctx, srv.Client().Account("apr-00000000000000000000000000000000", ""), p, now)
	require.Error(t, err)
	assert.NotErrorIs(t, err, cryptopay.ErrNotFound)
	assert.ErrorContains(t, err, "404")
}

// An AlphaPo withdrawal or exchange that failed with ErrOutcomeUnknown is
// settled by TransactionInfo with the ForeignID sent: found when AlphaPo
// made it, ErrNotFound when the request never arrived.
func TestAlphaPoOutcomeUnknownSettledByForeignID(t *testing.T) {
	ctx := context.Background()
	srv := cryptopaytest.NewServer()
	t.Cleanup(srv.Close)
	ap := srv.AlphaPoClient()
	addr, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-1", EndUserReference: "user-1"})
	require.NoError(t, err)
	shop := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(shop.Close)
	srv.SetAlphaPoCallbackURL(shop.URL)
	_, err = srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{Address: addr.Address, Amount: cryptopay.MustDecimal("1"), Confirmations: 1})
	require.NoError(t, err)

	withdraw := func(foreignID string) error {
		_, err := ap.WithdrawCrypto(ctx, &cryptopay.AlphaPoWithdrawParams{ForeignID: foreignID, EndUserReference: "user-1",
			Currency: "BTC", Amount: cryptopay.MustDecimal("0.1"), Address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"})
		return err
	}
	exchange := func(foreignID string) error {
		amount := cryptopay.MustDecimal("0.01")
		_, err := ap.ExchangeNow(ctx, &cryptopay.AlphaPoExchangeParams{ForeignID: foreignID,
			SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: &amount})
		return err
	}
	calls := []struct {
		route string
		send  func(foreignID string) error
		typ   cryptopay.AlphaPoTxType
	}{
		{"POST /v2/withdrawal/crypto", withdraw, cryptopay.AlphaPoTxWithdrawal},
		{"POST /v2/exchange/now", exchange, cryptopay.AlphaPoTxExchange},
	}
	for _, call := range calls {
		t.Run(call.route, func(t *testing.T) {
			srv.FailNext(call.route, 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})
			require.ErrorIs(t, call.send("lost-"+string(call.typ)), cryptopay.ErrOutcomeUnknown)
			tx, err := ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "lost-" + string(call.typ)})
			require.NoError(t, err, "made: found by foreign_id")
			assert.Equal(t, call.typ, tx.Type)
			assert.Equal(t, "lost-"+string(call.typ), tx.ForeignID)

			srv.FailNext(call.route, 1, cryptopaytest.Failure{Drop: true})
			require.ErrorIs(t, call.send("never-"+string(call.typ)), cryptopay.ErrOutcomeUnknown)
			_, err = ap.TransactionInfo(ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: "never-" + string(call.typ)})
			require.ErrorIs(t, err, cryptopay.ErrNotFound, "never arrived: not found, safe to send again with the same foreign_id")
			require.NoError(t, call.send("never-"+string(call.typ)))
		})
	}
}

func ExampleFindTransfer() {
	srv := cryptopaytest.NewServer() // Apirone, in memory
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	created, err := c.CreateAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct := c.Account(created.Account, created.TransferKey)
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(1_000_000), Confirmations: 1}); err != nil {
		log.Fatal(err)
	}
	// The connection breaks after Apirone has made the transfer.
	srv.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Drop: true, AfterEffect: true})

	p := &cryptopay.TransferParams{
		Currency:     "btc",
		Destinations: []cryptopay.Destination{{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: cryptopay.Units(250_000)}},
	}
	mark, err := settle.ReadMark(ctx, acct) // just before the call; keep it with the payout
	if err != nil {
		log.Fatal(err)
	}
	_, err = acct.Transfer(ctx, p)
	if errors.Is(err, cryptopay.ErrOutcomeUnknown) {
		fmt.Println("transfer: outcome unknown")
		item, err := settle.FindTransfer(ctx, acct, p, mark)
		switch {
		case err == nil:
			fmt.Printf("sent after all: %s satoshi to %s\n", item.Destinations[0].Amount, item.Destinations[0].Address)
		case errors.Is(err, cryptopay.ErrNotFound):
			fmt.Println("not made: send again once no attempt can still be running")
		default:
			log.Fatal(err)
		}
	}
	// Output:
	// transfer: outcome unknown
	// sent after all: 250000 satoshi to 3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ
}
