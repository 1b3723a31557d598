package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// ProcessingFeePolicy is how Apirone charges its processing fee.
type ProcessingFeePolicy string

// Processing fee policies (see Apirone's pricing).
const (
	ProcessingFeeFixed      ProcessingFeePolicy = "fixed"
	ProcessingFeePercentage ProcessingFeePolicy = "percentage"
)

// SettingsParams changes one currency's settings in the account. Fields left
// at their zero value are not sent and stay as they are.
type SettingsParams struct {
	Currency string    // required
	Callback *Callback // where payments to the account's addresses are reported
	// Destinations forwards incoming funds to these addresses. Amounts
	// must be percentages; Percent(100) forwards everything.
	Destinations []Destination
	// ResetDestinations sends "destinations": null, which stops
	// forwarding. It cannot be combined with Destinations.
	ResetDestinations   bool
	ProcessingFeePolicy ProcessingFeePolicy
}

// settingsBody is the JSON body of UpdateSettings, in the docs' order.
type settingsBody struct {
	Currency            string              `json:"currency"`
	TransferKey         string              `json:"transfer-key,omitempty"`
	Callback            *Callback           `json:"callback,omitempty"`
	Destinations        *destinationsField  `json:"destinations,omitempty"`
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy,omitempty"`
}

// destinationsField is a destinations list that encodes nil as null (a
// reset) while the pointer to it being nil leaves the field out.
type destinationsField struct{ list []Destination }

func (d *destinationsField) MarshalJSON() ([]byte, error) { return json.Marshal(d.list) }

func (b *settingsBody) setTransferKey(key string) { b.TransferKey = key }

func (p *SettingsParams) body() (*settingsBody, error) {
	if p == nil || p.Currency == "" {
		return nil, invalid("currency", "is required")
	}
	if err := p.Callback.check(); err != nil {
		return nil, err
	}
	b := &settingsBody{Currency: p.Currency, Callback: p.Callback, ProcessingFeePolicy: p.ProcessingFeePolicy}
	switch {
	case p.ResetDestinations && len(p.Destinations) > 0:
		return nil, invalid("destinations", "ResetDestinations cannot be combined with Destinations")
	case p.ResetDestinations:
		b.Destinations = &destinationsField{}
	case len(p.Destinations) > 0:
		for i, d := range p.Destinations {
			field := fmt.Sprintf("destinations[%d]", i)
			if err := required(field+".address", d.Address); err != nil {
				return nil, err
			}
			if err := d.Amount.check(field + ".amount"); err != nil {
				return nil, err
			}
			if _, isPercent := d.Amount.Percent(); !isPercent {
				return nil, invalid(field+".amount", "forwarding takes percentages, e.g. Percent(100)")
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
	Currency            string              `json:"currency"`
	Callback            *Callback           `json:"callback"`
	Destinations        []Destination       `json:"destinations"`
	ProcessingFeePolicy ProcessingFeePolicy `json:"processing-fee-policy"`
}

// UpdateSettings changes a currency's callback, forwarding destinations or
// processing-fee policy. It needs the transfer key, which it sends in the
// JSON body, or tokens from Login.
//
// PATCH /v2/accounts/{account}
//
// API docs: https://apirone.com/docs/settings/#settings
func (a *Account) UpdateSettings(ctx context.Context, p *SettingsParams) (*AccountSettings, error) {
	ep := a.protected(http.MethodPatch, "/v2/accounts/{account}")
	ep.withBody(p.body())
	return call[*AccountSettings](ctx, &a.client.backend, ep)
}
