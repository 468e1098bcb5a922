package graphrpc_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// tag makes each test's nodes its own.
func tag(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()) }

func count(t *testing.T, c *graphrpc.Client, label, tag string) int64 {
	t.Helper()
	res, err := c.Run(ctxFor(t, 30*time.Second), "MATCH (n:"+label+" {tag: $tag}) RETURN count(n) AS n", graphrpc.Params{"tag": tag})
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0].Get("n").(int64)
}

func TestTransactionCommitAndRollback(t *testing.T) {
	c, id := dial(t, "writer"), tag(t)
	tx, err := c.BeginTx(ctxFor(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Run("CREATE (:GoTx {tag: $tag, n: 1})", graphrpc.Params{"tag": id}); err != nil {
		t.Fatal(err)
	}
	res, err := tx.Run("MATCH (x:GoTx {tag: $tag}) RETURN count(x) AS n", graphrpc.Params{"tag": id})
	if err != nil || res.Rows[0].Get("n") != int64(1) {
		t.Fatalf("inside the transaction: %v %v", res, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, c, "GoTx", id); n != 1 {
		t.Fatalf("after commit: %d nodes", n)
	}
	if _, err := tx.Run("RETURN 1", nil); err == nil {
		t.Fatal("a committed transaction ran a statement")
	}

	tx, err = c.BeginTx(ctxFor(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Run("CREATE (:GoTx {tag: $tag, n: 2})", graphrpc.Params{"tag": id}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, c, "GoTx", id); n != 1 {
		t.Fatalf("after rollback: %d nodes", n)
	}
}

func TestFailedStatementEndsTheTransaction(t *testing.T) {
	c, id := dial(t, "writer"), tag(t)
	tx, err := c.BeginTx(ctxFor(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Run("CREATE (:GoTx {tag: $tag})", graphrpc.Params{"tag": id}); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Run("RETURN 1 +", nil)
	assertCode(t, err, codes.InvalidArgument)
	if err := tx.Commit(); err == nil {
		t.Fatal("a failed transaction committed")
	}
	if n := count(t, c, "GoTx", id); n != 0 {
		t.Fatalf("a failed transaction left %d nodes", n)
	}
}

func TestBatchFailingAtStatement3(t *testing.T) {
	c, id := dial(t, "writer"), tag(t)
	_, err := c.RunBatch(ctxFor(t, 30*time.Second), []graphrpc.Statement{
		{Cypher: "CREATE (:GoBatch {tag: $tag})", Params: graphrpc.Params{"tag": id}},
		{Cypher: "CREATE (:GoBatch {tag: $tag})", Params: graphrpc.Params{"tag": id}},
		{Cypher: "RETURN 1 / $zero", Params: graphrpc.Params{"zero": 0}},
		{Cypher: "CREATE (:GoBatch {tag: $tag})", Params: graphrpc.Params{"tag": id}},
	})
	e := assertCode(t, err, codes.InvalidArgument)
	if e.StatementIndex != 2 {
		t.Fatalf("statement index %d, want 2 (the third): %v", e.StatementIndex, err)
	}
	if n := count(t, c, "GoBatch", id); n != 0 {
		t.Fatalf("a failed batch left %d nodes", n)
	}
	res, err := c.RunBatch(ctxFor(t, 30*time.Second), []graphrpc.Statement{
		{Cypher: "CREATE (:GoBatch {tag: $tag})", Params: graphrpc.Params{"tag": id}},
		{Cypher: "MATCH (b:GoBatch {tag: $tag}) RETURN count(b) AS n", Params: graphrpc.Params{"tag": id}},
	})
	if err != nil || len(res.Results) != 2 || res.Results[1].Rows[0].Get("n") != int64(1) {
		t.Fatalf("batch: %+v %v", res, err)
	}
}

func TestExecuteWriteCommitsAndRollsBackOnError(t *testing.T) {
	c, id := dial(t, "writer"), tag(t)
	err := c.ExecuteWrite(ctxFor(t, 30*time.Second), func(tx *graphrpc.Tx) error {
		_, err := tx.Run("CREATE (:GoManaged {tag: $tag})", graphrpc.Params{"tag": id})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mine := errors.New("changed my mind")
	err = c.ExecuteWrite(ctxFor(t, 30*time.Second), func(tx *graphrpc.Tx) error {
		if _, err := tx.Run("CREATE (:GoManaged {tag: $tag})", graphrpc.Params{"tag": id}); err != nil {
			return err
		}
		return mine
	})
	if !errors.Is(err, mine) {
		t.Fatalf("want the work's own error, got %v", err)
	}
	if n := count(t, c, "GoManaged", id); n != 1 {
		t.Fatalf("%d nodes, want 1 (the second transaction rolled back)", n)
	}
}

func errorsIsDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

func asError(err error, e **graphrpc.Error) bool { return errors.As(err, e) }
