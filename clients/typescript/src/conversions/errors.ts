// A failed call (ConnectError) as a typed GraphRpcError: the status code, the message, and
// the google.rpc.ErrorInfo and BadRequest details of grpc-status-details-bin, decoded here
// from their wire form (two small, stable messages; no generated code needed for them).

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ConnectError } from "@connectrpc/connect";
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

/** Any error thrown by a call, as a GraphRpcError (non-call errors pass through unchanged). */
export function toGraphRpcError(error: unknown): unknown {
  if (error instanceof GraphRpcError) return error;
  if (!(error instanceof ConnectError)) return error;
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
  if (pushback !== null && /^-?\d+$/.test(pushback.trim())) {
    details.retryPushbackMs = Number(pushback.trim());
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
