package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithdrawCryptoRejectsBadInput(t *testing.T) {
	valid := func() *AlphaPoWithdrawParams {
		return &AlphaPoWithdrawParams{ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: dec("0.001"), Address: "bc1q"}
	}
	cases := map[string]struct {
		edit  func(p *AlphaPoWithdrawParams)
		field string
	}{
		"no foreign id":        {func(p *AlphaPoWithdrawParams) { p.ForeignID = "" }, "foreign_id"},
		"long foreign id":      {func(p *AlphaPoWithdrawParams) { p.ForeignID = strings.Repeat("w", 256) }, "foreign_id"},
		"no end user":          {func(p *AlphaPoWithdrawParams) { p.EndUserReference = "" }, "end_user_reference"},
		"no currency":          {func(p *AlphaPoWithdrawParams) { p.Currency = "" }, "currency"},
		"no amount":            {func(p *AlphaPoWithdrawParams) { p.Amount = Decimal{} }, "amount"},
		"zero amount":          {func(p *AlphaPoWithdrawParams) { p.Amount = dec("0.000") }, "amount"},
		"negative amount":      {func(p *AlphaPoWithdrawParams) { p.Amount = dec("-1") }, "amount"},
		"no address":           {func(p *AlphaPoWithdrawParams) { p.Address = "" }, "address"},
		"amount and amount_to": {func(p *AlphaPoWithdrawParams) { p.AmountTo = decp("0.001") }, "amount_to"},
		"zero amount_to": {func(p *AlphaPoWithdrawParams) {
			p.Amount, p.AmountTo = Decimal{}, decp("0")
		}, "amount_to"},
		"negative amount_to": {func(p *AlphaPoWithdrawParams) {
			p.Amount, p.AmountTo = Decimal{}, decp("-0.001")
		}, "amount_to"},
		"negative amount and amount_to": {func(p *AlphaPoWithdrawParams) {
			p.Amount, p.AmountTo = dec("-1"), decp("0.001")
		}, "amount_to"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := valid()
			tc.edit(p)
			w := newWire(t)
			_, err := w.alphapo().WithdrawCrypto(context.Background(), p)
			rejected(t, w, err, tc.field)
		})
	}
	w := newWire(t)
	_, err := w.alphapo().WithdrawCrypto(context.Background(), nil)
	rejected(t, w, err, "foreign_id")
}

func TestWithdrawCryptoValidationError(t *testing.T) {
	// 400 example: coinspaid/docs api-documentation/api-reference.md, /v2/withdrawal/crypto.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/withdrawal/crypto", 400, `{"errors":{"amount":"The amount must be at least 0.001."}}`)
	_, err := w.alphapo().WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
		ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: dec("0.0001"), Address: "bc1q",
	})
	assert.ErrorIs(t, err, ErrBadRequest)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, map[string]string{"amount": "The amount must be at least 0.001."}, apiErr.Fields)
	assert.Equal(t, 1, w.count())
}
