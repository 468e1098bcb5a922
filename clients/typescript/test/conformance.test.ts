// Every vector of clients/conformance through this client's normal calls: value round trips
// in the canonical form, and errors with the code, reason, domain and metadata they expose.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, GraphRpcError, type GraphValue, type RunOptions } from "../src/index.js";
import { type Canonical, toCanonical, toNative } from "./canonical.js";
import { env } from "./env.js";

interface ValueVector {
  name: string;
  cypher: string;
  params: Record<string, Canonical>;
  expect: Canonical;
}

interface ErrorVector {
  name: string;
  call: "run" | "run_named" | "run_batch";
  token: string | null;
  request: Record<string, unknown>;
  deadline_ms?: number;
  setup?: string[];
  expect: {
    code: string;
    reason?: string | null;
    domain?: string;
    metadata?: Record<string, string>;
    field?: string;
  };
  after?: { cypher: string; expect: Canonical };
}

function load<T>(file: string): T[] {
  const data = JSON.parse(readFileSync(join(env.conformance, file), "utf8")) as {
    format: number;
    vectors: T[];
  };
  assert.equal(data.format, 1, `${file}: format`);
  assert.ok(data.vectors.length > 0, `${file} has vectors`);
  return data.vectors;
}

const clients = new Map<string | null, Client>();
function clientFor(token: string | null): Client {
  const real = token === "writer" ? env.writer : token === "reader" ? env.reader : token;
  let client = clients.get(real);
  if (!client) {
    client = Client.connect({ endpoint: env.endpoint, timeoutMs: 30_000, ...(real ? { token: real } : {}) });
    clients.set(real, client);
  }
  return client;
}
after(() => {
  for (const client of clients.values()) client.close();
});

function params(canonical: Record<string, Canonical> | undefined): Record<string, GraphValue> {
  return Object.fromEntries(Object.entries(canonical ?? {}).map(([k, v]) => [k, toNative(v)]));
}

const values = load<ValueVector>("values.json");
test(`${values.length} value vectors make the round trip in the canonical form`, async () => {
  const client = clientFor("writer");
  const failures: string[] = [];
  for (const vector of values) {
    try {
      const result = await client.run(vector.cypher, params(vector.params));
      const got = toCanonical(result.rows[0]!.get("v"));
      assert.deepStrictEqual(got, vector.expect);
    } catch (error) {
      failures.push(`${vector.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  assert.deepEqual(failures, [], failures.join("\n\n"));
});

const errors = load<ErrorVector>("errors.json");
// In file order: the deadline vectors come last (ArcadeDB runs a stopped statement on).
for (const vector of errors) {
  test(`error vector: ${vector.name}`, async () => {
    const unique = `Conformance_${randomBytes(6).toString("hex")}`;
    const fill = (text: string): string => text.replaceAll("{unique}", unique);
    // Setup may hold schema commands, which need the admin role.
    const admin = clientFor(env.admin);
    for (const statement of vector.setup ?? []) await admin.run(fill(statement));
    const client = clientFor(vector.token);
    const r = vector.request;
    const options: RunOptions = {
      ...(vector.deadline_ms !== undefined ? { timeoutMs: vector.deadline_ms } : {}),
      ...(typeof r["timeout_ms"] === "number" ? { statementTimeoutMs: r["timeout_ms"] } : {}),
      ...(typeof r["max_rows"] === "number" ? { maxRows: r["max_rows"] } : {}),
    };
    const call = (): Promise<unknown> => {
      const p = params(r["params"] as Record<string, Canonical> | undefined);
      switch (vector.call) {
        case "run":
          return client.run(fill(r["cypher"] as string), p, options);
        case "run_named":
          return client.runNamed(r["name"] as string, p, options);
        case "run_batch":
          return client.batch(
            (r["statements"] as { cypher: string; params?: Record<string, Canonical> }[]).map((s) => ({
              cypher: fill(s.cypher),
              params: params(s.params),
            })),
            options,
          );
      }
    };
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof GraphRpcError, String(e));
      const expect = vector.expect;
      assert.equal(e.code, expect.code, e.message);
      if (expect.reason === null) assert.equal(e.reason, undefined, "no ErrorInfo");
      else if (expect.reason !== undefined) assert.equal(e.reason, expect.reason);
      if (expect.domain !== undefined) assert.equal(e.domain, expect.domain);
      for (const [key, value] of Object.entries(expect.metadata ?? {})) {
        assert.equal(e.metadata[key], value, `metadata ${key}`);
      }
      if (expect.metadata?.["neo4j_code"]) assert.equal(e.neo4jCode, expect.metadata["neo4j_code"]);
      if (expect.metadata?.["statement_index"]) {
        assert.equal(e.statementIndex, Number(expect.metadata["statement_index"]));
      }
      if (expect.field !== undefined) {
        assert.ok(
          e.fieldViolations.some((v) => v.field === expect.field),
          `field violation ${expect.field} in ${JSON.stringify(e.fieldViolations)}`,
        );
      }
      return true;
    });
    if (vector.after) {
      const result = await clientFor("writer").run(fill(vector.after.cypher));
      assert.deepStrictEqual(toCanonical(result.rows[0]!.get("v")), vector.after.expect);
    }
  });
}
