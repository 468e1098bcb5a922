// Streams: 100 000 rows in flat memory, early exit and AbortSignal stop the call.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CancelledError, Client } from "../src/index.js";
import { env } from "./env.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const client = Client.connect({ endpoint: env.endpoint, token: env.reader, timeoutMs: 60_000 });
after(() => client.close());

const MiB = 1024 * 1024;

test("100 000 rows stream in flat memory", async () => {
  const stream = client.stream(
    "UNWIND range(1, 100000) AS i RETURN i, 'row number ' + toString(i) + ' of the stream' AS text",
    {},
    { accessMode: "READ", batchSize: 500 },
  );
  assert.deepEqual(await stream.keys(), ["i", "text"]);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let count = 0;
  let sum = 0n;
  for await (const row of stream) {
    count++;
    sum += row.get<bigint>("i");
    if (count % 10_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
  }
  assert.equal(count, 100_000);
  assert.equal(sum, 5_000_050_000n);
  const summary = await stream.summary();
  assert.equal(summary.rowCount, 100_000n);
  // Holding the rows would take well over 20 MiB of heap; streaming keeps a batch or two.
  console.log(`stream: heap growth ${(peak / MiB).toFixed(1)} MiB over 100 000 rows`);
  assert.ok(peak < 8 * MiB, `heap grew ${(peak / MiB).toFixed(1)} MiB while streaming`);
});

test("leaving the loop early stops the call", async () => {
  const started = Date.now();
  const stream = client.stream("UNWIND range(1, 10000000) AS i RETURN i", {}, { batchSize: 100 });
  let seen = 0;
  for await (const row of stream) {
    void row;
    if (++seen === 10) break;
  }
  assert.equal(seen, 10);
  assert.ok(Date.now() - started < 5_000, "break returned promptly");
  await assert.rejects(stream.summary(), /before its summary/);
  // The connection is still good for the next call.
  const next = await client.run("RETURN 1 AS one");
  assert.equal(next.rows[0]!.get("one"), 1n);
});

test("an AbortSignal cancels a stream in flight", async () => {
  const controller = new AbortController();
  const stream = client.stream(
    "UNWIND range(1, 10000000) AS i RETURN i",
    {},
    {
      signal: controller.signal,
      batchSize: 100,
    },
  );
  let seen = 0;
  await assert.rejects(
    (async () => {
      for await (const row of stream) {
        void row;
        if (++seen === 5) controller.abort();
      }
    })(),
    (e: unknown) => e instanceof CancelledError && e.code === "CANCELLED",
  );
  assert.ok(seen >= 5 && seen < 10_000_000);
});
