// Responses (rows, summaries) as this package's Result types.

import type { Duration as DurationMessage } from "@bufbuild/protobuf/wkt";
import type { Row as RowMessage, Summary as SummaryMessage } from "../gen/graphrpc/v1/common_pb.js";
import { QueryType } from "../gen/graphrpc/v1/common_pb.js";
import { type Result, type Row, type Summary, rowFactory } from "../result.js";
import { decodeValue } from "./values.js";

const QUERY_TYPES: Record<number, string> = {
  [QueryType.READ_ONLY]: "READ_ONLY",
  [QueryType.WRITE_ONLY]: "WRITE_ONLY",
  [QueryType.READ_WRITE]: "READ_WRITE",
  [QueryType.SCHEMA_WRITE]: "SCHEMA_WRITE",
};

function millis(d: DurationMessage | undefined): number | undefined {
  return d === undefined ? undefined : Number(d.seconds) * 1000 + d.nanos / 1e6;
}

export function decodeSummary(s: SummaryMessage | undefined): Summary {
  const c = s?.counters;
  return {
    bookmark: s?.bookmark ?? "",
    database: s?.database ?? "",
    queryType: QUERY_TYPES[s?.queryType ?? 0] ?? "UNSPECIFIED",
    counters: {
      nodesCreated: c?.nodesCreated ?? 0n,
      nodesDeleted: c?.nodesDeleted ?? 0n,
      relationshipsCreated: c?.relationshipsCreated ?? 0n,
      relationshipsDeleted: c?.relationshipsDeleted ?? 0n,
      propertiesSet: c?.propertiesSet ?? 0n,
      labelsAdded: c?.labelsAdded ?? 0n,
      labelsRemoved: c?.labelsRemoved ?? 0n,
      indexesAdded: c?.indexesAdded ?? 0n,
      indexesRemoved: c?.indexesRemoved ?? 0n,
      constraintsAdded: c?.constraintsAdded ?? 0n,
      constraintsRemoved: c?.constraintsRemoved ?? 0n,
      systemUpdates: c?.systemUpdates ?? 0n,
      containsUpdates: c?.containsUpdates ?? false,
    },
    resultAvailableAfterMs: millis(s?.resultAvailableAfter),
    resultConsumedAfterMs: millis(s?.resultConsumedAfter),
    rowCount: s?.rowCount ?? 0n,
    notifications: (s?.notifications ?? []).map(({ code, title, description, severity }) => ({
      code,
      title,
      description,
      severity,
    })),
    attempts: s?.attempts ?? 1,
  };
}

/** Rows of one result, decoded with the result's keys. */
export function decodeRows(keys: string[], rows: RowMessage[]): Row[] {
  const make = rowFactory(keys);
  return rows.map((r) => make(r.values.map(decodeValue)));
}

export function decodeResult(
  keys: string[],
  rows: RowMessage[],
  summary: SummaryMessage | undefined,
): Result {
  return { keys, rows: decodeRows(keys, rows), summary: decodeSummary(summary) };
}
