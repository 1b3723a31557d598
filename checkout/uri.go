package checkout

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// Request is a payment to ask for: what PaymentURI encodes.
type Request struct {
	// Currency is an Apirone code ("btc", "usdt@eth": a token is
	// token@network) or an AlphaPo code ("BTC", "USDTE", "USDTT",
	// "BNB-BSC"), in any case.
	Currency string
	// Address is where to pay: letters, digits, "-", "_" and ":" only, so
	// a TON address in its URL-safe form.
	Address string
	// Amount is in the currency's minor units (satoshi, wei, a token's base
	// units), as Apirone reports amounts; an AlphaPo Decimal converts with
	// cryptopay.Decimal.Units. Zero leaves the amount to the payer.
	Amount cryptopay.Amount
	// Tag is the memo the payment must carry, where the network has one
	// (AlphaPo's TakenAddress.Tag): a Stellar memo, a TON comment. A tag
	// for a network without one is an error, never dropped.
	Tag string
}

// uriBuilder writes the payment URI of r, whose token is "" for the
// network's own coin. r's address and amount are already checked.
type uriBuilder func(r Request, token string, n network) (string, error)

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
//     for a tag of digits, which must fit an id memo's 64 bits
//     (at most 18446744073709551615), or MEMO_TEXT for any other tag, which
//     must fit a text memo's 28 bytes (union Memo in
//     https://github.com/stellar/stellar-xdr/blob/curr/Stellar-transaction.x).
//
// Tron (trx and its tokens) and the XRP Ledger have no standard payment URI
// (the XRPL proposals XLS-2 and XLS-32 are stagnant): show the address,
// amount and destination tag instead.
//
// It is an error matching [cryptopay.ErrInvalidParams] when the currency
// is unknown, has no standard payment URI (Tron, XRP, tokens on TON), is a
// token whose contract is not known, or r lacks an address, has a negative
// amount or a tag the network cannot carry.
func PaymentURI(r Request) (string, error) {
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
	return func(r Request, token string, n network) (string, error) {
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
	return func(r Request, token string, n network) (string, error) {
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
func tonTransfer(r Request, token string, n network) (string, error) {
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

// maxMemoText is the most bytes a Stellar text memo holds (string text<28>
// in the protocol's XDR).
const maxMemoText = 28

// sep7 builds a SEP-0007 pay URI; a tag of digits is an id memo, any other
// a text memo.
func sep7(r Request, token string, n network) (string, error) {
	if token != "" {
		return "", invalid("currency", "tokens on %s have no payment URI here", n.name)
	}
	memoType, err := stellarMemoType(r.Tag)
	if err != nil {
		return "", err
	}
	var q query
	q.add("destination", r.Address)
	if r.Amount.Sign() > 0 {
		q.add("amount", coins(r.Amount, n.decimals))
	}
	if r.Tag != "" {
		q.add("memo", escape(r.Tag))
		q.add("memo_type", memoType)
	}
	return "web+stellar:pay" + q.String(), nil
}

// stellarMemoType returns the memo type of a Stellar tag: MEMO_ID for
// digits, which must fit 64 bits, MEMO_TEXT for other text of at most
// maxMemoText bytes.
func stellarMemoType(tag string) (string, error) {
	if isDigits(tag) {
		if _, err := strconv.ParseUint(tag, 10, 64); err != nil {
			return "", invalid("tag", "%.40s is above the largest Stellar id memo, %d", tag, uint64(math.MaxUint64))
		}
		return "MEMO_ID", nil
	}
	if len(tag) > maxMemoText {
		return "", invalid("tag", "a Stellar text memo holds at most %d bytes, got %d", maxMemoText, len(tag))
	}
	return "MEMO_TEXT", nil
}

// isDigits reports whether s is one or more digits 0 to 9.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// coinOnly refuses a token or a tag on a network whose URIs carry neither.
func coinOnly(r Request, token string, n network) error {
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
func coins(a cryptopay.Amount, decimals int) string {
	s := cryptopay.FormatUnits(a, decimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
