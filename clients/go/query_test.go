package graphrpc_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

func TestRunWithParametersAndScanStruct(t *testing.T) {
	c := dial(t, "reader")
	res, err := c.Run(ctxFor(t, 30*time.Second),
		"MATCH (m:Movie {title: $title}) RETURN m.title AS title, m.released AS released, [1, 2] AS nums",
		graphrpc.Params{"title": "The Crimson Mountain"})
	if err != nil {
		t.Fatal(err)
	}
	row, err := res.Single()
	if err != nil {
		t.Fatal(err)
	}
	if got := row.Get("title"); got != "The Crimson Mountain" {
		t.Fatalf("title = %#v", got)
	}
	var movie struct {
		Title    string `graphrpc:"title"`
		Released int
		Nums     []int32 `graphrpc:"nums"`
	}
	if err := row.ScanStruct(&movie); err != nil {
		t.Fatal(err)
	}
	if movie.Title != "The Crimson Mountain" || movie.Released < 1900 || len(movie.Nums) != 2 || movie.Nums[1] != 2 {
		t.Fatalf("scanned %+v", movie)
	}
	var wrong struct {
		Title int `graphrpc:"title"`
	}
	if err := row.ScanStruct(&wrong); err == nil {
		t.Fatal("a string column scanned into an int field")
	}
}

func TestGraphValuesFromTheDemoGraph(t *testing.T) {
	c := dial(t, "reader")
	res, err := c.Run(ctxFor(t, 30*time.Second),
		"MATCH p = (a:Person)-[r:ACTED_IN]->(m:Movie) RETURN a, r, m, p LIMIT 1", nil)
	if err != nil {
		t.Fatal(err)
	}
	row, err := res.Single()
	if err != nil {
		t.Fatal(err)
	}
	a, r, m, p := row.Get("a").(graphrpc.Node), row.Get("r").(graphrpc.Relationship), row.Get("m").(graphrpc.Node), row.Get("p").(graphrpc.Path)
	if a.Labels[0] != "Person" || a.Props["name"] == nil || m.Labels[0] != "Movie" {
		t.Fatalf("nodes: %+v %+v", a, m)
	}
	if r.Type != "ACTED_IN" || r.StartID != a.ID || r.EndID != m.ID || r.ElementID == "" {
		t.Fatalf("relationship %+v between %d and %d", r, a.ID, m.ID)
	}
	if len(p.Nodes) != 2 || len(p.Relationships) != 1 || p.Nodes[0].ID != a.ID || p.Relationships[0].ID != r.ID {
		t.Fatalf("path %+v", p)
	}
}

func TestNamedQuery(t *testing.T) {
	c := dial(t, "reader")
	res, err := c.RunNamed(ctxFor(t, 30*time.Second), "movies.by_title", graphrpc.Params{"title": "The Crimson Mountain"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0].Get("genre") == nil {
		t.Fatalf("rows %+v", res.Rows)
	}
	queries, err := c.ListNamedQueries(ctxFor(t, 30*time.Second))
	if err != nil || len(queries) == 0 || queries[0].GetName() != "movies.by_title" {
		t.Fatalf("ListNamedQueries: %v, %v", queries, err)
	}
	_, err = c.RunNamed(ctxFor(t, 30*time.Second), "movies.no_such_query", nil)
	assertCode(t, err, codes.NotFound)
	_, err = c.RunNamed(ctxFor(t, 30*time.Second), "movies.by_title", graphrpc.Params{"title": 7})
	assertCode(t, err, codes.InvalidArgument)
}

func TestErrorsCarryCodeReasonAndNeo4jCode(t *testing.T) {
	c := dial(t, "writer")
	_, err := c.Run(ctxFor(t, 30*time.Second), "RETURN 1 +", nil)
	e := assertCode(t, err, codes.InvalidArgument)
	if e.Reason != "NEO4J_CLIENT_ERROR" || e.ReasonCode() != pb.ErrorReason_NEO4J_CLIENT_ERROR || e.Neo4jCode == "" || e.Domain != "graphrpc.dev/neo4j" {
		t.Fatalf("syntax error: reason %q neo4j_code %q domain %q", e.Reason, e.Neo4jCode, e.Domain)
	}
	_, err = dial(t, "reader").Run(ctxFor(t, 30*time.Second), "CREATE (:GoClientProbe)", nil)
	assertCode(t, err, codes.PermissionDenied)
	// A parameter the client cannot encode fails before anything is sent, naming its path.
	_, err = c.Run(ctxFor(t, 30*time.Second), "RETURN $x", graphrpc.Params{"x": []any{1, make(chan int)}})
	if e := assertCode(t, err, codes.InvalidArgument); e.Message == "" || !contains(e.Message, "params.x[1]") {
		t.Fatalf("message %q does not name params.x[1]", e.Message)
	}
}

func TestDeadline(t *testing.T) {
	c := dial(t, "reader")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	// A few seconds of database work: the database goes on with it after the call is cut
	// (it cannot stop a running aggregation), so the work must stay small.
	_, err := c.Run(ctx, "UNWIND range(1, 3000000) AS i WITH i WHERE i < 0 RETURN count(i) AS n", nil)
	assertCode(t, err, codes.DeadlineExceeded)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("errors.Is(%v, context.DeadlineExceeded) is false", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("a 300 ms deadline took %s", took)
	}
}

func TestMissingToken(t *testing.T) {
	c, err := graphrpc.Dial(env(t, "GRAPHRPC_TEST_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Run(ctxFor(t, 30*time.Second), "RETURN 1", nil)
	assertCode(t, err, codes.Unauthenticated)
	_, err = dial(t, "reader", graphrpc.WithToken("not-a-token")).Run(ctxFor(t, 30*time.Second), "RETURN 1", nil)
	assertCode(t, err, codes.Unauthenticated)
}

func assertCode(t *testing.T, err error, want codes.Code) *graphrpc.Error {
	t.Helper()
	var e *graphrpc.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a *graphrpc.Error with %s, got %v", want, err)
	}
	if e.Code != want {
		t.Fatalf("want %s, got %s: %s", want, e.Code, e.Message)
	}
	return e
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
