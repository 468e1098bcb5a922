// Streams ROWS rows (default 1 000 000) through the Go client and prints rows/s and the
// client's memory; the server's memory is measured from outside (bench/README, clients/go
// measure.sh). Not part of make test.
//
//	GRAPHRPC_ENDPOINT=http://127.0.0.1:50051 GRAPHRPC_TOKEN=... go run ./examples/stream1m
package main

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

func main() {
	rows, _ := strconv.Atoi(os.Getenv("ROWS"))
	if rows <= 0 {
		rows = 1_000_000
	}
	c, err := graphrpc.Dial(os.Getenv("GRAPHRPC_ENDPOINT"), graphrpc.WithToken(os.Getenv("GRAPHRPC_TOKEN")), graphrpc.WithDefaultTimeout(10*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	start := time.Now()
	stream, err := c.RunStream(ctx, "UNWIND range(1, $n) AS i RETURN i", graphrpc.Params{"n": rows})
	if err != nil {
		log.Fatal(err)
	}
	var n, sum int64
	var peakHeap uint64
	var ms runtime.MemStats
	for row, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		n++
		sum += row.Get("i").(int64)
		if n%100_000 == 0 {
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapAlloc)
		}
	}
	took := time.Since(start)
	if n != int64(rows) || sum != int64(rows)*int64(rows+1)/2 {
		log.Fatalf("got %d rows summing to %d", n, sum)
	}
	fmt.Printf("rows %d in %.2f s: %.0f rows/s; client heap peak %.1f MiB, client RSS peak %s\n",
		n, took.Seconds(), float64(n)/took.Seconds(), float64(peakHeap)/(1<<20), vmHWM())
}

// vmHWM is the process's peak resident set size, from /proc.
func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	for s := bufio.NewScanner(f); s.Scan(); {
		if strings.HasPrefix(s.Text(), "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(s.Text(), "VmHWM:"))
		}
	}
	return "?"
}
