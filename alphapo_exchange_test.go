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

// decPtr returns a pointer to the Decimal s.

func TestCalculateExchange(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-calculate.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/calculate", 200, fixture(t, "alphapo/exchange_calculate.json"))

	got, err := w.alphapo().CalculateExchange(context.Background(), &AlphaPoQuoteParams{
		SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.02"),
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/exchange/calculate", `{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.02"}`)
	assert.Equal(t, &AlphaPoQuote{
		SenderCurrency: "BTC", SenderAmount: dec("0.02000000"),
		ReceiverCurrency: "EUR", ReceiverAmount: dec("1546.28528889"),
		FeeCurrency: "BTC", FeeAmount: dec("0.00100000"), Price: dec("77314.26444450"),
		FixedAt:   UnixTime{time.Date(2026, 4, 2, 23, 33, 39, 0, time.UTC)},
		ReleaseAt: UnixTime{time.Date(2026, 4, 2, 23, 34, 39, 0, time.UTC)},
		FixPeriod: 60,
	}, got)
}

func TestCalculateExchangeByReceiverAmount(t *testing.T) {
	// Response example with a numeric sender_amount: coinspaid/docs
	// api-documentation/api-reference.md, /v2/exchange/calculate.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/calculate", 200,
		`{"data":{"sender_amount":1,"sender_currency":"BTC","receiver_amount":"8549.81680000","receiver_currency":"EUR",`+
			`"fee_amount":"85.49816800","fee_currency":"BTC","price":"8549.81680000","ts_fixed":1564293159,"ts_release":1564293219,"fix_period":60}}`)

	got, err := w.alphapo().CalculateExchange(context.Background(), &AlphaPoQuoteParams{
		SenderCurrency: "BTC", ReceiverCurrency: "EUR", ReceiverAmount: decp("8549.8168"), PricePrecision: 8,
	})
	require.NoError(t, err)
	assertSigned(t, w.only(), "POST", "/v2/exchange/calculate",
		`{"sender_currency":"BTC","receiver_currency":"EUR","receiver_amount":"8549.8168","price_precision":8}`)
	assert.Equal(t, "1", got.SenderAmount.String())
	assert.Equal(t, int64(1564293219), got.ReleaseAt.Unix())
}

func TestExchangeFixedFromQuote(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-fixed.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/fixed", 201, fixture(t, "alphapo/exchange_fixed.json"))

	asked := &AlphaPoQuoteParams{SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.003")}
	quote := &AlphaPoQuote{Price: dec("77314.26444333")}
	got, err := w.alphapo().ExchangeFixed(context.Background(), quote.FixedParams(asked, "test_foreign_id_0250"))
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/exchange/fixed",
		`{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.003","foreign_id":"test_foreign_id_0250","price":"77314.26444333"}`)
	assert.Equal(t, &AlphaPoExchange{
		ID: 134704049, ForeignID: "test_foreign_id_0250", Type: "exchange", Status: "processing",
		SenderCurrency: "BTC", SenderAmount: dec("0.00300000"),
		ReceiverCurrency: "EUR", ReceiverAmount: dec("231.94279333"),
		FeeCurrency: "BTC", FeeAmount: dec("0.00015000"), Price: dec("77314.26444333"),
	}, got)
}

func TestExchangeNow(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/endpoints/exchange-now.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/now", 201, fixture(t, "alphapo/exchange_now.json"))

	got, err := w.alphapo().ExchangeNow(context.Background(), &AlphaPoExchangeParams{
		SenderCurrency: "BTC", ReceiverCurrency: "EUR", SenderAmount: decp("0.003"), ForeignID: "test_foreign_id_0319",
	})
	require.NoError(t, err)

	assertSigned(t, w.only(), "POST", "/v2/exchange/now",
		`{"sender_currency":"BTC","receiver_currency":"EUR","sender_amount":"0.003","foreign_id":"test_foreign_id_0319"}`)
	assert.Equal(t, &AlphaPoExchange{
		ID: 134704200, ForeignID: "test_foreign_id_0319", Type: "exchange", Status: "processing",
		SenderCurrency: "BTC", SenderAmount: dec("0.00300000"),
		ReceiverCurrency: "EUR", ReceiverAmount: dec("231.94279333"),
		FeeCurrency: "BTC", FeeAmount: dec("0.00015000"), Price: dec("77314.26444333"),
	}, got)
}

func TestExchangeNowByReceiverAmount(t *testing.T) {
	// Response example: docs.cryptoprocessing.com/api-reference/exchange/exchange-regardless-of-the-exchange-rate.
	w := newWire(t)
	w.respond(http.MethodPost, AlphaPoBaseURL+"/v2/exchange/now", 201,
		`{"data":{"sender_currency":"EUR","sender_amount":"1966.61957532","receiver_currency":"BTC","receiver_amount":"0.10000000",`+
			`"fee_currency":"EUR","fee_amount":"19.66619575","price":"0.00005084","id":678287,"foreign_id":"user_1714","type":"exchange","status":"processing"}}`)

	got, err := w.alphapo().ExchangeNow(context.Background(), &AlphaPoExchangeParams{
		SenderCurrency: "EUR", ReceiverCurrency: "BTC", ReceiverAmount: decp("0.1"), ForeignID: "user_1714",
	})
	require.NoError(t, err)
	assertSigned(t, w.only(), "POST", "/v2/exchange/now",
		`{"sender_currency":"EUR","receiver_currency":"BTC","receiver_amount":"0.1","foreign_id":"user_1714"}`)
	assert.Equal(t, "1966.61957532", got.SenderAmount.String())
}

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
