package checkout

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
)

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
		assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, code)
	}
}

// TestNetworkLabelRefusesWhatNoCodeHas: a label is shown to payers as it
// is, so a code with markup, white space, a path or a control character
// is refused, never echoed (a token on a known network used to be upper-
// cased into the label whatever it held).
func TestNetworkLabelRefusesWhatNoCodeHas(t *testing.T) {
	for _, code := range []string{
		"<script>alert(1)</script>@eth",
		"usdt on tron@trx",
		"usdt\n@eth",
		"usdt@eth\n",
		"usdt\x00@eth",
		"../../etc/passwd@eth",
		"a/b@eth",
		"-usdt@eth",
		"usdt.@eth",
		"usdt@tr x",
		"ü@eth",
		strings.Repeat("a", 40) + "@eth",
	} {
		label, err := NetworkLabel(code)
		assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, "%q gave %q", code, label)
		_, err = DefaultExplorers().AddressURL(code, "0x1")
		assert.ErrorIs(t, err, cryptopay.ErrInvalidParams, code)
	}
	for code, want := range map[string]string{"usdc.e@eth": "USDC.E on Ethereum", "t_1@eth": "T_1 on Ethereum", "BNB-BSC": "BNB Smart Chain"} {
		got, err := NetworkLabel(code)
		require.NoError(t, err, code)
		assert.Equal(t, want, got)
	}
}
