package checkout

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
)

const (
	btcAddr = "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX"
	evmAddr = "0x8e23Ee67d1332aD560396262C48ffbB01f93d052"
	tonAddr = "UQDrjaLahLkMB-hMCmkzOyBuHJ186Qg_CZQhrOhIPBr0oDkB"
	xlmAddr = "GAENZLGHJGJRCMX5VCHOLHQXU3EMCU5XWDNU4BGGJFNLI2EL354IVBK7"
)

func TestPaymentURI(t *testing.T) {
	cases := map[string]struct {
		r    Request
		want string
	}{
		"btc":                 {Request{Currency: "btc", Address: btcAddr, Amount: cryptopay.NewAmount(100000)}, "bitcoin:" + btcAddr + "?amount=0.001"},
		"btc, whole coins":    {Request{Currency: "btc", Address: btcAddr, Amount: cryptopay.NewAmount(200000000)}, "bitcoin:" + btcAddr + "?amount=2"},
		"btc, one satoshi":    {Request{Currency: "btc", Address: btcAddr, Amount: cryptopay.NewAmount(1)}, "bitcoin:" + btcAddr + "?amount=0.00000001"},
		"btc, no amount":      {Request{Currency: "btc", Address: btcAddr}, "bitcoin:" + btcAddr},
		"btc, AlphaPo code":   {Request{Currency: "BTC", Address: btcAddr, Amount: cryptopay.NewAmount(12345)}, "bitcoin:" + btcAddr + "?amount=0.00012345"},
		"tbtc":                {Request{Currency: "tbtc", Address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", Amount: cryptopay.NewAmount(50)}, "bitcoin:tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx?amount=0.0000005"},
		"ltc":                 {Request{Currency: "ltc", Address: "MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN", Amount: cryptopay.NewAmount(50000000)}, "litecoin:MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN?amount=0.5"},
		"bch":                 {Request{Currency: "bch", Address: "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", Amount: cryptopay.NewAmount(1000)}, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=0.00001"},
		"bch, prefixed":       {Request{Currency: "BCH", Address: "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"}, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"},
		"doge":                {Request{Currency: "doge", Address: "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", Amount: cryptopay.NewAmount(15000000000)}, "dogecoin:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L?amount=150"},
		"dash":                {Request{Currency: "DASH", Address: "XpESxaUmonkq8RaLLp46Brx2K39ggQe226", Amount: cryptopay.NewAmount(2500000)}, "dash:XpESxaUmonkq8RaLLp46Brx2K39ggQe226?amount=0.025"},
		"eth in wei":          {Request{Currency: "eth", Address: evmAddr, Amount: cryptopay.MustAmount("2014000000000000000")}, "ethereum:" + evmAddr + "?value=2014000000000000000"},
		"eth beyond int64":    {Request{Currency: "ETH", Address: evmAddr, Amount: cryptopay.MustAmount("123456789012345678901234")}, "ethereum:" + evmAddr + "?value=123456789012345678901234"},
		"eth, no amount":      {Request{Currency: "eth", Address: evmAddr}, "ethereum:" + evmAddr},
		"bnb on chain 56":     {Request{Currency: "BNB-BSC", Address: evmAddr, Amount: cryptopay.NewAmount(10)}, "ethereum:" + evmAddr + "@56?value=10"},
		"usdt@eth":            {Request{Currency: "usdt@eth", Address: evmAddr, Amount: cryptopay.NewAmount(25000000)}, "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=" + evmAddr + "&uint256=25000000"},
		"usdt@eth as USDTE":   {Request{Currency: "USDTE", Address: evmAddr, Amount: cryptopay.NewAmount(1)}, "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=" + evmAddr + "&uint256=1"},
		"usdc@eth, no amount": {Request{Currency: "usdc@eth", Address: evmAddr}, "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48/transfer?address=" + evmAddr},
		"usdt@bnb":            {Request{Currency: "usdt@bnb", Address: evmAddr, Amount: cryptopay.MustAmount("50000000000000000000")}, "ethereum:0x55d398326f99059fF775485246999027B3197955@56/transfer?address=" + evmAddr + "&uint256=50000000000000000000"},
		"usdc@bnb":            {Request{Currency: "usdc@bnb", Address: evmAddr, Amount: cryptopay.NewAmount(7)}, "ethereum:0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d@56/transfer?address=" + evmAddr + "&uint256=7"},
		"ton with comment":    {Request{Currency: "ton", Address: tonAddr, Amount: cryptopay.NewAmount(1500000000), Tag: "order 42&x=1"}, "ton://transfer/" + tonAddr + "?amount=1500000000&text=order%2042%26x%3D1"},
		"ton, address only":   {Request{Currency: "TON", Address: tonAddr}, "ton://transfer/" + tonAddr},
		"xlm with id memo":    {Request{Currency: "xlm", Address: xlmAddr, Amount: cryptopay.NewAmount(125000000), Tag: "1234567"}, "web+stellar:pay?destination=" + xlmAddr + "&amount=12.5&memo=1234567&memo_type=MEMO_ID"},
		"xlm with text memo":  {Request{Currency: "XLM", Address: xlmAddr, Tag: "order 42"}, "web+stellar:pay?destination=" + xlmAddr + "&memo=order%2042&memo_type=MEMO_TEXT"},
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
		r     Request
		field string
	}{
		"unknown currency":    {Request{Currency: "xyz", Address: btcAddr}, "currency"},
		"no currency":         {Request{Address: btcAddr}, "currency"},
		"token without name":  {Request{Currency: "@trx", Address: btcAddr}, "currency"},
		"token without net":   {Request{Currency: "usdt@", Address: btcAddr}, "currency"},
		"trx has no URI":      {Request{Currency: "trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"usdt@trx has no URI": {Request{Currency: "usdt@trx", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"USDTT has no URI":    {Request{Currency: "USDTT", Address: "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"}, "currency"},
		"xrp has no URI":      {Request{Currency: "xrp", Address: "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY", Tag: "123"}, "currency"},
		"unknown contract":    {Request{Currency: "dai@eth", Address: evmAddr}, "currency"},
		"token on ton":        {Request{Currency: "usdt@ton", Address: tonAddr}, "currency"},
		"token on bitcoin":    {Request{Currency: "usdt@btc", Address: btcAddr}, "currency"},
		"tag on btc":          {Request{Currency: "btc", Address: btcAddr, Tag: "1"}, "tag"},
		"tag on eth":          {Request{Currency: "eth", Address: evmAddr, Tag: "1"}, "tag"},
		"no address":          {Request{Currency: "btc"}, "address"},
		"address with query":  {Request{Currency: "btc", Address: btcAddr + "?amount=9"}, "address"},
		"negative amount":     {Request{Currency: "btc", Address: btcAddr, Amount: cryptopay.NewAmount(-1)}, "amount"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := PaymentURI(tc.r)
			require.ErrorIs(t, err, cryptopay.ErrInvalidParams)
			var pe *cryptopay.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field, err.Error())
		})
	}
}

// TestPaymentURIStellarMemoBounds: an id memo is a uint64 and a text memo
// at most 28 bytes; a tag beyond either is refused, not written into a URI
// a wallet would refuse or misread.
func TestPaymentURIStellarMemoBounds(t *testing.T) {
	pay := func(tag string) (string, error) {
		return PaymentURI(Request{Currency: "xlm", Address: xlmAddr, Tag: tag})
	}
	got, err := pay("18446744073709551615")
	require.NoError(t, err)
	assert.Equal(t, "web+stellar:pay?destination="+xlmAddr+"&memo=18446744073709551615&memo_type=MEMO_ID", got)
	got, err = pay(strings.Repeat("x", 28))
	require.NoError(t, err)
	assert.Equal(t, "web+stellar:pay?destination="+xlmAddr+"&memo="+strings.Repeat("x", 28)+"&memo_type=MEMO_TEXT", got)

	for _, tag := range []string{"18446744073709551616", "99999999999999999999999", strings.Repeat("x", 29), strings.Repeat("é", 15)} {
		got, err := pay(tag)
		require.ErrorIs(t, err, cryptopay.ErrInvalidParams, "%q gave %q", tag, got)
		var pe *cryptopay.ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "tag", pe.Field)
	}
}
