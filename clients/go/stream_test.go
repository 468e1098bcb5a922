package graphrpc_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// 100 000 rows of ~500 bytes (50 MB in all) stream through while the heap stays within a
// bound far below what holding them would take.
func TestStream100kRowsInBoundedMemory(t *testing.T) {
	const rows, bound = 100_000, 24 << 20
	c := dial(t, "reader")
	pad := strings.Repeat("x", 500)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	stream, err := c.RunStream(ctxFor(t, 120*time.Second), "UNWIND range(1, $n) AS i RETURN i, $pad AS pad",
		graphrpc.Params{"n": rows, "pad": pad})
	if err != nil {
		t.Fatal(err)
	}
	var n, sum int64
	for row, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		sum += row.Get("i").(int64)
		if n%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if n != rows || sum != rows*(rows+1)/2 {
		t.Fatalf("got %d rows summing to %d", n, sum)
	}
	if s := stream.Summary(); s == nil || s.RowCount != rows {
		t.Fatalf("summary %+v", s)
	}
	grew := int64(peak) - int64(base)
	t.Logf("heap grew by at most %.1f MiB while streaming %d rows", float64(grew)/(1<<20), rows)
	if grew > bound {
		t.Fatalf("the heap grew by %d bytes, above the bound of %d", grew, bound)
	}
}

// Breaking out of the loop stops the query: the call ends at once, and the client goes on.
func TestStreamStopsEarly(t *testing.T) {
	c := dial(t, "reader")
	stream, err := c.RunStream(ctxFor(t, 60*time.Second), "UNWIND range(1, 10000000) AS i RETURN i", nil, graphrpc.BatchSize(100))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := 0
	for _, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	if stream.Next() || stream.Err() != nil {
		t.Fatalf("a closed stream went on: err %v", stream.Err())
	}
	if _, err := c.Run(ctxFor(t, 30*time.Second), "RETURN 1 AS one", nil); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("stopping took %s", took)
	}
}

func TestStreamErrorsAndDeadline(t *testing.T) {
	c := dial(t, "reader")
	if _, err := c.RunStream(ctxFor(t, 30*time.Second), "RETURN nonsense(", nil); err == nil {
		t.Fatal("a syntax error streamed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	stream, err := c.RunStream(ctx, "UNWIND range(1, 10000000) AS i RETURN i", nil)
	if err != nil {
		t.Fatal(err)
	}
	for stream.Next() {
		time.Sleep(time.Millisecond) // a slow reader
	}
	if !errorsIsDeadline(stream.Err()) {
		t.Fatalf("want a deadline, got %v", stream.Err())
	}
}
