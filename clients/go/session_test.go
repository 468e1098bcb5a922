package graphrpc_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// sentBookmarks records the bookmarks of every Begin and RunRequest the client sends.
type sentBookmarks struct {
	mu  sync.Mutex
	got [][]string
}

func (s *sentBookmarks) option() graphrpc.Option {
	return graphrpc.WithGRPCOptions(
		grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
			cs, err := streamer(ctx, desc, cc, method, opts...)
			return recordingStream{cs, s}, err
		}),
		grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			if r, ok := req.(*pb.RunRequest); ok {
				s.add(r.GetBookmarks())
			}
			return invoker(ctx, method, req, reply, cc, opts...)
		}))
}

func (s *sentBookmarks) add(b []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, b)
}

func (s *sentBookmarks) last() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[len(s.got)-1]
}

type recordingStream struct {
	grpc.ClientStream
	s *sentBookmarks
}

func (r recordingStream) SendMsg(m any) error {
	if req, ok := m.(*pb.TransactionRequest); ok && req.GetBegin() != nil {
		r.s.add(req.GetBegin().GetBookmarks())
	}
	return r.ClientStream.SendMsg(m)
}

// A session sends the bookmark of its last commit with its next call; the client itself
// sends none.
func TestSessionChainsBookmarks(t *testing.T) {
	var sent sentBookmarks
	c, id := dial(t, "writer", sent.option()), tag(t)
	s := c.NewSession()
	write := func(r interface {
		ExecuteWrite(context.Context, func(*graphrpc.Tx) error, ...graphrpc.RunOption) error
	}) {
		err := r.ExecuteWrite(ctxFor(t, 30*time.Second), func(tx *graphrpc.Tx) error {
			_, err := tx.Run("CREATE (:GoSession {tag: $tag})", graphrpc.Params{"tag": id})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(s)
	first := s.Bookmarks()
	if len(first) != 1 || first[0] == "" {
		t.Fatalf("after a commit the session holds %v (the test database gives bookmarks for explicit transactions)", first)
	}
	write(s)
	if !slices.Equal(sent.last(), first) {
		t.Fatalf("the second transaction's Begin sent %v, want %v", sent.last(), first)
	}
	if _, err := s.Run(ctxFor(t, 30*time.Second), "RETURN 1", nil); err != nil {
		t.Fatal(err)
	}
	if got := sent.last(); len(got) != 1 || got[0] == first[0] {
		t.Fatalf("the Run after the second commit sent %v, want the second commit's bookmark", got)
	}
	write(c)
	if got := sent.last(); len(got) != 0 {
		t.Fatalf("the client outside a session sent bookmarks %v", got)
	}
}
