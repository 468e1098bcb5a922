package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/** INVALID_ARGUMENT: a bad request or statement (syntax, parameters, limits). */
public class InvalidArgumentException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public InvalidArgumentException(
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
