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

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
