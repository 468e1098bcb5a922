package graphrpc_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every Go block of docs/clients/go.md must be in an example program the suite runs (one
// tab of indentation less), and the install block must be the commands test.sh runs.
func TestDocsExamplesAreTheOnesThatRun(t *testing.T) {
	doc := read(t, "../../docs/clients/go.md")
	// Whole functions appear as they are, function bodies with one tab less.
	var examples strings.Builder
	for _, f := range []string{"examples/docs/main.go", "examples/scenario/main.go"} {
		src := read(t, f)
		examples.WriteString(src)
		for _, line := range strings.Split(src, "\n") {
			examples.WriteString(strings.TrimPrefix(line, "\t") + "\n")
		}
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) < 6 {
		t.Fatalf("found only %d Go blocks in the page", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(examples.String(), b[1]) {
			t.Errorf("this block of docs/clients/go.md is in no example program:\n%s", b[1])
		}
	}
	install := regexp.MustCompile("(?s)## Install.*?```sh\n(.*?)```").FindStringSubmatch(doc)
	script := regexp.MustCompile("(?s)# docs: install\n(.*?)  # docs: end").FindStringSubmatch(read(t, "test.sh"))
	if install == nil || script == nil {
		t.Fatal("the install block or test.sh's docs: install section is missing")
	}
	if dedent(script[1]) != install[1] {
		t.Fatalf("the page's install steps:\n%s\ndiffer from test.sh's:\n%s", install[1], dedent(script[1]))
	}
}

func read(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "  ")
	}
	return strings.Join(lines, "\n")
}
