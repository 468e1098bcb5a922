package io.graphrpc.client;

import io.graphrpc.v1.GraphQueryServiceGrpc;
import io.graphrpc.v1.RunBatchRequest;
import io.graphrpc.v1.RunNamedRequest;
import io.graphrpc.v1.RunNamedStreamRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A connection to graphrpc. Thread-safe; make one per process and share it. Every call has
 * the client's default deadline unless the {@link Query} sets a shorter timeout. The client
 * chains bookmarks: each call sends the bookmark of the last commit it saw, so it reads its
 * own writes across a cluster.
 *
 * <pre>{@code
 * try (GraphRpcClient client = GraphRpcClient.connect("http://127.0.0.1:50051", token)) {
 *   Result result = client.run("RETURN $x AS x", Map.of("x", 1));
 * }
 * }</pre>
 */
public final class GraphRpcClient implements AutoCloseable {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final ManagedChannel channel;
  private final Duration defaultTimeout;
  private final Duration maxRetryTime;
  private volatile List<String> bookmarks = List.of();

  private GraphRpcClient(ManagedChannel channel, Duration defaultTimeout, Duration maxRetryTime) {
    this.channel = channel;
    this.defaultTimeout = defaultTimeout;
    this.maxRetryTime = maxRetryTime;
  }

  /** A client of {@code endpoint} (http://host:port or https://host:port) with a bearer token. */
  public static GraphRpcClient connect(String endpoint, String token) {
    return builder(endpoint).token(token).build();
  }

  /** A builder for a client of {@code endpoint}: http://host:port or https://host:port. */
  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  /** How to connect: endpoint, token, TLS, deadlines. */
  public static final class Builder {
    private final String endpoint;
    private String token;
    private Duration defaultTimeout = Duration.ofSeconds(60);
    private Duration maxRetryTime = Duration.ofSeconds(30);
    private java.nio.file.Path trustedCertificates;
    private java.nio.file.Path clientCertificate;
    private java.nio.file.Path clientKey;
    private String authority;

    private Builder(String endpoint) {
      this.endpoint = endpoint;
    }

    /** The bearer token sent with every call. */
    public Builder token(String value) {
      this.token = value;
      return this;
    }

    /** The deadline of each call (60 s unless set). */
    public Builder defaultTimeout(Duration value) {
      this.defaultTimeout = positive(value, "defaultTimeout");
      return this;
    }

    /** How long managed transactions keep retrying transient failures (30 s unless set). */
    public Builder maxRetryTime(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("maxRetryTime: must be zero or more");
      }
      this.maxRetryTime = value;
      return this;
    }

    /** https: trust the CAs of this PEM file instead of the system's. */
    public Builder trustedCertificates(java.nio.file.Path caPem) {
      this.trustedCertificates = caPem;
      return this;
    }

    /** https: mutual TLS with this client certificate chain and private key (PEM files). */
    public Builder clientCertificate(java.nio.file.Path certificatePem, java.nio.file.Path keyPem) {
      this.clientCertificate = certificatePem;
      this.clientKey = keyPem;
      return this;
    }

    /** The authority (and TLS server name) to use instead of the endpoint's host. */
    public Builder authority(String value) {
      this.authority = value;
      return this;
    }

    /** Opens the client; the connection itself is made by the first call. */
    public GraphRpcClient build() {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("endpoint: `" + endpoint + "` is not a URL", e);
      }
      String scheme = uri.getScheme();
      boolean tls;
      if ("https".equals(scheme)) {
        tls = true;
      } else if ("http".equals(scheme)) {
        tls = false;
      } else {
        throw new IllegalArgumentException(
            "endpoint: `" + endpoint + "` must be http://host:port (plaintext) or https://host:port (TLS)");
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("endpoint: `" + endpoint + "` has no host");
      }
      if (!tls && (trustedCertificates != null || clientCertificate != null)) {
        throw new IllegalArgumentException("endpoint: certificates need an https:// endpoint");
      }
      int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
      ChannelCredentials credentials = tls ? tlsCredentials() : InsecureChannelCredentials.create();
      var channel =
          Grpc.newChannelBuilderForAddress(uri.getHost(), port, credentials)
              // Run returns whole results in one message (up to the server's row limit).
              .maxInboundMessageSize(64 * 1024 * 1024);
      if (authority != null) {
        channel.overrideAuthority(authority);
      }
      if (token != null) {
        channel.intercept(new BearerToken(token));
      }
      return new GraphRpcClient(channel.build(), defaultTimeout, maxRetryTime);
    }

    private ChannelCredentials tlsCredentials() {
      try {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        if (trustedCertificates != null) {
          b.trustManager(trustedCertificates.toFile());
        }
        if (clientCertificate != null) {
          b.keyManager(clientCertificate.toFile(), clientKey.toFile());
        }
        return b.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the TLS certificates: " + e.getMessage(), e);
      }
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": must be positive");
      }
      return value;
    }
  }

  /** Sends {@code authorization: Bearer <token>} with every call. */
  private static final class BearerToken implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String value;

    BearerToken(String token) {
      this.value = "Bearer " + token;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          headers.put(AUTHORIZATION, value);
          super.start(listener, headers);
        }
      };
    }
  }

  // ---- auto-commit statements ----

  /** Runs a statement without parameters; see {@link #run(Query)}. */
  public Result run(String cypher) {
    return run(Query.of(cypher));
  }

  /** Runs a statement with parameters; see {@link #run(Query)}. */
  public Result run(String cypher, Map<String, ?> params) {
    return run(Query.of(cypher, params));
  }

  /**
   * Runs a statement in an auto-commit transaction and returns every row. A result over the
   * row limit is a {@link ResourceExhaustedException}: stream it instead.
   */
  public Result run(Query query) {
    var request = Protos.runRequest(query, bookmarks);
    try {
      Result result = Protos.result(blocking(deadline(query.timeout())).run(request));
      chain(result.summary().bookmark());
      return result;
    } catch (RuntimeException e) {
      throw Errors.from(e);
    }
  }

  /** Streams a statement with parameters; see {@link #stream(Query)}. */
  public RowStream stream(String cypher, Map<String, ?> params) {
    return stream(Query.of(cypher, params));
  }

  /**
   * Runs a statement and streams its rows. Close the stream (try-with-resources); closing it
   * early cancels the query.
   */
  public RowStream stream(Query query) {
    var request = Protos.runStreamRequest(query, bookmarks);
    var stub = blocking(deadline(query.timeout()));
    return RowStream.open(() -> stub.runStream(request), RowStream::part, s -> chain(s.bookmark()));
  }

  // ---- named queries ----

  /** Runs a named query of the server's catalog and returns every row. */
  public Result runNamed(String name, Map<String, ?> params) {
    RunNamedRequest request = Protos.runNamedRequest(name, params, bookmarks);
    try {
      Result result = Protos.result(blocking(deadline(null)).runNamed(request));
      chain(result.summary().bookmark());
      return result;
    } catch (RuntimeException e) {
      throw Errors.from(e);
    }
  }

  /** Runs a named query and streams its rows; close the stream. */
  public RowStream streamNamed(String name, Map<String, ?> params) {
    RunNamedStreamRequest request = Protos.runNamedStreamRequest(name, params, bookmarks);
    var stub = blocking(deadline(null));
    return RowStream.open(() -> stub.runNamedStream(request), RowStream::part, s -> chain(s.bookmark()));
  }

  // ---- batches and transactions ----

  /** Runs the statements in order in one transaction: all of them or none. */
  public BatchResult batch(List<Statement> statements) {
    RunBatchRequest request = Protos.runBatchRequest(statements, bookmarks);
    try {
      BatchResult result = Protos.batch(blocking(deadline(null)).runBatch(request));
      chain(result.bookmark());
      return result;
    } catch (RuntimeException e) {
      throw Errors.from(e);
    }
  }

  /** Begins an explicit WRITE transaction; close it (try-with-resources) to roll back. */
  public Transaction beginTransaction() {
    return beginTransaction(AccessMode.WRITE);
  }

  /** Begins an explicit transaction of this access mode. */
  public Transaction beginTransaction(AccessMode mode) {
    return begin(mode, deadline(null));
  }

  private Transaction begin(AccessMode mode, Deadline deadline) {
    io.graphrpc.v1.Begin begin = Protos.begin(mode, bookmarks);
    var stub = GraphQueryServiceGrpc.newStub(channel).withDeadline(deadline);
    try {
      return Transaction.begin(stub, begin, this::chain);
    } catch (RuntimeException e) {
      throw Errors.from(e);
    }
  }

  /**
   * Runs {@code work} in a WRITE transaction and commits it. A transient failure (see {@link
   * TransientException}) runs it again in a new transaction, after a backoff that honours the
   * server's {@code grpc-retry-pushback-ms}, for up to the client's max retry time; except
   * a commit lost to UNAVAILABLE, whose outcome is unknown, which is thrown.
   */
  public <T> T executeWrite(TransactionWork<T> work) {
    return execute(AccessMode.WRITE, work);
  }

  /** Like {@link #executeWrite}, in a READ transaction. */
  public <T> T executeRead(TransactionWork<T> work) {
    return execute(AccessMode.READ, work);
  }

  private <T> T execute(AccessMode mode, TransactionWork<T> work) {
    long giveUpAt = System.nanoTime() + maxRetryTime.toNanos();
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      boolean commitSent = false;
      try (Transaction tx = begin(mode, deadline(null))) {
        T value = work.execute(tx);
        if (tx.isOpen()) {
          commitSent = true;
          tx.commit();
        }
        return value;
      } catch (GraphRpcException e) {
        // A commit that failed UNAVAILABLE may have been applied: running the work again
        // could apply it twice, so only ABORTED (nothing applied) is retried after a commit.
        boolean outcomeUnknown = commitSent && e.code() != Status.Code.ABORTED;
        if (!e.isRetryable() || outcomeUnknown) {
          throw e;
        }
        Duration wait = jitter(backoff);
        if (e.retryPushback() != null && e.retryPushback().compareTo(wait) > 0) {
          wait = e.retryPushback();
        }
        if (System.nanoTime() + wait.toNanos() > giveUpAt) {
          throw e;
        }
        sleep(wait, e);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private static Duration jitter(Duration backoff) {
    double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (backoff.toNanos() * factor));
  }

  private static void sleep(Duration wait, GraphRpcException cause) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw cause;
    }
  }

  // ---- plumbing ----

  /** The bookmarks the next call sends (the last commit's, when the server gave one). */
  public List<String> bookmarks() {
    return bookmarks;
  }

  private void chain(String bookmark) {
    if (bookmark != null && !bookmark.isEmpty()) {
      bookmarks = List.of(bookmark);
    }
  }

  private Deadline deadline(Duration timeout) {
    // A statement timeout shorter than the default shortens the call's deadline too, with a
    // second to spare so that the server's own DEADLINE_EXCEEDED (which says why) comes first.
    Duration d = defaultTimeout;
    if (timeout != null && timeout.plusSeconds(1).compareTo(defaultTimeout) < 0) {
      d = timeout.plusSeconds(1);
    }
    return Deadline.after(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private GraphQueryServiceGrpc.GraphQueryServiceBlockingStub blocking(Deadline deadline) {
    return GraphQueryServiceGrpc.newBlockingStub(channel).withDeadline(deadline);
  }

  /** Closes the connection, waiting up to 5 s for calls in flight. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
