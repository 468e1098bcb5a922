// @graphrpc/client: run Cypher through a graphrpc server from TypeScript / Node.

export { Client, type ClientOptions, type TlsOptions } from "./client.js";
export { Session, type NamedQueryInfo } from "./session.js";
export { Transaction, type TransactionState } from "./transaction.js";
export { ResultStream } from "./stream.js";
export {
  Row,
  type Result,
  type BatchResult,
  type Summary,
  type Counters,
  type Notification,
} from "./result.js";
export type { AccessMode, CallOptions, RunOptions, TransactionOptions, ManagedOptions } from "./options.js";
export type { Statement } from "./conversions/requests.js";
export type { Params, ParamValue, EncodeOptions } from "./conversions/values.js";
export { type GraphValue, type GraphMap, Node, Relationship, Path, Point, SRID } from "./graph.js";
export { CypherDate, LocalTime, Time, LocalDateTime, DateTime, Duration } from "./temporal.js";
export {
  GraphRpcError,
  ClientError,
  AuthenticationError,
  PermissionDeniedError,
  DeadlineExceededError,
  CancelledError,
  TransientError,
  ResourceExhaustedError,
  AbortedError,
  ServerError,
  InvalidParameterError,
  UsageError,
  STATUS_CODES,
  type StatusCode,
  type FieldViolation,
} from "./errors.js";
