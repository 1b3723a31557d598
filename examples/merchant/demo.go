package main

import (
	"context"
	"fmt"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// demoPayee is where the demonstration pays out to.
const demoPayee = "3MzEcYvGbWZNCt83AizrmeQkjr1iHE6xrMm"

// demo plays a full cycle against the in-process fake, through the same
// code the HTTP API and the callbacks use: an order paid to an Apirone
// address, an order paid to a customer's AlphaPo address, both credited by
// their callbacks; a payout sent, and one whose answer is lost, settled by
// the lookup instead of being sent again; then the catch-up job.
func demo(ctx context.Context, svc *Service, fake *cryptopaytest.Server) error {
	log := svc.Logger.With("demo", true)
	order, err := svc.CreateOrder(ctx, OrderRequest{Method: MethodApironeAddress, Currency: "btc", Price: "150000"})
	if err != nil {
		return err
	}
	if _, err := fake.Deposit(ctx, cryptopaytest.DepositParams{
		Address: order.Address, Amount: cryptopay.NewAmount(150000), Confirmations: 1}); err != nil {
		return err
	}
	if o, err := svc.GetOrder(ctx, order.ID); err != nil || o.Status != "pending" {
		return fmt.Errorf("order %s credited before it had the confirmations the policy asks (%v)", order.ID, err)
	}
	log.Info("demo: payment seen with 1 confirmation, not credited yet (ErrNotYet: Apirone calls again)",
		"order", order.ID, "required", svc.Confirmations.Required("btc"))
	if _, err := fake.Mine(ctx, int(svc.Confirmations.Required("btc"))-1); err != nil {
		return err
	}
	if err := expectPaid(ctx, svc, order.ID); err != nil {
		return err
	}
	log.Info("demo: Apirone order paid by its callback", "order", order.ID)

	apOrder, err := svc.CreateOrder(ctx, OrderRequest{Method: MethodAlphaPo, Currency: "BTC", Price: "20000", Customer: "customer-17"})
	if err != nil {
		return err
	}
	if _, err := fake.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
		Address: apOrder.Address, Amount: cryptopay.MustDecimal("0.0002"), Confirmations: 1}); err != nil {
		return err
	}
	if err := expectPaid(ctx, svc, apOrder.ID); err != nil {
		return err
	}
	log.Info("demo: AlphaPo order paid by its callback", "order", apOrder.ID)

	if err := demoPayouts(ctx, svc, fake); err != nil {
		return err
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		return err
	}
	log.Info("demo: full cycle done: order -> payment -> credit -> payout, against the in-process cryptopaytest")
	return nil
}

// demoPayouts sends one payout, then one whose answer the fake loses after
// making it: the second is found by the lookup and settled, never resent.
func demoPayouts(ctx context.Context, svc *Service, fake *cryptopaytest.Server) error {
	first, err := svc.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: demoPayee, Amount: "50000"})
	if err != nil {
		return err
	}
	if _, err := svc.RunPayouts(ctx); err != nil {
		return err
	}
	if _, err := fake.Mine(ctx, 1); err != nil { // the change of the first becomes spendable
		return err
	}
	second, err := svc.PlanPayout(ctx, PayoutRequest{Provider: "apirone", Currency: "btc", Address: demoPayee, Amount: "40000"})
	if err != nil {
		return err
	}
	fake.FailNext("POST /v2/accounts/{account}/transfer", 1, cryptopaytest.Failure{Status: 502, AfterEffect: true})
	if _, err := svc.RunPayouts(ctx); err != nil { // the answer is lost: unknown, looked up at once
		return err
	}
	for id, want := range map[string]string{first.ID: PayoutSent, second.ID: PayoutSettled} {
		p, err := svc.GetPayout(ctx, id)
		if err != nil {
			return err
		}
		if p.State != want {
			return fmt.Errorf("payout %s is %s, want %s", id, p.State, want)
		}
	}
	svc.Logger.Info("demo: payouts done: one sent, one whose answer was lost found and settled, none sent twice")
	return nil
}

func expectPaid(ctx context.Context, svc *Service, id string) error {
	o, err := svc.GetOrder(ctx, id)
	if err != nil {
		return err
	}
	if o.Status != "paid" {
		return fmt.Errorf("order %s is %s (%s of %s paid)", id, o.Status, o.Paid, o.Price)
	}
	return nil
}
