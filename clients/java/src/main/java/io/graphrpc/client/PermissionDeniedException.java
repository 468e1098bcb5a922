package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/** PERMISSION_DENIED: the token's role may not do this (a reader's write, say). */
public class PermissionDeniedException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public PermissionDeniedException(
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
