package cryptopay

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransactionInfoByForeignID(t *testing.T) {
	// Request and response (sent without the "data" envelope):
	// docs.cryptoprocessing.com/api-reference/endpoints/transactions-info.
	w := newWire(t)
	w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/transactions/info", 200, fixture(t, "alphapo/transactions_info.json"))

	got, err := w.alphapo().TransactionInfo(context.Background(), &AlphaPoTransactionInfoParams{ForeignID: "test_foreign_id_0250"})
	require.NoError(t, err)

	assertSigned(t, w.only(), "GET", "/v2/transactions/info", `{"foreign_id":"test_foreign_id_0250"}`)
	assert.Equal(t, &AlphaPoTransaction{
		ID: 1, EndUserReference: "12345", Type: "deposit", Status: "confirmed",
		CryptoAddress: &AlphaPoCryptoAddress{ID: 1, Currency: "BTC", Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", ForeignID: "12345"},
		CurrencySent:  &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512")},
		CurrencyReceived: &AlphaPoCurrencyAmount{Currency: "BTC", Amount: dec("6.53157512"),
			AmountMinusFee: decp("6.5119800")},
		Transactions: []AlphaPoTxEntry{{
			ID: 1, Currency: "BTC", TransactionType: "blockchain", Type: "deposit",
			Address: "39mFf3X46YzUtfdwVQpYXPCMydc74ccbAZ", Amount: dec("6.53157512"),
			TxID:      "3950ad8149421a850d01dff88f024810e363ac18c9e8dd9bc0b9116e7937ad93",
			RiskScore: "0.5", Confirmations: 3,
		}},
		Fees: []AlphaPoFee{{Type: "deposit", Currency: "BTC", Amount: dec("0.01959472")}},
	}, got)
}

func TestTransactionInfoByIDNumericForms(t *testing.T) {
	// Request and response: docs.cryptoprocessing.com/api-reference/transactions/fetch-transaction-metadata,
	// whose example sends amounts and even the txid as JSON numbers.
	w := newWire(t)
	w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/transactions/info", 200, fixture(t, "alphapo/transactions_info_withdrawal.json"))

	got, err := w.alphapo().TransactionInfo(context.Background(), &AlphaPoTransactionInfoParams{ID: 2769144})
	require.NoError(t, err)

	assertSigned(t, w.only(), "GET", "/v2/transactions/info", `{"id":2769144}`)
	assert.Equal(t, int64(2769144), got.ID)
	assert.Equal(t, "withdrawal:823188", got.ForeignID)
	assert.Equal(t, AlphaPoTxWithdrawal, got.Type)
	assert.Equal(t, "0.0001", got.CurrencySent.Amount.String())
	assert.Equal(t, "10000", got.CurrencyReceived.Amount.String())
	assert.Nil(t, got.CurrencyReceived.AmountMinusFee)
	require.Len(t, got.Transactions, 1)
	assert.Equal(t, "7.854431205445763e+76", got.Transactions[0].TxID)
	assert.Equal(t, int64(0), got.Transactions[0].Confirmations)
	assert.Equal(t, []AlphaPoFee{
		{Type: "mining", Currency: "BTC", Amount: dec("0")},
		{Type: "fee_crypto_deposit_wallet_client", Currency: "BTC", Amount: dec("0")},
	}, got.Fees)
}

func TestTransactionInfoInEnvelope(t *testing.T) {
	// The other AlphaPo answers come as {"data": ...}; accept that form too.
	w := newWire(t)
	w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/transactions/info", 200,
		`{"data":{"id":2687669,"foreign_id":"wph27bmsp81","type":"exchange","status":"not_confirmed","error":null,`+
			`"transactions":[{"id":5,"currency":"BTC","currency_to":"EUR","transaction_type":"exchange","type":"exchange","amount":"0.001","amount_to":"6.33984642"}]}}`)

	got, err := w.alphapo().TransactionInfo(context.Background(), &AlphaPoTransactionInfoParams{TxID: "3950ad81"})
	require.NoError(t, err)

	assertSigned(t, w.only(), "GET", "/v2/transactions/info", `{"txid":"3950ad81"}`)
	assert.Equal(t, int64(2687669), got.ID)
	assert.Equal(t, AlphaPoStatusNotConfirmed, got.Status)
	assert.Nil(t, got.CryptoAddress)
	require.Len(t, got.Transactions, 1)
	assert.Equal(t, "EUR", got.Transactions[0].CurrencyTo)
	assert.Equal(t, decp("6.33984642"), got.Transactions[0].AmountTo)
}

func TestTransactionInfoRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		p     *AlphaPoTransactionInfoParams
		field string
	}{
		"nil":             {nil, "id"},
		"nothing":         {&AlphaPoTransactionInfoParams{}, "id"},
		"id and foreign":  {&AlphaPoTransactionInfoParams{ID: 1, ForeignID: "w-1"}, "id"},
		"foreign and tx":  {&AlphaPoTransactionInfoParams{ForeignID: "w-1", TxID: "ab"}, "id"},
		"negative id":     {&AlphaPoTransactionInfoParams{ID: -1}, "id"},
		"long foreign id": {&AlphaPoTransactionInfoParams{ForeignID: strings.Repeat("x", 256)}, "foreign_id"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.alphapo().TransactionInfo(context.Background(), tc.p)
			rejected(t, w, err, tc.field)
		})
	}
}

func TestTransactionInfoNotFound(t *testing.T) {
	w := newWire(t)
	w.respond(http.MethodGet, AlphaPoBaseURL+"/v2/transactions/info", 404, `{"error":"Transaction not found","code":"not_found"}`)
	_, err := w.alphapo().TransactionInfo(context.Background(), &AlphaPoTransactionInfoParams{ForeignID: "w-1"})
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "GET", apiErr.Method)
	assert.Equal(t, "/v2/transactions/info", apiErr.Path)
}

func FuzzTransactionInfoAnswer(f *testing.F) {
	f.Add([]byte(`{"id":1,"type":"deposit","transactions":[{"txid":7.8e+76,"confirmations":"3"}]}`))
	f.Add([]byte(`{"data":{"id":"2","currency_sent":{"amount":0.0001}}}`))
	f.Add([]byte(`{"id":null,"data":{"id":3}}`))
	ep := endpoint{method: http.MethodGet, path: "/v2/transactions/info", envelope: maybeInData}
	f.Fuzz(func(t *testing.T, data []byte) {
		var bare AlphaPoTransaction
		if decode(&ep, 200, data, &bare) != nil {
			return
		}
		var probe struct {
			ID   json.RawMessage `json:"id"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &probe) != nil || probe.ID == nil || probe.Data != nil {
			return // not a bare transaction (which has no "data" member)
		}
		// A bare transaction and the same one in an envelope read alike.
		var wrapped AlphaPoTransaction
		if err := decode(&ep, 200, append(append([]byte(`{"data":`), data...), '}'), &wrapped); err != nil {
			t.Fatalf("%s: wrapped: %v", data, err)
		}
		assert.Equal(t, bare, wrapped)
	})
}
