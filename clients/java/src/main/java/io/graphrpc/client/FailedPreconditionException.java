package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/** FAILED_PRECONDITION or ALREADY_EXISTS: a constraint violation, a schema conflict, a call out of order. */
public class FailedPreconditionException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public FailedPreconditionException(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      Duration retryPushback,
      Throwable cause) {
    super(code, message, reason, domain, metadata, retryPushback, cause);
  }
}
