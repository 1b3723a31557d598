package cryptopay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAccountID   = "apr-e729d9982f079fa86b10a0e3aa6ff37b"
	testTransferKey = "82ookirnTwWNXXqFwdOQMVZIamt8s1uT"
	testAlphaKey    = "ap-public-key"
	testAlphaSecret = "AbCdEfG123456"
)

const apironeAccountURL = ApironeBaseURL + "/v2/accounts/" + testAccountID

// sent is one request as the server saw it.
type sent struct {
	Method   string
	Path     string // escaped path
	RawQuery string
	Header   http.Header
	Body     string
}

// wire is a mocked HTTP transport that records every request.
type wire struct {
	t     *testing.T
	mock  *httpmock.MockTransport
	mu    sync.Mutex
	reqs  []sent
	waits []time.Duration // the retry waits asked for; none is slept
}

func newWire(t *testing.T) *wire {
	t.Helper()
	w := &wire{t: t, mock: httpmock.NewMockTransport()}
	w.mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		w.record(r)
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		return httpmock.NewStringResponse(599, "unexpected"), nil
	})
	return w
}

func (w *wire) httpClient() *http.Client { return &http.Client{Transport: w.mock} }

func (w *wire) record(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reqs = append(w.reqs, sent{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: string(body),
	})
}

// respond answers method+url (any query) with status and body.
func (w *wire) respond(method, url string, status int, body string) {
	w.mock.RegisterResponder(method, url, func(r *http.Request) (*http.Response, error) {
		w.record(r)
		return newJSONResponse(status, body), nil
	})
}

// only returns the one request sent, failing the test otherwise.
func (w *wire) only() sent {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	require.Len(w.t, w.reqs, 1, "requests sent")
	return w.reqs[0]
}

func (w *wire) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.reqs)
}

// sleep records a retry wait instead of sleeping it.
func (w *wire) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, d)
	return ctx.Err()
}

func (w *wire) waited() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// apirone returns a client whose requests go to w.
func (w *wire) apirone() *Client {
	w.t.Helper()
	c, err := NewClient(WithHTTPClient(w.httpClient()))
	require.NoError(w.t, err)
	c.sleep = w.sleep
	return c
}

func (w *wire) account() *Account {
	return w.apirone().Account(testAccountID, testTransferKey)
}

func (w *wire) alphapo() *AlphaPoClient {
	w.t.Helper()
	c, err := NewAlphaPoClient(testAlphaKey, testAlphaSecret, WithHTTPClient(w.httpClient()))
	require.NoError(w.t, err)
	c.sleep = w.sleep
	return c
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// ts parses an Apirone timestamp for expected values.
func ts(t *testing.T, s string) Time {
	t.Helper()
	v, err := time.Parse("2006-01-02T15:04:05.999999", s)
	require.NoError(t, err)
	return Time{v}
}

func newJSONResponse(status int, body string) *http.Response {
	resp := httpmock.NewStringResponse(status, body)
	resp.Header.Set("Content-Type", "application/json")
	return resp
}

// pages serves a list of total items at url in pages, as Apirone does: the
// items under listKey and a pagination object, honouring offset and limit.
func (w *wire) pages(url, listKey string, total int, item func(i int) string) {
	w.mock.RegisterResponder(http.MethodGet, url, func(r *http.Request) (*http.Response, error) {
		w.record(r)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var items []string
		for i := offset; i < total && i < offset+limit; i++ {
			items = append(items, item(i))
		}
		return newJSONResponse(200, fmt.Sprintf(`{"account":%q,%q:[%s],"pagination":{"total":%d,"offset":%d,"limit":%d}}`,
			testAccountID, listKey, strings.Join(items, ","), total, offset, limit)), nil
	})
}

// dec and decp are MustDecimal for expected values.
func dec(s string) Decimal { return MustDecimal(s) }

func decp(s string) *Decimal { d := MustDecimal(s); return &d }

// checkCoversEndpoints checks a wire table's row names ("Type.Method",
// optionally followed by a space and more) against the endpoint methods of
// types: the methods that take a context, as every call to the server
// does. Each such method needs a row, and each row must name one.
func checkCoversEndpoints(t *testing.T, rowNames []string, types ...reflect.Type) {
	t.Helper()
	endpoints := map[string]bool{} // "Type.Method" -> has a row
	ctxType := reflect.TypeFor[context.Context]()
	for _, typ := range types {
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			if m.Type.NumIn() > 1 && m.Type.In(1) == ctxType {
				endpoints[typ.Elem().Name()+"."+m.Name] = false
			}
		}
	}
	require.NotEmpty(t, endpoints)
	for _, row := range rowNames {
		name, _, _ := strings.Cut(row, " ")
		_, ok := endpoints[name]
		assert.True(t, ok, "row %q names no endpoint method", row)
		endpoints[name] = true
	}
	for name, covered := range endpoints {
		assert.True(t, covered, "%s has no row", name)
	}
}
