// A failed call (ConnectError) as a typed GraphRpcError: the status code, the message, and
// the google.rpc.ErrorInfo and BadRequest details of grpc-status-details-bin, decoded here
// from their wire form (two small, stable messages; no generated code needed for them).

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ErrorDetails,
  type FieldViolation,
  GraphRpcError,
  STATUS_CODES,
  type StatusCode,
  errorFor,
} from "../errors.js";

const ERROR_INFO = "google.rpc.ErrorInfo";
const BAD_REQUEST = "google.rpc.BadRequest";

/** The first error with a Node.js system error code (ECONNRESET, a TLS code, …) in a cause chain. */
function systemCause(error: unknown): (Error & { code: string }) | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return e as Error & { code: string };
  }
  return undefined;
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_/;

/**
 * A failure of the connection itself, seen by this client: gRPC calls it UNAVAILABLE
 * (Connect for Node says INTERNAL or ABORTED). ABORTED would wrongly say that nothing was
 * applied: a connection lost during a commit leaves its outcome unknown.
 */
function transportError(error: ConnectError): GraphRpcError | undefined {
  if (error.code === Code.Canceled || error.code === Code.DeadlineExceeded) return undefined;
  const cause = systemCause(error.cause);
  if (cause === undefined || cause.code === "ERR_STREAM_WRITE_AFTER_END") return undefined;
  const tls = TLS_CODE.test(cause.code);
  const what = tls ? "the TLS handshake with the server failed" : "the connection to the server failed";
  return errorFor(
    "UNAVAILABLE",
    `${what}: ${cause.message} (${cause.code})`,
    { reason: tls ? "CLIENT_TLS" : "CLIENT_CONNECTION", domain: "graphrpc.dev/client" },
    error,
  );
}

/** Any error thrown by a call, as a GraphRpcError (non-call errors pass through unchanged). */
export function toGraphRpcError(error: unknown): unknown {
  if (error instanceof GraphRpcError) return error;
  if (!(error instanceof ConnectError)) return error;
  const transport = transportError(error);
  if (transport) return transport;
  const code: StatusCode = STATUS_CODES[error.code] ?? "UNKNOWN";
  const details: ErrorDetails = {};
  for (const detail of error.details) {
    if (!("type" in detail) || !(detail.value instanceof Uint8Array)) continue;
    try {
      if (detail.type === ERROR_INFO) Object.assign(details, decodeErrorInfo(detail.value));
      if (detail.type === BAD_REQUEST) details.fieldViolations = decodeBadRequest(detail.value);
    } catch {
      // A detail that does not decode is left out; the code and message still stand.
    }
  }
  const pushback = error.metadata.get("grpc-retry-pushback-ms");
  if (pushback !== null) {
    // An unreadable pushback becomes NaN, which GraphRpcError.retryable reads as "do not retry".
    details.retryPushbackMs = /^-?\d+$/.test(pushback.trim()) ? Number(pushback.trim()) : Number.NaN;
  }
  return errorFor(code, error.rawMessage, details, error);
}

function decodeErrorInfo(bytes: Uint8Array): ErrorDetails {
  const reader = new BinaryReader(bytes);
  const info: ErrorDetails = { metadata: {} };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) info.reason = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) info.domain = reader.string();
    else if (field === 3 && wireType === WireType.LengthDelimited) {
      const [key, value] = decodePair(reader.bytes());
      (info.metadata as Record<string, string>)[key] = value;
    } else reader.skip(wireType);
  }
  return info;
}

// A map entry, and a BadRequest.FieldViolation: two strings in fields 1 and 2.
function decodePair(bytes: Uint8Array): [string, string] {
  const reader = new BinaryReader(bytes);
  let first = "";
  let second = "";
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) first = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) second = reader.string();
    else reader.skip(wireType);
  }
  return [first, second];
}

function decodeBadRequest(bytes: Uint8Array): FieldViolation[] {
  const reader = new BinaryReader(bytes);
  const violations: FieldViolation[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) {
      const [name, description] = decodePair(reader.bytes());
      violations.push({ field: name, description });
    } else reader.skip(wireType);
  }
  return violations;
}
