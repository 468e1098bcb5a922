// Which failures a managed transaction retries: the contract's rule in errors.proto.

import { test } from "node:test";
import assert from "node:assert/strict";
import { type StatusCode, GraphRpcError } from "../src/index.js";
import { errorFor } from "../src/errors.js";

function error(code: StatusCode, retryPushbackMs?: number): GraphRpcError {
  return errorFor(code, "x", retryPushbackMs === undefined ? {} : { retryPushbackMs });
}

test("UNAVAILABLE and ABORTED are retried; a shed call only with a usable pushback", () => {
  assert.equal(error("UNAVAILABLE").retryable, true);
  assert.equal(error("ABORTED").retryable, true);
  assert.equal(error("RESOURCE_EXHAUSTED", 250).retryable, true);
  assert.equal(error("RESOURCE_EXHAUSTED", 0).retryable, true);
  assert.equal(error("RESOURCE_EXHAUSTED").retryable, false, "a row limit fails the same way again");
  assert.equal(error("RESOURCE_EXHAUSTED", -1).retryable, false, "a negative pushback means do not");
  assert.equal(error("RESOURCE_EXHAUSTED", Number.NaN).retryable, false, "an unreadable one too");
  assert.equal(error("UNAVAILABLE", -1).retryable, false);
  const tls = errorFor("UNAVAILABLE", "x", { reason: "CLIENT_TLS", domain: "graphrpc.dev/client" });
  assert.equal(tls.retryable, false, "an untrusted certificate stays untrusted");
  for (const code of [
    "INVALID_ARGUMENT",
    "FAILED_PRECONDITION",
    "NOT_FOUND",
    "PERMISSION_DENIED",
    "UNAUTHENTICATED",
    "DEADLINE_EXCEEDED",
    "CANCELLED",
    "INTERNAL",
    "UNKNOWN",
  ] as const) {
    assert.equal(error(code).retryable, false, code);
  }
});

test("error classes follow the code, and metadata gives neo4jCode and statementIndex", () => {
  const e = errorFor("INVALID_ARGUMENT", "bad", {
    reason: "NEO4J_CLIENT_ERROR",
    domain: "graphrpc.dev/neo4j",
    metadata: { neo4j_code: "Neo.ClientError.Statement.SyntaxError", statement_index: "2" },
  });
  assert.equal(e.constructor.name, "ClientError");
  assert.equal(e.neo4jCode, "Neo.ClientError.Statement.SyntaxError");
  assert.equal(e.statementIndex, 2);
  assert.equal(e.grpcCode, 3);
  assert.equal(errorFor("UNAVAILABLE", "x").constructor.name, "TransientError");
  assert.equal(errorFor("DATA_LOSS", "x").constructor.name, "ServerError");
});
