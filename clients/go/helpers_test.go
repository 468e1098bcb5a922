package graphrpc_test

import (
	"context"
	"os"
	"testing"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// env reads a setting of tests/clients.sh. The suite needs the real server: a missing
// setting fails the test, it never skips.
func env(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run this suite through tests/clients.sh go (it starts the server)", name)
	}
	return v
}

// dial connects to the suite's server as the given principal (writer, reader, admin).
func dial(t testing.TB, principal string, opts ...graphrpc.Option) *graphrpc.Client {
	t.Helper()
	token := env(t, "GRAPHRPC_TEST_TOKEN_"+map[string]string{"writer": "WRITER", "reader": "READER", "admin": "ADMIN"}[principal])
	c, err := graphrpc.Dial(env(t, "GRAPHRPC_TEST_ENDPOINT"), append([]graphrpc.Option{graphrpc.WithToken(token)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestMain waits for the shared database to be free before the suite: an earlier suite's
// statements cut by their deadline go on inside ArcadeDB for a while (README of
// clients/conformance), and would hold up this suite's first calls.
func TestMain(m *testing.M) {
	if os.Getenv("GRAPHRPC_TEST_ENDPOINT") != "" {
		waitForIdleDatabase()
	}
	os.Exit(m.Run())
}

// waitForIdleDatabase returns once RETURN 1 answers within 2 s twice in a row, or after
// three minutes (the tests then report what they see).
func waitForIdleDatabase() {
	c, err := graphrpc.Dial(os.Getenv("GRAPHRPC_TEST_ENDPOINT"), graphrpc.WithToken(os.Getenv("GRAPHRPC_TEST_TOKEN_READER")))
	if err != nil {
		return
	}
	defer c.Close()
	ok := 0
	for deadline := time.Now().Add(3 * time.Minute); ok < 2 && time.Now().Before(deadline); {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.Run(ctx, "RETURN 1 AS one", nil)
		cancel()
		if err == nil {
			ok++
		} else {
			ok = 0
			time.Sleep(500 * time.Millisecond)
		}
	}
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
