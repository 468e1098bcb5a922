package graphrpc_test

// Runs the shared conformance vectors (clients/conformance/, GRAPHRPC_TEST_CONFORMANCE)
// through the client's normal calls and native Go values.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

func loadVectors(t *testing.T, file string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env(t, "GRAPHRPC_TEST_CONFORMANCE"), file))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc struct {
		Format  json.Number      `json:"format"`
		Vectors []map[string]any `json:"vectors"`
	}
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "1" || len(doc.Vectors) == 0 {
		t.Fatalf("%s: format %s with %d vectors; this runner reads format 1", file, doc.Format, len(doc.Vectors))
	}
	return doc.Vectors
}

func nativeParams(t *testing.T, raw any) graphrpc.Params {
	t.Helper()
	params := graphrpc.Params{}
	m, _ := raw.(map[string]any)
	for k, c := range m {
		v, err := fromCanonical(c)
		if err != nil {
			t.Fatalf("params.%s: %v", k, err)
		}
		params[k] = v
	}
	return params
}

func TestConformanceValues(t *testing.T) {
	c := dial(t, "writer")
	for _, v := range loadVectors(t, "values.json") {
		t.Run(v["name"].(string), func(t *testing.T) {
			res, err := c.Run(ctxFor(t, 30*time.Second), v["cypher"].(string), nativeParams(t, v["params"]))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 1 {
				t.Fatalf("%d rows", len(res.Rows))
			}
			assertCanonical(t, res.Rows[0].Get("v"), v["expect"])
		})
	}
}

func assertCanonical(t *testing.T, native, expect any) {
	t.Helper()
	got, err := toCanonical(native)
	if err != nil {
		t.Fatal(err)
	}
	if !canonicalEqual(got, expect) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(expect)
		t.Fatalf("got  %s (%T)\nwant %s", g, native, w)
	}
}

// withUnique gives the vector's {unique} a fresh label, so suites can share a database.
func withUnique(t *testing.T, v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	b = bytes.ReplaceAll(b, []byte("{unique}"), []byte("Conformance_"+hex.EncodeToString(suffix)))
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConformanceErrors(t *testing.T) {
	writer := dial(t, "writer")
	// Setup may hold schema commands, which need the admin role.
	admin := dial(t, "admin")
	// The timeout vectors leave their statements running in the database for a while.
	t.Cleanup(waitForIdleDatabase)
	for _, raw := range loadVectors(t, "errors.json") {
		v := withUnique(t, raw)
		t.Run(v["name"].(string), func(t *testing.T) {
			for _, s := range asList(v["setup"]) {
				if _, err := admin.Run(ctxFor(t, 30*time.Second), s.(string), nil); err != nil {
					t.Fatalf("setup %q: %v", s, err)
				}
			}
			err := callVector(t, v)
			checkExpectedError(t, err, v["expect"].(map[string]any))
			if after, ok := v["after"].(map[string]any); ok {
				res, err := writer.Run(ctxFor(t, 30*time.Second), after["cypher"].(string), nil)
				if err != nil {
					t.Fatalf("after: %v", err)
				}
				assertCanonical(t, res.Rows[0].Values[0], after["expect"])
			}
		})
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func callVector(t *testing.T, v map[string]any) error {
	var opts []graphrpc.Option
	switch token := v["token"].(type) {
	case nil:
	case string:
		if token == "writer" || token == "reader" {
			token = env(t, "GRAPHRPC_TEST_TOKEN_"+strings.ToUpper(token))
		}
		opts = append(opts, graphrpc.WithToken(token))
	}
	c, err := graphrpc.Dial(env(t, "GRAPHRPC_TEST_ENDPOINT"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := ctxFor(t, 60*time.Second)
	if ms, ok := v["deadline_ms"].(json.Number); ok {
		n, _ := ms.Int64()
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(n)*time.Millisecond)
		defer cancel()
	}
	req := v["request"].(map[string]any)
	var run []graphrpc.RunOption
	if n, ok := req["max_rows"].(json.Number); ok {
		m, _ := n.Int64()
		run = append(run, graphrpc.MaxRows(uint32(m)))
	}
	if n, ok := req["timeout_ms"].(json.Number); ok {
		m, _ := n.Int64()
		run = append(run, graphrpc.Timeout(time.Duration(m)*time.Millisecond))
	}
	switch v["call"] {
	case "run":
		_, err = c.Run(ctx, req["cypher"].(string), nativeParams(t, req["params"]), run...)
	case "run_named":
		_, err = c.RunNamed(ctx, req["name"].(string), nativeParams(t, req["params"]), run...)
	case "run_batch":
		var statements []graphrpc.Statement
		for _, s := range asList(req["statements"]) {
			m := s.(map[string]any)
			statements = append(statements, graphrpc.Statement{Cypher: m["cypher"].(string), Params: nativeParams(t, m["params"])})
		}
		_, err = c.RunBatch(ctx, statements, run...)
	default:
		t.Fatalf("unknown call %v", v["call"])
	}
	return err
}

func checkExpectedError(t *testing.T, err error, expect map[string]any) {
	t.Helper()
	var want codes.Code
	if e := want.UnmarshalJSON([]byte(`"` + expect["code"].(string) + `"`)); e != nil {
		t.Fatal(e)
	}
	e := assertCode(t, err, want)
	if reason, ok := expect["reason"]; ok {
		if r, _ := reason.(string); e.Reason != r {
			t.Errorf("reason %q, want %q", e.Reason, r)
		}
	}
	if domain, ok := expect["domain"].(string); ok && e.Domain != domain {
		t.Errorf("domain %q, want %q", e.Domain, domain)
	}
	if md, ok := expect["metadata"].(map[string]any); ok {
		for k, want := range md {
			if e.Metadata[k] != want {
				t.Errorf("metadata %s = %q, want %q (all: %v)", k, e.Metadata[k], want, e.Metadata)
			}
		}
		if idx, ok := md["statement_index"].(string); ok && idx != "" && idx != strconv.Itoa(e.StatementIndex) {
			t.Errorf("StatementIndex %d, want %s", e.StatementIndex, idx)
		}
	}
	if field, ok := expect["field"].(string); ok {
		found := false
		for _, f := range e.FieldViolations {
			found = found || f.Field == field
		}
		if !found {
			t.Errorf("no field violation for %q: %+v", field, e.FieldViolations)
		}
	}
}
