package graphrpc

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// Error is every failure a call reports: the gRPC status with the google.rpc.ErrorInfo
// graphrpc attaches. Use errors.As(err, &gerr) with gerr *graphrpc.Error.
type Error struct {
	// Code is the gRPC status code.
	Code codes.Code
	// Message is the server's message: it says what to fix.
	Message string
	// Reason is ErrorInfo.reason, e.g. "NEO4J_CLIENT_ERROR", "STATEMENT_TIMEOUT"; empty when
	// the failure carried no ErrorInfo (a transport failure, a refused token).
	Reason string
	// Domain is ErrorInfo.domain: "graphrpc.dev/neo4j" for the database's errors.
	Domain string
	// Metadata is ErrorInfo.metadata (neo4j_code, statement_index, max_rows, ...).
	Metadata map[string]string
	// Neo4jCode is the database's status code, e.g. "Neo.ClientError.Statement.SyntaxError".
	Neo4jCode string
	// StatementIndex is the failing statement of a batch or transaction (0-based), or -1.
	StatementIndex int
	// RetryPushback is the wait the server asked for (grpc-retry-pushback-ms); see
	// HasPushback.
	RetryPushback time.Duration
	// HasPushback says the server sent a usable grpc-retry-pushback-ms (a shed call).
	HasPushback bool
	// FieldViolations are the request fields a google.rpc.BadRequest detail names (e.g.
	// "params.title"), for INVALID_ARGUMENT refusals of a request.
	FieldViolations []FieldViolation
	// CommitUnknown is set when the connection failed after the commit was sent: the
	// transaction may or may not have been applied.
	CommitUnknown bool

	status *status.Status
}

func (e *Error) Error() string {
	s := fmt.Sprintf("graphrpc: %s: %s", e.Code, e.Message)
	if e.CommitUnknown {
		s += " (the commit was sent: whether it was applied is unknown)"
	}
	return s
}

// FieldViolation is one bad field of a request: its path and what is wrong with it.
type FieldViolation struct{ Field, Description string }

// GRPCStatus lets status.FromError and status.Code see the original status.
func (e *Error) GRPCStatus() *status.Status { return e.status }

// Is makes errors.Is(err, context.DeadlineExceeded) and context.Canceled hold for the
// matching codes, whichever side ran out of time.
func (e *Error) Is(target error) bool {
	switch target {
	case context.DeadlineExceeded:
		return e.Code == codes.DeadlineExceeded
	case context.Canceled:
		return e.Code == codes.Canceled
	}
	return false
}

// Transient says whether running the same unit of work again may succeed, by the
// contract's rule (proto/graphrpc/v1/errors.proto): UNAVAILABLE (the database was
// unreachable, or a Neo4j TransientError), ABORTED (a deadlock victim, a transaction
// rolled back for idling: nothing was applied), or RESOURCE_EXHAUSTED with a pushback (a
// shed call). Never when a commit's outcome is unknown. Managed transactions retry exactly
// these.
func (e *Error) Transient() bool {
	if e.CommitUnknown {
		return false
	}
	switch e.Code {
	case codes.Unavailable, codes.Aborted:
		return true
	case codes.ResourceExhausted:
		return e.HasPushback
	}
	return false
}

// neo4jDomain is the ErrorInfo domain of the database's own errors.
const neo4jDomain = "graphrpc.dev/neo4j"

// wrapError turns a gRPC error into *Error; md is the call's header and trailer metadata,
// where the server puts grpc-retry-pushback-ms.
func wrapError(err error, md ...metadata.MD) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	st, ok := status.FromError(err)
	if !ok {
		st = status.FromContextError(err)
	}
	e := &Error{Code: st.Code(), Message: st.Message(), StatementIndex: -1, status: st}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			e.Reason, e.Domain, e.Metadata = info.GetReason(), info.GetDomain(), info.GetMetadata()
			e.Neo4jCode = info.GetMetadata()["neo4j_code"]
			if i, err := strconv.Atoi(info.GetMetadata()["statement_index"]); err == nil {
				e.StatementIndex = i
			}
		}
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations, FieldViolation{v.GetField(), v.GetDescription()})
			}
		}
	}
	for _, m := range md {
		for _, v := range m.Get("grpc-retry-pushback-ms") {
			// A negative or unreadable pushback means: do not retry (gRPC's A6).
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
				e.RetryPushback, e.HasPushback = time.Duration(ms)*time.Millisecond, true
			}
		}
	}
	return e
}

// clientError is a request the client refuses before sending it (a parameter it cannot
// encode): INVALID_ARGUMENT, as the server would answer.
func clientError(err error) error {
	st := status.New(codes.InvalidArgument, err.Error())
	return &Error{Code: codes.InvalidArgument, Message: err.Error(), StatementIndex: -1, status: st}
}

// ReasonCode is Reason as the contract's enum (graphrpcv1.ErrorReason); a reason this
// client does not know is ERROR_REASON_UNSPECIFIED: go by Code then.
func (e *Error) ReasonCode() pb.ErrorReason {
	return pb.ErrorReason(pb.ErrorReason_value[e.Reason])
}
