package graphrpc

import (
	"fmt"
	"strings"
	"time"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// Row is one result row: values by column name (Get) or position (Values).
type Row struct {
	columns *columns
	Values  []any
}

// columns is shared by every row of a result.
type columns struct {
	keys  []string
	index map[string]int
}

func newColumns(keys []string) *columns {
	c := &columns{keys: keys, index: make(map[string]int, len(keys))}
	for i, k := range keys {
		c.index[k] = i
	}
	return c
}

// Keys returns the column names, in the order of the RETURN clause.
func (r Row) Keys() []string {
	if r.columns == nil {
		return nil
	}
	return r.columns.keys
}

// Get returns the value of column name, or nil when there is no such column (Lookup tells
// the two apart).
func (r Row) Get(name string) any {
	v, _ := r.Lookup(name)
	return v
}

// Lookup returns the value of column name and whether the row has that column.
func (r Row) Lookup(name string) (any, bool) {
	if r.columns == nil {
		return nil, false
	}
	i, ok := r.columns.index[name]
	if !ok || i >= len(r.Values) {
		return nil, false
	}
	return r.Values[i], true
}

func rowFrom(cols *columns, row *pb.Row) (Row, error) {
	values := make([]any, len(row.GetValues()))
	for i, v := range row.GetValues() {
		x, err := FromValue(v)
		if err != nil {
			return Row{}, err
		}
		values[i] = x
	}
	return Row{columns: cols, Values: values}, nil
}

func rowsFrom(keys []string, rows []*pb.Row) ([]Row, error) {
	cols := newColumns(keys)
	out := make([]Row, len(rows))
	for i, r := range rows {
		x, err := rowFrom(cols, r)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// Result is a whole result: column names, rows and the summary.
type Result struct {
	Keys    []string
	Rows    []Row
	Summary Summary
}

// Single returns the only row, or an error when there are none or several.
func (r *Result) Single() (Row, error) {
	if len(r.Rows) != 1 {
		return Row{}, fmt.Errorf("graphrpc: expected one row, got %d", len(r.Rows))
	}
	return r.Rows[0], nil
}

func resultFrom(keys []string, rows []*pb.Row, s *pb.Summary) (*Result, error) {
	converted, err := rowsFrom(keys, rows)
	if err != nil {
		return nil, err
	}
	return &Result{Keys: keys, Rows: converted, Summary: summaryFrom(s)}, nil
}

// Summary is what the database reported about a finished statement.
type Summary struct {
	// Bookmark after the statement, when the server gives one.
	Bookmark string
	Database string
	// QueryType: READ_ONLY, WRITE_ONLY, READ_WRITE or SCHEMA_WRITE.
	QueryType            string
	Counters             Counters
	ResultAvailableAfter time.Duration
	ResultConsumedAfter  time.Duration
	RowCount             uint64
	Notifications        []Notification
	// Attempts is how many times graphrpc ran the work (1 unless it retried).
	Attempts uint32
}

// Counters counts what a statement changed.
type Counters struct {
	NodesCreated, NodesDeleted, RelationshipsCreated, RelationshipsDeleted  uint64
	PropertiesSet, LabelsAdded, LabelsRemoved, IndexesAdded, IndexesRemoved uint64
	ConstraintsAdded, ConstraintsRemoved, SystemUpdates                     uint64
	ContainsUpdates                                                         bool
}

// Notification is a database notice about a statement (deprecations, slow plans, ...).
type Notification struct{ Code, Title, Description, Severity string }

func summaryFrom(s *pb.Summary) Summary {
	c := s.GetCounters()
	out := Summary{
		Bookmark: s.GetBookmark(), Database: s.GetDatabase(), QueryType: strings.TrimPrefix(s.GetQueryType().String(), "QUERY_TYPE_"),
		Counters: Counters{c.GetNodesCreated(), c.GetNodesDeleted(), c.GetRelationshipsCreated(),
			c.GetRelationshipsDeleted(), c.GetPropertiesSet(), c.GetLabelsAdded(), c.GetLabelsRemoved(),
			c.GetIndexesAdded(), c.GetIndexesRemoved(), c.GetConstraintsAdded(), c.GetConstraintsRemoved(),
			c.GetSystemUpdates(), c.GetContainsUpdates()},
		ResultAvailableAfter: s.GetResultAvailableAfter().AsDuration(),
		ResultConsumedAfter:  s.GetResultConsumedAfter().AsDuration(),
		RowCount:             s.GetRowCount(), Attempts: s.GetAttempts(),
	}
	for _, n := range s.GetNotifications() {
		out.Notifications = append(out.Notifications, Notification{n.GetCode(), n.GetTitle(), n.GetDescription(), n.GetSeverity()})
	}
	return out
}
