// Typed errors from the real server: codes, reasons, Neo4j codes, deadlines, tokens.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthenticationError,
  Client,
  ClientError,
  DeadlineExceededError,
  GraphRpcError,
  PermissionDeniedError,
  ResourceExhaustedError,
} from "../src/index.js";
import { env } from "./env.js";

const client = Client.connect({ endpoint: env.endpoint, token: env.writer, timeoutMs: 10_000 });
after(() => client.close());

test("a syntax error carries its Neo4j code and reason", async () => {
  await assert.rejects(client.run("RETURN RETURN"), (e: unknown) => {
    assert.ok(e instanceof ClientError, String(e));
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.equal(e.grpcCode, 3);
    assert.equal(e.reason, "NEO4J_CLIENT_ERROR");
    assert.equal(e.domain, "graphrpc.dev/neo4j");
    assert.match(e.neo4jCode ?? "", /^Neo\.ClientError\.Statement\./);
    assert.equal(e.retryable, false);
    return true;
  });
});

test("a call past its deadline is DEADLINE_EXCEEDED", async () => {
  const started = Date.now();
  await assert.rejects(
    client.run(
      "UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b RETURN count(*) AS c",
      {},
      { timeoutMs: 300 },
    ),
    (e: unknown) => e instanceof DeadlineExceededError && e.code === "DEADLINE_EXCEEDED",
  );
  assert.ok(Date.now() - started < 5_000);
});

test("a call without a token is UNAUTHENTICATED", async () => {
  const anonymous = Client.connect({ endpoint: env.endpoint });
  try {
    await assert.rejects(
      anonymous.run("RETURN 1"),
      (e: unknown) => e instanceof AuthenticationError && e.code === "UNAUTHENTICATED",
    );
  } finally {
    anonymous.close();
  }
});

test("a reader's write is refused before the database sees it", async () => {
  const reader = Client.connect({ endpoint: env.endpoint, token: env.reader });
  try {
    await assert.rejects(
      reader.run("CREATE (:TsReaderWrite)"),
      (e: unknown) => e instanceof PermissionDeniedError && e.code === "PERMISSION_DENIED",
    );
  } finally {
    reader.close();
  }
});

test("an unknown named query is NOT_FOUND; a row limit is RESOURCE_EXHAUSTED", async () => {
  await assert.rejects(
    client.runNamed("no.such.query"),
    (e: unknown) => e instanceof ClientError && e.code === "NOT_FOUND",
  );
  await assert.rejects(
    client.run("UNWIND range(1, 10) AS i RETURN i", {}, { maxRows: 5 }),
    (e: unknown) =>
      e instanceof ResourceExhaustedError &&
      e.reason === "ROW_LIMIT_EXCEEDED" &&
      e.metadata["max_rows"] === "5" &&
      !e.retryable,
  );
});

test("a bad request field names the field (BadRequest detail)", async () => {
  await assert.rejects(client.run("RETURN 1", {}, { maxRows: 4_000_000_000 }), (e: unknown) => {
    assert.ok(e instanceof GraphRpcError);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.ok(
      e.fieldViolations.some((v) => v.field === "max_rows"),
      JSON.stringify(e.fieldViolations),
    );
    return true;
  });
});
