package cryptopaytest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

func TestFixture(t *testing.T) {
	names := cryptopaytest.FixtureNames()
	assert.Contains(t, names, "apirone/transfer.json")
	assert.Contains(t, names, "alphapo/callbacks/deposit.json")
	for _, name := range names {
		if strings.HasSuffix(name, ".json") {
			assert.True(t, json.Valid(cryptopaytest.Fixture(name)), name)
		}
	}
	assert.Equal(t, "OK", strings.TrimSpace(string(cryptopaytest.Fixture("alphapo/ping.txt"))))
	assert.PanicsWithValue(t, "cryptopaytest: no fixture apirone/nope.json; see FixtureNames", func() {
		cryptopaytest.Fixture("apirone/nope.json")
	})
}
