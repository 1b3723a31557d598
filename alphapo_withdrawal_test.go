package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithdrawCrypto(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/withdrawal-crypto.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/withdrawal/crypto", 201, fixture(t, "alphapo/withdrawal_crypto.json"))

	got, err := w.alphapo().WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
		ForeignID:        "test_foreign_id_0148",
		EndUserReference: "test_end_user_reference",
		Currency:         "BTC",
		Amount:           dec("0.00020000"),
		Address:          "tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc",
		SenderType:       "legal",
		SenderData:       map[string]string{"legal_name": "Example GmbH", "country_of_registration": "DEU"},
		ReceiverType:     "natural",
		ReceiverData:     map[string]string{"first_name": "Friedrich", "last_name": "Müller", "date_of_birth": "1995-08-17"},
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/withdrawal/crypto", `{"foreign_id":"test_foreign_id_0148","end_user_reference":"test_end_user_reference",`+
		`"currency":"BTC","amount":"0.00020000","address":"tb1qfdxh6gkfr0qgyatnlkd8khcnxph9tw06n6qwjc",`+
		`"sender_type":"legal","sender_data":{"country_of_registration":"DEU","legal_name":"Example GmbH"},`+
		`"receiver_type":"natural","receiver_data":{"date_of_birth":"1995-08-17","first_name":"Friedrich","last_name":"Müller"}}`)
	assert.Equal(t, &AlphaPoWithdrawal{
		ID: 134702815, ForeignID: "test_foreign_id_0148", EndUserReference: "test_end_user_reference",
		Type: "withdrawal", Status: "processing", Amount: dec("0.00020000"),
		SenderAmount: dec("0.00020000"), SenderCurrency: "BTC",
		ReceiverAmount: dec("0.00020000"), ReceiverCurrency: "BTC",
	}, got)
}

func TestWithdrawCryptoWithConversionAndTag(t *testing.T) {
	// Response forms: coinspaid/docs api-documentation/api-reference.md (foreign_id
	// "122929") and the current schema example, which sends receiver_amount as a number.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/withdrawal/crypto", 201,
		`{"data":{"id":"1","foreign_id":122929,"type":"withdrawal_exchange","status":"processing","amount":"100",`+
			`"sender_amount":"100.00000000","sender_currency":"EUR","receiver_amount":123,"receiver_currency":"XRP"}}`)

	got, err := w.alphapo().WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
		ForeignID: "122929", EndUserReference: "user_12345", Currency: "EUR", ConvertTo: "XRP",
		Amount: dec("100"), Address: "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", Tag: "3456789012",
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/withdrawal/crypto", `{"foreign_id":"122929","end_user_reference":"user_12345",`+
		`"currency":"EUR","convert_to":"XRP","amount":"100","address":"rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh","tag":"3456789012"}`)
	assert.Equal(t, int64(1), got.ID)
	assert.Equal(t, "122929", got.ForeignID)
	assert.Equal(t, "123", got.ReceiverAmount.String())
	assert.Equal(t, "100.00000000", got.SenderAmount.String())
}

func TestWithdrawCryptoRejectsBadInput(t *testing.T) {
	valid := func() *AlphaPoWithdrawParams {
		return &AlphaPoWithdrawParams{ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: dec("0.001"), Address: "bc1q"}
	}
	cases := map[string]struct {
		edit  func(p *AlphaPoWithdrawParams)
		field string
	}{
		"no foreign id":   {func(p *AlphaPoWithdrawParams) { p.ForeignID = "" }, "foreign_id"},
		"long foreign id": {func(p *AlphaPoWithdrawParams) { p.ForeignID = strings.Repeat("w", 256) }, "foreign_id"},
		"no end user":     {func(p *AlphaPoWithdrawParams) { p.EndUserReference = "" }, "end_user_reference"},
		"no currency":     {func(p *AlphaPoWithdrawParams) { p.Currency = "" }, "currency"},
		"no amount":       {func(p *AlphaPoWithdrawParams) { p.Amount = Decimal{} }, "amount"},
		"zero amount":     {func(p *AlphaPoWithdrawParams) { p.Amount = dec("0.000") }, "amount"},
		"negative amount": {func(p *AlphaPoWithdrawParams) { p.Amount = dec("-1") }, "amount"},
		"no address":      {func(p *AlphaPoWithdrawParams) { p.Address = "" }, "address"},
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
