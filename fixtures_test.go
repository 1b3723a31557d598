package cryptopay_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// TestFixturesMatchTestdata keeps cryptopaytest.Fixture, which users' mocks
// answer with, byte for byte what this package's wire tests decode.
func TestFixturesMatchTestdata(t *testing.T) {
	names := cryptopaytest.FixtureNames()
	require.NotEmpty(t, names)
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
		if assert.NoError(t, err, name) {
			assert.Equal(t, string(want), string(cryptopaytest.Fixture(name)), name)
		}
	}
}
