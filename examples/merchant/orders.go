package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// The ways an order can be paid.
const (
	MethodApironeAddress = "apirone-address" // a fresh Apirone address, its payment callback
	MethodApironeInvoice = "apirone-invoice" // an Apirone invoice, its status callback
	MethodAlphaPo        = "alphapo"         // the customer's AlphaPo deposit address
)

// OrderRequest is a new order: Price in minor units of Currency.
type OrderRequest struct {
	Method   string `json:"method"`
	Currency string `json:"currency"`
	Price    string `json:"price"`
	Customer string `json:"customer"`
}

// Order is an order as stored; Price and Paid in minor units.
type Order struct {
	ID         string `json:"id"`
	Method     string `json:"method"`
	Currency   string `json:"currency"`
	Price      string `json:"price"`
	Paid       string `json:"paid"`
	Status     string `json:"status"` // pending, partpaid, paid
	Customer   string `json:"customer"`
	Address    string `json:"address"`
	Invoice    string `json:"invoice,omitempty"`
	InvoiceURL string `json:"invoice_url,omitempty"`
}

// errBadRequest marks a request the service refuses; the HTTP layer answers 400.
var errBadRequest = errors.New("bad request")

// decimalPlaces of the currencies this example knows: an order's minor unit
// and the conversion of AlphaPo's whole-coin amounts. A real shop reads them
// from Client.ServiceInfo and AlphaPoClient.Currencies.
var decimalPlaces = map[string]int{"btc": 8, "ltc": 8, "doge": 8, "bch": 8, "eth": 18, "trx": 6, "usdt@trx": 6}

func decimalsOf(currency string) (int, bool) {
	d, ok := decimalPlaces[strings.ToLower(currency)]
	return d, ok
}

// CreateOrder records an order and asks the provider where to pay it.
func (s *Service) CreateOrder(ctx context.Context, r OrderRequest) (*Order, error) {
	price, err := cryptopay.ParseAmount(r.Price)
	if err != nil || price.Sign() <= 0 {
		return nil, fmt.Errorf("%w: price must be a positive number of minor units", errBadRequest)
	}
	decimals, ok := decimalsOf(r.Currency)
	if !ok {
		return nil, fmt.Errorf("%w: unknown currency %q", errBadRequest, r.Currency)
	}
	o := &Order{ID: newID("ord"), Method: r.Method, Currency: r.Currency, Price: price.String(),
		Paid: "0", Status: "pending", Customer: r.Customer}
	switch r.Method {
	case MethodApironeAddress:
		err = s.takeApironeAddress(ctx, o)
	case MethodApironeInvoice:
		err = s.createInvoice(ctx, o, price)
	case MethodAlphaPo:
		err = s.takeAlphaPoAddress(ctx, o)
	default:
		err = fmt.Errorf("%w: unknown method %q", errBadRequest, r.Method)
	}
	if err != nil {
		return nil, err
	}
	_, err = s.Store.exec(ctx, s.Store.db, `INSERT INTO orders
		(id, method, currency, decimals, price, paid, status, customer, address, invoice, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Method, o.Currency, decimals, o.Price, o.Paid, o.Status, o.Customer, o.Address, o.Invoice, nowMicros())
	if err != nil {
		return nil, err
	}
	s.Logger.InfoContext(ctx, "order created", "order", o.ID, "method", o.Method, "currency", o.Currency,
		"price", o.Price, "address", o.Address)
	return o, nil
}

// takeApironeAddress gives the order an address of its own, whose callback
// names the order and carries the callback secret.
func (s *Service) takeApironeAddress(ctx context.Context, o *Order) error {
	addr, err := s.Account.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: o.Currency,
		Callback: &cryptopay.Callback{
			URL:  s.PublicURL + "/callbacks/apirone/payment",
			Data: map[string]string{"order": o.ID, secretKey: s.CallbackSecret},
		},
	})
	if err != nil {
		return err
	}
	o.Address = addr.Address
	return nil
}

// createInvoice makes an Apirone invoice for the order's price; its status
// callbacks carry the secret in the URL's query.
func (s *Service) createInvoice(ctx context.Context, o *Order, price cryptopay.Amount) error {
	q := url.Values{"order": {o.ID}, secretKey: {s.CallbackSecret}}
	inv, err := s.Account.CreateInvoice(ctx, &cryptopay.InvoiceParams{
		Currency:    o.Currency,
		Amount:      price,
		CallbackURL: s.PublicURL + "/callbacks/apirone/invoice?" + q.Encode(),
	})
	if err != nil {
		return err
	}
	o.Address, o.Invoice, o.InvoiceURL = inv.Address, inv.ID, inv.InvoiceURL
	return nil
}

// takeAlphaPoAddress gives the order its customer's AlphaPo deposit address
// in the currency, taking one the first time. AlphaPo keeps one address per
// foreign_id and currency, so two instances taking it at once get the same.
func (s *Service) takeAlphaPoAddress(ctx context.Context, o *Order) error {
	if s.AlphaPo == nil {
		return fmt.Errorf("%w: AlphaPo is not configured", errBadRequest)
	}
	if o.Customer == "" {
		return fmt.Errorf("%w: an AlphaPo order needs a customer", errBadRequest)
	}
	err := s.Store.db.QueryRowContext(ctx, s.Store.q(
		`SELECT address FROM alphapo_addresses WHERE customer = ? AND currency = ?`),
		o.Customer, o.Currency).Scan(&o.Address)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	taken, err := s.AlphaPo.TakeAddress(ctx, &cryptopay.TakeAddressParams{
		Currency: o.Currency, ForeignID: o.Customer, EndUserReference: o.Customer,
	})
	if err != nil {
		return err
	}
	o.Address = taken.Address
	_, err = s.Store.exec(ctx, s.Store.db, `INSERT INTO alphapo_addresses (customer, currency, address, tag)
		VALUES (?, ?, ?, ?) ON CONFLICT (customer, currency) DO NOTHING`,
		o.Customer, o.Currency, taken.Address, taken.Tag)
	return err
}

// GetOrder returns the order with id, or sql.ErrNoRows.
func (s *Service) GetOrder(ctx context.Context, id string) (*Order, error) {
	o := &Order{}
	err := s.Store.db.QueryRowContext(ctx, s.Store.q(`SELECT id, method, currency, price, paid, status,
		customer, address, invoice FROM orders WHERE id = ?`), id).
		Scan(&o.ID, &o.Method, &o.Currency, &o.Price, &o.Paid, &o.Status, &o.Customer, &o.Address, &o.Invoice)
	return o, err
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}
