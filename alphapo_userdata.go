package cryptopay

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Who sends or receives the funds, for SenderType and ReceiverType
// (docs.cryptoprocessing.com/api-reference/user-data-collection).
const (
	AlphaPoNaturalPerson = "natural" // a person: FirstName, LastName, DateOfBirth
	AlphaPoLegalEntity   = "legal"   // a company: LegalName, CountryOfRegistration
	// AlphaPoSelf is a receiver only: a transfer to the merchant's own
	// address, which takes no ReceiverData.
	AlphaPoSelf = "self"
)

// AlphaPoUserData is the sender's or the receiver's details, which
// CryptoProcessing collects under the EU's MiCA rules with addresses/take,
// invoices/create and withdrawal/crypto. The SenderType or ReceiverType
// beside it says which fields are filled: for AlphaPoNaturalPerson all of
// FirstName, LastName and DateOfBirth, for AlphaPoLegalEntity both
// LegalName and CountryOfRegistration, and none of the other kind's. The
// calls check this before anything is sent, and that the values make
// sense: names not blank and free of control characters, a date of birth
// from 1900-01-01 to today.
//
// API docs: https://docs.cryptoprocessing.com/api-reference/user-data-collection
type AlphaPoUserData struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	// DateOfBirth is written YYYY-MM-DD, e.g. "1995-08-17".
	DateOfBirth string `json:"date_of_birth,omitempty"`
	LegalName   string `json:"legal_name,omitempty"`
	// CountryOfRegistration is the ISO 3166-1 alpha-3 code of the
	// country, e.g. "DEU" (not "DE" or "GER").
	CountryOfRegistration string `json:"country_of_registration,omitempty"`
}

// checkUserData checks a sender or receiver (role "sender" or "receiver"):
// kind and data come together, and data holds what kind needs. kind
// AlphaPoSelf, allowed when self is set, takes no data.
func checkUserData(role, kind string, data *AlphaPoUserData, self bool) error {
	if kind == "" && data == nil {
		return nil // the usual case: no field names built
	}
	typeField, dataField := role+"_type", role+"_data"
	switch {
	case kind == AlphaPoSelf && self:
		if data != nil {
			return invalid(dataField, "must be empty when %s is %q", typeField, AlphaPoSelf)
		}
		return nil
	case kind != AlphaPoNaturalPerson && kind != AlphaPoLegalEntity:
		want := `"natural" or "legal"`
		if self {
			want = `"natural", "legal" or "self"`
		}
		if kind == "" {
			return invalid(typeField, "is required with %s: %s", dataField, want)
		}
		return invalid(typeField, "must be %s, got %.20q", want, kind)
	case data == nil:
		return invalid(dataField, "is required with %s %q", typeField, kind)
	}
	f := func(name string) string { return dataField + "." + name }
	if kind == AlphaPoNaturalPerson {
		return firstError(
			checkName(f("first_name"), data.FirstName),
			checkName(f("last_name"), data.LastName),
			checkDate(f("date_of_birth"), data.DateOfBirth),
			absent(f("legal_name"), data.LegalName, kind),
			absent(f("country_of_registration"), data.CountryOfRegistration, kind),
		)
	}
	return firstError(
		checkName(f("legal_name"), data.LegalName),
		checkCountry(f("country_of_registration"), data.CountryOfRegistration),
		absent(f("first_name"), data.FirstName, kind),
		absent(f("last_name"), data.LastName, kind),
		absent(f("date_of_birth"), data.DateOfBirth, kind),
	)
}

// absent checks that a field of the other kind of person is empty.
func absent(field, value, kind string) error {
	if value != "" {
		return invalid(field, "must be empty for a %q person", kind)
	}
	return nil
}

// checkName checks a required name: UTF-8 text with something besides
// white space, and no control character (no NUL, tab or line break).
func checkName(field, value string) error {
	switch {
	case strings.TrimFunc(value, unicode.IsSpace) == "":
		return invalid(field, "is required")
	case !utf8.ValidString(value):
		return invalid(field, "must be UTF-8 text")
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		return invalid(field, "must not hold a control character (a line break, tab or NUL), got %.40q", value)
	}
	return nil
}

// earliestBirth is the earliest date of birth accepted: no one born before
// it is alive.
var earliestBirth = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)

// latestZone is the offset from UTC of the time zone furthest ahead
// (UTC+14, Kiribati's Line Islands): a date of birth after today there is
// in the future everywhere.
const latestZone = 14 * time.Hour

// checkDate checks a required date of birth written YYYY-MM-DD, from
// earliestBirth to today.
func checkDate(field, value string) error {
	if value == "" {
		return invalid(field, "is required")
	}
	born, err := time.Parse(time.DateOnly, value)
	switch {
	case err != nil:
		return invalid(field, "must be a date written YYYY-MM-DD, got %.20q", value)
	case born.Before(earliestBirth):
		return invalid(field, "must not be before %s, got %s", earliestBirth.Format(time.DateOnly), value)
	case born.After(time.Now().UTC().Add(latestZone)):
		return invalid(field, "must not be in the future, got %s", value)
	}
	return nil
}

// checkCountry checks a required ISO 3166-1 alpha-3 country code.
func checkCountry(field, code string) error {
	switch {
	case code == "":
		return invalid(field, "is required")
	case !isCapitals(code, 3) || !strings.Contains(iso3166Alpha3, code):
		return invalid(field, "must be an ISO 3166-1 alpha-3 country code in capitals such as \"DEU\", got %.20q", code)
	}
	return nil
}

// isCapitals reports whether s is n letters A to Z.
func isCapitals(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// iso3166Alpha3 is every officially assigned ISO 3166-1 alpha-3 code (249),
// as the ISO Online Browsing Platform lists them
// (https://www.iso.org/obp/ui/#search/code/), taken from Debian's iso-codes
// 4.15 (https://salsa.debian.org/iso-codes-team/iso-codes, data/iso_3166-1.json).
// User-assigned codes such as "XKX" are not in it. Three capitals can only
// match one whole entry.
const iso3166Alpha3 = "" +
	"ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN " +
	"BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN " +
	"CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU " +
	"DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR " +
	"GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV " +
	"HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM " +
	"KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA " +
	"MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM " +
	"NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL " +
	"PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE " +
	"SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK " +
	"TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB " +
	"VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE"
