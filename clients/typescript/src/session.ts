// The calls: run, stream, named queries, batches, explicit and managed transactions. A
// Session chains bookmarks (each call sees the writes of the ones before it); the Client's
// own methods use a session that does not.

import type { Client as RpcClient } from "@connectrpc/connect";
import type { GraphQueryService } from "./gen/graphrpc/v1/query_pb.js";
import { toGraphRpcError } from "./conversions/errors.js";
import { decodeResult } from "./conversions/results.js";
import type { EncodeOptions, Params } from "./conversions/values.js";
import {
  type Statement,
  batchRequest,
  begin,
  runNamedRequest,
  runNamedStreamRequest,
  runRequest,
  runStreamRequest,
} from "./conversions/requests.js";
import type { CallOptions, ManagedOptions, RunOptions, TransactionOptions } from "./options.js";
import type { BatchResult, Result, Summary } from "./result.js";
import { runManaged } from "./retry.js";
import { ResultStream, type StreamResponse } from "./stream.js";
import { Transaction } from "./transaction.js";

/** What a session needs from its client. */
export interface Connection {
  readonly rpc: RpcClient<typeof GraphQueryService>;
  readonly encode: EncodeOptions;
  readonly timeoutMs: number | undefined;
  readonly maxRetryTimeMs: number;
}

export interface NamedQueryInfo {
  name: string;
  description: string;
  cypher: string;
  mode: "READ" | "WRITE" | "UNSPECIFIED";
  idempotent: boolean;
  parameters: { name: string; type: string; required: boolean; description: string }[];
  timeoutMs: number | undefined;
  maxRows: number;
}

export class Session {
  private bookmarks: string[];

  constructor(
    protected readonly connection: Connection,
    private readonly chain: boolean,
    bookmarks: readonly string[] = [],
  ) {
    this.bookmarks = [...bookmarks];
  }

  /** The bookmarks a next call of this session sends: those of its last commit. */
  lastBookmarks(): string[] {
    return [...this.bookmarks];
  }

  /** Runs one statement in an auto-commit transaction; returns every row. */
  async run(cypher: string, params?: Params, options: RunOptions = {}): Promise<Result> {
    const request = runRequest(cypher, params, options, this.bookmarksFor(options), this.connection.encode);
    const response = await this.call((o) => this.connection.rpc.run(request, o), options);
    const result = decodeResult(response.keys, response.rows, response.summary);
    this.learn(result.summary.bookmark);
    return result;
  }

  /** Runs one statement and streams its rows (bounded memory); see ResultStream. */
  stream(cypher: string, params?: Params, options: RunOptions = {}): ResultStream {
    const request = runStreamRequest(
      cypher,
      params,
      options,
      this.bookmarksFor(options),
      this.connection.encode,
    );
    return this.openStream((o) => this.connection.rpc.runStream(request, o), options);
  }

  /** Runs a named query of the server's catalog; returns every row. */
  async runNamed(name: string, params?: Params, options: RunOptions = {}): Promise<Result> {
    const request = runNamedRequest(
      name,
      params,
      options,
      this.bookmarksFor(options),
      this.connection.encode,
    );
    const response = await this.call((o) => this.connection.rpc.runNamed(request, o), options);
    const result = decodeResult(response.keys, response.rows, response.summary);
    this.learn(result.summary.bookmark);
    return result;
  }

  /** Runs a named query and streams its rows. */
  streamNamed(name: string, params?: Params, options: RunOptions = {}): ResultStream {
    const request = runNamedStreamRequest(
      name,
      params,
      options,
      this.bookmarksFor(options),
      this.connection.encode,
    );
    return this.openStream((o) => this.connection.rpc.runNamedStream(request, o), options);
  }

  /** Runs statements in order in one transaction, all or none. */
  async batch(statements: readonly Statement[], options: RunOptions = {}): Promise<BatchResult> {
    const request = batchRequest(statements, options, this.bookmarksFor(options), this.connection.encode);
    const response = await this.call((o) => this.connection.rpc.runBatch(request, o), options);
    this.learn(response.bookmark);
    return {
      results: response.results.map((r) => decodeResult(r.keys, r.rows, r.summary)),
      bookmark: response.bookmark,
      attempts: response.attempts,
    };
  }

  /** The named queries of the server's catalog. */
  async listNamedQueries(options: CallOptions = {}): Promise<NamedQueryInfo[]> {
    const response = await this.call((o) => this.connection.rpc.listNamedQueries({}, o), options);
    const modes = ["UNSPECIFIED", "READ", "WRITE"] as const;
    return response.queries.map((q) => ({
      name: q.name,
      description: q.description,
      cypher: q.cypher,
      mode: modes[q.mode] ?? "UNSPECIFIED",
      idempotent: q.idempotent,
      parameters: q.parameters.map(({ name, type, required, description }) => ({
        name,
        type,
        required,
        description,
      })),
      timeoutMs: q.timeout ? Number(q.timeout.seconds) * 1000 + q.timeout.nanos / 1e6 : undefined,
      maxRows: q.maxRows,
    }));
  }

  /**
   * Opens an explicit transaction. Commit or roll it back; until then it holds a database
   * connection (the server rolls it back when its deadline or idle timeout passes).
   */
  async beginTransaction(options: TransactionOptions = {}): Promise<Transaction> {
    const message = { case: "begin" as const, value: begin(options, this.bookmarksFor(options)) };
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const timeoutMs = options.timeoutMs ?? this.connection.timeoutMs;
    return Transaction.begin(
      (requests) => this.connection.rpc.transaction(requests, this.callOptions({ timeoutMs }, signal)),
      message,
      () => controller.abort(),
      this.connection.encode,
      (bookmark) => this.learn(bookmark),
    );
  }

  /** Runs `work` in a READ transaction, committed when it returns; retried on transient failures. */
  executeRead<T>(work: (tx: Transaction) => Promise<T>, options: ManagedOptions = {}): Promise<T> {
    return this.managed("READ", work, options);
  }

  /**
   * Runs `work` in a WRITE transaction, committed when it returns; retried on transient
   * failures, so `work` may run more than once: keep side effects out of it.
   */
  executeWrite<T>(work: (tx: Transaction) => Promise<T>, options: ManagedOptions = {}): Promise<T> {
    return this.managed("WRITE", work, options);
  }

  private managed<T>(
    accessMode: "READ" | "WRITE",
    work: (tx: Transaction) => Promise<T>,
    options: ManagedOptions,
  ): Promise<T> {
    const budget = options.maxRetryTimeMs ?? this.connection.maxRetryTimeMs;
    return runManaged(() => this.beginTransaction({ ...options, accessMode }), work, budget, options.signal);
  }

  private bookmarksFor(options: { bookmarks?: readonly string[] }): string[] {
    return [...new Set([...(options.bookmarks ?? []), ...this.bookmarks])];
  }

  private learn(bookmark: string): void {
    if (this.chain && bookmark !== "") this.bookmarks = [bookmark];
  }

  private async call<T>(
    invoke: (options: { signal?: AbortSignal; timeoutMs?: number }) => Promise<T>,
    options: CallOptions,
  ): Promise<T> {
    try {
      return await invoke(this.callOptions(options, options.signal));
    } catch (error) {
      throw toGraphRpcError(error);
    }
  }

  private openStream(
    start: (options: { signal?: AbortSignal; timeoutMs?: number }) => AsyncIterable<StreamResponse>,
    options: RunOptions,
  ): ResultStream {
    const controller = new AbortController();
    return new ResultStream(
      (signal) =>
        start(this.callOptions(options, options.signal ? AbortSignal.any([options.signal, signal]) : signal)),
      controller,
      (summary: Summary) => this.learn(summary.bookmark),
    );
  }

  private callOptions(
    options: CallOptions,
    signal: AbortSignal | undefined,
  ): { signal?: AbortSignal; timeoutMs?: number } {
    const timeoutMs = options.timeoutMs ?? this.connection.timeoutMs;
    return {
      ...(signal ? { signal } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  }
}
