package cryptopay

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCalculateExchangeRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		p     *AlphaPoQuoteParams
		field string
	}{
		"nil":                {nil, "sender_currency"},
		"no sender currency": {&AlphaPoQuoteParams{ReceiverCurrency: "EUR", SenderAmount: decp("1")}, "sender_currency"},
		"no receiver":        {&AlphaPoQuoteParams{SenderCurrency: "BTC", SenderAmount: decp("1")}, "receiver_currency"},
		"neither amount":     {&AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR"}, "sender_amount"},
		"both amounts":       {&AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("1"), ReceiverAmount: decp("2")}, "receiver_amount"},
		"zero sender amount": {&AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0")}, "sender_amount"},
		"negative receiver":  {&AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", ReceiverAmount: decp("-5")}, "receiver_amount"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.alphapo().CalculateExchange(context.Background(), tc.p)
			rejected(t, w, err, tc.field)
		})
	}
}

func TestExchangesRejectBadInput(t *testing.T) {
	valid := func() *AlphaPoExchangeParams {
		return &AlphaPoExchangeParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.003"), ForeignID: "ex-1"}
	}
	common := map[string]struct {
		edit  func(p *AlphaPoExchangeParams)
		field string
	}{
		"no sender currency":   {func(p *AlphaPoExchangeParams) { p.SenderCurrency = "" }, "sender_currency"},
		"no receiver currency": {func(p *AlphaPoExchangeParams) { p.ReceiverCurrency = "" }, "receiver_currency"},
		"neither amount":       {func(p *AlphaPoExchangeParams) { p.SenderAmount = nil }, "sender_amount"},
		"both amounts":         {func(p *AlphaPoExchangeParams) { p.ReceiverAmount = decp("1") }, "receiver_amount"},
		"zero amount":          {func(p *AlphaPoExchangeParams) { p.SenderAmount = decp("0.0") }, "sender_amount"},
		"no foreign id":        {func(p *AlphaPoExchangeParams) { p.ForeignID = "" }, "foreign_id"},
		"long foreign id":      {func(p *AlphaPoExchangeParams) { p.ForeignID = strings.Repeat("x", 256) }, "foreign_id"},
	}
	for name, tc := range common {
		t.Run("fixed/"+name, func(t *testing.T) {
			p := valid()
			p.Price = decp("77314.26")
			tc.edit(p)
			w := newWire(t)
			_, err := w.alphapo().ExchangeFixed(context.Background(), p)
			rejected(t, w, err, tc.field)
		})
		t.Run("now/"+name, func(t *testing.T) {
			p := valid()
			tc.edit(p)
			w := newWire(t)
			_, err := w.alphapo().ExchangeNow(context.Background(), p)
			rejected(t, w, err, tc.field)
		})
	}

	w := newWire(t)
	_, err := w.alphapo().ExchangeFixed(context.Background(), valid())
	rejected(t, w, err, "price")
	p := valid()
	p.Price = decp("0")
	_, err = w.alphapo().ExchangeFixed(context.Background(), p)
	rejected(t, w, err, "price")
	p.Price = decp("77314.26")
	_, err = w.alphapo().ExchangeNow(context.Background(), p)
	rejected(t, w, err, "price")
	_, err = w.alphapo().ExchangeNow(context.Background(), nil)
	rejected(t, w, err, "sender_currency")
	_, err = w.alphapo().ExchangeFixed(context.Background(), nil)
	rejected(t, w, err, "sender_currency")
}

func TestCalculateExchangeRateLimited(t *testing.T) {
	// 429 body as documented: coinspaid/docs api-documentation/api-reference.md, /v2/exchange/calculate.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/calculate", 429, `{"errors":{"error code: 1015"}}`)
	_, err := w.alphapo().CalculateExchange(context.Background(), &AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("1")})
	assert.ErrorIs(t, err, ErrRateLimited)
}

func TestQuoteFixedParams(t *testing.T) {
	quote := &AlphaPoQuote{Price: dec("0.00005084")}
	asked := &AlphaPoQuoteParams{SenderCurrency: "EUR", ReceiverCurrency: "BTC", ReceiverAmount: decp("0.1")}
	assert.Equal(t, &AlphaPoExchangeParams{
		SenderCurrency: "EUR", ReceiverCurrency: "BTC", ReceiverAmount: decp("0.1"),
		ForeignID: "ex-9", Price: decp("0.00005084"),
	}, quote.FixedParams(asked, "ex-9"))

	w := newWire(t)
	_, err := w.alphapo().ExchangeFixed(context.Background(), quote.FixedParams(nil, "ex-9"))
	rejected(t, w, err, "sender_currency")
}
