package cryptopay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// Rotating the shared secret of Apirone callbacks: the handler accepts
// the new secret and the old one, which addresses made before the
// rotation keep sending.
func ExampleWithCallbackSecret_rotation() {
	handler := cryptopay.PaymentCallbackHandler(func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
		fmt.Printf("order %s, data keys %d\n", cb.Data["order"], len(cb.Data))
		return nil
	}, cryptopay.WithCallbackSecret("secret", "new-s3cret", "old-s3cret"))

	for _, secret := range []string{"new-s3cret", "old-s3cret", "wrong"} {
		body := `{"input_address":"bc1q...","input_transaction_hash":"ab12","confirmations":1,"value":1000,` +
			`"data":{"order":"7","secret":"` + secret + `"}}`
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/apirone/payment", strings.NewReader(body)))
		fmt.Println(secret, rec.Code)
	}
	// Output:
	// order 7, data keys 1
	// new-s3cret 200
	// order 7, data keys 1
	// old-s3cret 200
	// wrong 403
}

// One endpoint for the AlphaPo callbacks of several merchants (or of the
// old and the new key pair during a rotation): the function learns whose
// callback it is.
func ExampleAlphaPoCallbackVerifier_Add() {
	v, err := cryptopay.NewAlphaPoCallbackVerifier("merchant-a-key", "merchant-a-secret")
	if err != nil {
		panic(err)
	}
	if err := v.Add("merchant-b-key", "merchant-b-secret"); err != nil {
		panic(err)
	}
	merchants := map[string]string{"merchant-a-key": "Shop A", "merchant-b-key": "Shop B"}
	handler := v.Handler(func(ctx context.Context, tx *cryptopay.AlphaPoTransaction) error {
		fmt.Printf("%s: transaction %d %s\n", merchants[cryptopay.AlphaPoCallbackKey(ctx)], tx.ID, tx.Status)
		return nil
	})

	body := []byte(`{"id":42,"type":"deposit","status":"confirmed"}`)
	req := cryptopaytest.NewAlphaPoCallbackRequest("https://shop.example/alphapo", "merchant-b-key", "merchant-b-secret", body)
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// Shop B: transaction 42 confirmed
	// 200
}
