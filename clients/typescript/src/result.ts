// Rows and results: values by column name, and the summary the database reported.

import type { GraphMap, GraphValue } from "./graph.js";
import { UsageError } from "./errors.js";

/** A row: its values in the order of the RETURN clause, readable by column name. */
export class Row {
  constructor(
    /** The column names (shared by every row of a result). */
    readonly keys: readonly string[],
    readonly values: readonly GraphValue[],
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  /**
   * The value of a column. The type argument is a cast for convenience, not a check:
   * integers are bigint, floats number, maps plain objects.
   */
  get<T extends GraphValue = GraphValue>(key: string): T {
    const i = this.index.get(key);
    if (i === undefined) {
      throw new UsageError(`no column "${key}" in this row; the columns are ${JSON.stringify(this.keys)}`);
    }
    return this.values[i] as T;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /**
   * The row as an object keyed by column name; the type argument names the shape the caller
   * expects (not checked). Pass a function to build a user type from it instead.
   */
  toObject<T = GraphMap>(): T;
  toObject<T>(build: (row: GraphMap) => T): T;
  toObject<T>(build?: (row: GraphMap) => T): T {
    const object: GraphMap = Object.fromEntries(this.keys.map((k, i) => [k, this.values[i] ?? null]));
    return build ? build(object) : (object as T);
  }
}

/** Builds rows sharing one column index. */
export function rowFactory(keys: readonly string[]): (values: GraphValue[]) => Row {
  const index = new Map(keys.map((k, i) => [k, i]));
  return (values) => new Row(keys, values, index);
}

export interface Counters {
  nodesCreated: bigint;
  nodesDeleted: bigint;
  relationshipsCreated: bigint;
  relationshipsDeleted: bigint;
  propertiesSet: bigint;
  labelsAdded: bigint;
  labelsRemoved: bigint;
  indexesAdded: bigint;
  indexesRemoved: bigint;
  constraintsAdded: bigint;
  constraintsRemoved: bigint;
  systemUpdates: bigint;
  containsUpdates: boolean;
}

export interface Notification {
  code: string;
  title: string;
  description: string;
  severity: string;
}

/** What the database reported about a finished statement. */
export interface Summary {
  /** The bookmark after the statement, when the database gives one ("" otherwise). */
  bookmark: string;
  database: string;
  /** "READ_ONLY", "WRITE_ONLY", "READ_WRITE", "SCHEMA_WRITE" or "UNSPECIFIED". */
  queryType: string;
  counters: Counters;
  resultAvailableAfterMs: number | undefined;
  resultConsumedAfterMs: number | undefined;
  rowCount: bigint;
  notifications: Notification[];
  /** How many times graphrpc ran the statement (1 unless it retried a transient failure). */
  attempts: number;
}

/** A whole result: column names, rows, summary. */
export interface Result {
  keys: string[];
  rows: Row[];
  summary: Summary;
}

/** The results of a batch, one per statement, and the commit's bookmark. */
export interface BatchResult {
  results: Result[];
  bookmark: string;
  attempts: number;
}
