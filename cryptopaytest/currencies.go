package cryptopaytest

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// currency is what the fake knows about one Apirone currency: its name and
// units, the address types it generates and how it prices the network fee.
//
// The network fee is rate × (base + perInput·inputs + perOutput·outputs),
// in minor units, charged in the currency itself. For UTXO currencies
// outputs counts a change output and a spent input is spent whole, the
// rest going to a new change address; account-model currencies (trx, eth)
// spend exactly the amount and have no change.
type currency struct {
	name     string
	title    string // the service info "name", e.g. "Bitcoin"
	units    string // Account Info "units"
	decimals int    // a minor unit is 10^-decimals coins
	dust     int64  // the service info "dust-rate", in minor units: made up
	utxo     bool
	types    []addressFormat // the first is the default addr-type

	base, perInput, perOutput int64
	normalRate, priorityRate  int64
}

// addressFormat describes the addresses of one addr-type: a fixed prefix
// followed by random characters of alphabet up to length characters.
type addressFormat struct {
	typ      string
	prefix   string
	alphabet string
	length   int
}

const (
	base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	hexAlphabet    = "0123456789abcdef"
)

// Address types follow Apirone's names where the reference gives them
// (p2sh-p2wpkh is the default it shows for btc). For trx and eth the
// reference is silent and "p2pkh" is this fake's choice.
var currencies = map[string]*currency{
	"btc": utxoCurrency("btc", "Bitcoin",
		addressFormat{"p2sh-p2wpkh", "3", base58Alphabet, 34},
		addressFormat{"p2wpkh", "bc1q", bech32Alphabet, 42},
		addressFormat{"p2pkh", "1", base58Alphabet, 34}),
	"tbtc": utxoCurrency("tbtc", "Bitcoin Testnet",
		addressFormat{"p2sh-p2wpkh", "2", base58Alphabet, 35},
		addressFormat{"p2wpkh", "tb1q", bech32Alphabet, 42},
		addressFormat{"p2pkh", "m", base58Alphabet, 34}),
	"ltc": utxoCurrency("ltc", "Litecoin",
		addressFormat{"p2sh-p2wpkh", "M", base58Alphabet, 34},
		addressFormat{"p2wpkh", "ltc1q", bech32Alphabet, 43},
		addressFormat{"p2pkh", "L", base58Alphabet, 34}),
	"doge": utxoCurrency("doge", "Dogecoin", addressFormat{"p2pkh", "D", base58Alphabet, 34}),
	"bch":  utxoCurrency("bch", "Bitcoin Cash", addressFormat{"p2pkh", "q", bech32Alphabet, 42}),
	"trx": {
		name: "trx", title: "Tron", units: "sun", decimals: 6, dust: 1_000_000,
		types:     []addressFormat{{"p2pkh", "T", base58Alphabet, 34}},
		perOutput: 270, normalRate: 1000, priorityRate: 1000,
	},
	"eth": {
		name: "eth", title: "Ethereum", units: "wei", decimals: 18, dust: 100_000_000_000_000,
		types:     []addressFormat{{"p2pkh", "0x", hexAlphabet, 42}},
		perOutput: 21000, normalRate: 1_000_000_000, priorityRate: 2_000_000_000,
	},
}

// currencyNames lists currencies in the order the fake reports them.
var currencyNames = []string{"btc", "ltc", "bch", "doge", "tbtc", "trx", "eth"}

func utxoCurrency(name, title string, types ...addressFormat) *currency {
	return &currency{
		name: name, title: title, units: "satoshi", decimals: 8, dust: 1000, utxo: true, types: types,
		base: 10, perInput: 68, perOutput: 31, normalRate: 1, priorityRate: 3,
	}
}

// format returns the address format for typ ("" = the default), or nil.
func (c *currency) format(typ string) *addressFormat {
	if typ == "" {
		return &c.types[0]
	}
	for i := range c.types {
		if c.types[i].typ == typ {
			return &c.types[i]
		}
	}
	return nil
}

// generate returns a new random address in this format.
func (f *addressFormat) generate() string {
	return f.prefix + randomString(f.alphabet, f.length-len(f.prefix))
}

// randomString returns n characters drawn uniformly from alphabet.
func randomString(alphabet string, n int) string {
	var b strings.Builder
	limit := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, limit)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// newTxID returns a random 64-digit hex id, the form of transaction hashes
// and history item ids.
func newTxID() string { return randomString(hexAlphabet, 64) }
