package cryptopay_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
)

// TestREADMECompiles type-checks every ```go block of README.md, so a
// snippet that no longer matches the API fails the tests. A block that
// starts with "package" is a program of its own; a block of top-level
// declarations is a file; any other block is the body of a function
// returning error. All but the programs share one package with
// readmePreamble, which declares the variables the snippets use (ctx, c,
// acct, ap, ...). Imports are added for the package names a block uses.
// The only error ignored is "declared and not used": snippets show a
// result without always using it.
func TestREADMECompiles(t *testing.T) {
	src, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(src)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go blocks")
	}

	fset := token.NewFileSet()
	shared := []*ast.File{mustParse(t, fset, "preamble.go", readmePreamble)}
	var programs [][]*ast.File
	for _, b := range blocks {
		name := fmt.Sprintf("README.md:%d", b.line)
		switch {
		case strings.HasPrefix(strings.TrimSpace(b.text), "package "):
			f, err := parser.ParseFile(fset, name, fmt.Sprintf("//line README.md:%d\n", b.line+1)+b.text, 0)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			programs = append(programs, []*ast.File{f})
		case isDecls(b.text):
			shared = append(shared, withImports(t, fset, name, "", b.text, ""))
		default:
			// The function's first line is the line of the opening ```.
			fn := fmt.Sprintf("func readmeLine%d() error {", b.line)
			shared = append(shared, withImports(t, fset, name, fn, b.text, "return nil\n}\n"))
		}
	}
	if t.Failed() {
		return
	}

	imp := exportImporter(t, fset, append(programs, shared))
	check := func(pkg string, files []*ast.File) {
		conf := types.Config{Importer: imp, Error: func(err error) {
			if te, ok := err.(types.Error); ok && strings.Contains(te.Msg, "declared and not used") {
				return
			}
			t.Errorf("%v", err)
		}}
		conf.Check(pkg, fset, files, nil)
	}
	check("readme", shared)
	for _, p := range programs {
		check(p[0].Name.Name, p)
	}
}

// readmePreamble declares what the README's snippets take as given.
const readmePreamble = `package readme

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/cryptopay-go/cryptopay"
)

var (
	ctx                                       context.Context
	c                                         *cryptopay.Client
	acct                                      *cryptopay.Account
	ap                                        *cryptopay.AlphaPoClient
	accountID, transferKey, apiKey, apiSecret string
	callbackSecret                            string
	db                                        *sql.DB
	yourCallbackHandler                       http.Handler
)
`

// readmeImports are the packages a snippet may use without importing them.
var readmeImports = map[string]string{
	"context":       "context",
	"errors":        "errors",
	"fmt":           "fmt",
	"http":          "net/http",
	"httptest":      "net/http/httptest",
	"log":           "log",
	"slog":          "log/slog",
	"sql":           "database/sql",
	"testing":       "testing",
	"time":          "time",
	"cryptopay":     "github.com/cryptopay-go/cryptopay",
	"checkout":      "github.com/cryptopay-go/cryptopay/checkout",
	"cryptopaytest": "github.com/cryptopay-go/cryptopay/cryptopaytest",
	"settle":        "github.com/cryptopay-go/cryptopay/settle",
	"httpmock":      "github.com/jarcoal/httpmock",
}

type goBlock struct {
	line int // line of the opening ```go in README.md
	text string
}

// goBlocks returns the ```go blocks of a Markdown text.
func goBlocks(md []byte) []goBlock {
	var blocks []goBlock
	var cur *goBlock
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &goBlock{line: n}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return blocks
}

// isDecls reports whether text is a list of top-level declarations.
func isDecls(text string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, 0)
	return err == nil
}

// withImports parses head+text+tail as a file of package readme whose
// import declaration lists the packages of readmeImports that text names
// and does not declare. Positions point into README.md: the file's line
// of head is the line of the block's opening ```.
func withImports(t *testing.T, fset *token.FileSet, name, head, text, tail string) *ast.File {
	t.Helper()
	// A first parse, without imports, finds the package names used.
	body := head + "\n" + text + tail
	f, err := parser.ParseFile(token.NewFileSet(), name, "package readme;"+body, 0)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && readmeImports[id.Name] != "" {
				used[readmeImports[id.Name]] = true
			}
		}
		return true
	})
	var imports []string
	for p := range used {
		imports = append(imports, strconv.Quote(p))
	}
	sort.Strings(imports)
	// Everything before body sits on the line of the opening ```, so
	// errors name README.md's lines. //line directives set that.
	var line int
	fmt.Sscanf(name[strings.LastIndex(name, ":")+1:], "%d", &line)
	src := "package readme; import (" + strings.Join(imports, ";") + ")\n" +
		fmt.Sprintf("//line README.md:%d\n", line) + body
	f, err = parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Errorf("%s: %v", name, err)
	}
	return f
}

func mustParse(t *testing.T, fset *token.FileSet, name, src string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// exportImporter returns an importer that reads the compiler's export data
// of the packages the files import, which go list builds (from the build
// cache when it can).
func exportImporter(t *testing.T, fset *token.FileSet, pkgs [][]*ast.File) types.Importer {
	t.Helper()
	paths := map[string]bool{}
	for _, files := range pkgs {
		for _, f := range files {
			if f == nil {
				continue
			}
			for _, s := range f.Imports {
				p, _ := strconv.Unquote(s.Path.Value)
				paths[p] = true
			}
		}
	}
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}
	for p := range paths {
		args = append(args, p)
	}
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if p, file, ok := strings.Cut(l, "\t"); ok && file != "" {
			exports[p] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(p string) (io.ReadCloser, error) {
		file, ok := exports[path.Clean(p)]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", p)
		}
		return os.Open(file)
	})
}

// TestREADMEAlphaPoHandlerCreditsTheCustomer: the customer the README's
// AlphaPo handler credits (the third argument of its creditOnce call, a
// field path on cb) is the same for a deposit cryptopaytest delivers as
// for AlphaPo's documented deposit callback
// (testdata/alphapo/callbacks/deposit.json): the foreign_id the address
// was taken with. A handler written from the README works against the
// provider as it does against the fake.
func TestREADMEAlphaPoHandlerCreditsTheCustomer(t *testing.T) {
	customer := readmeAlphaPoCustomer(t)
	require.Equal(t, []string{"CryptoAddress", "ForeignID"}, customer, "the README reads the customer here")

	documented, err := os.ReadFile("testdata/alphapo/callbacks/deposit.json")
	require.NoError(t, err)
	srv := cryptopaytest.NewServer()
	defer srv.Close()
	key, secret := srv.AlphaPoCredentials()
	v, err := cryptopay.NewAlphaPoCallbackVerifier(key, secret)
	require.NoError(t, err)
	fromDocs, err := v.ParseRequest(cryptopaytest.NewAlphaPoCallbackRequest("/alphapo", key, secret, documented))
	require.NoError(t, err)
	const docsCustomer = "user-id:2048" // crypto_address.foreign_id of the documented body

	got := make(chan *cryptopay.AlphaPoTransaction, 1)
	shop := httptest.NewServer(v.Handler(func(_ context.Context, cb *cryptopay.AlphaPoTransaction) error {
		got <- cb
		return nil
	}))
	defer shop.Close()
	ctx := context.Background()
	taken, err := srv.AlphaPoClient().TakeAddress(ctx, &cryptopay.TakeAddressParams{Currency: "BTC", ForeignID: docsCustomer, EndUserReference: "12345"})
	require.NoError(t, err)
	_, err = srv.AlphaPoDeposit(ctx, cryptopaytest.AlphaPoDepositParams{
		Address: taken.Address, Amount: cryptopay.MustDecimal("0.01"), Confirmations: 1, CallbackURL: shop.URL,
	})
	require.NoError(t, err)
	fromFake := <-got

	for name, cb := range map[string]*cryptopay.AlphaPoTransaction{"documented": fromDocs, "fake": fromFake} {
		assert.Equal(t, cryptopay.AlphaPoStatusConfirmed, cb.Status, name)
		assert.Equal(t, docsCustomer, fieldPath(t, cb, customer), "%s deposit: the customer the README credits", name)
	}
	// Code that read the top-level foreign_id (as the examples once did)
	// gets what the provider sends there for a deposit: nothing, from the
	// fake too, so that its tests fail as production would.
	assert.Empty(t, fromDocs.ForeignID)
	assert.Empty(t, fromFake.ForeignID)
}

// readmeAlphaPoCustomer returns the field path of cb that the README's
// AlphaPo handler passes to creditOnce as the customer.
func readmeAlphaPoCustomer(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, b := range goBlocks(src) {
		if !strings.Contains(b.text, "NewAlphaPoCallbackVerifier") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+b.text+"\n}", 0)
		require.NoError(t, err)
		var path []string
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && isCall(call, "creditOnce") && len(call.Args) == 4 {
				path = selectors(call.Args[2])
			}
			return path == nil
		})
		require.NotNil(t, path, "README.md:%d: no creditOnce(ctx, key, customer, amount) in the AlphaPo handler", b.line)
		return path[1:] // after "cb"
	}
	t.Fatal("README.md has no AlphaPo handler")
	return nil
}

func isCall(call *ast.CallExpr, name string) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == name
}

// selectors returns the names of a selector chain: cb.A.B is [cb A B].
func selectors(e ast.Expr) []string {
	switch e := e.(type) {
	case *ast.Ident:
		return []string{e.Name}
	case *ast.SelectorExpr:
		if head := selectors(e.X); head != nil {
			return append(head, e.Sel.Name)
		}
	}
	return nil
}

// fieldPath follows the field names path from v, through pointers, and
// returns the string it ends at ("" past a nil pointer).
func fieldPath(t *testing.T, v any, path []string) string {
	t.Helper()
	rv := reflect.ValueOf(v)
	for _, name := range path {
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return ""
			}
			rv = rv.Elem()
		}
		rv = rv.FieldByName(name)
		require.True(t, rv.IsValid(), "no field %s", name)
	}
	return rv.String()
}
