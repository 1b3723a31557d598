package cryptopay

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func FuzzDestinationAmount(f *testing.F) {
	for _, s := range []string{`10000`, `"10000"`, `"50%"`, `"12.5%"`, `"123456789012345678901234"`, `"%"`, `1.5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d DestinationAmount
		if json.Unmarshal(data, &d) != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		var back DestinationAmount
		if err := json.Unmarshal(out, &back); err != nil || back.String() != d.String() {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
		if _, isUnits := d.Units(); isUnits == strings.HasSuffix(d.String(), "%") {
			t.Fatalf("%s: units %v but reads %s", data, isUnits, d)
		}
	})
}
