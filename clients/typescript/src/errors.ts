// Typed errors. Every failed call becomes a GraphRpcError subclass chosen by its gRPC code,
// carrying what the server put in its google.rpc.ErrorInfo detail: the reason, the Neo4j
// status code and the index of the failing statement of a batch or transaction.

/** gRPC status codes by name, as the server sends them. */
export const STATUS_CODES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

export type StatusCode = (typeof STATUS_CODES)[number];

/** One `google.rpc.BadRequest` field violation: which request field, and what is wrong. */
export interface FieldViolation {
  field: string;
  description: string;
}

export interface ErrorDetails {
  /** ErrorInfo.reason, e.g. "NEO4J_CLIENT_ERROR" or "STATEMENT_TIMEOUT". */
  reason?: string;
  /** ErrorInfo.domain: "graphrpc.dev/neo4j" for the database's errors, "graphrpc.dev" else. */
  domain?: string;
  /** ErrorInfo.metadata, e.g. neo4j_code, statement_index, max_rows. */
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
  /** The server's `grpc-retry-pushback-ms`: when to try again (negative or NaN: do not). */
  retryPushbackMs?: number;
}

/** A failed graphrpc call. */
export class GraphRpcError extends Error {
  /** The gRPC status code's name, e.g. "INVALID_ARGUMENT". */
  readonly code: StatusCode;
  /** The gRPC status code's number. */
  readonly grpcCode: number;
  readonly reason: string | undefined;
  readonly domain: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  /** The Neo4j status code of a database error, e.g. "Neo.ClientError.Statement.SyntaxError". */
  readonly neo4jCode: string | undefined;
  /** The index (from 0) of the failed statement of a batch or transaction. */
  readonly statementIndex: number | undefined;
  readonly fieldViolations: readonly FieldViolation[];
  readonly retryPushbackMs: number | undefined;

  constructor(code: StatusCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.grpcCode = STATUS_CODES.indexOf(code);
    this.reason = details.reason;
    this.domain = details.domain;
    this.metadata = details.metadata ?? {};
    this.neo4jCode = this.metadata["neo4j_code"];
    const index = this.metadata["statement_index"];
    this.statementIndex = index !== undefined && /^\d+$/.test(index) ? Number(index) : undefined;
    this.fieldViolations = details.fieldViolations ?? [];
    this.retryPushbackMs = details.retryPushbackMs;
  }

  /**
   * Whether running the unit of work again may succeed, by the contract's rule
   * (proto/graphrpc/v1/errors.proto): UNAVAILABLE (the database was unreachable or reported
   * a transient error), ABORTED (the transaction was terminated or rolled back for idling;
   * nothing was applied), and RESOURCE_EXHAUSTED with a pushback (the call was shed before
   * it ran). A negative or unreadable pushback means: do not retry.
   */
  get retryable(): boolean {
    if (this.retryPushbackMs !== undefined && !(this.retryPushbackMs >= 0)) return false;
    // A certificate the client does not trust stays untrusted.
    if (this.reason === "CLIENT_TLS") return false;
    if (this.code === "UNAVAILABLE" || this.code === "ABORTED") return true;
    return this.code === "RESOURCE_EXHAUSTED" && this.retryPushbackMs !== undefined;
  }
}

/** The request is wrong: bad Cypher or parameters, unknown names, failed constraints. */
export class ClientError extends GraphRpcError {}
/** No valid token (UNAUTHENTICATED). */
export class AuthenticationError extends GraphRpcError {}
/** The token's principal may not do this (PERMISSION_DENIED). */
export class PermissionDeniedError extends GraphRpcError {}
/** The deadline or the statement's time limit passed (DEADLINE_EXCEEDED). */
export class DeadlineExceededError extends GraphRpcError {}
/** The call was cancelled, e.g. by an AbortSignal (CANCELLED). */
export class CancelledError extends GraphRpcError {}
/** The server or database could not serve the call now; it may succeed later (UNAVAILABLE). */
export class TransientError extends GraphRpcError {}
/** A limit was hit: rows of a Run, a rate limit, calls in flight (RESOURCE_EXHAUSTED). */
export class ResourceExhaustedError extends GraphRpcError {}
/** The transaction was aborted (ABORTED), e.g. idle too long or terminated. */
export class AbortedError extends GraphRpcError {}
/** A fault in the server or the database (INTERNAL, UNKNOWN, DATA_LOSS, …). */
export class ServerError extends GraphRpcError {}

/** A parameter this client cannot send exactly; nothing was sent. */
export class InvalidParameterError extends ClientError {
  /** Where the value is, e.g. "params.person.tags[2]". */
  readonly path: string;

  constructor(path: string, description: string) {
    super("INVALID_ARGUMENT", `${path}: ${description}`, {
      reason: "CLIENT_PARAMETER",
      domain: "graphrpc.dev/client",
      fieldViolations: [{ field: path, description }],
    });
    this.path = path;
  }
}

/** A misuse of this client's own objects, e.g. a statement after commit. */
export class UsageError extends ClientError {
  constructor(message: string) {
    super("FAILED_PRECONDITION", message, { reason: "CLIENT_USAGE", domain: "graphrpc.dev/client" });
  }
}

const CLASSES: Partial<Record<StatusCode, typeof GraphRpcError>> = {
  CANCELLED: CancelledError,
  INVALID_ARGUMENT: ClientError,
  DEADLINE_EXCEEDED: DeadlineExceededError,
  NOT_FOUND: ClientError,
  ALREADY_EXISTS: ClientError,
  PERMISSION_DENIED: PermissionDeniedError,
  RESOURCE_EXHAUSTED: ResourceExhaustedError,
  FAILED_PRECONDITION: ClientError,
  ABORTED: AbortedError,
  OUT_OF_RANGE: ClientError,
  UNIMPLEMENTED: ClientError,
  UNAVAILABLE: TransientError,
  UNAUTHENTICATED: AuthenticationError,
};

/** The error of the right class for a status code. */
export function errorFor(
  code: StatusCode,
  message: string,
  details?: ErrorDetails,
  cause?: unknown,
): GraphRpcError {
  const Class = CLASSES[code] ?? ServerError;
  return new Class(code, message, details, { cause });
}
