package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/** RESOURCE_EXHAUSTED without a pushback: a result over the row limit, a request too large. */
public class ResourceExhaustedException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public ResourceExhaustedException(
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
