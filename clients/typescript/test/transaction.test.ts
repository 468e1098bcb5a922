// Explicit and managed transactions, and bookmarks chained in a session.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Client, ClientError, UsageError } from "../src/index.js";
import { env } from "./env.js";

const client = Client.connect({ endpoint: env.endpoint, token: env.writer, timeoutMs: 10_000 });
after(() => client.close());

function marker(): string {
  return `tx-${process.pid}-${Date.now()}-${Math.random()}`;
}

async function count(m: string): Promise<bigint> {
  const r = await client.run("MATCH (n:TsTx {marker: $m}) RETURN count(n) AS c", { m });
  return r.rows[0]!.get<bigint>("c");
}

test("a committed transaction's writes stay; a rolled back one's do not", async () => {
  const m = marker();
  const tx = await client.beginTransaction({ metadata: { test: "commit" } });
  await tx.run("CREATE (:TsTx {marker: $m})", { m });
  const inside = await tx.run("MATCH (n:TsTx {marker: $m}) RETURN count(n) AS c", { m });
  assert.equal(inside.rows[0]!.get("c"), 1n);
  await tx.commit();
  assert.equal(tx.state, "committed");
  assert.equal(await count(m), 1n);
  await assert.rejects(tx.run("RETURN 1"), UsageError);

  const rolled = await client.beginTransaction();
  await rolled.run("MATCH (n:TsTx {marker: $m}) DETACH DELETE n", { m });
  await rolled.rollback();
  assert.equal(rolled.state, "rolledBack");
  assert.equal(await count(m), 1n);
  await client.run("MATCH (n:TsTx {marker: $m}) DETACH DELETE n", { m });
});

test("a failed statement fails the transaction with its index, and nothing stays", async () => {
  const m = marker();
  const tx = await client.beginTransaction();
  await tx.run("CREATE (:TsTx {marker: $m})", { m });
  await assert.rejects(tx.run("RETURN 1 +"), (e: unknown) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.statementIndex, 1);
    return true;
  });
  assert.equal(tx.state, "failed");
  await assert.rejects(tx.commit(), /failed and was rolled back/);
  await tx.rollback();
  assert.equal(await count(m), 0n);
});

test("executeWrite commits what the work returns; a thrown error rolls back", async () => {
  const m = marker();
  const created = await client.executeWrite(async (tx) => {
    const r = await tx.run("CREATE (n:TsTx {marker: $m}) RETURN n.marker AS marker", { m });
    return r.rows[0]!.get<string>("marker");
  });
  assert.equal(created, m);
  assert.equal(await count(m), 1n);

  let runs = 0;
  await assert.rejects(
    client.executeWrite(async (tx) => {
      runs++;
      await tx.run("MATCH (n:TsTx {marker: $m}) DETACH DELETE n", { m });
      throw new Error("changed my mind");
    }),
    /changed my mind/,
  );
  assert.equal(runs, 1, "an error of the work itself is not retried");
  assert.equal(await count(m), 1n);

  const read = await client.executeRead(async (tx) => {
    const r = await tx.run("MATCH (n:TsTx {marker: $m}) RETURN count(n) AS c", { m });
    return r.rows[0]!.get<bigint>("c");
  });
  assert.equal(read, 1n);
  await client.run("MATCH (n:TsTx {marker: $m}) DETACH DELETE n", { m });
});

test("a session sends the bookmark of its last commit with its next call", async () => {
  const session = client.session();
  assert.deepEqual(session.lastBookmarks(), []);
  const m = marker();
  await session.executeWrite((tx) => tx.run("CREATE (:TsTx {marker: $m})", { m }));
  const bookmarks = session.lastBookmarks();
  // The local database gives bookmarks for explicit transactions.
  assert.equal(bookmarks.length, 1);
  assert.notEqual(bookmarks[0], "");
  const seen = await session.run("MATCH (n:TsTx {marker: $m}) RETURN count(n) AS c", { m });
  assert.equal(seen.rows[0]!.get("c"), 1n);
  // The client itself does not chain.
  assert.deepEqual(client.lastBookmarks(), []);
  await session.run("MATCH (n:TsTx {marker: $m}) DETACH DELETE n", { m });
});
