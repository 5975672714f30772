package sqlcheck_test

import (
	"go/ast"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// queryMethods take the SQL text as their first argument after the context
// (Queue has no context).
var queryMethods = map[string]int{"Exec": 1, "Query": 1, "QueryRow": 1, "Queue": 0, "CopyFrom": -1}

func isPgx(t types.Type) bool {
	s := t.String()
	return strings.Contains(s, "github.com/jackc/pgx/v5") || strings.HasSuffix(s, "internal/store.conn")
}

// forwards reports whether arg is the SQL parameter of fd, a method of the
// same name (Exec forwarding to Exec): a connection wrapper passing its
// caller's SQL on.
func forwards(info *types.Info, fd *ast.FuncDecl, method string, argIdx int, arg ast.Expr) bool {
	id, ok := arg.(*ast.Ident)
	if !ok || fd == nil || fd.Recv == nil || fd.Name.Name != method {
		return false
	}
	i := 0
	for _, field := range fd.Type.Params.List {
		for _, name := range field.Names {
			if i == argIdx {
				return info.Uses[id] != nil && info.Uses[id] == info.Defs[name]
			}
			i++
		}
	}
	return false
}

func TestSQLIsConstantAndOnlyInStore(t *testing.T) {
	t.Parallel()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: "../.."}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	// Types of the store's own that implement its conn interface (a
	// connection wrapper) are checked like pgx's: their callers must pass
	// constant SQL too.
	var conn *types.Interface
	for _, p := range pkgs {
		if strings.HasSuffix(p.PkgPath, "/internal/store") && p.Types != nil {
			if obj := p.Types.Scope().Lookup("conn"); obj != nil {
				conn, _ = obj.Type().Underlying().(*types.Interface)
			}
		}
	}
	if conn == nil {
		t.Fatal("internal/store's conn interface not found")
	}
	isConn := func(t types.Type) bool { return isPgx(t) || types.Implements(t, conn) }
	calls := 0
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("load %s: %v", p.PkgPath, e)
		}
		allowed := strings.HasSuffix(p.PkgPath, "/internal/store")
		for _, f := range p.Syntax {
			for _, decl := range f.Decls {
				fd, _ := decl.(*ast.FuncDecl)
				ast.Inspect(decl, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					argIdx, ok := queryMethods[sel.Sel.Name]
					if !ok {
						return true
					}
					recv := p.TypesInfo.TypeOf(sel.X)
					if recv == nil || !isConn(recv) {
						return true
					}
					pos := p.Fset.Position(call.Pos())
					calls++
					if !allowed {
						t.Errorf("%s: %s on pgx outside internal/store", pos, sel.Sel.Name)
					}
					if argIdx < 0 || argIdx >= len(call.Args) {
						return true
					}
					if forwards(p.TypesInfo, fd, sel.Sel.Name, argIdx, call.Args[argIdx]) {
						return true // a wrapper's method handing on its own caller's SQL, checked at that call
					}
					if tv := p.TypesInfo.Types[call.Args[argIdx]]; tv.Value == nil {
						t.Errorf("%s: SQL passed to %s is not a constant string; build queries from constants and pass values as $n parameters", pos, sel.Sel.Name)
					}
					return true
				})
			}
		}
	}
	if calls < 10 {
		t.Errorf("found only %d pgx query calls: the check is not looking in the right place", calls)
	}
}

// TestLayering keeps the dependency direction of STYLE.md: web packages
// render props and never reach for the store, the flows or the server;
// the store never reaches up into app, server or web.
func TestLayering(t *testing.T) {
	t.Parallel()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedImports, Dir: "../.."}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	const mod = "github.com/procure-app/procure/"
	forbidden := map[string][]string{
		mod + "web/":             {mod + "internal/store", mod + "internal/app", mod + "internal/server"},
		mod + "internal/store":   {mod + "internal/app", mod + "internal/server", mod + "web/"},
		mod + "internal/app":     {mod + "internal/server", mod + "web/"},
		mod + "internal/procure": {mod + "internal/store", mod + "internal/app", mod + "internal/server", mod + "web/"},
	}
	for _, p := range pkgs {
		for prefix, bans := range forbidden {
			if !strings.HasPrefix(p.PkgPath, prefix) {
				continue
			}
			for imp := range p.Imports {
				for _, ban := range bans {
					if strings.HasPrefix(imp, ban) {
						t.Errorf("%s imports %s", p.PkgPath, imp)
					}
				}
			}
		}
	}
}
