// The scenario every graphrpc client runs: a parameterized query, a 100 000-row stream, a
// transaction committed and one rolled back, a batch failing at statement 3, a named query,
// a deadline and a call without a token. Run with GRAPHRPC_ENDPOINT and GRAPHRPC_TOKEN set.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/grpc/status"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

func main() {
	ctx, endpoint := context.Background(), os.Getenv("GRAPHRPC_ENDPOINT")
	c := must(graphrpc.Dial(endpoint, graphrpc.WithToken(os.Getenv("GRAPHRPC_TOKEN"))))
	res := must(c.Run(ctx, "MATCH (m:Movie {title: $title}) RETURN m.released AS year", graphrpc.Params{"title": "The Crimson Mountain"}))
	fmt.Println("released in", res.Rows[0].Get("year"))
	n := 0
	for _, err := range must(c.RunStream(ctx, "UNWIND range(1, 100000) AS i RETURN i", nil)).All() {
		must(0, err)
		n++
	}
	fmt.Println("streamed", n, "rows")
	must(0, c.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error {
		_, err := tx.Run("CREATE (:Scenario {at: $at})", graphrpc.Params{"at": time.Now()})
		return err
	}))
	tx := must(c.BeginTx(ctx))
	must(tx.Run("MATCH (s:Scenario) DETACH DELETE s", nil))
	must(0, tx.Rollback())
	_, err := c.RunBatch(ctx, []graphrpc.Statement{{Cypher: "CREATE (:Scenario)"}, {Cypher: "CREATE (:Scenario)"}, {Cypher: "RETURN 1 / 0"}})
	if e := (*graphrpc.Error)(nil); errors.As(err, &e) {
		fmt.Println("batch failed at statement", e.StatementIndex+1, "with", e.Code)
	}
	named := must(c.RunNamed(ctx, "movies.by_title", graphrpc.Params{"title": "The Crimson Mountain"}))
	fmt.Println("genre:", named.Rows[0].Get("genre"))
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = c.Run(short, "UNWIND range(1, 3000000) AS i WITH i WHERE i < 0 RETURN count(i)", nil)
	fmt.Println("deadline exceeded:", errors.Is(err, context.DeadlineExceeded))
	_, err = must(graphrpc.Dial(endpoint)).Run(ctx, "RETURN 1", nil)
	fmt.Println("without a token:", status.Code(err))
}

// must stops the program on an error, so that the scenario reads top to bottom.
func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
