package cryptopay

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpdateSettings(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPatch, apironeAccountURL, 200,
		`{"account":"`+testAccountID+`","currency":"btc","callback":{"url":"https://example.com","data":{"optional_key":"132534"}},`+
			`"destinations":[{"address":"3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu","amount":"100%"}],"processing-fee-policy":"percentage"}`)

	got, err := w.account().UpdateSettings(context.Background(), &SettingsParams{
		Currency:            "btc",
		Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
		Destinations:        []Destination{{Address: "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", Amount: Percent(100)}},
		ProcessingFeePolicy: ProcessingFeePercentage,
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "PATCH", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID, req.Path)
	assert.Equal(t, "", req.RawQuery)
	assert.Equal(t, `{"currency":"btc","transfer-key":"`+testTransferKey+`","callback":{"url":"https://example.com","data":{"optional_key":"132534"}},`+
		`"destinations":[{"address":"3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu","amount":"100%"}],"processing-fee-policy":"percentage"}`, req.Body)
	assert.Equal(t, &AccountSettings{
		Account:             testAccountID,
		Currency:            "btc",
		Callback:            &Callback{URL: "https://example.com", Data: map[string]string{"optional_key": "132534"}},
		Destinations:        []Destination{{Address: "3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", Amount: Percent(100)}},
		ProcessingFeePolicy: ProcessingFeePercentage,
	}, got)
}

func TestUpdateSettingsResetsDestinations(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPatch, apironeAccountURL, 200, `{}`)
	_, err := w.account().UpdateSettings(context.Background(), &SettingsParams{Currency: "btc", ResetDestinations: true})
	require.NoError(t, err)
	assert.Equal(t, `{"currency":"btc","transfer-key":"`+testTransferKey+`","destinations":null}`, w.only().Body)
}

func TestUpdateSettingsLeavesUnsetFieldsOut(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPatch, apironeAccountURL, 200, `{}`)
	_, err := w.account().UpdateSettings(context.Background(), &SettingsParams{Currency: "btc", ProcessingFeePolicy: ProcessingFeeFixed})
	require.NoError(t, err)
	assert.Equal(t, `{"currency":"btc","transfer-key":"`+testTransferKey+`","processing-fee-policy":"fixed"}`, w.only().Body)
}

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
