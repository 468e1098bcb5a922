// The examples of docs/clients/go.md, each in a function; the suite runs this program and
// checks that every Go block of the page appears here word for word.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

func main() {
	ctx := context.Background()
	c := connect()
	defer c.Close()
	for _, step := range []func(context.Context, *graphrpc.Client) error{run, scan, stream, transaction, managed, batch, named, failures} {
		if err := step(ctx, c); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := connectTLS(); err != nil {
		log.Fatal(err)
	}
}

func connect() *graphrpc.Client {
	c, err := graphrpc.Dial(os.Getenv("GRAPHRPC_ENDPOINT"), // e.g. http://127.0.0.1:50051
		graphrpc.WithToken(os.Getenv("GRAPHRPC_TOKEN")),
		graphrpc.WithDefaultTimeout(10*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func connectTLS() (*graphrpc.Client, error) {
	roots := x509.NewCertPool() // add your CA with roots.AppendCertsFromPEM(pem)
	return graphrpc.Dial("graphrpc.internal:50051",
		graphrpc.WithToken(os.Getenv("GRAPHRPC_TOKEN")),
		graphrpc.WithTLS(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}))
}

func run(ctx context.Context, c *graphrpc.Client) error {
	res, err := c.Run(ctx, "MATCH (p:Person)-[:ACTED_IN]->(m:Movie {title: $title}) RETURN p.name AS name, p.born AS born ORDER BY name",
		graphrpc.Params{"title": "The Crimson Mountain"}, graphrpc.ReadOnly())
	if err != nil {
		return err
	}
	for _, row := range res.Rows {
		fmt.Println(row.Get("name"), row.Get("born")) // string, int64
	}
	return nil
}

func scan(ctx context.Context, c *graphrpc.Client) error {
	type Movie struct {
		Title    string `graphrpc:"title"`
		Released int    `graphrpc:"released"`
		Genre    string `graphrpc:"genre"`
	}
	res, err := c.RunNamed(ctx, "movies.by_title", graphrpc.Params{"title": "The Crimson Mountain"})
	if err != nil {
		return err
	}
	var m Movie
	if err := res.Rows[0].ScanStruct(&m); err != nil {
		return err
	}
	fmt.Printf("%+v\n", m)
	return nil
}

func stream(ctx context.Context, c *graphrpc.Client) error {
	rows, err := c.RunStream(ctx, "UNWIND range(1, 1000000) AS i RETURN i", nil)
	if err != nil {
		return err
	}
	var sum int64
	for row, err := range rows.All() {
		if err != nil {
			return err
		}
		sum += row.Get("i").(int64)
		if sum > 1000 {
			break // stops the query on the server too
		}
	}
	fmt.Println("sum", sum)
	return nil
}

func transaction(ctx context.Context, c *graphrpc.Client) error {
	tx, err := c.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() // does nothing after Commit
	if _, err := tx.Run("CREATE (:DocsAccount {id: $id, balance: 0})", graphrpc.Params{"id": "docs"}); err != nil {
		return err
	}
	return tx.Commit()
}

func managed(ctx context.Context, c *graphrpc.Client) error {
	var balance int64
	err := c.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error {
		res, err := tx.Run("MATCH (a:DocsAccount {id: $id}) SET a.balance = a.balance + $amount RETURN a.balance AS balance",
			graphrpc.Params{"id": "docs", "amount": 25})
		if err != nil {
			return err
		}
		balance = res.Rows[0].Get("balance").(int64)
		return nil
	})
	fmt.Println("balance", balance > 0, err)
	return err
}

func batch(ctx context.Context, c *graphrpc.Client) error {
	res, err := c.RunBatch(ctx, []graphrpc.Statement{
		{Cypher: "CREATE (:DocsTag {name: $name})", Params: graphrpc.Params{"name": "docs"}},
		{Cypher: "MATCH (t:DocsTag {name: $name}) RETURN count(t) AS n", Params: graphrpc.Params{"name": "docs"}},
	})
	if err != nil {
		return err
	}
	fmt.Println("tags:", res.Results[1].Rows[0].Get("n").(int64) > 0)
	return nil
}

func named(ctx context.Context, c *graphrpc.Client) error {
	s := c.NewSession() // each call sees the writes of the session's earlier ones
	if err := s.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error {
		_, err := tx.Run("MATCH (a:DocsAccount {id: 'docs'}) SET a.checked = true", nil)
		return err
	}); err != nil {
		return err
	}
	res, err := s.RunNamed(ctx, "genres.movie_counts", nil)
	if err != nil {
		return err
	}
	fmt.Println(len(res.Rows) > 0, len(s.Bookmarks()))
	return nil
}

func failures(ctx context.Context, c *graphrpc.Client) error {
	_, err := c.Run(ctx, "MATCH (n) RETURN n LIMIT", nil)
	var e *graphrpc.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Reason, e.Neo4jCode) // InvalidArgument NEO4J_CLIENT_ERROR Neo.ClientError.Statement.SyntaxError
		if e.Code == codes.InvalidArgument {
			return nil
		}
	}
	return fmt.Errorf("want a syntax error, got %v", err)
}
