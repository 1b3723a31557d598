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
		if decode(&ep, &callState{}, 200, data, &bare) != nil {
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
		if err := decode(&ep, &callState{}, 200, append(append([]byte(`{"data":`), data...), '}'), &wrapped); err != nil {
			t.Fatalf("%s: wrapped: %v", data, err)
		}
		assert.Equal(t, bare, wrapped)
	})
}
