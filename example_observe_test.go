package cryptopay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// A Prometheus-style counter and an OpenTelemetry-style span, fed from
// WithObserver without importing either library.
func ExampleWithObserver() {
	calls := map[string]int{} // a counter by route and class
	observe := func(ci cryptopay.CallInfo) {
		if !ci.Call {
			return // one try: a span event would go here
		}
		calls[ci.Route+" "+string(ci.Class)]++
		// span.SetName(ci.Route); span.SetAttributes("http.status_code", ci.Status, "attempts", ci.Attempt)
		if ci.MoneyMayHaveMoved {
			fmt.Println("money may have moved:", ci.Route)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/transfer") {
			fmt.Fprint(w, `{"id":"p1","currency":"btc","txs":["t1"]}`)
			return
		}
		fmt.Fprint(w, `{"account":"apr-1","balance":[]}`)
	}))
	defer srv.Close()
	c, _ := cryptopay.NewClient(cryptopay.WithBaseURL(srv.URL), cryptopay.WithHTTPClient(srv.Client()), cryptopay.WithObserver(observe))
	acct := c.Account("apr-1", "the-transfer-key")
	ctx := context.Background()
	acct.Balance(ctx, nil)
	acct.Transfer(ctx, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{Address: "3N2aX", Amount: cryptopay.Units(1000)}}})
	acct.Transfer(ctx, nil) // refused before sending
	fmt.Println(calls["GET /v2/accounts/{account}/balance ok"], calls["POST /v2/accounts/{account}/transfer ok"],
		calls["POST /v2/accounts/{account}/transfer params"])
	// Output:
	// money may have moved: POST /v2/accounts/{account}/transfer
	// 1 1 1
}
