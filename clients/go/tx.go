package graphrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// Tx is an explicit transaction: it lives as long as one Transaction stream. Run
// statements, then Commit or Rollback. A Tx is used by one goroutine at a time; a failed
// statement ends it (the server has rolled it back).
type Tx struct {
	mu       sync.Mutex
	stream   grpc.BidiStreamingClient[pb.TransactionRequest, pb.TransactionResponse]
	cancel   context.CancelFunc
	chain    *bookmarkChain
	err      error // set once the transaction is over
	bookmark string
}

// errTxDone is returned by calls on a transaction that already ended.
var errTxDone = errors.New("graphrpc: the transaction is already committed, rolled back or failed")

// BeginTx opens a transaction. Its context bounds the whole transaction; cancelling it
// rolls the transaction back unless it was committed.
func (r *runner) BeginTx(ctx context.Context, opts ...RunOption) (*Tx, error) {
	rc := r.options(opts)
	ctx, cancel := r.callContext(ctx)
	stream, err := r.api.Transaction(ctx)
	if err != nil {
		cancel()
		return nil, wrapError(err)
	}
	tx := &Tx{stream: stream, cancel: cancel, chain: r.bookmarks}
	begin := &pb.Begin{Database: rc.database, AccessMode: rc.mode, Timeout: rc.timeoutpb(),
		Bookmarks: rc.bookmarks, Metadata: rc.metadata}
	if err := tx.send(&pb.TransactionRequest{Message: &pb.TransactionRequest_Begin{Begin: begin}}); err != nil {
		return nil, err
	}
	msg, err := tx.recv()
	if err != nil {
		return nil, err
	}
	if msg.GetBegun() == nil {
		return nil, tx.fail(fmt.Errorf("graphrpc: expected Begun, got %T", msg.GetMessage()))
	}
	return tx, nil
}

// Run runs one statement in the transaction and returns its whole result.
func (tx *Tx) Run(cypher string, params Params) (*Result, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.err != nil {
		return nil, tx.err
	}
	values, err := toValues("params", params, 0)
	if err != nil {
		return nil, clientError(err) // nothing was sent: the transaction goes on
	}
	st := &pb.TransactionStatement{Cypher: cypher, Params: values}
	if err := tx.send(&pb.TransactionRequest{Message: &pb.TransactionRequest_Statement{Statement: st}}); err != nil {
		return nil, err
	}
	var keys []string
	var rows []*pb.Row
	for {
		msg, err := tx.recv()
		if err != nil {
			return nil, err
		}
		switch m := msg.GetMessage().(type) {
		case *pb.TransactionResponse_Header:
			keys = m.Header.GetKeys()
		case *pb.TransactionResponse_Rows:
			rows = append(rows, m.Rows.GetRows()...)
		case *pb.TransactionResponse_Summary:
			return resultFrom(keys, rows, m.Summary)
		default:
			return nil, tx.fail(fmt.Errorf("graphrpc: unexpected %T in a statement's answer", m))
		}
	}
}

// Commit commits and ends the transaction. An error with CommitUnknown set means the
// connection failed after the commit was sent: the work may have been applied.
func (tx *Tx) Commit() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.err != nil {
		return tx.err
	}
	err := tx.send(&pb.TransactionRequest{Message: &pb.TransactionRequest_Commit{Commit: &pb.Commit{}}})
	var msg *pb.TransactionResponse
	if err == nil {
		msg, err = tx.recv()
	}
	if err != nil {
		var e *Error
		// The database's own refusal of the commit (a Neo4j code) means nothing was
		// applied; any other failure after the commit was sent (a lost connection, a
		// deadline) leaves the outcome unknown.
		if errors.As(err, &e) && e.Domain != neo4jDomain {
			e.CommitUnknown = true
		}
		return err
	}
	committed := msg.GetCommitted()
	if committed == nil {
		e := &Error{Code: codes.Internal, Message: fmt.Sprintf("expected Committed, got %T", msg.GetMessage()),
			StatementIndex: -1, CommitUnknown: true}
		e.status = status.New(e.Code, e.Message)
		return tx.fail(e)
	}
	tx.bookmark = committed.GetBookmark()
	tx.chain.advance(tx.bookmark)
	tx.close(errTxDone)
	return nil
}

// Rollback rolls back and ends the transaction. On a transaction already over it does
// nothing and returns nil, so `defer tx.Rollback()` is safe after Commit.
func (tx *Tx) Rollback() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.err != nil {
		return nil
	}
	err := tx.send(&pb.TransactionRequest{Message: &pb.TransactionRequest_Rollback{Rollback: &pb.Rollback{}}})
	if err == nil {
		_, err = tx.recv()
	}
	tx.close(errTxDone)
	return err
}

// Bookmark returns the commit's bookmark, when the server gave one.
func (tx *Tx) Bookmark() string { return tx.bookmark }

// close half-closes the stream and waits for the server's end, then releases the call.
func (tx *Tx) close(reason error) {
	if tx.err != nil {
		return
	}
	tx.err = reason
	if tx.stream.CloseSend() == nil {
		for {
			if _, err := tx.stream.Recv(); err != nil {
				break
			}
		}
	}
	tx.cancel()
}

func (tx *Tx) fail(err error) error {
	if tx.err == nil {
		tx.err = err
		tx.cancel() // the server rolls back a cancelled transaction
	}
	return err
}

func (tx *Tx) send(m *pb.TransactionRequest) error {
	if err := tx.stream.Send(m); err != nil {
		// Send reports io.EOF when the server already ended the call; Recv has the status.
		if err == io.EOF {
			_, err = tx.stream.Recv()
		}
		return tx.fail(tx.wrap(err))
	}
	return nil
}

func (tx *Tx) recv() (*pb.TransactionResponse, error) {
	m, err := tx.stream.Recv()
	if err != nil {
		return nil, tx.fail(tx.wrap(err))
	}
	return m, nil
}

func (tx *Tx) wrap(err error) error {
	if err == io.EOF || err == nil {
		return &Error{Code: codes.Internal, Message: "the server ended the transaction stream early",
			StatementIndex: -1, status: status.New(codes.Internal, "the server ended the transaction stream early")}
	}
	return wrapError(err, headerOf(tx.stream), tx.stream.Trailer())
}
