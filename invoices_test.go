package cryptopay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateInvoiceRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		p     *InvoiceParams
		field string
	}{
		"nil":               {nil, "currency"},
		"no currency":       {&InvoiceParams{Amount: NewAmount(1)}, "currency"},
		"negative amount":   {&InvoiceParams{Currency: "btc", Amount: NewAmount(-1)}, "amount"},
		"negative lifetime": {&InvoiceParams{Currency: "btc", Lifetime: -time.Second}, "lifetime"},
		"partial seconds":   {&InvoiceParams{Currency: "btc", Lifetime: 1500 * time.Millisecond}, "lifetime"},
		"relative callback": {&InvoiceParams{Currency: "btc", CallbackURL: "/cb"}, "callback-url"},
		"long callback":     {&InvoiceParams{Currency: "btc", CallbackURL: "https://x.example/" + strings.Repeat("a", 1024)}, "callback-url"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.account().CreateInvoice(context.Background(), tc.p)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Zero(t, w.count())
		})
	}
}

func TestAllInvoices(t *testing.T) {
	w := newWire(t)
	w.mock.RegisterResponder(http.MethodGet, apironeAccountURL+"/invoices", func(r *http.Request) (*http.Response, error) {
		w.record(r)
		q := r.URL.Query()
		var items []string
		if q.Get("offset") == "" {
			items = []string{`{"invoice":"i1","status":"completed"}`, `{"invoice":"i2","status":"expired"}`}
		} else {
			items = []string{`{"invoice":"i3","status":"paid"}`}
		}
		return newJSONResponse(200, fmt.Sprintf(`{"account":%q,"invoices":[%s],"pagination":{"total":3,"limit":2}}`,
			testAccountID, strings.Join(items, ","))), nil
	})
	var ids []string
	for inv, err := range w.account().AllInvoices(context.Background(), &PageParams{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, inv.ID+":"+string(inv.Status))
	}
	assert.Equal(t, []string{"i1:completed", "i2:expired", "i3:paid"}, ids)
	require.Equal(t, 2, w.count())
	assert.Equal(t, "limit=2&transfer-key="+testTransferKey, w.reqs[0].RawQuery)
	assert.Equal(t, "limit=2&offset=2&transfer-key="+testTransferKey, w.reqs[1].RawQuery)
}

func TestInvoiceStatusHelpers(t *testing.T) {
	final := map[InvoiceStatus]bool{InvoiceCompleted: true, InvoiceExpired: true}
	paid := map[InvoiceStatus]bool{InvoicePaid: true, InvoiceOverpaid: true, InvoiceCompleted: true}
	for _, s := range []InvoiceStatus{InvoiceCreated, InvoicePartPaid, InvoicePaid, InvoiceOverpaid, InvoiceCompleted, InvoiceExpired, "refunded"} {
		assert.Equal(t, final[s], s.IsFinal(), s)
		assert.Equal(t, paid[s], s.IsPaid(), s)
	}
}

func TestInvoiceUserDataPriceAcceptsObjects(t *testing.T) {
	var u InvoiceUserData
	require.NoError(t, json.Unmarshal([]byte(`{"price":{"currency":"usd","amount":100},"sub-price":12.5}`), &u))
	assert.Equal(t, `{"currency":"usd","amount":100}`, u.Price)
	assert.Equal(t, "12.5", u.SubPrice)
}
