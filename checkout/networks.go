package checkout

import (
	"fmt"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// network is what the package knows of one blockchain.
type network struct {
	name     string     // what NetworkLabel shows, e.g. "Tron"
	decimals int        // a coin is 10^decimals minor units
	uri      uriBuilder // nil when the network has no standard payment URI
	explorer Explorer
}

// networks maps a network code (a coin's code, the part of a token's code
// after "@") to the network; PaymentURI's doc cites each URI format.
var networks = map[string]network{
	"btc":  {"Bitcoin", 8, bip21("bitcoin"), blockchair("bitcoin")},
	"tbtc": {"Bitcoin Testnet", 8, bip21("bitcoin"), blockchair("bitcoin/testnet")},
	"ltc":  {"Litecoin", 8, bip21("litecoin"), blockchair("litecoin")},
	"bch":  {"Bitcoin Cash", 8, bip21("bitcoincash"), blockchair("bitcoin-cash")},
	"doge": {"Dogecoin", 8, bip21("dogecoin"), blockchair("dogecoin")},
	"dash": {"Dash", 8, bip21("dash"), blockchair("dash")},
	"eth":  {"Ethereum", 18, eip681("eth", ""), Explorer{"https://etherscan.io/address/", "https://etherscan.io/tx/"}},
	"bnb":  {"BNB Smart Chain", 18, eip681("bnb", "56"), Explorer{"https://bscscan.com/address/", "https://bscscan.com/tx/"}},
	"trx":  {"Tron", 6, nil, Explorer{"https://tronscan.org/#/address/", "https://tronscan.org/#/transaction/"}},
	"ton":  {"TON", 9, tonTransfer, Explorer{"https://tonviewer.com/", "https://tonviewer.com/transaction/"}},
	"xrp":  {"XRP Ledger", 6, nil, Explorer{"https://livenet.xrpl.org/accounts/", "https://livenet.xrpl.org/transactions/"}},
	"xlm":  {"Stellar", 7, sep7, Explorer{"https://stellar.expert/explorer/public/account/", "https://stellar.expert/explorer/public/tx/"}},
}

// tokenContracts holds the contracts of the EVM tokens Apirone and AlphaPo
// list, by Apirone code.
var tokenContracts = map[string]string{
	"usdt@eth": "0xdAC17F958D2ee523a2206206994597C13D831ec7",
	"usdc@eth": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
	"usdt@bnb": "0x55d398326f99059fF775485246999027B3197955",
	"usdc@bnb": "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d",
}

// alphaPoCodes maps the AlphaPo codes that differ from Apirone's to
// Apirone's: AlphaPo marks a token's network with a suffix (USDTT is USDT
// on Tron, USDTE USDT on Ethereum) and lists USDC on Ethereum as USDC.
var alphaPoCodes = map[string]string{
	"usdtt":   "usdt@trx",
	"usdte":   "usdt@eth",
	"usdc":    "usdc@eth",
	"bnb-bsc": "bnb",
}

// maxCodeLen is the longest currency code accepted; the providers' are
// at most 10 characters ("usdt@trx", "BNB-BSC").
const maxCodeLen = 32

// parseCurrency returns the token ("" for a network's own coin) and the
// network code of a currency code.
func parseCurrency(currency string) (token, net string, err error) {
	code := strings.ToLower(currency)
	if apirone, ok := alphaPoCodes[code]; ok {
		code = apirone
	}
	token, net, isToken := strings.Cut(code, "@")
	if !isToken {
		token, net = "", code
	}
	if len(code) > maxCodeLen || !isCodePart(net) || (isToken && !isCodePart(token)) {
		return "", "", invalid("currency", "%.40q is not a currency code", currency)
	}
	return token, net, nil
}

// isCodePart reports whether s can be a coin's, token's or network's code:
// letters and digits, with "-", "_" or "." inside ("bnb-bsc"), and no
// other character, so that a label or link made from it shows nothing the
// caller did not mean (no space, markup, "/" or control character).
func isCodePart(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// lookupNetwork returns the token and network of a currency code the
// package knows.
func lookupNetwork(currency string) (string, network, error) {
	token, net, err := parseCurrency(currency)
	if err != nil {
		return "", network{}, err
	}
	n, ok := networks[net]
	if !ok {
		return "", network{}, invalid("currency", "unknown network %.40q", net)
	}
	return token, n, nil
}

// NetworkLabel returns a label that tells a payer which network to pay on:
// "USDT on Tron" for usdt@trx (or AlphaPo's USDTT), "USDC on BNB Smart
// Chain" for usdc@bnb, and the network's name for its own coin: "Bitcoin"
// for btc, "Tron" for trx. Any token on a known network has a label; a
// token's code may hold letters, digits and "-", "_" or "." between them,
// so the label is safe to show as it is. Anything else is an error
// matching [cryptopay.ErrInvalidParams].
func NetworkLabel(currency string) (string, error) {
	token, n, err := lookupNetwork(currency)
	if err != nil {
		return "", err
	}
	if token == "" {
		return n.name, nil
	}
	return strings.ToUpper(token) + " on " + n.name, nil
}

// invalid returns a *cryptopay.ParamError, which matches
// cryptopay.ErrInvalidParams.
func invalid(field, format string, args ...any) error {
	return &cryptopay.ParamError{Field: field, Problem: fmt.Sprintf(format, args...)}
}
