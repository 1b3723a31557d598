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

func TestInvoiceReceivedRemainingOverpaid(t *testing.T) {
	const (
		tx1 = "d68a680681eebdcb407eb9ae47690b15d52bfe27a1b2f6ee7543ded4e376a6de"
		tx2 = "7975e90fd581ace5f61e2b3d6dee926eab1ca635f923e8871cdf26a89c4d1cf0"
		tx3 = "1a16d74a5c6afd29a209242b825428efacccedb8e43da08703c3d2d73ebe4f51"
	)
	created := `{"date": "2022-02-22T08:00:30.123456", "status": "created"}`
	event := func(status, txid string, amount string) string {
		return fmt.Sprintf(`{"date": "2022-02-22T08:10:00.000001", "status": %q, "txid": %q, "amount": %s}`, status, txid, amount)
	}
	cases := map[string]struct {
		amount                        string
		history                       []string
		received, remaining, overpaid string
	}{
		"nothing yet": {"25000", []string{created}, "0", "25000", "0"},
		"one part payment": {"25000", []string{created, event("partpaid", tx1, "10000")},
			"10000", "15000", "0"},
		"paid in three, then completed": {"25000", []string{created,
			event("partpaid", tx1, "10000"), event("partpaid", tx2, "10000"), event("paid", tx3, "5000"),
			`{"date": "2022-02-22T08:30:00", "status": "completed"}`},
			"25000", "0", "0"},
		"overpaid": {"25000", []string{created, event("partpaid", tx1, "10000"), event("overpaid", tx2, "20000")},
			"30000", "0", "5000"},
		"a payment repeated by a later event counts once": {"25000", []string{created,
			event("partpaid", tx1, "10000"), event("paid", tx2, "15000"), event("completed", tx2, "15000")},
			"25000", "0", "0"},
		"same txid repeated in two overpaid events": {"60", []string{created,
			event("partpaid", "0xaa", "50"), event("overpaid", "0xbb", "20"), event("overpaid", "0xbb", "20")},
			"70", "0", "10"},
		"part paid, then expired": {"25000", []string{created, event("partpaid", tx1, "10000"),
			`{"date": "2022-02-22T09:00:30", "status": "expired"}`},
			"10000", "15000", "0"},
		"open amount": {"0", []string{created, event("paid", tx1, "12345"), event("paid", tx2, "1")},
			"12346", "0", "0"},
		"wei amounts beyond int64 sent as strings": {`"30000000000000000000"`, []string{created,
			event("partpaid", "0x01", `"12500000000000000000"`), event("paid", "0x02", `"17500000000000000000"`)},
			"30000000000000000000", "0", "0"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			body := fmt.Sprintf(`{"invoice": "amr94MKUQCYAzR6c", "currency": "btc", "amount": %s, "history": [%s]}`,
				tc.amount, strings.Join(tc.history, ","))
			var inv Invoice
			require.NoError(t, json.Unmarshal([]byte(body), &inv))
			assert.Equal(t, tc.received, inv.Received().String(), "Received")
			assert.Equal(t, tc.remaining, inv.Remaining().String(), "Remaining")
			assert.Equal(t, tc.overpaid, inv.Overpaid().String(), "Overpaid")
		})
	}
}

func TestInvoiceRemainingOfFixture(t *testing.T) {
	var inv Invoice
	require.NoError(t, json.Unmarshal([]byte(fixture(t, "apirone/invoice.json")), &inv))
	assert.Equal(t, "10000", inv.Received().String())
	assert.Equal(t, "15000", inv.Remaining().String())
	assert.True(t, inv.Overpaid().IsZero())
}
