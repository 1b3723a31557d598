package cryptopay_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/cryptopay-go/cryptopay"
)

func ExampleNewClient() {
	c, err := cryptopay.NewClient(cryptopay.WithUserAgent("my-shop/1.0"))
	if err != nil {
		log.Fatal(err)
	}
	created, err := c.CreateAccount(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// Store created.TransferKey in your secret store: it authorizes transfers.
	acct := c.Account(created.Account, created.TransferKey)
	fmt.Println(acct.ID())
}

func ExampleAccount_Balance() {
	// A stand-in for Apirone, so the example runs offline.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"account":"apr-e729d9982f079fa86b10a0e3aa6ff37b","balance":[{"currency":"btc","available":150000,"total":250000}]}`)
	}))
	defer srv.Close()

	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	bal, err := c.Account("apr-e729d9982f079fa86b10a0e3aa6ff37b", "").Balance(context.Background(), &cryptopay.BalanceParams{Currency: "btc"})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range bal.Balance {
		fmt.Printf("%s: %s of %s satoshi available\n", b.Currency, b.Available, b.Total)
	}
	// Output: btc: 150000 of 250000 satoshi available
}

func ExampleAccount_AllHistory() {
	c, _ := cryptopay.NewClient()
	acct := c.Account("apr-e729d9982f079fa86b10a0e3aa6ff37b", "")
	received := cryptopay.NewAmount(0)
	for item, err := range acct.AllHistory(context.Background(), &cryptopay.HistoryParams{Currency: "btc", ItemType: cryptopay.ItemReceipt}) {
		if err != nil {
			log.Fatal(err)
		}
		received = received.Add(item.Amount)
	}
	fmt.Println("received:", received, "satoshi")
}

func ExampleSigner() {
	s := cryptopay.NewSigner("AbCdEfG123456")
	body := []byte(`{"currency":"BTC","foreign_id":"123456"}`)
	sig := s.Sign(body)
	fmt.Println(sig[:16], s.Verify(body, sig))
	// Output: 03c25fcf7cd35e7d true
}

func ExampleAccount_Login() {
	c, _ := cryptopay.NewClient()
	acct := c.Account("apr-e729d9982f079fa86b10a0e3aa6ff37b", "transfer-key-from-your-secret-store")
	if err := acct.Login(context.Background()); err != nil {
		log.Fatal(err)
	}
	defer acct.Logout(context.Background())
	// Protected calls now send "Authorization: Bearer ..." and renew the
	// token by themselves.
	cb, err := acct.CallbackInfo(context.Background(), "btc")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cb.Callback.URL)
}

func ExampleFormatUnits() {
	fmt.Println(cryptopay.FormatUnits(cryptopay.NewAmount(12345), 8), "BTC")
	sat, _ := cryptopay.ParseUnits("0.5", 8)
	fmt.Println(sat, "satoshi")
	// Output:
	// 0.00012345 BTC
	// 50000000 satoshi
}

func ExampleWithRetry() {
	// A stand-in for Apirone that is busy on the first try.
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"message":"busy"}`, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"account":"apr-e729d9982f079fa86b10a0e3aa6ff37b","balance":[{"currency":"btc","available":150000,"total":250000}]}`)
	}))
	defer srv.Close()

	c, err := cryptopay.NewClient(
		cryptopay.WithBaseURL(srv.URL),
		// GETs get up to 5 tries; POSTs are resent only if they never left.
		cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second}),
		// One debug line per try: method, path, status, attempt, duration.
		cryptopay.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	if err != nil {
		log.Fatal(err)
	}
	// The context bounds the whole call, waits between tries included.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bal, err := c.Account("apr-e729d9982f079fa86b10a0e3aa6ff37b", "").Balance(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bal.Balance[0].Available, "satoshi after", tries.Load(), "tries")
	// Output: 150000 satoshi after 2 tries
}
