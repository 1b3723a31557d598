package checkout

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
// [cryptopay.ErrInvalidParams].
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

// checkID refuses an empty address or transaction id, or one with
// characters no address or id has (letters, digits, "-", "_" and ":" are
// all that Bitcoin, CashAddr, EVM, Tron, TON, XRP and Stellar use), so
// that it cannot change the meaning of the URI it goes into.
func checkID(field, id string) error {
	if id == "" {
		return invalid(field, "is required")
	}
	for i := range len(id) {
		if c := id[i]; !isAlnum(c) && c != '-' && c != '_' && c != ':' {
			return invalid(field, "%.80q has characters no %s has", id, field)
		}
	}
	return nil
}
