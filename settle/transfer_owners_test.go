package settle_test

import (
	"context"
	"testing"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payer is an account or a wallet of the fake server holding 1 BTC: what
// sends a transfer and what FindTransfer reads.
type payer struct {
	ledger   settle.Ledger
	transfer func(context.Context, *cryptopay.TransferParams) (*cryptopay.TransferResult, error)
	route    string // the transfer's route, for FailNext
	currency string // TransferParams.Currency: "btc" for an account, "" for a wallet
}

func fundedAccountPayer(t *testing.T, srv *cryptopaytest.Server) payer {
	acct := fundedAccount(t, srv)
	return payer{acct, acct.Transfer, "POST /v2/accounts/{account}/transfer", "btc"}
}

func fundedWalletPayer(t *testing.T, srv *cryptopaytest.Server) payer {
	t.Helper()
	ctx := context.Background()
	c := srv.Client()
	created, err := c.CreateWallet(ctx, &cryptopay.CreateWalletParams{Currency: "btc"})
	require.NoError(t, err)
	w := c.Wallet(created.Wallet, created.TransferKey)
	addr, err := w.GenerateAddress(ctx, nil)
	require.NoError(t, err)
	_, err = srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(100_000_000), Confirmations: 1})
	require.NoError(t, err)
	return payer{w, w.Transfer, "POST /v2/wallets/{wallet}/transfer", ""}
}

// doctored reads a ledger as it is, except that edit changes every
// history item it returns: answers the fake cannot give.
type doctored struct {
	settle.Ledger
	edit func(*cryptopay.HistoryItem)
}

func (d doctored) HistoryItem(ctx context.Context, id string) (*cryptopay.HistoryItem, error) {
	item, err := d.Ledger.HistoryItem(ctx, id)
	if err == nil {
		d.edit(item)
	}
	return item, err
}

// doctoredWallet is a doctored wallet: it keeps the wallet's currency.
type doctoredWallet struct {
	doctored
	w *cryptopay.Wallet
}

func (d doctoredWallet) Currency() string { return d.w.Currency() }

func (p payer) doctor(edit func(*cryptopay.HistoryItem)) settle.Ledger {
	if w, ok := p.ledger.(*cryptopay.Wallet); ok {
		return doctoredWallet{doctored{w, edit}, w}
	}
	return doctored{p.ledger, edit}
}

// Issue 21, item 1: FindTransfer settles a lost transfer of an account and
// of a wallet alike (a wallet's was never found: it compared with the
// currency "" and reported ErrNotFound, "send it again"), and takes nothing
// else for it.
func TestFindTransferAccountAndWallet(t *testing.T) {
	owners := map[string]func(*testing.T, *cryptopaytest.Server) payer{"account": fundedAccountPayer, "wallet": fundedWalletPayer}
	lost := cryptopaytest.Failure{Drop: true, AfterEffect: true}
	dropped := cryptopaytest.Failure{Drop: true}
	cases := []struct {
		name  string
		twin  bool                         // an identical transfer made before the mark
		fail  cryptopaytest.Failure        // how the transfer after the mark fails
		edit  func(*cryptopay.HistoryItem) // what the history shows instead
		found bool
	}{
		{name: "answer lost after the effect", fail: lost, found: true},
		{name: "dropped before it", fail: dropped},
		{name: "an older identical twin", twin: true, fail: dropped},
		{name: "another currency", fail: lost, edit: func(i *cryptopay.HistoryItem) { i.Currency = "ltc" }},
		{name: "another item type", fail: lost, edit: func(i *cryptopay.HistoryItem) { i.Type = cryptopay.ItemReceipt }},
		{name: "a zero-amount destination", fail: lost, edit: func(i *cryptopay.HistoryItem) {
			i.Fee.SubtractFromAmount, i.Destinations[0].Amount = true, cryptopay.Amount{}
		}},
	}
	for owner, fund := range owners {
		for _, tc := range cases {
			t.Run(owner+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				srv := cryptopaytest.NewServer()
				t.Cleanup(srv.Close)
				from := fund(t, srv)
				p := &cryptopay.TransferParams{Currency: from.currency, Destinations: []cryptopay.Destination{{Address: payee, Amount: cryptopay.Units(250_000)}}}
				p.SubtractFeeFromAmount = tc.name == "a zero-amount destination" // a smaller amount matches, zero does not
				if tc.twin {
					_, err := from.transfer(ctx, p)
					require.NoError(t, err)
				}
				mark, err := settle.ReadMark(ctx, from.ledger)
				require.NoError(t, err)
				srv.FailNext(from.route, 1, tc.fail)
				_, err = from.transfer(ctx, p)
				require.ErrorIs(t, err, cryptopay.ErrOutcomeUnknown)

				ledger := from.ledger
				if tc.edit != nil {
					_, err := settle.FindTransfer(ctx, ledger, p, mark)
					require.NoError(t, err, "as the fake shows it, the payment matches: only the edit can hide it")
					ledger = from.doctor(tc.edit)
				}
				item, err := settle.FindTransfer(ctx, ledger, p, mark)
				if tc.found {
					require.NoError(t, err)
					assert.Equal(t, []cryptopay.AddressAmount{{Address: payee, Amount: cryptopay.NewAmount(250_000)}}, item.Destinations)
					return
				}
				require.ErrorIs(t, err, cryptopay.ErrNotFound)
				assert.Nil(t, item)
				assert.Contains(t, err.Error(), "no btc payment after the mark")
			})
		}
	}
}
