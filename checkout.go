package cryptopay

import (
	"net/url"
	"strings"
)

// Checkout helpers: a payment URI for a QR code, block-explorer links and
// network labels, for the currencies Apirone and AlphaPo list.
//
// They take a currency code as Apirone spells it ("btc", "usdt@trx": a
// token is token@network) or as AlphaPo does ("BTC", "USDTT", "USDTE",
// "BNB-BSC"), in any case. A code they do not know is an error matching
// ErrInvalidParams.

// network is what the checkout helpers know of one blockchain.
type network struct {
	name     string     // what NetworkLabel shows, e.g. "Tron"
	decimals int        // a coin is 10^decimals minor units
	uri      uriBuilder // nil when the network has no standard payment URI
	explorer Explorer
}

// uriBuilder writes the payment URI of r, whose token is "" for the
// network's own coin. r's address and amount are already checked.
type uriBuilder func(r PaymentRequest, token string, n network) (string, error)

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
	if net == "" || (isToken && token == "") {
		return "", "", invalid("currency", "%.40q is not a currency code", currency)
	}
	return token, net, nil
}

// lookupNetwork returns the token and network of a currency code the
// checkout helpers know.
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
// for btc, "Tron" for trx. Any token on a known network has a label.
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

// PaymentRequest is a payment to ask for: what PaymentURI encodes.
type PaymentRequest struct {
	// Currency is an Apirone code ("btc", "usdt@eth": a token is
	// token@network) or an AlphaPo code ("BTC", "USDTE", "USDTT",
	// "BNB-BSC"), in any case.
	Currency string
	// Address is where to pay: letters, digits, "-", "_" and ":" only, so
	// a TON address in its URL-safe form.
	Address string
	// Amount is in the currency's minor units (satoshi, wei, a token's base
	// units), as Apirone reports amounts; an AlphaPo Decimal converts with
	// Decimal.Units. Zero leaves the amount to the payer.
	Amount Amount
	// Tag is the memo the payment must carry, where the network has one
	// (AlphaPo's TakenAddress.Tag): a Stellar memo, a TON comment. A tag
	// for a network without one is an error, never dropped.
	Tag string
}

// PaymentURI returns the payment URI of r to show as a QR code or a link,
// in the standard format of r's network. Amounts are exact, in whole coins
// without trailing zeros where the format wants coins.
//
//   - BIP-21 (https://github.com/bitcoin/bips/blob/master/bip-0021.mediawiki)
//     with each coin's scheme: "bitcoin:ADDRESS?amount=0.001" for btc and
//     tbtc; litecoin: for ltc, as Litecoin Core reads it
//     (litecoin-project/litecoin src/qt/guiutil.cpp); bitcoincash: for bch,
//     the CashAddr prefix
//     (https://github.com/bitcoincashorg/bitcoincash.org/blob/master/spec/cashaddr.md),
//     written once when the address already has it; dogecoin: for doge, as
//     Apirone's own invoice page writes it (https://github.com/Apirone/invoice-app,
//     src/views/Main.vue); dash: for dash, as Dash Core reads and writes it
//     (dashpay/dash src/qt/guiutil.cpp).
//   - EIP-681 (https://eips.ethereum.org/EIPS/eip-681) for eth and bnb (BNB
//     Smart Chain, chain id 56): "ethereum:ADDRESS?value=WEI"; for USDT and
//     USDC on them, a call of the token contract's transfer function:
//     "ethereum:CONTRACT/transfer?address=ADDRESS&uint256=AMOUNT".
//   - TON deep links (https://docs.ton.org/ecosystem/wallet-apps/deep-links)
//     for ton: "ton://transfer/ADDRESS?amount=NANOTONS&text=TAG".
//   - SEP-0007 (https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0007.md)
//     for xlm: "web+stellar:pay?destination=ADDRESS&amount=XLM&memo=TAG&memo_type=MEMO_ID"
//     (MEMO_TEXT for a tag that is not a number).
//
// Tron (trx and its tokens) and the XRP Ledger have no standard payment URI
// (the XRPL proposals XLS-2 and XLS-32 are stagnant): show the address,
// amount and destination tag instead.
//
// It is an error matching ErrInvalidParams when the currency is unknown,
// has no standard payment URI (Tron, XRP, tokens on TON), is a token whose
// contract is not known, or r lacks an address, has a negative amount or a
// tag the network cannot carry.
func PaymentURI(r PaymentRequest) (string, error) {
	token, n, err := lookupNetwork(r.Currency)
	if err != nil {
		return "", err
	}
	if err := checkID("address", r.Address); err != nil {
		return "", err
	}
	if r.Amount.Sign() < 0 {
		return "", invalid("amount", "must not be negative, got %s", r.Amount)
	}
	if n.uri == nil {
		return "", invalid("currency", "%s has no standard payment URI: show the address and amount", n.name)
	}
	return n.uri(r, token, n)
}

// bip21 builds BIP-21 URIs with the given scheme. An address that already
// starts with the scheme (a CashAddr "bitcoincash:q...") keeps one.
func bip21(scheme string) uriBuilder {
	return func(r PaymentRequest, token string, n network) (string, error) {
		if err := coinOnly(r, token, n); err != nil {
			return "", err
		}
		address := r.Address
		if p := scheme + ":"; len(address) > len(p) && strings.EqualFold(address[:len(p)], p) {
			address = address[len(p):]
		}
		var q query
		if r.Amount.Sign() > 0 {
			q.add("amount", coins(r.Amount, n.decimals))
		}
		return scheme + ":" + address + q.String(), nil
	}
}

// eip681 builds EIP-681 URIs for the EVM network net, on chain chainID (""
// for Ethereum mainnet, the default).
func eip681(net, chainID string) uriBuilder {
	if chainID != "" {
		chainID = "@" + chainID
	}
	return func(r PaymentRequest, token string, n network) (string, error) {
		if r.Tag != "" {
			return "", invalid("tag", "%s payments carry no tag", n.name)
		}
		var q query
		if token == "" {
			if r.Amount.Sign() > 0 {
				q.add("value", r.Amount.String())
			}
			return "ethereum:" + r.Address + chainID + q.String(), nil
		}
		contract, ok := tokenContracts[token+"@"+net]
		if !ok {
			return "", invalid("currency", "no known contract for %s on %s", strings.ToUpper(token), n.name)
		}
		q.add("address", r.Address)
		if r.Amount.Sign() > 0 {
			q.add("uint256", r.Amount.String())
		}
		return "ethereum:" + contract + chainID + "/transfer" + q.String(), nil
	}
}

// tonTransfer builds a TON transfer deep link, the amount in nanotons and
// the tag as the comment.
func tonTransfer(r PaymentRequest, token string, n network) (string, error) {
	if token != "" {
		return "", invalid("currency", "tokens on %s have no standard payment URI", n.name)
	}
	var q query
	if r.Amount.Sign() > 0 {
		q.add("amount", r.Amount.String())
	}
	if r.Tag != "" {
		q.add("text", escape(r.Tag))
	}
	return "ton://transfer/" + r.Address + q.String(), nil
}

// sep7 builds a SEP-0007 pay URI; a numeric tag is an id memo, any other a
// text memo.
func sep7(r PaymentRequest, token string, n network) (string, error) {
	if token != "" {
		return "", invalid("currency", "tokens on %s have no payment URI here", n.name)
	}
	var q query
	q.add("destination", r.Address)
	if r.Amount.Sign() > 0 {
		q.add("amount", coins(r.Amount, n.decimals))
	}
	if r.Tag != "" {
		memoType := "MEMO_TEXT"
		if isDigits(r.Tag) {
			memoType = "MEMO_ID"
		}
		q.add("memo", escape(r.Tag))
		q.add("memo_type", memoType)
	}
	return "web+stellar:pay" + q.String(), nil
}

// coinOnly refuses a token or a tag on a network whose URIs carry neither.
func coinOnly(r PaymentRequest, token string, n network) error {
	if token != "" {
		return invalid("currency", "tokens on %s have no standard payment URI", n.name)
	}
	if r.Tag != "" {
		return invalid("tag", "%s payments carry no tag", n.name)
	}
	return nil
}

// query is a URI query built in order from values already escaped.
type query []string

func (q *query) add(key, value string) { *q = append(*q, key+"="+value) }

// String returns "?k=v&k=v", or "" when q is empty.
func (q query) String() string {
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// escape percent-encodes s for a query value, a space as %20.
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// coins writes a in whole coins without trailing zeros: "0.001", "2".
func coins(a Amount, decimals int) string {
	s := FormatUnits(a, decimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// checkID refuses an empty address or transaction id, or one with
// characters no address or id has (letters, digits, "-", "_" and ":" are
// all that Bitcoin, CashAddr, EVM, Tron, TON, XRP and Stellar use), so
// that it cannot change the meaning of the URI it goes into.
func checkID(field, id string) error {
	if id == "" {
		return invalid(field, "is required")
	}
	for _, c := range id {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == ':') {
			return invalid(field, "%.80q has characters no %s has", id, field)
		}
	}
	return nil
}

// Explorer makes links to one block explorer's pages: a page's URL is the
// prefix followed by the address or transaction id.
type Explorer struct {
	AddressPrefix string // e.g. "https://blockchair.com/bitcoin/address/"
	TxPrefix      string // e.g. "https://blockchair.com/bitcoin/transaction/"
}

// blockchair returns the Blockchair explorer of one of its chains.
func blockchair(chain string) Explorer {
	return Explorer{"https://blockchair.com/" + chain + "/address/", "https://blockchair.com/" + chain + "/transaction/"}
}

// Explorers maps a network code ("btc", "trx", "eth": a coin's code, the
// part of a token's code after "@") to its block explorer. A token's pages
// are on its network's explorer.
type Explorers map[string]Explorer

// DefaultExplorers returns a new map of one well-known explorer per
// network: Blockchair for btc, tbtc, ltc, bch, doge and dash; Etherscan
// for eth, BscScan for bnb, Tronscan for trx, Tonviewer for ton, the XRPL
// Explorer (livenet.xrpl.org) for xrp and StellarExpert for xlm. Change or
// add entries to use other explorers.
func DefaultExplorers() Explorers {
	e := make(Explorers, len(networks))
	for code, n := range networks {
		e[code] = n.explorer
	}
	return e
}

// AddressURL returns the link to address on the explorer of currency's
// network. An unknown network, an empty prefix or an address that is
// empty or holds characters no address has is an error matching
// ErrInvalidParams.
func (e Explorers) AddressURL(currency, address string) (string, error) {
	return e.link(currency, "address", address, func(x Explorer) string { return x.AddressPrefix })
}

// TxURL returns the link to the transaction txid on the explorer of
// currency's network, with the errors of AddressURL.
func (e Explorers) TxURL(currency, txid string) (string, error) {
	return e.link(currency, "txid", txid, func(x Explorer) string { return x.TxPrefix })
}

func (e Explorers) link(currency, field, id string, prefix func(Explorer) string) (string, error) {
	_, net, err := parseCurrency(currency)
	if err != nil {
		return "", err
	}
	p := prefix(e[net])
	if p == "" {
		return "", invalid("currency", "no explorer for network %.40q", net)
	}
	if err := checkID(field, id); err != nil {
		return "", err
	}
	return p + id, nil
}
