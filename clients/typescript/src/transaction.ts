// An explicit transaction: one Transaction call (a bidirectional stream) that lives from
// begin to commit or rollback. Statements run one at a time, in the order they are called.

import type { TransactionResponse } from "./gen/graphrpc/v1/transaction_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TransactionRequestSchema } from "./gen/graphrpc/v1/transaction_pb.js";
import { GraphRpcError, UsageError } from "./errors.js";
import { toGraphRpcError } from "./conversions/errors.js";
import { decodeResult } from "./conversions/results.js";
import { type EncodeOptions, type Params, encodeParams } from "./conversions/values.js";
import type { Row as RowMessage } from "./gen/graphrpc/v1/common_pb.js";
import type { Result } from "./result.js";

type Request = MessageInitShape<typeof TransactionRequestSchema>;

/** The client's side of the stream: messages are pushed as the caller makes calls. */
class RequestQueue implements AsyncIterable<Request> {
  private readonly items: Request[] = [];
  private waiting: ((result: IteratorResult<Request>) => void) | undefined;
  private closed = false;

  push(item: Request): void {
    if (this.closed) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ value: item, done: false });
    else this.items.push(item);
  }

  close(): void {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Request> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (error: unknown) => {
        this.close();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
    };
  }
}

export type TransactionState = "open" | "committed" | "rolledBack" | "failed";

/** An open transaction. Commit or roll it back; a transaction left open is rolled back. */
export class Transaction {
  private stateNow: TransactionState = "open";
  private failure: unknown;
  private last: Promise<unknown> = Promise.resolve();
  private bookmarkAfter = "";

  private constructor(
    private readonly requests: RequestQueue,
    private readonly responses: AsyncIterator<TransactionResponse>,
    private readonly abort: () => void,
    private readonly encode: EncodeOptions,
    private readonly onCommit: (bookmark: string) => void,
    /** The database the transaction runs in, as far as the server knows. */
    readonly database: string,
  ) {}

  /** Opens the call, sends Begin and waits for Begun. */
  static async begin(
    call: (requests: AsyncIterable<Request>) => AsyncIterable<TransactionResponse>,
    begin: Request["message"],
    abort: () => void,
    encode: EncodeOptions,
    onCommit: (bookmark: string) => void,
  ): Promise<Transaction> {
    const requests = new RequestQueue();
    requests.push({ message: begin });
    const responses = call(requests)[Symbol.asyncIterator]();
    try {
      const first = await responses.next();
      if (first.done || first.value.message.case !== "begun") {
        throw new UsageError("the server did not answer Begin with Begun");
      }
      const database = first.value.message.value.database;
      return new Transaction(requests, responses, abort, encode, onCommit, database);
    } catch (error) {
      requests.close();
      abort();
      throw toGraphRpcError(error);
    }
  }

  get state(): TransactionState {
    return this.stateNow;
  }

  /** The bookmark of the commit, when the database gave one ("" otherwise). */
  get bookmark(): string {
    return this.bookmarkAfter;
  }

  /** Runs a statement in the transaction and returns all its rows. */
  run(cypher: string, params?: Params): Promise<Result> {
    return this.serial(async () => {
      this.checkOpen("run a statement");
      const encoded = encodeParams(params, this.encode);
      this.requests.push({ message: { case: "statement", value: { cypher, params: encoded } } });
      let keys: string[] = [];
      const rows: RowMessage[] = [];
      for (;;) {
        const message = (await this.receive()).message;
        switch (message.case) {
          case "header":
            keys = message.value.keys;
            break;
          case "rows":
            for (const row of message.value.rows) rows.push(row);
            break;
          case "summary":
            return decodeResult(keys, rows, message.value);
          default:
            throw this.fail(new UsageError(`unexpected ${String(message.case)} in a statement's result`));
        }
      }
    });
  }

  /** Commits; returns the bookmark (or "" when the database gives none). */
  commit(): Promise<string> {
    return this.serial(async () => {
      this.checkOpen("commit");
      this.requests.push({ message: { case: "commit", value: {} } });
      const message = (await this.receive()).message;
      if (message.case !== "committed") throw this.fail(new UsageError("the server did not answer Commit"));
      this.bookmarkAfter = message.value.bookmark;
      this.stateNow = "committed";
      this.onCommit(this.bookmarkAfter);
      await this.finish();
      return this.bookmarkAfter;
    });
  }

  /** Rolls back. Does nothing when the transaction already failed (the server rolled it back). */
  rollback(): Promise<void> {
    return this.serial(async () => {
      if (this.stateNow === "failed" || this.stateNow === "rolledBack") return;
      this.checkOpen("roll back");
      this.requests.push({ message: { case: "rollback", value: {} } });
      const message = (await this.receive()).message;
      if (message.case !== "rolledBack")
        throw this.fail(new UsageError("the server did not answer Rollback"));
      this.stateNow = "rolledBack";
      await this.finish();
    });
  }

  // Calls wait for the ones before them: the stream answers in order.
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.last.then(work, work);
    this.last = next.catch(() => undefined);
    return next;
  }

  private checkOpen(what: string): void {
    if (this.stateNow === "open") return;
    if (this.stateNow === "failed") {
      const reason = this.failure instanceof Error ? `: ${this.failure.message}` : "";
      throw new UsageError(`cannot ${what}: the transaction failed and was rolled back${reason}`);
    }
    throw new UsageError(`cannot ${what}: the transaction is already ${this.stateNow}`);
  }

  private async receive(): Promise<TransactionResponse> {
    let next: IteratorResult<TransactionResponse>;
    try {
      next = await this.responses.next();
    } catch (error) {
      throw this.fail(toGraphRpcError(error));
    }
    if (next.done) throw this.fail(new UsageError("the server ended the transaction unexpectedly"));
    return next.value;
  }

  private fail(error: unknown): unknown {
    this.stateNow = "failed";
    this.failure = error;
    this.requests.close();
    this.abort();
    return error;
  }

  // After Committed / RolledBack: close our side and let the call end.
  private async finish(): Promise<void> {
    this.requests.close();
    try {
      while (!(await this.responses.next()).done);
    } catch (error) {
      // The outcome is known already; a late transport error changes nothing.
      if (!(toGraphRpcError(error) instanceof GraphRpcError)) throw error;
    }
  }
}
