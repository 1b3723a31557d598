package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEstimateTransfer(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/transfer", 200, fixture(t, "apirone/estimation.json"))

	got, err := w.apirone().Account(testAccountID, "").EstimateTransfer(context.Background(), &TransferParams{
		Currency: "btc",
		Destinations: []Destination{
			{Address: "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: Units(10000)},
			{Address: "3BntRGKDUxxSjnFjfzDNeAziAgUtGhbkcF", Amount: Percent(50)},
		},
		Fee:                   FeeNormal,
		SubtractFeeFromAmount: true,
		Addresses:             []string{"3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", "3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"},
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/transfer", req.Path)
	assert.Equal(t, "addresses=3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu%2C3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"+
		"&currency=btc"+
		"&destinations=3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ%3A10000%2C3BntRGKDUxxSjnFjfzDNeAziAgUtGhbkcF%3A50%25"+
		"&fee=normal&subtract-fee-from-amount=true", req.RawQuery)
	assert.Equal(t, "", req.Body)
	assert.Equal(t, &Estimation{
		Account:      testAccountID,
		Currency:     "btc",
		Destinations: []AddressAmount{{Address: "3N6aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ", Amount: NewAmount(9744)}},
		Amount:       NewAmount(10000),
		Total:        NewAmount(10000),
		Fee: FeeInfo{
			SubtractFromAmount: true,
			Network:            NetworkFee{Strategy: FeeNormal, Amount: NewAmount(256), Rate: MustDecimal("1.0")},
		},
	}, got)
}

func TestEstimateTransferCustomFee(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/transfer", 200, fixture(t, "apirone/estimation.json"))
	_, err := w.account().EstimateTransfer(context.Background(), &TransferParams{
		Currency:     "btc",
		Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
		Fee:          FeeCustom,
		FeeRate:      7,
	})
	require.NoError(t, err)
	assert.Equal(t, "currency=btc&destinations=3N2a%3A1&fee=custom&fee-rate=7", w.only().RawQuery)
}

func TestTransfer(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/transfer", 200, fixture(t, "apirone/transfer.json"))

	got, err := w.account().Transfer(context.Background(), &TransferParams{
		Currency:              "btc",
		Addresses:             []string{"3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu", "3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"},
		Destinations:          []Destination{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: Units(10000)}},
		Fee:                   FeeNormal,
		SubtractFeeFromAmount: true,
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/transfer", req.Path)
	assert.Equal(t, "", req.RawQuery, "the transfer key must not be in the URL")
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, `{"currency":"btc","transfer-key":"`+testTransferKey+`",`+
		`"addresses":["3JH4GWtXNz7us8qw1zAtRr4zuq2nDFXTgu","3BwabT7SqorT2u3QCtTso3AHn9ayTE2mqT"],`+
		`"destinations":[{"address":"3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm","amount":10000}],`+
		`"fee":"normal","subtract-fee-from-amount":true}`, req.Body)
	assert.Equal(t, &TransferResult{
		HistoryItem: HistoryItem{
			Account:      testAccountID,
			Currency:     "btc",
			Created:      ts(t, "2021-12-10T14:04:15.102174"),
			Type:         ItemPayment,
			ID:           "5fe79fb866bb3b9b297f3935f6ab1b029f74d59629a19a8c028812d26642b108",
			Txs:          []string{"0dcb43459dd8895c935f43a756ed14c56cddfc79bf5a82a508f94418514b9393"},
			Destinations: []AddressAmount{{Address: "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm", Amount: NewAmount(9507)}},
			Amount:       NewAmount(10000),
			Total:        NewAmount(10000),
			Fee:          FeeInfo{SubtractFromAmount: true, Network: NetworkFee{Strategy: FeeNormal, Amount: NewAmount(493), Rate: MustDecimal("2.97")}},
		},
		ChangeAddress: "3Mzma4RhoZVh2Y3D7hkGQHi797TTq43eMHc",
	}, got)
}

func TestTransferPercentAndHugeAmounts(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/transfer", 200, fixture(t, "apirone/transfer.json"))
	_, err := w.account().Transfer(context.Background(), &TransferParams{
		Currency: "eth",
		Destinations: []Destination{
			{Address: "0xabc", Amount: UnitsOf(MustAmount("123456789012345678901234"))},
			{Address: "0xdef", Amount: Percent(50)},
		},
		Fee: FeeCustom, FeeRate: 12,
	})
	require.NoError(t, err)
	assert.Equal(t, `{"currency":"eth","transfer-key":"`+testTransferKey+`",`+
		`"destinations":[{"address":"0xabc","amount":123456789012345678901234},{"address":"0xdef","amount":"50%"}],`+
		`"fee":"custom","fee-rate":12}`, w.only().Body)
}

func TestTransferWithoutTransferKeySendsNothing(t *testing.T) {
	w := newWire(t)
	_, err := w.apirone().Account(testAccountID, "").Transfer(context.Background(), &TransferParams{
		Currency: "btc", Destinations: []Destination{{Address: "3N2a", Amount: Units(1)}},
	})
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "transfer-key", pe.Field)
	assert.Zero(t, w.count())
}

func TestTransferRejectsBadParams(t *testing.T) {
	dest := []Destination{{Address: "3N2a", Amount: Units(1)}}
	cases := map[string]struct {
		p     *TransferParams
		field string
	}{
		"nil":                 {nil, "destinations"},
		"no currency":         {&TransferParams{Destinations: dest}, "currency"},
		"no destinations":     {&TransferParams{Currency: "btc"}, "destinations"},
		"empty address":       {&TransferParams{Currency: "btc", Destinations: []Destination{{Amount: Units(1)}}}, "destinations[0].address"},
		"address with colon":  {&TransferParams{Currency: "btc", Destinations: []Destination{{Address: "a:1", Amount: Units(1)}}}, "destinations[0].address"},
		"zero amount":         {&TransferParams{Currency: "btc", Destinations: []Destination{{Address: "a"}}}, "destinations[0].amount"},
		"negative amount":     {&TransferParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Units(-5)}}}, "destinations[0].amount"},
		"zero percent":        {&TransferParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Percent(0)}}}, "destinations[0].amount"},
		"101 percent":         {&TransferParams{Currency: "btc", Destinations: []Destination{{Address: "a", Amount: Percent(101)}}}, "destinations[0].amount"},
		"rate without custom": {&TransferParams{Currency: "btc", Destinations: dest, FeeRate: 3}, "fee-rate"},
		"custom without rate": {&TransferParams{Currency: "btc", Destinations: dest, Fee: FeeCustom}, "fee-rate"},
		"negative rate":       {&TransferParams{Currency: "btc", Destinations: dest, Fee: FeeCustom, FeeRate: -1}, "fee-rate"},
		"bad from address":    {&TransferParams{Currency: "btc", Destinations: dest, Addresses: []string{"a,b"}}, "addresses[0]"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			for _, call := range []func() error{
				func() error { _, err := w.account().Transfer(context.Background(), tc.p); return err },
				func() error { _, err := w.account().EstimateTransfer(context.Background(), tc.p); return err },
			} {
				var pe *ParamError
				require.ErrorAs(t, call(), &pe)
				assert.Equal(t, tc.field, pe.Field)
			}
			assert.Zero(t, w.count())
		})
	}
}

func TestDestinationAmountJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want DestinationAmount
		out  string
	}{
		{`10000`, Units(10000), `10000`},
		{`"10000"`, Units(10000), `10000`},
		{`"50%"`, Percent(50), `"50%"`},
		{`"12.5%"`, DestinationAmount{percent: MustDecimal("12.5"), isPercent: true}, `"12.5%"`},
		{`123456789012345678901234`, UnitsOf(MustAmount("123456789012345678901234")), `123456789012345678901234`},
	} {
		var got DestinationAmount
		require.NoError(t, json.Unmarshal([]byte(tc.in), &got), tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		out, err := json.Marshal(got)
		require.NoError(t, err)
		assert.Equal(t, tc.out, string(out))
	}
	var d DestinationAmount
	assert.Error(t, json.Unmarshal([]byte(`"x%"`), &d))
	assert.Error(t, json.Unmarshal([]byte(`1.5`), &d))

	u, ok := Units(7).Units()
	assert.True(t, ok)
	assert.Equal(t, "7", u.String())
	p, ok := Percent(30).Percent()
	assert.True(t, ok)
	assert.Equal(t, "30", p.String())
	_, ok = Percent(30).Units()
	assert.False(t, ok)
}

func TestDestinationAmountBounds(t *testing.T) {
	tests := []struct {
		amount DestinationAmount
		ok     bool
	}{
		{Percent(1), true},
		{Percent(100), true},
		{Percent(0), false},
		{Percent(101), false},
		{DestinationAmount{percent: MustDecimal("0.99"), isPercent: true}, false},
		{DestinationAmount{percent: MustDecimal("100.01"), isPercent: true}, false},
		{Units(1), true},
		{Units(0), false},
		{Units(-1), false},
	}
	for _, tt := range tests {
		err := tt.amount.check("destinations[0].amount")
		if tt.ok {
			assert.NoError(t, err, tt.amount.String())
		} else {
			assert.ErrorIs(t, err, ErrInvalidParams, tt.amount.String())
		}
	}
}
