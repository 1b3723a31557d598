package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

const (
	// shopSecret is what the shop puts in its callback data to know later
	// that a callback is genuine (Apirone callbacks carry no signature).
	shopSecret = "a-secret-only-the-shop-knows"
	// customerPays is the payment the demo simulates: 0.0015 BTC.
	customerPays = 150000
	// forwardTo is where the demo sends money on (an address outside the server).
	forwardTo = "3N2aXAebXqvV8TDXBabknmi9Gma7HxeMDdZ"
)

// demo runs the merchant flow against an in-memory server: nothing leaves
// the machine.
func demo(ctx context.Context, out io.Writer) error {
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	r := &report{out: out}
	fmt.Fprintln(out, "No credentials in the environment: running against an in-memory Apirone + AlphaPo")
	fmt.Fprintln(out, "server (package cryptopaytest). Nothing leaves this machine; the money is pretend.")

	shop := newShop(r)
	defer shop.Close()
	acct, addr, err := openShop(ctx, r, srv.Client(), shop.URL)
	if err != nil {
		return err
	}
	if err := takePayment(ctx, r, srv, acct, addr); err != nil {
		return err
	}
	if err := sendOn(ctx, r, acct); err != nil {
		return err
	}
	if err := alphaPo(ctx, r, srv); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nDone. Next: `go test ./...`, and README \"Testing your code\" for cryptopaytest in your own tests.")
	return nil
}

// newShop starts the merchant's callback endpoint: the SDK's
// PaymentCallbackHandler, which accepts only callbacks carrying the secret
// the shop put in the callback data (WithCallbackSecret) and answers
// "*ok*", which stops the callbacks, only when the shop's function returns
// nil. The shop ships once a payment has a confirmation, and only once per
// event (DedupeKey): a repeat after a lost "*ok*" is acknowledged again.
func newShop(r *report) *httptest.Server {
	var mu sync.Mutex
	shipped := map[string]bool{}
	handle := func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		r.say("shop: callback for order %s: %s, %d confirmation(s)", cb.Data["order"], money(cb.Value, cb.Currency, "satoshi"), cb.Confirmations)
		if cb.Confirmations < 1 {
			r.say("shop: not shipping before a confirmation; not answering *ok* yet")
			return cryptopay.ErrNotYet // 500: Apirone sends the callback again with the next block
		}
		mu.Lock()
		defer mu.Unlock()
		if shipped[cb.DedupeKey()] {
			r.say("shop: order %s already shipped; answering *ok* again", cb.Data["order"])
			return nil
		}
		shipped[cb.DedupeKey()] = true
		r.say("shop: order %s is paid; shipping it and answering *ok*", cb.Data["order"])
		return nil
	}
	return httptest.NewServer(cryptopay.PaymentCallbackHandler(handle, cryptopay.WithCallbackSecret("secret", shopSecret)))
}

// openShop creates an account and a deposit address for order 1042.
func openShop(ctx context.Context, r *report, c *cryptopay.Client, shopURL string) (*cryptopay.Account, string, error) {
	r.title("Create an account")
	created, err := c.CreateAccount(ctx)
	if err != nil {
		return nil, "", err
	}
	r.say("account %s, created %s UTC", created.Account, created.Created.Format("2006-01-02 15:04:05"))
	r.say("its transfer key authorizes transfers: keep it secret (fmt prints it as REDACTED)")
	acct := c.Account(created.Account, created.TransferKey)

	r.title("Generate a BTC address for order 1042, reporting payments to the shop")
	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{URL: shopURL + "/apirone/callback", Data: map[string]string{"order": "1042", "secret": shopSecret}},
	})
	if err != nil {
		return nil, "", err
	}
	r.say("address %s (%s)", addr.Address, addr.Type)
	r.say("callback %s %s", addr.Callback.Method, addr.Callback.URL)
	return acct, addr.Address, nil
}

// takePayment simulates the customer's payment and the next block, and
// shows the callbacks and the balance.
func takePayment(ctx context.Context, r *report, srv *cryptopaytest.Server, acct *cryptopay.Account, addr string) error {
	r.title("The customer pays %s (simulated with srv.Deposit)", money(cryptopay.NewAmount(customerPays), "btc", "satoshi"))
	dep, err := srv.Deposit(ctx, cryptopaytest.DepositParams{Address: addr, Amount: cryptopay.NewAmount(customerPays)})
	if err != nil {
		return err
	}
	sayDeliveries(r, dep.Deliveries)

	r.title("A block is mined (simulated with srv.Mine): the payment has 1 confirmation")
	mined, err := srv.Mine(ctx, 1)
	if err != nil {
		return err
	}
	sayDeliveries(r, mined)

	r.title("Balance")
	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})
	if err != nil {
		return err
	}
	b := bal.Balance[0]
	r.say("available %s", money(b.Available, "btc", "satoshi"))
	r.say("total     %s", money(b.Total, "btc", "satoshi"))
	return nil
}

func sayDeliveries(r *report, ds []cryptopaytest.Delivery) {
	for _, d := range ds {
		if d.Acknowledged {
			r.say("callback acknowledged: Apirone stops sending it")
		} else {
			r.say("callback not acknowledged (answer %d %q): Apirone sends it again with the next block", d.Status, strings.TrimSpace(d.Response))
		}
	}
}

// sendOn estimates and makes a transfer of half the balance, then reads
// the history.
func sendOn(ctx context.Context, r *report, acct *cryptopay.Account) error {
	params := &cryptopay.TransferParams{
		Currency:              "btc",
		Destinations:          []cryptopay.Destination{{Address: forwardTo, Amount: cryptopay.Percent(50)}},
		SubtractFeeFromAmount: true,
	}
	r.title("Estimate sending half the balance on, the network fee taken from it")
	est, err := acct.EstimateTransfer(ctx, params)
	if err != nil {
		return err
	}
	printEstimate(r, est, "satoshi")

	r.title("Transfer it")
	res, err := acct.Transfer(ctx, params)
	if err != nil {
		return err
	}
	r.say("payment %s in transaction %s", short(res.ID), short(res.Txs[0]))
	r.say("%s left the account; the change went to %s", money(res.Total, "btc", "satoshi"), res.ChangeAddress)

	r.title("History, newest first")
	page, err := acct.History(ctx, nil)
	if err != nil {
		return err
	}
	printHistory(r, page, "satoshi")

	r.title("History item %s", short(res.ID))
	item, err := acct.HistoryItem(ctx, res.ID)
	if err != nil {
		return err
	}
	for _, d := range item.Destinations {
		r.say("to %s: %s", d.Address, money(d.Amount, "btc", "satoshi"))
	}
	r.say("network fee %s; total %s", money(item.Fee.Network.Amount, "btc", "satoshi"), money(item.Total, "btc", "satoshi"))
	return nil
}

// alphaPo takes an AlphaPo address, then shows a wrong secret refused.
func alphaPo(ctx context.Context, r *report, srv *cryptopaytest.Server) error {
	params := &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: "customer-17", EndUserReference: "customer-17"}

	r.title("AlphaPo: take a BTC deposit address for customer-17 (a signed request)")
	taken, err := srv.AlphaPoClient().TakeAddress(ctx, params)
	if err != nil {
		return err
	}
	r.say("address %s (id %d)", taken.Address, taken.ID)

	r.title("AlphaPo: the same request signed with a wrong secret")
	key, _ := srv.AlphaPoCredentials()
	wrong, err := cryptopay.NewAlphaPoClient(key, "a-wrong-secret", cryptopay.WithBaseURL(srv.AlphaPoURL()))
	if err != nil {
		return err
	}
	_, err = wrong.TakeAddress(ctx, params)
	var ae *cryptopay.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("a wrong secret should be refused, got %v", err)
	}
	r.say("refused: %d %s, errors.Is(err, cryptopay.ErrUnauthorized) = %t", ae.StatusCode, ae.Code, errors.Is(err, cryptopay.ErrUnauthorized))
	return nil
}
