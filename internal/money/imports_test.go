package money_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps money at the bottom of the dependency graph: standard
// library only.
func TestImports(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
			t.Errorf("money imports %q; only the standard library is allowed", imp)
		}
	}
}
