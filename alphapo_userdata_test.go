package cryptopay

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func person() *AlphaPoUserData {
	return &AlphaPoUserData{FirstName: "Friedrich", LastName: "Müller", DateOfBirth: "1995-08-17"}
}

func company() *AlphaPoUserData {
	return &AlphaPoUserData{LegalName: "Example GmbH", CountryOfRegistration: "DEU"}
}

// TestWithdrawCryptoChecksUserData: the sender and receiver are checked
// before anything is sent, field by field, as the user data collection
// page asks (docs.cryptoprocessing.com/api-reference/user-data-collection).
func TestWithdrawCryptoChecksUserData(t *testing.T) {
	with := func(edit func(d *AlphaPoUserData)) *AlphaPoUserData {
		d := person()
		edit(d)
		return d
	}
	withCompany := func(edit func(d *AlphaPoUserData)) *AlphaPoUserData {
		d := company()
		edit(d)
		return d
	}
	cases := map[string]struct {
		senderType   string
		sender       *AlphaPoUserData
		receiverType string
		receiver     *AlphaPoUserData
		field        string
	}{
		"type without data":     {senderType: AlphaPoNaturalPerson, field: "sender_data"},
		"data without type":     {sender: person(), field: "sender_type"},
		"unknown type":          {senderType: "company", sender: company(), field: "sender_type"},
		"sender cannot be self": {senderType: AlphaPoSelf, field: "sender_type"},
		"no first name":         {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.FirstName = "" }), field: "sender_data.first_name"},
		"no last name":          {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.LastName = "" }), field: "sender_data.last_name"},
		"no birth date":         {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "" }), field: "sender_data.date_of_birth"},
		"birth date d.m.y":      {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "17.08.1995" }), field: "sender_data.date_of_birth"},
		"birth date no day":     {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "1995-02-30" }), field: "sender_data.date_of_birth"},
		"birth date with time":  {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "1995-08-17T00:00:00Z" }), field: "sender_data.date_of_birth"},
		"blank first name":      {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.FirstName = "   " }), field: "sender_data.first_name"},
		"tab for last name":     {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.LastName = "\t" }), field: "sender_data.last_name"},
		"NUL in first name":     {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.FirstName = "Fried\x00rich" }), field: "sender_data.first_name"},
		"newline in last name":  {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.LastName = "Müller\nX-Injected: 1" }), field: "sender_data.last_name"},
		"not UTF-8 last name":   {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.LastName = "M\xfcller" }), field: "sender_data.last_name"},
		"born in the future":    {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = time.Now().AddDate(0, 0, 2).Format(time.DateOnly) }), field: "sender_data.date_of_birth"},
		"born in year 3000":     {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "3000-01-01" }), field: "sender_data.date_of_birth"},
		"born in year 0":        {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "0000-01-01" }), field: "sender_data.date_of_birth"},
		"born before 1900":      {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.DateOfBirth = "1899-12-31" }), field: "sender_data.date_of_birth"},
		"blank legal name":      {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.LegalName = " \u00a0" }), field: "sender_data.legal_name"},
		"CR in legal name":      {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.LegalName = "Example\rGmbH" }), field: "sender_data.legal_name"},
		"person with company":   {senderType: AlphaPoNaturalPerson, sender: with(func(d *AlphaPoUserData) { d.LegalName = "Example GmbH" }), field: "sender_data.legal_name"},
		"no legal name":         {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.LegalName = "" }), field: "sender_data.legal_name"},
		"no country":            {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.CountryOfRegistration = "" }), field: "sender_data.country_of_registration"},
		"alpha-2 country":       {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.CountryOfRegistration = "DE" }), field: "sender_data.country_of_registration"},
		"lower-case country":    {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.CountryOfRegistration = "deu" }), field: "sender_data.country_of_registration"},
		"IOC country code":      {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.CountryOfRegistration = "GER" }), field: "sender_data.country_of_registration"},
		"country with a space":  {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.CountryOfRegistration = " DE" }), field: "sender_data.country_of_registration"},
		"company with person":   {senderType: AlphaPoLegalEntity, sender: withCompany(func(d *AlphaPoUserData) { d.DateOfBirth = "1995-08-17" }), field: "sender_data.date_of_birth"},
		"bad receiver":          {receiverType: AlphaPoLegalEntity, receiver: person(), field: "receiver_data.legal_name"},
		"self with data":        {receiverType: AlphaPoSelf, receiver: person(), field: "receiver_data"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			_, err := w.alphapo().WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
				ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: dec("0.001"), Address: "bc1q",
				SenderType: tc.senderType, SenderData: tc.sender, ReceiverType: tc.receiverType, ReceiverData: tc.receiver,
			})
			rejected(t, w, err, tc.field)
		})
	}
}

// TestWithdrawCryptoToSelf: receiver_type "self" (an internal transfer)
// goes without receiver_data.
func TestWithdrawCryptoToSelf(t *testing.T) {
	w := newWire(t)
	w.respond("POST", AlphaPoBaseURL+"/v2/withdrawal/crypto", 201, fixture(t, "alphapo/withdrawal_crypto.json"))
	_, err := w.alphapo().WithdrawCrypto(context.Background(), &AlphaPoWithdrawParams{
		ForeignID: "w-1", EndUserReference: "u-1", Currency: "BTC", Amount: dec("0.001"), Address: "bc1q",
		SenderType: AlphaPoLegalEntity, SenderData: company(), ReceiverType: AlphaPoSelf,
	})
	require.NoError(t, err)
	assert.Equal(t, `{"foreign_id":"w-1","end_user_reference":"u-1","currency":"BTC","address":"bc1q",`+
		`"sender_type":"legal","sender_data":{"legal_name":"Example GmbH","country_of_registration":"DEU"},`+
		`"receiver_type":"self","amount":"0.001"}`, w.only().Body)
}

func TestTakeAddressChecksSenderData(t *testing.T) {
	w := newWire(t)
	_, err := w.alphapo().TakeAddress(context.Background(), &TakeAddressParams{
		Currency: "BTC", ForeignID: "user-1", EndUserReference: "user-1",
		SenderType: AlphaPoLegalEntity, SenderData: &AlphaPoUserData{LegalName: "Example GmbH", CountryOfRegistration: "XKX"},
	})
	rejected(t, w, err, "sender_data.country_of_registration")
}

// TestUserDataDatesOfBirthInRange: the earliest and the latest dates of
// birth that make sense pass: 1900-01-01, and today wherever on Earth it is
// already today (UTC+14).
func TestUserDataDatesOfBirthInRange(t *testing.T) {
	latest := time.Now().UTC().Add(14 * time.Hour).Format(time.DateOnly)
	for _, date := range []string{"1900-01-01", "1995-08-17", latest} {
		d := person()
		d.DateOfBirth = date
		assert.NoError(t, checkUserData("sender", AlphaPoNaturalPerson, d, false), date)
	}
}
