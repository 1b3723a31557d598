package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlphaPoCreateInvoiceRejectsBadInput(t *testing.T) {
	valid := func() *AlphaPoInvoiceParams {
		return &AlphaPoInvoiceParams{Title: "Order 1", Currency: "EUR", Amount: dec("10"), ForeignID: "inv-1",
			EndUserReference: "user-17", URLSuccess: "https://shop.example.com/ok", URLFailed: "https://shop.example.com/failed"}
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
		"no end user":      {func(p *AlphaPoInvoiceParams) { p.EndUserReference = "" }, "end_user_reference"},
		"no success url":   {func(p *AlphaPoInvoiceParams) { p.URLSuccess = "" }, "url_success"},
		"no failed url":    {func(p *AlphaPoInvoiceParams) { p.URLFailed = "" }, "url_failed"},
		"sender data without type": {func(p *AlphaPoInvoiceParams) {
			p.SenderData = &AlphaPoUserData{LegalName: "Example GmbH", CountryOfRegistration: "DEU"}
		}, "sender_type"},
		"natural sender without birth date": {func(p *AlphaPoInvoiceParams) {
			p.SenderType, p.SenderData = AlphaPoNaturalPerson, &AlphaPoUserData{FirstName: "Friedrich", LastName: "Müller"}
		}, "sender_data.date_of_birth"},
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
		ForeignID: "inv-1", EndUserReference: "user-17", URLSuccess: "https://shop.example.com/ok", URLFailed: "https://shop.example.com/failed"})
	assert.ErrorIs(t, err, ErrBadRequest)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "The foreign id has already been taken.", apiErr.Fields["foreign_id"])
}
