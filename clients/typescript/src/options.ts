// The options of calls, shared by the client, sessions and transactions.

export type AccessMode = "READ" | "WRITE";

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call; a stream stops at once and the server stops the query. */
  signal?: AbortSignal;
  /** The call's deadline in milliseconds; the client's `timeoutMs` when left out. */
  timeoutMs?: number;
}

/** Options of run, stream, runNamed, streamNamed and batch. */
export interface RunOptions extends CallOptions {
  /** The database; the server's configured one when left out. */
  database?: string;
  /** READ or WRITE (the default). READ work is routed to a cluster's readers. */
  accessMode?: AccessMode;
  /** Bookmarks of earlier work this call must see (a session adds its own). */
  bookmarks?: readonly string[];
  /** The statement's own time limit on the server (the deadline applies too). */
  statementTimeoutMs?: number;
  /** run/runNamed/batch: the most rows the response may hold (the server's default if 0). */
  maxRows?: number;
  /** stream/streamNamed: rows per message from the server (the server's default if 0). */
  batchSize?: number;
  /** Declares a write safe to run twice, so that the server may retry it. */
  idempotent?: boolean;
  /** batch only: transaction metadata shown in the database's query log. */
  metadata?: Readonly<Record<string, string>>;
}

/** Options of beginTransaction, executeRead and executeWrite. */
export interface TransactionOptions extends CallOptions {
  database?: string;
  accessMode?: AccessMode;
  bookmarks?: readonly string[];
  /** The transaction's time limit on the server, from begin to commit. */
  transactionTimeoutMs?: number;
  /** Transaction metadata shown in the database's query log and transaction listing. */
  metadata?: Readonly<Record<string, string>>;
}

/** Options of executeRead and executeWrite. */
export interface ManagedOptions extends Omit<TransactionOptions, "accessMode"> {
  /**
   * How long to keep retrying: no attempt starts after this many milliseconds from the first
   * (the client's `maxRetryTimeMs`, 30 s by default, when left out; 0 means no retries).
   * Each attempt has its own deadline, `timeoutMs`.
   */
  maxRetryTimeMs?: number;
}
