package cryptopay_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"
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
	errNotYet                                 error
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
