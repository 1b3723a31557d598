package cryptopay_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cryptopay-go/cryptopay"
)

// The exported API of the SDK's packages is pinned in api/v1.txt, one line
// per exported name with its signature, in the form of Go's own api/*.txt.
// TestExportedAPI fails, naming each difference, whenever the code's surface
// differs from it. After a deliberate change, rewrite the listing with
//
//	go test -run TestExportedAPI . -update-api
//
// and add a line for every change to CHANGELOG.md.
var updateAPI = flag.Bool("update-api", false, "rewrite api/v1.txt from the code")

// apiPackages are the directories, relative to the module root, whose
// exported API is the contract.
var apiPackages = []string{".", "checkout", "cryptopaytest", "settle"}

const apiListing = "api/v1.txt"

const module = "github.com/cryptopay-go/cryptopay"

func TestExportedAPI(t *testing.T) {
	var got []string
	for _, dir := range apiPackages {
		if _, err := os.Stat(dir); err != nil {
			continue // a package not (yet) in the tree
		}
		lines, err := exportedAPI(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		got = append(got, lines...)
	}
	text := strings.Join(got, "\n") + "\n"
	if *updateAPI {
		if err := os.WriteFile(apiListing, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(apiListing)
	if err != nil {
		t.Fatalf("%v (write it with: go test -run TestExportedAPI . -update-api)", err)
	}
	added, removed := diffLines(strings.Split(strings.TrimSuffix(string(want), "\n"), "\n"), got)
	for _, l := range added {
		t.Errorf("not in %s: %s", apiListing, l)
	}
	for _, l := range removed {
		t.Errorf("in %s, gone from the code: %s", apiListing, l)
	}
	if len(added)+len(removed) > 0 {
		t.Log("a deliberate change? go test -run TestExportedAPI . -update-api, and a CHANGELOG.md line for each")
	}
}

// diffLines returns the lines only in got and the lines only in want.
func diffLines(want, got []string) (added, removed []string) {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, l := range list {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	for _, l := range got {
		if !w[l] {
			added = append(added, l)
		}
	}
	for _, l := range want {
		if !g[l] && l != "" {
			removed = append(removed, l)
		}
	}
	return added, removed
}

// exportedAPI type-checks the package in dir (its non-test files) and lists
// its exported names: constants with their values, variables, functions,
// types with their fields, embedded names and methods (those of *T
// included, promoted ones too).
func exportedAPI(dir string) ([]string, error) {
	fset := token.NewFileSet()
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check(bp.ImportPath, fset, files, nil)
	if err != nil {
		return nil, err
	}
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	prefix := "pkg " + pkg.Name() + ", "
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, prefix+fmt.Sprintf(format, args...)) }
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			add("const %s %s = %s", name, types.TypeString(obj.Type(), qual), obj.Val().ExactString())
		case *types.Var:
			add("var %s %s", name, types.TypeString(obj.Type(), qual))
		case *types.Func:
			add("func %s%s", name, strings.TrimPrefix(types.TypeString(obj.Type(), qual), "func"))
		case *types.TypeName:
			lines = append(lines, typeAPI(prefix, obj, qual)...)
		}
	}
	slices.Sort(lines)
	return lines, nil
}

// typeAPI lists a type: its kind or definition, its exported fields and
// embedded names, and its exported methods.
func typeAPI(prefix string, obj *types.TypeName, qual types.Qualifier) []string {
	name := obj.Name()
	if tp := typeParams(obj, qual); tp != "" {
		name += tp
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, prefix+fmt.Sprintf(format, args...)) }
	under := obj.Type().Underlying()
	switch u := under.(type) {
	case *types.Struct:
		add("type %s struct", name)
		for i := range u.NumFields() {
			f := u.Field(i)
			switch {
			case !f.Exported():
			case f.Embedded():
				add("type %s struct, embedded %s", name, types.TypeString(f.Type(), qual))
			default:
				add("type %s struct, %s %s", name, f.Name(), types.TypeString(f.Type(), qual))
			}
		}
	case *types.Interface:
		add("type %s interface { %s }", name, interfaceMethods(u, qual))
	default:
		if obj.IsAlias() {
			add("type %s = %s", name, types.TypeString(obj.Type(), qual))
		} else {
			add("type %s %s", name, types.TypeString(under, qual))
		}
	}
	if _, isInterface := under.(*types.Interface); isInterface {
		return lines
	}
	mset := types.NewMethodSet(types.NewPointer(obj.Type()))
	for i := range mset.Len() {
		sel := mset.At(i)
		m := sel.Obj().(*types.Func)
		if !m.Exported() || (len(sel.Index()) > 1 && !strings.HasPrefix(m.Pkg().Path(), module)) {
			continue // promoted from another module's type: its "embedded" line pins it, whatever Go's version adds
		}
		sig := m.Type().(*types.Signature)
		recv := name
		if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
			recv = "*" + name
		}
		add("method (%s) %s%s", recv, m.Name(), strings.TrimPrefix(types.TypeString(sig, qual), "func"))
	}
	return lines
}

func interfaceMethods(u *types.Interface, qual types.Qualifier) string {
	var parts []string
	for i := range u.NumEmbeddeds() {
		parts = append(parts, types.TypeString(u.EmbeddedType(i), qual))
	}
	for i := range u.NumExplicitMethods() {
		m := u.ExplicitMethod(i)
		parts = append(parts, m.Name()+strings.TrimPrefix(types.TypeString(m.Type(), qual), "func"))
	}
	return strings.Join(parts, "; ")
}

func typeParams(obj *types.TypeName, qual types.Qualifier) string {
	named, ok := obj.Type().(*types.Named)
	if !ok || named.TypeParams().Len() == 0 {
		return ""
	}
	var parts []string
	for i := range named.TypeParams().Len() {
		tp := named.TypeParams().At(i)
		parts = append(parts, tp.Obj().Name()+" "+types.TypeString(tp.Constraint(), qual))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// TestVersionMatchesChangelog: Version is the version of the newest
// CHANGELOG.md section, released or about to be.
func TestVersionMatchesChangelog(t *testing.T) {
	text, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		if heading, ok := strings.CutPrefix(line, "## "); ok {
			version, _, _ := strings.Cut(heading, " ")
			if version != "v"+cryptopay.Version {
				t.Errorf("CHANGELOG.md's newest section is %q; Version is %q", heading, cryptopay.Version)
			}
			return
		}
	}
	t.Error("CHANGELOG.md has no version section (## vX.Y.Z)")
}
