package graphrpc

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// RunOption adjusts one call (Run, RunStream, RunNamed, RunBatch, BeginTx, ExecuteRead...).
type RunOption func(*runConfig)

type runConfig struct {
	database   string
	mode       pb.AccessMode
	timeout    time.Duration
	bookmarks  []string
	batchSize  uint32
	maxRows    uint32
	idempotent bool
	metadata   map[string]string
}

// InDatabase runs the call in this database instead of the default one.
func InDatabase(name string) RunOption { return func(r *runConfig) { r.database = name } }

// ReadOnly marks the work as reads only: on a cluster it goes to the readers, and graphrpc
// may retry it after a transient failure.
func ReadOnly() RunOption { return func(r *runConfig) { r.mode = pb.AccessMode_ACCESS_MODE_READ } }

// Timeout is the server-side time limit of the statement, batch or transaction (the
// context's deadline applies too; the smaller wins).
func Timeout(d time.Duration) RunOption { return func(r *runConfig) { r.timeout = d } }

// WithBookmarks adds bookmarks from elsewhere (another session, another service).
func WithBookmarks(b ...string) RunOption {
	return func(r *runConfig) { r.bookmarks = append(r.bookmarks, b...) }
}

// BatchSize sets the rows per streamed message (0: the server's default).
func BatchSize(n uint32) RunOption { return func(r *runConfig) { r.batchSize = n } }

// MaxRows lowers the row limit of a Run, RunNamed or RunBatch (0: the server's default).
func MaxRows(n uint32) RunOption { return func(r *runConfig) { r.maxRows = n } }

// Idempotent declares a write safe to run twice, so that graphrpc may retry it after a
// transient failure.
func Idempotent() RunOption { return func(r *runConfig) { r.idempotent = true } }

// TxMetadata is shown in the database's query log and transaction listing.
func TxMetadata(m map[string]string) RunOption { return func(r *runConfig) { r.metadata = m } }

func (r *runner) options(opts []RunOption) runConfig {
	rc := runConfig{database: r.cfg.database}
	for _, o := range opts {
		o(&rc)
	}
	rc.bookmarks = append(r.bookmarks.get(), rc.bookmarks...)
	return rc
}

func (rc *runConfig) timeoutpb() *durationpb.Duration {
	if rc.timeout <= 0 {
		return nil
	}
	return durationpb.New(rc.timeout)
}
