package cryptopay

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpdateSettingsRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		key   string
		p     *SettingsParams
		field string
	}{
		"nil":             {testTransferKey, nil, "currency"},
		"no key":          {"", &SettingsParams{Currency: "btc"}, "transfer-key"},
		"reset and set":   {testTransferKey, &SettingsParams{Currency: "btc", ResetDestinations: true, Destinations: []Destination{{Address: "a", Amount: Percent(1)}}}, "destinations"},
		"units":           {testTransferKey, &SettingsParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Units(5)}}}, "destinations[0].amount"},
		"no address":      {testTransferKey, &SettingsParams{Currency: "btc", Destinations: []Destination{{Amount: Percent(5)}}}, "destinations[0].address"},
		"bad callback":    {testTransferKey, &SettingsParams{Currency: "btc", Callback: &Callback{URL: "mailto:x"}}, "callback.url"},
		"percent too big": {testTransferKey, &SettingsParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Percent(120)}}}, "destinations[0].amount"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.apirone().Account(testAccountID, tc.key).UpdateSettings(context.Background(), tc.p)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Zero(t, w.count())
		})
	}
}
