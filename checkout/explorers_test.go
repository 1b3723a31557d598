package checkout

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
)

func TestExplorers(t *testing.T) {
	const tx = "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de"
	cases := []struct {
		currency, id, address, tx string
	}{
		{"btc", btcAddr, "https://blockchair.com/bitcoin/address/" + btcAddr, "https://blockchair.com/bitcoin/transaction/" + tx},
		{"BTC", btcAddr, "https://blockchair.com/bitcoin/address/" + btcAddr, "https://blockchair.com/bitcoin/transaction/" + tx},
		{"tbtc", "tb1q", "https://blockchair.com/bitcoin/testnet/address/tb1q", "https://blockchair.com/bitcoin/testnet/transaction/" + tx},
		{"ltc", "M1", "https://blockchair.com/litecoin/address/M1", "https://blockchair.com/litecoin/transaction/" + tx},
		{"bch", "bitcoincash:qp", "https://blockchair.com/bitcoin-cash/address/bitcoincash:qp", "https://blockchair.com/bitcoin-cash/transaction/" + tx},
		{"doge", "D1", "https://blockchair.com/dogecoin/address/D1", "https://blockchair.com/dogecoin/transaction/" + tx},
		{"dash", "X1", "https://blockchair.com/dash/address/X1", "https://blockchair.com/dash/transaction/" + tx},
		{"eth", evmAddr, "https://etherscan.io/address/" + evmAddr, "https://etherscan.io/tx/" + tx},
		{"usdt@eth", evmAddr, "https://etherscan.io/address/" + evmAddr, "https://etherscan.io/tx/" + tx},
		{"USDTE", evmAddr, "https://etherscan.io/address/" + evmAddr, "https://etherscan.io/tx/" + tx},
		{"usdc@bnb", evmAddr, "https://bscscan.com/address/" + evmAddr, "https://bscscan.com/tx/" + tx},
		{"trx", "TN3W", "https://tronscan.org/#/address/TN3W", "https://tronscan.org/#/transaction/" + tx},
		{"usdt@trx", "TN3W", "https://tronscan.org/#/address/TN3W", "https://tronscan.org/#/transaction/" + tx},
		{"USDTT", "TN3W", "https://tronscan.org/#/address/TN3W", "https://tronscan.org/#/transaction/" + tx},
		{"usdt@ton", tonAddr, "https://tonviewer.com/" + tonAddr, "https://tonviewer.com/transaction/" + tx},
		{"xrp", "rPEP", "https://livenet.xrpl.org/accounts/rPEP", "https://livenet.xrpl.org/transactions/" + tx},
		{"xlm", xlmAddr, "https://stellar.expert/explorer/public/account/" + xlmAddr, "https://stellar.expert/explorer/public/tx/" + tx},
	}
	e := DefaultExplorers()
	for _, tc := range cases {
		t.Run(tc.currency, func(t *testing.T) {
			got, err := e.AddressURL(tc.currency, tc.id)
			require.NoError(t, err)
			assert.Equal(t, tc.address, got)
			got, err = e.TxURL(tc.currency, tx)
			require.NoError(t, err)
			assert.Equal(t, tc.tx, got)
		})
	}
}

func TestExplorersOverrideAndErrors(t *testing.T) {
	e := DefaultExplorers()
	e["btc"] = Explorer{AddressPrefix: "https://mempool.space/address/", TxPrefix: "https://mempool.space/tx/"}
	e["sol"] = Explorer{AddressPrefix: "https://solscan.io/account/"}
	got, err := e.TxURL("btc", "abc")
	require.NoError(t, err)
	assert.Equal(t, "https://mempool.space/tx/abc", got)
	got, err = e.AddressURL("usdc@sol", "So1")
	require.NoError(t, err)
	assert.Equal(t, "https://solscan.io/account/So1", got)

	d, err := DefaultExplorers().TxURL("btc", "abc")
	require.NoError(t, err)
	assert.Equal(t, "https://blockchair.com/bitcoin/transaction/abc", d, "a changed copy leaves the defaults alone")

	for name, call := range map[string]func() (string, error){
		"unknown network":  func() (string, error) { return e.AddressURL("xyz", "a") },
		"no tx prefix":     func() (string, error) { return e.TxURL("sol", "a") },
		"bad code":         func() (string, error) { return e.TxURL("usdt@", "a") },
		"empty address":    func() (string, error) { return e.AddressURL("btc", "") },
		"empty txid":       func() (string, error) { return e.TxURL("btc", "") },
		"slash in txid":    func() (string, error) { return e.TxURL("btc", "../../x") },
		"query in address": func() (string, error) { return e.AddressURL("eth", "0x1?a=b") },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := call()
			assert.ErrorIs(t, err, cryptopay.ErrInvalidParams)
		})
	}
}
