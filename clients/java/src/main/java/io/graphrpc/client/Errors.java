package io.graphrpc.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** gRPC failures to {@link GraphRpcException}s: the one place that reads status details. */
final class Errors {
  private static final Metadata.Key<String> PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private Errors() {}

  /** The exception for any failure of a call (a status, or a local error before one). */
  static GraphRpcException from(Throwable error) {
    if (error instanceof GraphRpcException e) {
      return e;
    }
    Status status = Status.fromThrowable(error);
    String reason = "";
    String domain = "";
    Map<String, String> metadata = Map.of();
    Map<String, String> fields = new LinkedHashMap<>();
    com.google.rpc.Status details = StatusProto.fromThrowable(error);
    if (details != null) {
      for (Any any : details.getDetailsList()) {
        try {
          if (any.is(ErrorInfo.class)) {
            ErrorInfo info = any.unpack(ErrorInfo.class);
            reason = info.getReason();
            domain = info.getDomain();
            metadata = info.getMetadataMap();
          } else if (any.is(BadRequest.class)) {
            for (BadRequest.FieldViolation v : any.unpack(BadRequest.class).getFieldViolationsList()) {
              fields.put(v.getField(), v.getDescription());
            }
          }
        } catch (InvalidProtocolBufferException e) {
          // A malformed detail does not hide the status itself.
        }
      }
    }
    Duration pushback = pushback(Status.trailersFromThrowable(error));
    String message = status.getDescription() == null ? "" : status.getDescription();
    Throwable cause = error;
    GraphRpcException mapped = byCode(status.getCode(), message, reason, domain, metadata, pushback, cause);
    mapped.setFieldViolations(fields);
    return mapped;
  }

  private static GraphRpcException byCode(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      Duration pushback,
      Throwable cause) {
    return switch (code) {
      case UNAUTHENTICATED -> new AuthenticationException(
          code, message, reason, domain, metadata, pushback, cause);
      case PERMISSION_DENIED -> new PermissionDeniedException(
          code, message, reason, domain, metadata, pushback, cause);
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidArgumentException(
          code, message, reason, domain, metadata, pushback, cause);
      case NOT_FOUND -> new NotFoundException(code, message, reason, domain, metadata, pushback, cause);
      case FAILED_PRECONDITION, ALREADY_EXISTS -> new FailedPreconditionException(
          code, message, reason, domain, metadata, pushback, cause);
      case DEADLINE_EXCEEDED -> new DeadlineExceededException(
          code, message, reason, domain, metadata, pushback, cause);
      case UNAVAILABLE, ABORTED -> new TransientException(
          code, message, reason, domain, metadata, pushback, cause);
      case RESOURCE_EXHAUSTED -> pushback != null
          ? new TransientException(code, message, reason, domain, metadata, pushback, cause)
          : new ResourceExhaustedException(code, message, reason, domain, metadata, null, cause);
      default -> new GraphRpcException(code, message, reason, domain, metadata, pushback, cause);
    };
  }

  private static Duration pushback(Metadata trailers) {
    if (trailers == null) {
      return null;
    }
    String value = trailers.get(PUSHBACK);
    if (value == null) {
      return null;
    }
    try {
      long millis = Long.parseLong(value.trim());
      // A negative pushback means "do not retry" in gRPC's retry design.
      return millis < 0 ? null : Duration.ofMillis(millis);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
