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

// testdata/apirone/invoice.json is built from the invoice fields listed in
// API-NOTES.md.

func wantInvoice(t *testing.T) *Invoice {
	return &Invoice{
		Account:  testAccountID,
		ID:       "amr94MKUQCYAzR6c",
		Created:  ts(t, "2022-02-22T08:00:30.123456"),
		Currency: "btc",
		Address:  "3N3KxGnfcnkw7KcxeaxbBUYCUdMoYyA6vdX",
		Expire:   ts(t, "2022-02-22T09:00:30.123456"),
		Amount:   NewAmount(25000),
		UserData: &InvoiceUserData{
			Title: "Order 1042", Merchant: "SHOP", URL: "https://exampleshop.com", Price: "$10.00", SubPrice: "incl. VAT",
			Items:  []InvoiceItem{{Name: "T-shirt", Cost: "$5.00", Qty: 2, Total: "$10.00"}},
			Extras: []InvoiceExtra{{Name: "Shipping", Price: "$0.00"}},
		},
		Status: InvoicePartPaid,
		History: []InvoiceEvent{
			{Date: ts(t, "2022-02-22T08:00:30.123456"), Status: InvoiceCreated},
			{Date: ts(t, "2022-02-22T08:10:00.000001"), Status: InvoicePartPaid,
				TxID: "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de", Amount: NewAmount(10000)},
		},
		Linkback:    "https://exampleshop.com/thanks",
		CallbackURL: "https://exampleshop.com/callback",
		InvoiceURL:  "https://apirone.com/invoice?id=amr94MKUQCYAzR6c",
	}
}

func TestCreateInvoice(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/invoices", 200, fixture(t, "apirone/invoice.json"))

	got, err := w.apirone().Account(testAccountID, "").CreateInvoice(context.Background(), &InvoiceParams{
		Currency:    "btc",
		Amount:      NewAmount(25000),
		Lifetime:    time.Hour,
		Expire:      time.Date(2022, 2, 22, 9, 0, 30, 0, time.UTC),
		CallbackURL: "https://exampleshop.com/callback",
		Linkback:    "https://exampleshop.com/thanks",
		UserData: &InvoiceUserData{
			Merchant: "SHOP", Price: "$10.00",
			Items: []InvoiceItem{{Name: "T-shirt", Cost: "$5.00", Qty: 2, Total: "$10.00"}},
		},
	})
	require.NoError(t, err)

	req := w.only()
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/invoices", req.Path)
	assert.Equal(t, `{"currency":"btc","amount":25000,"lifetime":3600,"expire":"2022-02-22T09:00:30.000000",`+
		`"callback-url":"https://exampleshop.com/callback","linkback":"https://exampleshop.com/thanks",`+
		`"user-data":{"merchant":"SHOP","price":"$10.00","items":[{"name":"T-shirt","cost":"$5.00","qty":2,"total":"$10.00"}]}}`, req.Body)
	assert.Equal(t, wantInvoice(t), got)
}

func TestCreateOpenAmountInvoice(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodPost, apironeAccountURL+"/invoices", 200, fixture(t, "apirone/invoice.json"))
	_, err := w.account().CreateInvoice(context.Background(), &InvoiceParams{Currency: "btc"})
	require.NoError(t, err)
	assert.Equal(t, `{"currency":"btc"}`, w.only().Body, "no amount means an open amount; no transfer key")
}

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

func TestPublicInvoice(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, ApironeBaseURL+"/v2/invoices/amr94MKUQCYAzR6c", 200, fixture(t, "apirone/invoice.json"))
	got, err := w.apirone().Invoice(context.Background(), "amr94MKUQCYAzR6c")
	require.NoError(t, err)
	req := w.only()
	assert.Equal(t, "/api/v2/invoices/amr94MKUQCYAzR6c", req.Path)
	assert.Equal(t, "", req.RawQuery)
	assert.Equal(t, wantInvoice(t), got)
}

func TestPrivateInvoice(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, apironeAccountURL+"/invoices/amr94MKUQCYAzR6c", 200, fixture(t, "apirone/invoice.json"))
	got, err := w.account().Invoice(context.Background(), "amr94MKUQCYAzR6c")
	require.NoError(t, err)
	req := w.only()
	assert.Equal(t, "/api/v2/accounts/"+testAccountID+"/invoices/amr94MKUQCYAzR6c", req.Path)
	assert.Equal(t, "transfer-key="+testTransferKey, req.RawQuery)
	assert.Equal(t, wantInvoice(t), got)

	_, err = w.apirone().Account(testAccountID, "").Invoice(context.Background(), "amr94MKUQCYAzR6c")
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Equal(t, 1, w.count())
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
