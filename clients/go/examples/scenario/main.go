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

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

func main() {
	ctx, endpoint := context.Background(), os.Getenv("GRAPHRPC_ENDPOINT")
	c, err := graphrpc.Dial(endpoint, graphrpc.WithToken(os.Getenv("GRAPHRPC_TOKEN")))
	check(err)
	res, err := c.Run(ctx, "MATCH (m:Movie {title: $title}) RETURN m.released AS year", graphrpc.Params{"title": "The Crimson Mountain"})
	check(err)
	fmt.Println("released in", res.Rows[0].Get("year"))
	stream, err := c.RunStream(ctx, "UNWIND range(1, 100000) AS i RETURN i", nil)
	check(err)
	n := 0
	for _, err := range stream.All() {
		check(err)
		n++
	}
	fmt.Println("streamed", n, "rows")
	check(c.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error {
		_, err := tx.Run("CREATE (:Scenario {at: $at})", graphrpc.Params{"at": time.Now()})
		return err
	}))
	tx, err := c.BeginTx(ctx)
	check(err)
	_, err = tx.Run("MATCH (s:Scenario) DETACH DELETE s", nil)
	check(err)
	check(tx.Rollback())
	_, err = c.RunBatch(ctx, []graphrpc.Statement{{Cypher: "CREATE (:Scenario)"}, {Cypher: "CREATE (:Scenario)"}, {Cypher: "RETURN 1 / 0"}})
	var e *graphrpc.Error
	if errors.As(err, &e) {
		fmt.Println("batch failed at statement", e.StatementIndex+1, "with", e.Code)
	}
	named, err := c.RunNamed(ctx, "movies.by_title", graphrpc.Params{"title": "The Crimson Mountain"})
	check(err)
	fmt.Println("genre:", named.Rows[0].Get("genre"))
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = c.Run(short, "UNWIND range(1, 3000000) AS i WITH i WHERE i < 0 RETURN count(i)", nil)
	fmt.Println("deadline exceeded:", errors.Is(err, context.DeadlineExceeded))
	anonymous, err := graphrpc.Dial(endpoint)
	check(err)
	_, err = anonymous.Run(ctx, "RETURN 1", nil)
	if errors.As(err, &e) {
		fmt.Println("without a token:", e.Code)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
