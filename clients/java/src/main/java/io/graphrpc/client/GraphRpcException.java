package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A failed call: the gRPC code, the server's message and, when the server sent a
 * {@code google.rpc.ErrorInfo}, its reason, domain and metadata (the Neo4j status code in
 * {@code neo4j_code}, a failed batch or transaction statement's {@code statement_index}).
 * Subclasses name the kinds a caller branches on; catch this class for all of them.
 */
public class GraphRpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String reason;
  private final String domain;
  private final Map<String, String> metadata;
  private final Duration retryPushback;
  private Map<String, String> fieldViolations = Map.of();

  /** An error with everything the server said. */
  public GraphRpcException(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      Duration retryPushback,
      Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
    this.reason = reason == null ? "" : reason;
    this.domain = domain == null ? "" : domain;
    this.metadata = Map.copyOf(metadata);
    this.retryPushback = retryPushback;
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The ErrorInfo reason (e.g. NEO4J_CLIENT_ERROR, ROW_LIMIT_EXCEEDED), or "" without one. */
  public String reason() {
    return reason;
  }

  /** The ErrorInfo domain (graphrpc.dev or graphrpc.dev/neo4j), or "". */
  public String domain() {
    return domain;
  }

  /** The ErrorInfo metadata. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The Neo4j status code (e.g. Neo.ClientError.Statement.SyntaxError), or null. */
  public String neo4jCode() {
    return metadata.get("neo4j_code");
  }

  /** The index of the failed statement of a batch or transaction, when the server gave it. */
  public OptionalInt statementIndex() {
    String index = metadata.get("statement_index");
    if (index == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(index));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * The request fields the server refused (google.rpc.BadRequest), by path such as
   * {@code params.title}, with what is wrong with each; empty when it named none.
   */
  public Map<String, String> fieldViolations() {
    return fieldViolations;
  }

  void setFieldViolations(Map<String, String> violations) {
    this.fieldViolations = Map.copyOf(violations);
  }

  /** How long the server asked callers to wait before a retry, or null. */
  public Duration retryPushback() {
    return retryPushback;
  }

  /** Whether running the same work again may succeed (managed transactions do so). */
  public boolean isRetryable() {
    return false;
  }
}
