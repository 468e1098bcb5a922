package graphrpc_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// ownServer starts a graphrpc of this test's own (GRAPHRPC_BIN, open mode) in front of the
// suite's database, with extra settings, and returns its endpoint.
func ownServer(t *testing.T, settings ...string) string {
	t.Helper()
	port, admin := freePort(t), freePort(t)
	cmd := exec.Command(env(t, "GRAPHRPC_BIN"), "serve", "--listen", "127.0.0.1:"+port, "--admin-listen", "127.0.0.1:"+admin)
	var inherited []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GRAPHRPC_") && !strings.HasPrefix(kv, "NEO4J_") {
			inherited = append(inherited, kv)
		}
	}
	cmd.Env = append(inherited,
		"NEO4J_URI="+env(t, "GRAPHRPC_TEST_NEO4J_URI"), "NEO4J_USERNAME="+env(t, "GRAPHRPC_TEST_NEO4J_USERNAME"),
		"NEO4J_PASSWORD="+env(t, "GRAPHRPC_TEST_NEO4J_PASSWORD"), "NEO4J_DATABASE="+env(t, "GRAPHRPC_TEST_NEO4J_DATABASE"),
		"GRAPHRPC_LOG=warn")
	cmd.Env = append(cmd.Env, settings...)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	probe := http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if r, err := probe.Get("http://127.0.0.1:" + admin + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return "http://127.0.0.1:" + port
			}
		}
	}
	t.Fatalf("graphrpc did not become ready: %s", log.String())
	return ""
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// transactionCalls counts the Transaction calls a client makes.
func transactionCalls(n *atomic.Int32) graphrpc.Option {
	return graphrpc.WithGRPCOptions(grpc.WithChainStreamInterceptor(
		func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
			if strings.HasSuffix(method, "/Transaction") {
				n.Add(1)
			}
			return streamer(ctx, desc, cc, method, opts...)
		}))
}

// A server over its rate limit sheds the call with RESOURCE_EXHAUSTED and a pushback;
// ExecuteWrite waits that long and runs the work again.
func TestExecuteWriteRetriesAfterThePushback(t *testing.T) {
	endpoint := ownServer(t, "GRAPHRPC_RATE_LIMIT=2", "GRAPHRPC_RATE_BURST=1")
	var calls atomic.Int32
	c, err := graphrpc.Dial(endpoint, transactionCalls(&calls))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := ctxFor(t, 20*time.Second)
	// Wait for a full bucket, spend it, and see the next call shed with a pushback.
	time.Sleep(600 * time.Millisecond)
	if _, err := c.Run(ctx, "RETURN 1", nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(ctx, "RETURN 1", nil)
	if e := assertCode(t, err, codes.ResourceExhausted); !e.HasPushback || e.RetryPushback <= 0 || !e.Transient() {
		t.Fatalf("shed call: pushback %s, transient %v", e.RetryPushback, e.Transient())
	}
	start := time.Now()
	ran := 0
	err = c.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error {
		ran++
		_, err := tx.Run("RETURN 1", nil)
		return err
	})
	if err != nil {
		t.Fatalf("after %d Transaction calls: %v", calls.Load(), err)
	}
	// Exactly two: waiting out the pushback gets the second attempt admitted.
	if calls.Load() != 2 || time.Since(start) < 200*time.Millisecond {
		t.Fatalf("%d Transaction calls in %s: the shed attempt was not waited out and retried", calls.Load(), time.Since(start))
	}
	t.Logf("ExecuteWrite: %d Transaction calls, work ran %d times, %s", calls.Load(), ran, time.Since(start).Round(time.Millisecond))
}

// A server that cannot be reached is UNAVAILABLE: retried until the deadline, then
// reported, never past the deadline.
func TestExecuteWriteGivesUpAtTheDeadline(t *testing.T) {
	var calls atomic.Int32
	c, err := graphrpc.Dial("http://127.0.0.1:"+freePort(t), transactionCalls(&calls))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.ExecuteWrite(ctx, func(tx *graphrpc.Tx) error { return nil })
	took := time.Since(start)
	var e *graphrpc.Error
	if !asError(err, &e) || (e.Code != codes.Unavailable && e.Code != codes.DeadlineExceeded) {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
	if calls.Load() < 2 || took > 2*time.Second {
		t.Fatalf("%d attempts in %s", calls.Load(), took)
	}
}
