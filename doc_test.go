package cryptopay

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOneReceiverNamePerType checks what go doc shows of every exported type
// of this package and of cryptopaytest: its methods, including those
// promoted from an embedded type, all have one receiver name, so that the
// type's page reads as written by one hand.
func TestOneReceiverNamePerType(t *testing.T) {
	for _, dir := range []string{".", "cryptopaytest"} {
		for typ, names := range receiverNames(t, dir) {
			if len(names) > 1 {
				t.Errorf("%s: type %s has methods with receiver names %v; want one", dir, typ, names)
			}
		}
	}
}

// receiverNames returns, for each exported type of the package in dir, the
// receiver names of the methods go doc lists for it.
func receiverNames(t *testing.T, dir string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "example.com/"+dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for _, typ := range p.Types {
		for _, m := range typ.Methods {
			for _, n := range m.Decl.Recv.List[0].Names {
				if !slices.Contains(names[typ.Name], n.Name) {
					names[typ.Name] = append(names[typ.Name], n.Name)
				}
			}
		}
	}
	return names
}
