// A streamed result: rows as an async iterator, pulled from the server only as fast as the
// caller reads them (HTTP/2 flow control does the rest), so memory stays bounded.

import type { RunNamedStreamResponse } from "./gen/graphrpc/v1/catalog_pb.js";
import type { RunStreamResponse } from "./gen/graphrpc/v1/query_pb.js";
import { UsageError } from "./errors.js";
import { decodeSummary } from "./conversions/results.js";
import { toGraphRpcError } from "./conversions/errors.js";
import { decodeValue } from "./conversions/values.js";
import { type Row, type Summary, rowFactory } from "./result.js";

/** A message of RunStream or RunNamedStream: a header, row batches, a summary. */
export type StreamResponse = RunStreamResponse | RunNamedStreamResponse;

/**
 * The rows of a RunStream / RunNamedStream call. Iterate it once with `for await`; leaving
 * the loop early (break, return, throw) cancels the call, and the server stops the query.
 */
export class ResultStream implements AsyncIterable<Row> {
  private readonly responses: AsyncIterator<StreamResponse>;
  private header: string[] | undefined;
  private result: Summary | undefined;
  private iterating = false;
  private finished = false;

  constructor(
    start: (signal: AbortSignal) => AsyncIterable<StreamResponse>,
    private readonly controller: AbortController,
    private readonly onSummary: (summary: Summary) => void,
  ) {
    this.responses = start(controller.signal)[Symbol.asyncIterator]();
  }

  /** The column names (waits for the server's header). */
  async keys(): Promise<string[]> {
    if (this.header === undefined) {
      const first = await this.next();
      if (first?.message.case === "header") this.header = first.message.value.keys;
      else throw new UsageError("the stream did not start with its column names");
    }
    return this.header;
  }

  /**
   * The summary: after the rows were read, or else reading (and dropping) the rest of them.
   */
  async summary(): Promise<Summary> {
    if (this.result === undefined && !this.iterating) {
      for await (const row of this) void row;
    }
    if (this.result === undefined) throw new UsageError("the stream ended, or was left, before its summary");
    return this.result;
  }

  /** Stops the call; the server stops the query. */
  cancel(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Row> {
    if (this.iterating) throw new UsageError("a ResultStream can be iterated only once");
    this.iterating = true;
    try {
      const make = rowFactory(await this.keys());
      for (;;) {
        const response = await this.next();
        if (response === undefined) break;
        const message = response.message;
        if (message.case === "rows") {
          for (const row of message.value.rows) yield make(row.values.map(decodeValue));
        } else if (message.case === "summary") {
          this.result = decodeSummary(message.value);
          this.onSummary(this.result);
        }
      }
    } finally {
      if (!this.finished) this.controller.abort();
    }
  }

  private async next(): Promise<StreamResponse | undefined> {
    try {
      const next = await this.responses.next();
      if (next.done === true) {
        this.finished = true;
        return undefined;
      }
      return next.value;
    } catch (error) {
      this.finished = true;
      throw toGraphRpcError(error);
    }
  }
}
