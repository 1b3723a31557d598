package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// live talks to the real APIs (or those at -apirone-url / -alphapo-url).
// It reads (account, balances, addresses, history; AlphaPo balances) and
// estimates; it sends a transfer only with -send and takes an AlphaPo
// address only with -take-address.
func live(ctx context.Context, r *report, cfg config) error {
	fmt.Fprintln(r.out, "Credentials found: talking to", cfg.apironeURL, "and", cfg.alphaPoURL)
	if cfg.send {
		fmt.Fprintln(r.out, "-send is set: this run MOVES REAL MONEY.")
	} else {
		fmt.Fprintln(r.out, "This run only reads and estimates: no money moves.")
	}
	if cfg.account != "" {
		if err := liveApirone(ctx, r, cfg); err != nil {
			return err
		}
	}
	if cfg.alphaKey != "" {
		return liveAlphaPo(ctx, r, cfg)
	}
	return nil
}

func liveApirone(ctx context.Context, r *report, cfg config) error {
	c, err := cryptopay.NewClient(cryptopay.WithBaseURL(cfg.apironeURL))
	if err != nil {
		return err
	}
	acct := c.Account(cfg.account, cfg.transferKey)
	units, err := liveRead(ctx, r, acct, cfg.currency)
	if err != nil {
		return err
	}

	r.title("Estimate a transfer")
	if cfg.to == "" {
		r.say("skipped: pass -to ADDRESS (and -amount N in %s) to estimate one", units)
		return nil
	}
	params := &cryptopay.TransferParams{Currency: cfg.currency, Destinations: []cryptopay.Destination{{Address: cfg.to, Amount: cryptopay.Units(cfg.amount)}}}
	if cfg.amount == 0 {
		params.Destinations[0].Amount = cryptopay.Percent(100)
		params.SubtractFeeFromAmount = true
	}
	est, err := acct.EstimateTransfer(ctx, params)
	if err != nil {
		return err
	}
	printEstimate(r, est, units)
	if !cfg.send {
		r.say("not sent: add -send to make this transfer (it moves real money)")
		return nil
	}

	r.title("Transfer (-send)")
	res, err := acct.Transfer(ctx, params)
	if err != nil {
		return err
	}
	r.say("payment %s in transaction(s) %s", res.ID, strings.Join(res.Txs, ", "))
	r.say("%s left the account", money(res.Total, res.Currency, units))
	return nil
}

// liveRead prints the account's info, balance, first addresses and latest
// history in currency, and returns the currency's unit name.
func liveRead(ctx context.Context, r *report, acct *cryptopay.Account, currency string) (string, error) {
	r.title("Account %s", acct.ID())
	info, err := acct.Info(ctx, currency)
	if err != nil {
		return "", err
	}
	units := "minor units"
	for _, ci := range info.Info {
		r.say("%s: since %s, units %s, fee %s", ci.Currency, ci.Created.Format("2006-01-02"), ci.Units, ci.Fee)
		units = ci.Units
	}

	r.title("Balance")
	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: currency})
	if err != nil {
		return "", err
	}
	for _, b := range bal.Balance {
		r.say("available %s; total %s", money(b.Available, b.Currency, units), money(b.Total, b.Currency, units))
	}

	r.title("Addresses (first 5)")
	list, err := acct.Addresses(ctx, &cryptopay.AddressesParams{Currency: currency, Limit: 5})
	if err != nil {
		return "", err
	}
	for _, a := range list.Addresses {
		r.say("%s  %s", a.Address, money(a.Balance.Total, currency, units))
	}
	r.say("%d address(es) in all", list.Pagination.Total)

	r.title("History (latest 5)")
	page, err := acct.History(ctx, &cryptopay.HistoryParams{Currency: currency, Limit: 5})
	if err != nil {
		return "", err
	}
	printHistory(r, page, units)
	return units, nil
}

func liveAlphaPo(ctx context.Context, r *report, cfg config) error {
	ap, err := cryptopay.NewAlphaPoClient(cfg.alphaKey, cfg.alphaSecret, cryptopay.WithBaseURL(cfg.alphaPoURL))
	if err != nil {
		return err
	}
	r.title("AlphaPo balances")
	balances, err := ap.Balances(ctx)
	if err != nil {
		return err
	}
	for _, b := range balances {
		if b.Balance.Sign() != 0 {
			r.say("%s %s (%s)", b.Balance, b.Currency, b.Type)
		}
	}

	r.title("AlphaPo: take an address")
	if !cfg.takeAddress {
		r.say("skipped: pass -take-address to take a %s deposit address for customer \"quickstart\"", strings.ToUpper(cfg.currency))
		return nil
	}
	taken, err := ap.TakeAddress(ctx, &cryptopay.TakeAddressParams{
		Currency: strings.ToUpper(cfg.currency), ForeignID: "quickstart", EndUserReference: "quickstart",
	})
	if err != nil {
		return err
	}
	r.say("address %s (id %d, tag %q)", taken.Address, taken.ID, taken.Tag)
	return nil
}
