// Package graphrpc is the Go client of graphrpc: Cypher over gRPC through one pooled driver.
//
//	c, err := graphrpc.Dial("http://127.0.0.1:50051", graphrpc.WithToken(token))
//	res, err := c.Run(ctx, "RETURN $x AS x", map[string]any{"x": 1})
//
// See docs/clients/go.md.
package graphrpc

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// Client is a connection to one graphrpc endpoint, safe for concurrent use. Its methods
// send no bookmarks; a Session chains them.
type Client struct {
	runner
	conn *grpc.ClientConn
}

type config struct {
	token          string
	tls            *tls.Config
	plaintext      bool
	defaultTimeout time.Duration
	database       string
	dialOptions    []grpc.DialOption
}

// Option configures Dial.
type Option func(*config)

// WithToken sends the bearer token on every call.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithTLS uses TLS with this configuration (RootCAs for a private CA, Certificates for
// mutual TLS). nil means the system's roots. An https:// endpoint uses TLS without it.
func WithTLS(cfg *tls.Config) Option {
	return func(c *config) {
		if cfg == nil {
			cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		c.tls, c.plaintext = cfg, false
	}
}

// WithInsecure speaks plaintext HTTP/2 (an http:// endpoint does so without it). The token
// is then sent in the clear: for loopback and tests only.
func WithInsecure() Option { return func(c *config) { c.plaintext, c.tls = true, nil } }

// WithDefaultTimeout bounds every call whose context has no deadline (default 30 s; 0
// turns it off). Streams and transactions count from their start to their end.
func WithDefaultTimeout(d time.Duration) Option { return func(c *config) { c.defaultTimeout = d } }

// WithDefaultDatabase sets the database of calls that name none.
func WithDefaultDatabase(name string) Option { return func(c *config) { c.database = name } }

// WithGRPCOptions passes extra options to grpc.NewClient (interceptors, keepalive, ...).
func WithGRPCOptions(opts ...grpc.DialOption) Option {
	return func(c *config) { c.dialOptions = append(c.dialOptions, opts...) }
}

// Dial connects lazily to endpoint: "http://host:port" (plaintext), "https://host:port"
// (TLS) or "host:port" (TLS unless WithInsecure).
func Dial(endpoint string, opts ...Option) (*Client, error) {
	cfg := config{defaultTimeout: 30 * time.Second}
	target := endpoint
	switch {
	case strings.HasPrefix(endpoint, "http://"):
		cfg.plaintext, target = true, strings.TrimPrefix(endpoint, "http://")
	case strings.HasPrefix(endpoint, "https://"):
		target = strings.TrimPrefix(endpoint, "https://")
	}
	target = strings.TrimSuffix(target, "/")
	for _, o := range opts {
		o(&cfg)
	}
	if target == "" || strings.Contains(target, "/") {
		return nil, fmt.Errorf("graphrpc: endpoint %q: want http://host:port, https://host:port or host:port", endpoint)
	}
	dial := []grpc.DialOption{
		// Run returns whole results: allow large ones (the server bounds them by max_rows).
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256 << 20)),
	}
	if cfg.plaintext {
		dial = append(dial, grpc.WithTransportCredentials(insecure.NewCredentials()))
	} else {
		t := cfg.tls
		if t == nil {
			t = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		dial = append(dial, grpc.WithTransportCredentials(credentials.NewTLS(t)))
	}
	if cfg.token != "" {
		dial = append(dial, grpc.WithPerRPCCredentials(bearer{token: cfg.token, secure: !cfg.plaintext}))
	}
	conn, err := grpc.NewClient("passthrough:///"+target, append(dial, cfg.dialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("graphrpc: %w", err)
	}
	return &Client{conn: conn, runner: runner{api: pb.NewGraphQueryServiceClient(conn), cfg: &cfg}}, nil
}

// Close closes the connection; calls in flight fail.
func (c *Client) Close() error { return c.conn.Close() }

// NewSession returns a session: its calls send the bookmark of its last write, so each one
// sees the writes before it (read-your-writes across graphrpc replicas on a cluster).
func (c *Client) NewSession(bookmarks ...string) *Session {
	return &Session{runner: runner{api: c.api, cfg: c.cfg, bookmarks: &bookmarkChain{last: bookmarks}}}
}

// Session is a Client whose calls chain bookmarks. Safe for concurrent use, though
// concurrent calls then see each other's bookmarks in no set order.
type Session struct{ runner }

// Bookmarks returns the bookmarks the session's next call will send.
func (s *Session) Bookmarks() []string { return s.bookmarks.get() }

type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.secure }
