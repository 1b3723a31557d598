package cryptopay

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCallbackInfoNeedsCurrency(t *testing.T) {
	w := newWire(t)
	_, err := w.account().CallbackInfo(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidParams)
	assert.Zero(t, w.count())
}
