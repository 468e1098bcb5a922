package io.graphrpc.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;

/** DEADLINE_EXCEEDED: the call or statement ran past its time limit. */
public class DeadlineExceededException extends GraphRpcException {
  private static final long serialVersionUID = 1L;

  /** See {@link GraphRpcException#GraphRpcException}. */
  public DeadlineExceededException(
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
