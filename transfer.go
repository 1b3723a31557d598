package cryptopay

import (
	"context"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FeeStrategy is how the network fee of a transfer is chosen.
type FeeStrategy string

// Fee strategies. Values the server sends that are not listed here are kept
// as they are.
const (
	FeeNormal   FeeStrategy = "normal"
	FeePriority FeeStrategy = "priority"
	FeeCustom   FeeStrategy = "custom" // with TransferParams.FeeRate
)

// DestinationAmount is what a destination receives: a number of minor units
// (Units) or a percentage of the available balance (Percent). On the wire
// it is a JSON number or a string such as "50%".
type DestinationAmount struct {
	units     Amount
	percent   Decimal
	isPercent bool
}

// Units is an amount of n minor units (satoshi, wei, ...).
func Units(n int64) DestinationAmount { return DestinationAmount{units: NewAmount(n)} }

// UnitsOf is an amount in minor units too large for an int64.
func UnitsOf(a Amount) DestinationAmount { return DestinationAmount{units: a} }

// Percent is p percent (1 to 100) of the available balance.
func Percent(p int) DestinationAmount {
	return DestinationAmount{percent: Decimal{text: strconv.Itoa(p)}, isPercent: true}
}

// Units returns the amount in minor units, and false for a percentage.
func (d DestinationAmount) Units() (Amount, bool) { return d.units, !d.isPercent }

// Percent returns the percentage, and false for an amount in minor units.
func (d DestinationAmount) Percent() (Decimal, bool) { return d.percent, d.isPercent }

// String returns "10000" for units and "50%" for a percentage.
func (d DestinationAmount) String() string {
	if d.isPercent {
		return d.percent.String() + "%"
	}
	return d.units.String()
}

// MarshalJSON encodes units as a number and a percentage as "50%".
func (d DestinationAmount) MarshalJSON() ([]byte, error) {
	if d.isPercent {
		return []byte(`"` + d.String() + `"`), nil
	}
	return d.units.MarshalJSON()
}

// UnmarshalJSON accepts a number, a string of digits, or a percentage string.
func (d *DestinationAmount) UnmarshalJSON(data []byte) error {
	s, isNull, err := unquoteScalar(data)
	if err != nil || isNull {
		return err
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		dec, err := ParseDecimal(p)
		if err != nil {
			return err
		}
		*d = DestinationAmount{percent: dec, isPercent: true}
		return nil
	}
	a, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*d = DestinationAmount{units: a}
	return nil
}

var one, hundred = big.NewRat(1, 1), big.NewRat(100, 1)

func (d DestinationAmount) check(field string) error {
	if !d.isPercent {
		if d.units.Sign() <= 0 {
			return invalid(field, "must be positive, got %s", d.units)
		}
		return nil
	}
	if p := d.percent.Rat(); p.Cmp(one) < 0 || p.Cmp(hundred) > 0 {
		return invalid(field, "percentage must be from 1 to 100, got %s", d)
	}
	return nil
}

// Destination is an address and what it receives.
type Destination struct {
	Address string            `json:"address"`
	Amount  DestinationAmount `json:"amount"`
}

// AddressAmount is an address and an exact amount in minor units, as the
// server reports destinations after fees.
type AddressAmount struct {
	Address string `json:"address"`
	Amount  Amount `json:"amount"`
}

// TransferParams describes a transfer out of the account or wallet.
type TransferParams struct {
	Currency     string        // required on an account; see [Wallet]
	Destinations []Destination // required: at least one
	Fee          FeeStrategy   // "" = the server's default (normal)
	// FeeRate is the network fee rate for FeeCustom (e.g. satoshi per
	// byte, gwei per gas on Ethereum).
	FeeRate int64
	// PriorityFee is the tip paid to Ethereum-family validators, added
	// to FeeRate; only with FeeCustom (see
	// https://apirone.com/docs/fee/#priority-fee-for-ethereum-network).
	PriorityFee int64
	// SubtractFeeFromAmount takes the fee proportionally from the
	// destinations' amounts instead of adding it on top.
	SubtractFeeFromAmount bool
	// Addresses spends only from these account addresses.
	Addresses []string
}

// check validates p before anything is sent and returns the currency
// sent for o (see owner.currency).
func (p *TransferParams) check(o *owner) (string, error) {
	if p == nil {
		return "", invalid("destinations", "is required")
	}
	cur, err := o.currency(p.Currency, true)
	if err != nil {
		return "", err
	}
	if len(p.Destinations) == 0 {
		return "", invalid("destinations", "is required")
	}
	if err := checkDestinations(p.Destinations); err != nil {
		return "", err
	}
	if err := checkListItems("addresses", p.Addresses); err != nil {
		return "", err
	}
	if err := checkFee(p.Fee, p.FeeRate); err != nil {
		return "", err
	}
	switch {
	case p.PriorityFee < 0:
		return "", invalid("priority-fee", "must be positive, got %d", p.PriorityFee)
	case p.PriorityFee > 0 && p.FeeRate == 0:
		return "", invalid("priority-fee", "is only used with a custom fee-rate")
	}
	return cur, nil
}

// checkDestinations checks each destination's address and amount.
func checkDestinations(list []Destination) error {
	for i, d := range list {
		if err := firstError(checkListItem(".address", d.Address), d.Amount.check(".amount")); err != nil {
			return inList("destinations", i, err)
		}
	}
	return nil
}

// checkFee checks a fee strategy and its rate: a rate goes with, and only
// with, the custom strategy.
func checkFee(fee FeeStrategy, rate int64) error {
	switch {
	case rate < 0:
		return invalid("fee-rate", "must be positive, got %d", rate)
	case rate > 0 && fee != FeeCustom:
		return invalid("fee-rate", "is only used with the custom fee strategy")
	case fee == FeeCustom && rate == 0:
		return invalid("fee-rate", "is required with the custom fee strategy")
	}
	return nil
}

// Estimation is what a transfer would cost, without sending it.
type Estimation struct {
	Account      string          `json:"account"`
	Wallet       string          `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency     string          `json:"currency"`
	Destinations []AddressAmount `json:"destinations"` // after fees
	Amount       Amount          `json:"amount"`       // the transfer amount
	Total        Amount          `json:"total"`        // amount plus all fees
	Fee          FeeInfo         `json:"fee"`
}

// FeeInfo is how the fees of a transfer were charged.
type FeeInfo struct {
	SubtractFromAmount bool       `json:"subtract-from-amount"`
	Network            NetworkFee `json:"network"`
}

// NetworkFee is the blockchain fee of a transfer.
type NetworkFee struct {
	Strategy FeeStrategy `json:"strategy"`
	Amount   Amount      `json:"amount"` // minor units
	Rate     Decimal     `json:"rate"`   // fee rate used, e.g. "2.97"
}

// EstimateTransfer returns the fees and amounts a transfer out of the
// account with p would have. It moves no money and needs no transfer key.
//
// GET /v2/accounts/{account}/transfer
//
// API docs: https://apirone.com/docs/account/#estimation
func (a *Account) EstimateTransfer(ctx context.Context, p *TransferParams) (*Estimation, error) {
	return a.estimateTransfer(ctx, p)
}

// EstimateTransfer returns the fees and amounts a transfer out of the
// wallet with p would have. It moves no money and needs no transfer key.
//
// GET /v2/wallets/{wallet}/transfer
//
// API docs: https://apirone.com/docs/wallet/#estimation
func (w *Wallet) EstimateTransfer(ctx context.Context, p *TransferParams) (*Estimation, error) {
	return w.estimateTransfer(ctx, p)
}

// estimateTransfer is EstimateTransfer on o's route.
func (o *owner) estimateTransfer(ctx context.Context, p *TransferParams) (*Estimation, error) {
	ep := o.endpoint(http.MethodGet, "/transfer")
	ep.withQuery(p.query(o))
	return call[*Estimation](ctx, &o.client.backend, ep)
}

// body checks p and returns it as the body of o's Transfer.
func (p *TransferParams) body(o *owner) (any, error) {
	cur, err := p.check(o)
	if err != nil {
		return nil, err
	}
	return &transferBody{
		Currency:              cur,
		Addresses:             p.Addresses,
		Destinations:          p.Destinations,
		Fee:                   p.Fee,
		FeeRate:               p.FeeRate,
		PriorityFee:           p.PriorityFee,
		SubtractFeeFromAmount: p.SubtractFeeFromAmount,
	}, nil
}

// query checks p and returns it as the query of o's EstimateTransfer:
// destinations=addr:10000,addr2:50% and so on.
func (p *TransferParams) query(o *owner) (url.Values, error) {
	cur, err := p.check(o)
	if err != nil {
		return nil, err
	}
	dests := make([]string, len(p.Destinations))
	for i, d := range p.Destinations {
		dests[i] = d.Address + ":" + d.Amount.String()
	}
	q := optionalQuery(
		"currency", cur,
		"destinations", strings.Join(dests, ","),
		"fee", string(p.Fee),
		"addresses", strings.Join(p.Addresses, ","),
	)
	if p.FeeRate > 0 {
		q.Set("fee-rate", strconv.FormatInt(p.FeeRate, 10))
	}
	if p.PriorityFee > 0 {
		q.Set("priority-fee", strconv.FormatInt(p.PriorityFee, 10))
	}
	if p.SubtractFeeFromAmount {
		q.Set("subtract-fee-from-amount", "true")
	}
	return q, nil
}

// transferBody is the JSON body of a transfer, in the reference's order.
type transferBody struct {
	Currency              string        `json:"currency,omitempty"`     // absent for a wallet
	TransferKey           string        `json:"transfer-key,omitempty"` // absent with tokens
	Addresses             []string      `json:"addresses,omitempty"`
	Destinations          []Destination `json:"destinations"`
	Fee                   FeeStrategy   `json:"fee,omitempty"`
	FeeRate               int64         `json:"fee-rate,omitempty"`
	PriorityFee           int64         `json:"priority-fee,omitempty"`
	SubtractFeeFromAmount bool          `json:"subtract-fee-from-amount,omitempty"`
}

func (b *transferBody) setTransferKey(key string) { b.TransferKey = key }

// TransferResult is a completed transfer: the payment history item it
// made (Type "payment", ID the history item id, Txs the blockchain
// transaction ids) and where the change went.
type TransferResult struct {
	HistoryItem
	ChangeAddress string `json:"change-address"` // where the change went, if any
}

// Transfer sends money out of the account. It needs the transfer key,
// which travels in the JSON body (never in the URL), or tokens from
// [Account.Login].
//
// It moves money: on an error matching [ErrOutcomeUnknown], look the
// transfer up with [github.com/cryptopay-go/cryptopay/settle.FindTransfer]
// (read a settle.ReadMark before sending) before trying again.
//
// POST /v2/accounts/{account}/transfer
//
// API docs: https://apirone.com/docs/account/#transfer
func (a *Account) Transfer(ctx context.Context, p *TransferParams) (*TransferResult, error) {
	return a.transfer(ctx, p)
}

// Transfer sends money out of the wallet. It needs the transfer key,
// which travels in the JSON body (never in the URL), or tokens from
// [Wallet.Login].
//
// It moves money: on an error matching [ErrOutcomeUnknown], look the
// transfer up with [github.com/cryptopay-go/cryptopay/settle.FindTransfer]
// (read a settle.ReadMark before sending) before trying again.
//
// POST /v2/wallets/{wallet}/transfer
//
// API docs: https://apirone.com/docs/wallet/#transfer
func (w *Wallet) Transfer(ctx context.Context, p *TransferParams) (*TransferResult, error) {
	return w.transfer(ctx, p)
}

// transfer is Transfer on o's route.
func (o *owner) transfer(ctx context.Context, p *TransferParams) (*TransferResult, error) {
	ep := o.protected(http.MethodPost, "/transfer")
	ep.moneyMoving = true
	ep.withBody(p.body(o))
	return call[*TransferResult](ctx, &o.client.backend, ep)
}
