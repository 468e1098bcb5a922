package graphrpc

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// ExecuteWrite runs work in a write transaction and commits it. Like the Neo4j drivers it
// runs work again, in a new transaction, after a transient failure (Error.Transient), with
// exponential backoff and the server's grpc-retry-pushback-ms, until ctx's deadline (or
// the client's default timeout). work may therefore run more than once: keep side effects
// outside the graph out of it. An error work returns rolls back and is returned as is.
func (r *runner) ExecuteWrite(ctx context.Context, work func(tx *Tx) error, opts ...RunOption) error {
	return r.execute(ctx, work, opts)
}

// ExecuteRead is ExecuteWrite for reads: the transaction is READ (cluster readers).
func (r *runner) ExecuteRead(ctx context.Context, work func(tx *Tx) error, opts ...RunOption) error {
	return r.execute(ctx, work, append([]RunOption{ReadOnly()}, opts...))
}

// Retry policy of managed transactions.
const (
	retryFirstDelay = 50 * time.Millisecond
	retryMaxDelay   = 2 * time.Second
)

func (r *runner) execute(ctx context.Context, work func(tx *Tx) error, opts []RunOption) error {
	ctx, cancel := r.callContext(ctx)
	defer cancel()
	delay := retryFirstDelay
	for attempt := 1; ; attempt++ {
		err := r.attempt(ctx, work, opts)
		var e *Error
		if err == nil || !errors.As(err, &e) || !e.Transient() {
			return err
		}
		wait := delay/2 + rand.N(delay) // jitter: 0.5x to 1.5x
		if e.RetryPushback > wait {
			wait = e.RetryPushback
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return err // no time left for another attempt: the last failure is the answer
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		delay = min(delay*2, retryMaxDelay)
	}
}

func (r *runner) attempt(ctx context.Context, work func(tx *Tx) error, opts []RunOption) error {
	tx, err := r.BeginTx(ctx, opts...)
	if err != nil {
		return err
	}
	if err := work(tx); err != nil {
		_ = tx.Rollback() // the work's error is the one to report
		return err
	}
	return tx.Commit()
}
