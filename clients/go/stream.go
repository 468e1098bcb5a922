package graphrpc

import (
	"context"
	"errors"
	"io"
	"iter"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// RowStream is a streamed result. Read it with Next/Row/Err or range over All; Close it
// (or cancel the context) to stop early. Only one batch of rows is held at a time.
type RowStream struct {
	stream  grpc.ClientStream
	recv    func() (streamMessage, error)
	cancel  context.CancelFunc
	chain   *bookmarkChain
	columns *columns
	batch   []*pb.Row
	row     Row
	summary *Summary
	err     error
	done    bool
}

// streamMessage is what RunStream and RunNamedStream send: a header, rows or the summary.
type streamMessage interface {
	GetHeader() *pb.Header
	GetRows() *pb.RowBatch
	GetSummary() *pb.Summary
}

// startStream waits for the header, so that a refused statement fails here.
func startStream[T any, PT interface {
	*T
	streamMessage
}](r *runner, stream grpc.ServerStreamingClient[T], err error, cancel context.CancelFunc) (*RowStream, error) {
	if err != nil {
		cancel()
		return nil, wrapError(err)
	}
	recv := func() (streamMessage, error) {
		m, err := stream.Recv()
		if err != nil {
			return nil, err
		}
		return PT(m), nil
	}
	s := &RowStream{stream: stream, recv: recv, cancel: cancel, chain: r.bookmarks}
	msg, err := recv()
	if err != nil {
		cancel()
		return nil, s.wrap(err)
	}
	header := msg.GetHeader()
	if header == nil {
		cancel()
		return nil, errors.New("graphrpc: the stream did not start with a header")
	}
	s.columns = newColumns(header.GetKeys())
	return s, nil
}

func (s *RowStream) wrap(err error) error {
	if err == io.EOF {
		return errors.New("graphrpc: the stream ended without a summary")
	}
	return wrapError(err, headerOf(s.stream), s.stream.Trailer())
}

// Keys returns the column names.
func (s *RowStream) Keys() []string { return s.columns.keys }

// Next advances to the next row; false at the end or on an error (see Err).
func (s *RowStream) Next() bool {
	for len(s.batch) == 0 {
		if s.done {
			return false
		}
		msg, err := s.recv()
		if err != nil {
			s.finish(s.wrap(err))
			return false
		}
		if rows := msg.GetRows(); rows != nil {
			s.batch = rows.GetRows()
		} else if summary := msg.GetSummary(); summary != nil {
			sum := summaryFrom(summary)
			s.summary = &sum
			s.chain.advance(sum.Bookmark)
			s.finish(nil)
			return false
		}
	}
	row, err := rowFrom(s.columns, s.batch[0])
	s.batch[0] = nil // let the batch's rows go as they are read
	s.batch = s.batch[1:]
	if err != nil {
		s.finish(err)
		return false
	}
	s.row = row
	return true
}

func (s *RowStream) finish(err error) {
	s.err, s.done, s.batch = err, true, nil
	s.cancel()
}

// Row returns the current row.
func (s *RowStream) Row() Row { return s.row }

// Err returns the error that ended the stream, or nil.
func (s *RowStream) Err() error { return s.err }

// Summary returns the summary once the stream was read to its end, else nil.
func (s *RowStream) Summary() *Summary { return s.summary }

// Close stops the stream; the server stops the query. Safe to call more than once.
func (s *RowStream) Close() {
	if !s.done {
		s.finish(nil)
	}
}

// All ranges over the rows; a failure is yielded last with a zero Row. Breaking out of the
// loop closes the stream.
func (s *RowStream) All() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		defer s.Close()
		for s.Next() {
			if !yield(s.row, nil) {
				return
			}
		}
		if s.err != nil {
			yield(Row{}, s.err)
		}
	}
}

func headerOf(s grpc.ClientStream) metadata.MD {
	// Header blocks until headers arrive; after a failed Recv they have, or never will.
	h, err := s.Header()
	if err != nil {
		return nil
	}
	return h
}

func itoa(i int) string { return strconv.Itoa(i) }
