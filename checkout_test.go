package cryptopay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	btcAddr = "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX"
	evmAddr = "0x8e23Ee67d1332aD560396262C48ffbB01f93d052"
	tonAddr = "UQDrjaLahLkMB-hMCmkzOyBuHJ186Qg_CZQhrOhIPBr0oDkB"
	xlmAddr = "GAENZLGHJGJRCMX5VCHOLHQXU3EMCU5XWDNU4BGGJFNLI2EL354IVBK7"
)

func TestPaymentURI(t *testing.T) {
	cases := map[string]struct {
		r    PaymentRequest
		want string
	}{
		"btc":                 {PaymentRequest{Currency: "btc", Address: btcAddr, Amount: NewAmount(100000)}, "bitcoin:" + btcAddr + "?amount=0.001"},
		"btc, whole coins":    {PaymentRequest{Currency: "btc", Address: btcAddr, Amount: NewAmount(200000000)}, "bitcoin:" + btcAddr + "?amount=2"},
		"btc, one satoshi":    {PaymentRequest{Currency: "btc", Address: btcAddr, Amount: NewAmount(1)}, "bitcoin:" + btcAddr + "?amount=0.00000001"},
		"btc, no amount":      {PaymentRequest{Currency: "btc", Address: btcAddr}, "bitcoin:" + btcAddr},
		"btc, AlphaPo code":   {PaymentRequest{Currency: "BTC", Address: btcAddr, Amount: NewAmount(12345)}, "bitcoin:" + btcAddr + "?amount=0.00012345"},
		"tbtc":                {PaymentRequest{Currency: "tbtc", Address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", Amount: NewAmount(50)}, "bitcoin:tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx?amount=0.0000005"},
		"ltc":                 {PaymentRequest{Currency: "ltc", Address: "MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN", Amount: NewAmount(50000000)}, "litecoin:MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN?amount=0.5"},
		"bch":                 {PaymentRequest{Currency: "bch", Address: "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", Amount: NewAmount(1000)}, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=0.00001"},
		"bch, prefixed":       {PaymentRequest{Currency: "BCH", Address: "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"}, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"},
		"doge":                {PaymentRequest{Currency: "doge", Address: "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", Amount: NewAmount(15000000000)}, "dogecoin:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L?amount=150"},
		"dash":                {PaymentRequest{Currency: "DASH", Address: "XpESxaUmonkq8RaLLp46Brx2K39ggQe226", Amount: NewAmount(2500000)}, "dash:XpESxaUmonkq8RaLLp46Brx2K39ggQe226?amount=0.025"},
		"eth in wei":          {PaymentRequest{Currency: "eth", Address: evmAddr, Amount: MustAmount("2014000000000000000")}, "ethereum:" + evmAddr + "?value=2014000000000000000"},
		"eth beyond int64":    {PaymentRequest{Currency: "ETH", Address: evmAddr, Amount: MustAmount("123456789012345678901234")}, "ethereum:" + evmAddr + "?value=123456789012345678901234"},
		"eth, no amount":      {PaymentRequest{Currency: "eth", Address: evmAddr}, "ethereum:" + evmAddr},
		"bnb on chain 56":     {PaymentRequest{Currency: "BNB-BSC", Address: evmAddr, Amount: NewAmount(10)}, "ethereum:" + evmAddr + "@56?value=10"},
		"usdt@eth":            {PaymentRequest{Currency: "usdt@eth", Address: evmAddr, Amount: NewAmount(25000000)}, "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=" + evmAddr + "&uint256=25000000"},
		"usdt@eth as USDTE":   {PaymentRequest{Currency: "USDTE", Address: evmAddr, Amount: NewAmount(1)}, "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=" + evmAddr + "&uint256=1"},
		"usdc@eth, no amount": {PaymentRequest{Currency: "usdc@eth", Address: evmAddr}, "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48/transfer?address=" + evmAddr},
		"usdt@bnb":            {PaymentRequest{Currency: "usdt@bnb", Address: evmAddr, Amount: MustAmount("50000000000000000000")}, "ethereum:0x55d398326f99059fF775485246999027B3197955@56/transfer?address=" + evmAddr + "&uint256=50000000000000000000"},
		"usdc@bnb":            {PaymentRequest{Currency: "usdc@bnb", Address: evmAddr, Amount: NewAmount(7)}, "ethereum:0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d@56/transfer?address=" + evmAddr + "&uint256=7"},
		"ton with comment":    {PaymentRequest{Currency: "ton", Address: tonAddr, Amount: NewAmount(1500000000), Tag: "order 42&x=1"}, "ton://transfer/" + tonAddr + "?amount=1500000000&text=order%2042%26x%3D1"},
		"ton, address only":   {PaymentRequest{Currency: "TON", Address: tonAddr}, "ton://transfer/" + tonAddr},
		"xlm with id memo":    {PaymentRequest{Currency: "xlm", Address: xlmAddr, Amount: NewAmount(125000000), Tag: "1234567"}, "web+stellar:pay?destination=" + xlmAddr + "&amount=12.5&memo=1234567&memo_type=MEMO_ID"},
		"xlm with text memo":  {PaymentRequest{Currency: "XLM", Address: xlmAddr, Tag: "order 42"}, "web+stellar:pay?destination=" + xlmAddr + "&memo=order%2042&memo_type=MEMO_TEXT"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := PaymentURI(tc.r)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestPaymentURIRefuses(t *testing.T) {
	cases := map[string]struct {
		r     PaymentRequest
		field string
	}{
		"unknown currency":    {PaymentRequest{Currency: "xyz", Address: btcAddr}, "currency"},
		"no currency":         {PaymentRequest{Address: btcAddr}, "currency"},
		"token without name":  {PaymentRequest{Currency: "@trx", Address: btcAddr}, "currency"},
		"token without net":   {PaymentRequest{Currency: "usdt@", Address: btcAddr}, "currency"},
		"trx has no URI":      {PaymentRequest{Currency: "trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"usdt@trx has no URI": {PaymentRequest{Currency: "usdt@trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"USDTT has no URI":    {PaymentRequest{Currency: "USDTT", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"xrp has no URI":      {PaymentRequest{Currency: "xrp", Address: "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY", Tag: "123"}, "currency"},
		"unknown contract":    {PaymentRequest{Currency: "dai@eth", Address: evmAddr}, "currency"},
		"token on ton":        {PaymentRequest{Currency: "usdt@ton", Address: tonAddr}, "currency"},
		"token on bitcoin":    {PaymentRequest{Currency: "usdt@btc", Address: btcAddr}, "currency"},
		"tag on btc":          {PaymentRequest{Currency: "btc", Address: btcAddr, Tag: "1"}, "tag"},
		"tag on eth":          {PaymentRequest{Currency: "eth", Address: evmAddr, Tag: "1"}, "tag"},
		"no address":          {PaymentRequest{Currency: "btc"}, "address"},
		"address with query":  {PaymentRequest{Currency: "btc", Address: btcAddr + "?amount=9"}, "address"},
		"negative amount":     {PaymentRequest{Currency: "btc", Address: btcAddr, Amount: NewAmount(-1)}, "amount"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := PaymentURI(tc.r)
			require.ErrorIs(t, err, ErrInvalidParams)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field, err.Error())
		})
	}
}

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
			assert.ErrorIs(t, err, ErrInvalidParams)
		})
	}
}

func TestNetworkLabel(t *testing.T) {
	cases := map[string]string{
		"usdt@trx": "USDT on Tron",
		"USDTT":    "USDT on Tron",
		"usdc@trx": "USDC on Tron",
		"usdt@eth": "USDT on Ethereum",
		"USDTE":    "USDT on Ethereum",
		"USDC":     "USDC on Ethereum",
		"usdt@bnb": "USDT on BNB Smart Chain",
		"usdt@ton": "USDT on TON",
		"dai@eth":  "DAI on Ethereum",
		"btc":      "Bitcoin",
		"tbtc":     "Bitcoin Testnet",
		"bch":      "Bitcoin Cash",
		"BNB-BSC":  "BNB Smart Chain",
		"trx":      "Tron",
		"xrp":      "XRP Ledger",
	}
	for code, want := range cases {
		got, err := NetworkLabel(code)
		require.NoError(t, err, code)
		assert.Equal(t, want, got, code)
	}
	for _, code := range []string{"", "xyz", "usdt@xyz", "@eth", "usdt@"} {
		_, err := NetworkLabel(code)
		assert.ErrorIs(t, err, ErrInvalidParams, code)
	}
}
