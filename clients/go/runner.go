package graphrpc

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// runner holds the calls common to Client and Session.
type runner struct {
	api       pb.GraphQueryServiceClient
	cfg       *config
	bookmarks *bookmarkChain // nil on a Client: no chaining
}

// bookmarkChain is a session's causal chain: the bookmark of its last write.
type bookmarkChain struct {
	mu   sync.Mutex
	last []string
}

func (b *bookmarkChain) get() []string {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.last...)
}

// advance records a bookmark; the servers that give none leave the chain as it was.
func (b *bookmarkChain) advance(bookmark string) {
	if b == nil || bookmark == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = []string{bookmark}
}

// callContext applies the default timeout to a context without a deadline.
func (r *runner) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || r.cfg.defaultTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, r.cfg.defaultTimeout)
}

// Params are a statement's parameters by name; see ToValue for the Go types accepted.
type Params = map[string]any

// Run runs one statement in an auto-commit transaction and returns the whole result.
func (r *runner) Run(ctx context.Context, cypher string, params Params, opts ...RunOption) (*Result, error) {
	req, err := r.runRequest(cypher, params, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := r.callContext(ctx)
	defer cancel()
	var header, trailer metadata.MD
	resp, err := r.api.Run(ctx, req, grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		return nil, wrapError(err, header, trailer)
	}
	r.bookmarks.advance(resp.GetSummary().GetBookmark())
	return resultFrom(resp.GetKeys(), resp.GetRows(), resp.GetSummary())
}

// RunStream runs one statement and streams its rows: the database is read only as fast as
// the caller calls Next, so memory stays bounded. Close (or cancelling ctx) stops the query.
func (r *runner) RunStream(ctx context.Context, cypher string, params Params, opts ...RunOption) (*RowStream, error) {
	values, err := toValues("params", params, 0)
	if err != nil {
		return nil, clientError(err)
	}
	rc := r.options(opts)
	req := &pb.RunStreamRequest{Cypher: cypher, Params: values, Database: rc.database, AccessMode: rc.mode,
		Timeout: rc.timeoutpb(), Bookmarks: rc.bookmarks, BatchSize: rc.batchSize, Idempotent: rc.idempotent}
	ctx, cancel := r.callContext(ctx)
	stream, err := r.api.RunStream(ctx, req)
	return startStream(r, stream, err, cancel)
}

// RunNamed runs a named query of the server's catalog and returns the whole result.
func (r *runner) RunNamed(ctx context.Context, name string, params Params, opts ...RunOption) (*Result, error) {
	req, err := r.namedRequest(name, params, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := r.callContext(ctx)
	defer cancel()
	var header, trailer metadata.MD
	resp, err := r.api.RunNamed(ctx, req, grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		return nil, wrapError(err, header, trailer)
	}
	r.bookmarks.advance(resp.GetSummary().GetBookmark())
	return resultFrom(resp.GetKeys(), resp.GetRows(), resp.GetSummary())
}

// RunNamedStream runs a named query and streams its rows, like RunStream.
func (r *runner) RunNamedStream(ctx context.Context, name string, params Params, opts ...RunOption) (*RowStream, error) {
	values, err := toValues("params", params, 0)
	if err != nil {
		return nil, clientError(err)
	}
	rc := r.options(opts)
	req := &pb.RunNamedStreamRequest{Name: name, Params: values, Database: rc.database, Timeout: rc.timeoutpb(),
		Bookmarks: rc.bookmarks, BatchSize: rc.batchSize}
	ctx, cancel := r.callContext(ctx)
	stream, err := r.api.RunNamedStream(ctx, req)
	return startStream(r, stream, err, cancel)
}

// Statement is one statement of a batch.
type Statement struct {
	Cypher string
	Params Params
}

// BatchResult is a batch's results, one per statement, and its commit's bookmark.
type BatchResult struct {
	Results  []*Result
	Bookmark string
	Attempts uint32
}

// RunBatch runs the statements in order in one transaction: all or none. A failure's
// *Error names the failing statement in StatementIndex.
func (r *runner) RunBatch(ctx context.Context, statements []Statement, opts ...RunOption) (*BatchResult, error) {
	rc := r.options(opts)
	req := &pb.RunBatchRequest{Database: rc.database, AccessMode: rc.mode, Timeout: rc.timeoutpb(),
		Bookmarks: rc.bookmarks, MaxRows: rc.maxRows, Idempotent: rc.idempotent, Metadata: rc.metadata}
	for i, s := range statements {
		params, err := toValues(statementPath(i), s.Params, 0)
		if err != nil {
			return nil, clientError(err)
		}
		req.Statements = append(req.Statements, &pb.BatchStatement{Cypher: s.Cypher, Params: params})
	}
	ctx, cancel := r.callContext(ctx)
	defer cancel()
	var header, trailer metadata.MD
	resp, err := r.api.RunBatch(ctx, req, grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		return nil, wrapError(err, header, trailer)
	}
	r.bookmarks.advance(resp.GetBookmark())
	out := &BatchResult{Bookmark: resp.GetBookmark(), Attempts: resp.GetAttempts()}
	for _, s := range resp.GetResults() {
		res, err := resultFrom(s.GetKeys(), s.GetRows(), s.GetSummary())
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, res)
	}
	return out, nil
}

func statementPath(i int) string { return "statements[" + itoa(i) + "].params" }

func (r *runner) runRequest(cypher string, params Params, opts []RunOption) (*pb.RunRequest, error) {
	values, err := toValues("params", params, 0)
	if err != nil {
		return nil, clientError(err)
	}
	rc := r.options(opts)
	return &pb.RunRequest{Cypher: cypher, Params: values, Database: rc.database, AccessMode: rc.mode,
		Timeout: rc.timeoutpb(), Bookmarks: rc.bookmarks, MaxRows: rc.maxRows, Idempotent: rc.idempotent}, nil
}

func (r *runner) namedRequest(name string, params Params, opts []RunOption) (*pb.RunNamedRequest, error) {
	values, err := toValues("params", params, 0)
	if err != nil {
		return nil, clientError(err)
	}
	rc := r.options(opts)
	return &pb.RunNamedRequest{Name: name, Params: values, Database: rc.database, Timeout: rc.timeoutpb(),
		Bookmarks: rc.bookmarks, MaxRows: rc.maxRows}, nil
}

// ListNamedQueries describes the named queries of the server's catalog (the generated
// message: name, description, Cypher, mode, parameters, limits).
func (r *runner) ListNamedQueries(ctx context.Context) ([]*pb.NamedQuery, error) {
	ctx, cancel := r.callContext(ctx)
	defer cancel()
	resp, err := r.api.ListNamedQueries(ctx, &pb.ListNamedQueriesRequest{})
	if err != nil {
		return nil, wrapError(err)
	}
	return resp.GetQueries(), nil
}
