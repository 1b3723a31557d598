package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
)

// ProcessingFeePolicy is how Apirone charges its processing fee.
type ProcessingFeePolicy string

// Processing fee policies (see Apirone's pricing).
const (
	ProcessingFeeFixed      ProcessingFeePolicy = "fixed"
	ProcessingFeePercentage ProcessingFeePolicy = "percentage"
)

// SettingsParams changes one currency's settings in the account, or the
// wallet's settings. Fields left at their zero value are not sent and stay
// as they are.
type SettingsParams struct {
	Currency string    // required on an account; see [Wallet]
	Callback *Callback // where payments to the account's addresses are reported
	// Destinations forwards incoming funds to these addresses. Amounts
	// must be percentages; Percent(100) forwards everything.
	Destinations []Destination
	// ResetDestinations sends "destinations": null, which stops
	// forwarding. It cannot be combined with Destinations.
	ResetDestinations   bool
	ProcessingFeePolicy ProcessingFeePolicy
	// DestinationRules are the rules that transfer funds on after a
	// threshold or on a schedule, sent as they are given: Apirone
	// documents the field but not its form ("contact support"). nil
	// leaves the rules as they are.
	DestinationRules json.RawMessage
}

// settingsBody is the JSON body of UpdateSettings, in the docs' order.
type settingsBody struct {
	Currency            string              `json:"currency,omitempty"` // absent for a wallet
	TransferKey         string              `json:"transfer-key,omitempty"`
	Callback            *Callback           `json:"callback,omitempty"`
	Destinations        *destinationsField  `json:"destinations,omitempty"`
	DestinationRules    json.RawMessage     `json:"destination_rules,omitempty"`
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy,omitempty"`
}

// destinationsField is a destinations list that encodes nil as null (a
// reset) while the pointer to it being nil leaves the field out.
type destinationsField struct{ list []Destination }

func (d *destinationsField) MarshalJSON() ([]byte, error) { return json.Marshal(d.list) }

func (b *settingsBody) setTransferKey(key string) { b.TransferKey = key }

// body checks p and returns it as the body of o's UpdateSettings.
func (p *SettingsParams) body(o *owner) (*settingsBody, error) {
	if p == nil {
		p = &SettingsParams{}
	}
	cur, err := o.currency(p.Currency, true)
	if err != nil {
		return nil, err
	}
	if err := p.Callback.check(); err != nil {
		return nil, err
	}
	if len(p.DestinationRules) > 0 && !json.Valid(p.DestinationRules) {
		return nil, invalid("destination_rules", "is not valid JSON")
	}
	b := &settingsBody{Currency: cur, Callback: p.Callback, DestinationRules: p.DestinationRules, ProcessingFeePolicy: p.ProcessingFeePolicy}
	switch {
	case p.ResetDestinations && len(p.Destinations) > 0:
		return nil, invalid("destinations", "ResetDestinations cannot be combined with Destinations")
	case p.ResetDestinations:
		b.Destinations = &destinationsField{}
	case len(p.Destinations) > 0:
		for i, d := range p.Destinations {
			err := firstError(required(".address", d.Address), d.Amount.check(".amount"))
			if _, isPercent := d.Amount.Percent(); err == nil && !isPercent {
				err = invalid(".amount", "forwarding takes percentages, e.g. Percent(100)")
			}
			if err != nil {
				return nil, inList("destinations", i, err)
			}
		}
		b.Destinations = &destinationsField{list: p.Destinations}
	}
	return b, nil
}

// AccountSettings is the account's settings after an update, as far as the
// API reports them: Apirone's docs do not show this response, so fields it
// leaves out stay empty.
type AccountSettings struct {
	Account             string              `json:"account"`
	Wallet              string              `json:"wallet,omitempty"` // set instead of Account in a wallet's answers
	Currency            string              `json:"currency"`
	Callback            *Callback           `json:"callback"`
	Destinations        []Destination       `json:"destinations"`
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy"`
}

// UpdateSettings changes the callback, forwarding destinations,
// destination rules or processing-fee policy of one currency of the
// account; p.Currency is required. It needs the transfer key, which it
// sends in the JSON body, or tokens from Login.
//
// PATCH /v2/accounts/{account}
//
// API docs: https://apirone.com/docs/settings/#settings
func (a *Account) UpdateSettings(ctx context.Context, p *SettingsParams) (*AccountSettings, error) {
	return a.updateSettings(ctx, p)
}

// UpdateSettings changes the wallet's callback, forwarding destinations,
// destination rules or processing-fee policy. It needs the transfer key,
// which it sends in the JSON body, or tokens from Login.
//
// PATCH /v2/wallets/{wallet}
//
// API docs: https://apirone.com/docs/settings/#settings
func (w *Wallet) UpdateSettings(ctx context.Context, p *SettingsParams) (*AccountSettings, error) {
	return w.updateSettings(ctx, p)
}

// updateSettings is UpdateSettings on o's route.
func (o *owner) updateSettings(ctx context.Context, p *SettingsParams) (*AccountSettings, error) {
	ep := o.protected(http.MethodPatch, "")
	ep.withBody(p.body(o))
	return call[*AccountSettings](ctx, &o.client.backend, ep)
}
