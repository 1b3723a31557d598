package cryptopaytest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// TestFixturesMatchTestdata keeps cryptopaytest.Fixture, which users' mocks
// answer with, byte for byte what cryptopay's wire tests decode
// (../testdata).
func TestFixturesMatchTestdata(t *testing.T) {
	names := cryptopaytest.FixtureNames()
	require.NotEmpty(t, names)
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join("..", "testdata", filepath.FromSlash(name)))
		if assert.NoError(t, err, name) {
			assert.Equal(t, string(want), string(cryptopaytest.Fixture(name)), name)
		}
	}
}
