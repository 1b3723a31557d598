package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoCreateInvoice(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/invoices-create.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/invoices/create", 200, fixture(t, "alphapo/invoices_create.json"))

	got, err := w.alphapo().CreateInvoice(context.Background(), &AlphaPoInvoiceParams{
		Title: "Invoice Title", Currency: "EUR", Amount: dec("100"), ForeignID: "test_foreign_id_0344",
		EndUserReference: "12345", URLSuccess: "https://example.com/success", URLFailed: "https://example.com/failed",
		EmailUser: "user@example.com", SenderType: "natural",
		SenderData: map[string]string{"first_name": "Friedrich", "last_name": "Müller", "date_of_birth": "1995-08-17"},
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/invoices/create", `{"timer":false,"title":"Invoice Title","currency":"EUR","amount":"100",`+
		`"foreign_id":"test_foreign_id_0344","end_user_reference":"12345","url_success":"https://example.com/success",`+
		`"url_failed":"https://example.com/failed","email_user":"user@example.com","sender_type":"natural",`+
		`"sender_data":{"date_of_birth":"1995-08-17","first_name":"Friedrich","last_name":"Müller"}}`)
	assert.Equal(t, &AlphaPoInvoice{
		ID: 826900, URL: "https://invoices.sandbox.cryptoprocessing.com/invoice/Jyf1cQ",
		ForeignID: "test_foreign_id_0344", EndUserReference: "12345", Title: "Invoice Title",
		Status: "created", Currency: "EUR", Amount: dec("100.00000000"),
	}, got)
}

func TestAlphaPoCreateInvoiceWithTimer(t *testing.T) {
	// Request and response: coinspaid/docs api-documentation/api-reference.md,
	// /v2/invoices/create (numeric foreign_id, "name", fixed rate times).
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/invoices/create", 200,
		`{"data":{"id":79,"url":"https://app.coinspaid.com/invoice/RB9NZv","foreign_id":164,"name":"TEST NAME","status":"created",`+
			`"currency":"EUR","amount":"106.75","sender_currency":"BTC","sender_amount":null,"fixed_at":1581929889,"release_at":1581930789}}`)

	got, err := w.alphapo().CreateInvoice(context.Background(), &AlphaPoInvoiceParams{
		Timer: true, Title: "TEST NAME", Description: "Order 164", Type: "fill_or_kill", Currency: "EUR", SenderCurrency: "BTC",
		Amount: dec("106.75"), ForeignID: "164", URLSuccess: "https://merchant.name.com/url_success",
		URLFailed: "https://merchant.name.com/url_failed",
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/invoices/create", `{"timer":true,"title":"TEST NAME","description":"Order 164","type":"fill_or_kill",`+
		`"currency":"EUR","sender_currency":"BTC","amount":"106.75","foreign_id":"164",`+
		`"url_success":"https://merchant.name.com/url_success","url_failed":"https://merchant.name.com/url_failed"}`)
	assert.Equal(t, &AlphaPoInvoice{
		ID: 79, URL: "https://app.coinspaid.com/invoice/RB9NZv", ForeignID: "164", Name: "TEST NAME", Status: "created",
		Currency: "EUR", Amount: dec("106.75"), SenderCurrency: "BTC",
		FixedAt:   UnixTime{time.Unix(1581929889, 0).UTC()},
		ReleaseAt: UnixTime{time.Unix(1581930789, 0).UTC()},
	}, got)
}

func TestAlphaPoCreateInvoiceRejectsBadInput(t *testing.T) {
	valid := func() *AlphaPoInvoiceParams {
		return &AlphaPoInvoiceParams{Title: "Order 1", Currency: "EUR", Amount: dec("10"), ForeignID: "inv-1",
			URLSuccess: "https://shop.example.com/ok", URLFailed: "https://shop.example.com/failed"}
	}
	cases := map[string]struct {
		edit  func(p *AlphaPoInvoiceParams)
		field string
	}{
		"no title":         {func(p *AlphaPoInvoiceParams) { p.Title = "" }, "title"},
		"long title":       {func(p *AlphaPoInvoiceParams) { p.Title = strings.Repeat("t", 51) }, "title"},
		"long description": {func(p *AlphaPoInvoiceParams) { p.Description = strings.Repeat("d", 1001) }, "description"},
		"no currency":      {func(p *AlphaPoInvoiceParams) { p.Currency = "" }, "currency"},
		"no amount":        {func(p *AlphaPoInvoiceParams) { p.Amount = Decimal{} }, "amount"},
		"negative amount":  {func(p *AlphaPoInvoiceParams) { p.Amount = dec("-10") }, "amount"},
		"no foreign id":    {func(p *AlphaPoInvoiceParams) { p.ForeignID = "" }, "foreign_id"},
		"long foreign id":  {func(p *AlphaPoInvoiceParams) { p.ForeignID = strings.Repeat("f", 256) }, "foreign_id"},
		"no success url":   {func(p *AlphaPoInvoiceParams) { p.URLSuccess = "" }, "url_success"},
		"no failed url":    {func(p *AlphaPoInvoiceParams) { p.URLFailed = "" }, "url_failed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := valid()
			tc.edit(p)
			w := newWire(t)
			_, err := w.alphapo().CreateInvoice(context.Background(), p)
			rejected(t, w, err, tc.field)
		})
	}
	w := newWire(t)
	_, err := w.alphapo().CreateInvoice(context.Background(), nil)
	rejected(t, w, err, "title")
}

func TestAlphaPoCreateInvoiceForeignIDTaken(t *testing.T) {
	// 400 example: coinspaid/docs api-documentation/api-reference.md, /v2/invoices/create.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/invoices/create", 400, `{"errors":{"foreign_id":"The foreign id has already been taken."}}`)
	_, err := w.alphapo().CreateInvoice(context.Background(), &AlphaPoInvoiceParams{Title: "Order 1", Currency: "EUR", Amount: dec("10"),
		ForeignID: "inv-1", URLSuccess: "https://shop.example.com/ok", URLFailed: "https://shop.example.com/failed"})
	assert.ErrorIs(t, err, ErrBadRequest)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "The foreign id has already been taken.", apiErr.Fields["foreign_id"])
}
