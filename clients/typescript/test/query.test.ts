// run, runNamed, batch and value round trips against the real server.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  Client,
  CypherDate,
  DateTime,
  Duration,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Time,
  type GraphValue,
} from "../src/index.js";
import { env } from "./env.js";

const client = Client.connect({ endpoint: env.endpoint, token: env.writer, timeoutMs: 10_000 });
after(() => client.close());

test("a parameterized query returns rows readable by column name", async () => {
  const result = await client.run(
    "MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title, m.released AS released ORDER BY released, title LIMIT 3",
    { year: 2000n },
    { accessMode: "READ" },
  );
  assert.deepEqual(result.keys, ["title", "released"]);
  assert.equal(result.rows.length, 3);
  for (const row of result.rows) {
    assert.equal(typeof row.get<string>("title"), "string");
    assert.ok(row.get<bigint>("released") >= 2000n);
  }
  interface Movie {
    title: string;
    released: bigint;
  }
  const movie = result.rows[0]!.toObject<Movie>();
  assert.equal(movie.title, result.rows[0]!.get("title"));
  const built = result.rows[0]!.toObject((o) => ({ name: o["title"] as string }));
  assert.equal(built.name, movie.title);
  assert.equal(result.summary.queryType, "READ_ONLY");
});

test("every value kind makes the round trip through the database", async () => {
  const values: GraphValue[] = [
    null,
    true,
    0n,
    -(2n ** 63n),
    2n ** 63n - 1n,
    1.5,
    -0,
    Number.POSITIVE_INFINITY,
    "unicode: żółw 🐢 \u0000 end",
    new Uint8Array([0, 1, 254, 255]),
    [1n, "two", [3.5, null]],
    { a: 1n, nested: { b: [true] } },
    new CypherDate(2024, 2, 29),
    new LocalTime(12, 34, 56, 123_456_789),
    new Time(23, 0, 0, 1, -5 * 3600),
    new LocalDateTime(2001, 2, 3, 4, 5, 6, 7),
    new DateTime(2024, 6, 1, 12, 0, 0, 999_999_999, { offsetSeconds: 7200 }),
    new DateTime(2024, 6, 1, 12, 0, 0, 1, { zoneId: "Europe/Paris" }),
    new Duration({ months: 14n, days: 3n, seconds: 3661n, nanoseconds: 5 }),
    Point.cartesian(1.5, -2),
    Point.wgs84(13.4, 52.5, 34),
  ];
  for (const [i, v] of values.entries()) {
    const result = await client.run("RETURN $v AS v", { v });
    assert.deepEqual(result.rows[0]!.get("v"), v, `round trip of values[${i}]`);
  }
  const nan = await client.run("RETURN $v AS v", { v: Number.NaN });
  assert.ok(Number.isNaN(nan.rows[0]!.get("v")));
});

test("nodes, relationships and paths come back typed", async () => {
  const result = await client.run(
    "MATCH p = (a:Person)-[r:ACTED_IN]->(m:Movie) RETURN a, r, m, p LIMIT 1",
    {},
    { accessMode: "READ" },
  );
  const row = result.rows[0]!;
  const a = row.get<Node>("a");
  const r = row.get<Relationship>("r");
  const p = row.get<Path>("p");
  assert.ok(a instanceof Node && a.labels.includes("Person"));
  assert.equal(typeof a.id, "bigint");
  assert.ok(r instanceof Relationship && r.type === "ACTED_IN");
  assert.equal(r.startNodeId, a.id);
  assert.equal(r.endNodeId, row.get<Node>("m").id);
  assert.ok(p instanceof Path && p.length === 1 && p.start()?.id === a.id);
});

test("a named query runs with its parameters, and the catalog lists it", async () => {
  const result = await client.runNamed("movies.released_between", { from: 1990n, to: 2000n, limit: 2n });
  assert.deepEqual(result.keys, ["title", "released"]);
  assert.ok(result.rows.length <= 2);
  for (const row of result.rows) {
    const year = row.get<bigint>("released");
    assert.ok(year >= 1990n && year <= 2000n);
  }
  const names = (await client.listNamedQueries()).map((q) => q.name);
  assert.ok(names.includes("movies.released_between"));
});

test("a batch failing at statement 3 names index 2 and leaves nothing behind", async () => {
  const marker = `batch-${process.pid}-${Date.now()}`;
  await assert.rejects(
    client.batch([
      { cypher: "CREATE (:TsBatch {marker: $m, n: 1})", params: { m: marker } },
      { cypher: "CREATE (:TsBatch {marker: $m, n: 2})", params: { m: marker } },
      { cypher: "RETURN 1 +" },
      { cypher: "CREATE (:TsBatch {marker: $m, n: 4})", params: { m: marker } },
    ]),
    (e: unknown) => {
      assert.ok(e instanceof Error && "statementIndex" in e);
      const err = e as import("../src/index.js").GraphRpcError;
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.equal(err.statementIndex, 2);
      assert.match(err.message, /statements\[2\] failed/);
      return true;
    },
  );
  const left = await client.run("MATCH (n:TsBatch {marker: $m}) RETURN count(n) AS c", { m: marker });
  assert.equal(left.rows[0]!.get("c"), 0n);

  const ok = await client.batch([
    { cypher: "CREATE (:TsBatch {marker: $m})", params: { m: marker } },
    { cypher: "MATCH (n:TsBatch {marker: $m}) DETACH DELETE n RETURN count(*) AS c", params: { m: marker } },
  ]);
  assert.equal(ok.results.length, 2);
  assert.equal(ok.results[1]!.rows[0]!.get("c"), 1n);
});
