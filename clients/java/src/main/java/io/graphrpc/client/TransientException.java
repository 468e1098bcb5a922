package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/**
 * A failure that may pass: UNAVAILABLE (the database or a cluster member is unreachable, a
 * Neo4j TransientError), ABORTED (the transaction was terminated or idled out; nothing was
 * applied) or RESOURCE_EXHAUSTED with a {@code grpc-retry-pushback-ms} (the server sheds load
 * or the token is over its rate limit). Managed transactions retry these.
 */
public class TransientException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public TransientException(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      Duration retryPushback,
      Throwable cause) {
    super(code, message, reason, domain, metadata, retryPushback, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
