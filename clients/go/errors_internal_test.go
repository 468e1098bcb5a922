package graphrpc

import (
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func statusWith(t *testing.T, code codes.Code, info *errdetails.ErrorInfo) error {
	st := status.New(code, "msg")
	if info != nil {
		var err error
		if st, err = st.WithDetails(info); err != nil {
			t.Fatal(err)
		}
	}
	return st.Err()
}

// The retry rule of the contract (proto/graphrpc/v1/errors.proto), decided from the status.
func TestWhichErrorsAreTransient(t *testing.T) {
	neo := func(code string) *errdetails.ErrorInfo {
		return &errdetails.ErrorInfo{Domain: neo4jDomain, Reason: "NEO4J_TRANSIENT_ERROR", Metadata: map[string]string{"neo4j_code": code, "statement_index": "2"}}
	}
	pushback := func(v string) metadata.MD { return metadata.Pairs("grpc-retry-pushback-ms", v) }
	for _, tc := range []struct {
		name string
		err  error
		md   metadata.MD
		want bool
	}{
		{"unavailable", statusWith(t, codes.Unavailable, nil), nil, true},
		{"transient", statusWith(t, codes.Unavailable, neo("Neo.TransientError.Transaction.DeadlockDetected")), nil, true},
		{"aborted", statusWith(t, codes.Aborted, nil), nil, true},
		{"shed with a pushback", statusWith(t, codes.ResourceExhausted, nil), pushback("250"), true},
		{"shed with a zero pushback", statusWith(t, codes.ResourceExhausted, nil), pushback("0"), true},
		{"negative pushback", statusWith(t, codes.ResourceExhausted, nil), pushback("-1"), false},
		{"unreadable pushback", statusWith(t, codes.ResourceExhausted, nil), pushback("soon"), false},
		{"row limit", statusWith(t, codes.ResourceExhausted, nil), nil, false},
		{"syntax", statusWith(t, codes.InvalidArgument, neo("Neo.ClientError.Statement.SyntaxError")), nil, false},
		{"deadline", statusWith(t, codes.DeadlineExceeded, nil), nil, false},
		{"permission", statusWith(t, codes.PermissionDenied, nil), nil, false},
	} {
		var e *Error
		e, _ = wrapError(tc.err, tc.md).(*Error)
		if e == nil || e.Transient() != tc.want {
			t.Errorf("%s: Transient() = %v, want %v", tc.name, e != nil && e.Transient(), tc.want)
		}
	}
	e := wrapError(statusWith(t, codes.Unavailable, neo("Neo.TransientError.General.X")), pushback("250")).(*Error)
	if e.Neo4jCode != "Neo.TransientError.General.X" || e.StatementIndex != 2 || e.Reason != "NEO4J_TRANSIENT_ERROR" || e.RetryPushback != 250*time.Millisecond {
		t.Fatalf("decoded %+v", e)
	}
	e.CommitUnknown = true
	if e.Transient() {
		t.Fatal("a commit of unknown outcome is transient")
	}
}
