// Managed transactions honour grpc-retry-pushback-ms: a graphrpc of this test's own, with a
// rate limit of one call a second, sheds the second of two quick calls with a pushback.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Client, ResourceExhaustedError } from "../src/index.js";
import { type OwnServer, startServer } from "./server.js";

const token = randomBytes(24).toString("hex");
let server: OwnServer | undefined;
let endpoint = "";

before(async () => {
  const sha = createHash("sha256").update(token).digest("hex");
  const access = `tokens:\n  - {principal: limited, sha256: ${sha}, role: writer, raw_cypher: true}\n`;
  server = await startServer(access, ["--rate-limit", "1", "--rate-burst", "1"]);
  endpoint = `http://127.0.0.1:${server.port}`;
});

after(() => server?.stop());

test("a shed call is RESOURCE_EXHAUSTED with the pushback, and retryable", async () => {
  const client = Client.connect({ endpoint, token, maxRetryTimeMs: 0 });
  try {
    await new Promise((r) => setTimeout(r, 1100)); // a full bucket
    await client.executeWrite((tx) => tx.run("RETURN 1"));
    await assert.rejects(
      client.executeWrite((tx) => tx.run("RETURN 1")),
      (e: unknown) => {
        assert.ok(e instanceof ResourceExhaustedError, String(e));
        assert.ok((e.retryPushbackMs ?? -1) > 0, `pushback ${e.retryPushbackMs}`);
        assert.equal(e.retryable, true);
        return true;
      },
    );
  } finally {
    client.close();
  }
});

test("executeWrite waits out the pushback and succeeds", async () => {
  const client = Client.connect({ endpoint, token });
  try {
    await new Promise((r) => setTimeout(r, 1100));
    await client.executeWrite((tx) => tx.run("RETURN 1"));
    const started = Date.now();
    let runs = 0;
    const value = await client.executeWrite(async (tx) => {
      runs++;
      return (await tx.run("RETURN 2 AS two")).rows[0]!.get<bigint>("two");
    });
    assert.equal(value, 2n);
    assert.equal(runs, 1, "the work ran once: the shed attempts never reached it");
    // The bucket refills after about a second; the client paused as the server asked.
    assert.ok(Date.now() - started >= 500, `took ${Date.now() - started} ms`);
  } finally {
    client.close();
  }
});
