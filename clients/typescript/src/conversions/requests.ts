// Request messages from this package's arguments and options.

import { type DescMessage, type MessageInitShape, create } from "@bufbuild/protobuf";
import { type Duration as DurationMessage, DurationSchema } from "@bufbuild/protobuf/wkt";
import { AccessMode as AccessModeEnum } from "../gen/graphrpc/v1/common_pb.js";
import type { RunNamedRequestSchema, RunNamedStreamRequestSchema } from "../gen/graphrpc/v1/catalog_pb.js";
import type { RunRequestSchema, RunStreamRequestSchema } from "../gen/graphrpc/v1/query_pb.js";
import {
  type Begin,
  BeginSchema,
  type BatchStatement,
  BatchStatementSchema,
  type RunBatchRequest,
  RunBatchRequestSchema,
} from "../gen/graphrpc/v1/transaction_pb.js";
import { InvalidParameterError } from "../errors.js";
import type { AccessMode, RunOptions, TransactionOptions } from "../options.js";
import { type EncodeOptions, type Params, encodeParams } from "./values.js";

/** One statement of a batch. */
export interface Statement {
  cypher: string;
  params?: Params;
}

export function durationMs(field: string, ms: number | undefined): DurationMessage | undefined {
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InvalidParameterError(field, `must be a non-negative number of milliseconds, got ${ms}`);
  }
  const seconds = Math.floor(ms / 1000);
  return create(DurationSchema, {
    seconds: BigInt(seconds),
    nanos: Math.round((ms - seconds * 1000) * 1e6),
  });
}

function accessMode(mode: AccessMode | undefined): AccessModeEnum {
  switch (mode) {
    case undefined:
      return AccessModeEnum.UNSPECIFIED;
    case "READ":
      return AccessModeEnum.READ;
    case "WRITE":
      return AccessModeEnum.WRITE;
    default:
      throw new InvalidParameterError("accessMode", `must be "READ" or "WRITE", got ${String(mode)}`);
  }
}

function count(field: string, n: number | undefined): number {
  if (n === undefined) return 0;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidParameterError(field, `must be a whole number from 0 to 4294967295, got ${n}`);
  }
  return n;
}

type Init<T extends DescMessage> = MessageInitShape<T>;

function statementFields(
  params: Params | undefined,
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
) {
  return {
    params: encodeParams(params, encode),
    database: options.database ?? "",
    timeout: durationMs("statementTimeoutMs", options.statementTimeoutMs),
    bookmarks,
  };
}

export function runRequest(
  cypher: string,
  params: Params | undefined,
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
): Init<typeof RunRequestSchema> {
  return {
    cypher,
    ...statementFields(params, options, bookmarks, encode),
    accessMode: accessMode(options.accessMode),
    maxRows: count("maxRows", options.maxRows),
    idempotent: options.idempotent ?? false,
  };
}

export function runStreamRequest(
  cypher: string,
  params: Params | undefined,
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
): Init<typeof RunStreamRequestSchema> {
  return {
    cypher,
    ...statementFields(params, options, bookmarks, encode),
    accessMode: accessMode(options.accessMode),
    batchSize: count("batchSize", options.batchSize),
    idempotent: options.idempotent ?? false,
  };
}

export function runNamedRequest(
  name: string,
  params: Params | undefined,
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
): Init<typeof RunNamedRequestSchema> {
  return {
    name,
    ...statementFields(params, options, bookmarks, encode),
    maxRows: count("maxRows", options.maxRows),
  };
}

export function runNamedStreamRequest(
  name: string,
  params: Params | undefined,
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
): Init<typeof RunNamedStreamRequestSchema> {
  return {
    name,
    ...statementFields(params, options, bookmarks, encode),
    batchSize: count("batchSize", options.batchSize),
  };
}

export function batchRequest(
  statements: readonly Statement[],
  options: RunOptions,
  bookmarks: string[],
  encode: EncodeOptions,
): RunBatchRequest {
  const encoded: BatchStatement[] = statements.map((s, i) =>
    create(BatchStatementSchema, {
      cypher: s.cypher,
      params: encodeParams(s.params, encode, `statements[${i}].params`),
    }),
  );
  return create(RunBatchRequestSchema, {
    statements: encoded,
    database: options.database ?? "",
    accessMode: accessMode(options.accessMode),
    timeout: durationMs("statementTimeoutMs", options.statementTimeoutMs),
    bookmarks,
    maxRows: count("maxRows", options.maxRows),
    idempotent: options.idempotent ?? false,
    metadata: { ...options.metadata },
  });
}

export function begin(options: TransactionOptions, bookmarks: string[]): Begin {
  return create(BeginSchema, {
    database: options.database ?? "",
    accessMode: accessMode(options.accessMode),
    timeout: durationMs("transactionTimeoutMs", options.transactionTimeoutMs),
    bookmarks,
    metadata: { ...options.metadata },
  });
}
