// Package checkout shows a payment to the payer: the payment URI for a
// QR code or a link ([PaymentURI]), block-explorer links ([Explorers]) and
// a label that names the network to pay on ([NetworkLabel]), for the
// currencies Apirone and AlphaPo list.
//
// Its tables (networks, token contracts, URI formats, explorers) change on
// the blockchains' schedule, not the APIs', so they live here, beside the
// API client [github.com/cryptopay-go/cryptopay] rather than in it.
//
// Every function takes a currency code as Apirone spells it ("btc",
// "usdt@trx": a token is token@network) or as AlphaPo does ("BTC",
// "USDTT", "USDTE", "BNB-BSC"), in any case. A code with characters no
// currency code has, or one the tables do not know, is an error matching
// [cryptopay.ErrInvalidParams], as is every other bad argument: nothing
// goes into a label or a link unchecked.
package checkout
