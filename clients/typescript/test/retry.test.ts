// Managed transactions honour grpc-retry-pushback-ms: a graphrpc of this test's own, with a
// rate limit of one call a second, sheds the second of two quick calls with a pushback.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, ResourceExhaustedError } from "../src/index.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through tests/clients.sh`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const token = randomBytes(24).toString("hex");
const dir = mkdtempSync(join(tmpdir(), "graphrpc-ts-retry-"));
let server: ChildProcess | undefined;
let endpoint = "";

before(async () => {
  const sha = createHash("sha256").update(token).digest("hex");
  writeFileSync(
    join(dir, "access.yaml"),
    `tokens:\n  - {principal: limited, sha256: ${sha}, role: writer, raw_cypher: true}\n`,
  );
  const [port, adminPort] = [await freePort(), await freePort()];
  endpoint = `http://127.0.0.1:${port}`;
  server = spawn(
    required("GRAPHRPC_BIN"),
    [
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--admin-listen",
      `127.0.0.1:${adminPort}`,
      "--access-file",
      join(dir, "access.yaml"),
      "--rate-limit",
      "1",
      "--rate-burst",
      "1",
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        NEO4J_URI: required("GRAPHRPC_TEST_NEO4J_URI"),
        NEO4J_USERNAME: required("GRAPHRPC_TEST_NEO4J_USERNAME"),
        NEO4J_PASSWORD: required("GRAPHRPC_TEST_NEO4J_PASSWORD"),
        NEO4J_DATABASE: required("GRAPHRPC_TEST_NEO4J_DATABASE"),
        GRAPHRPC_LOG: "warn",
      },
    },
  );
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 300 || server.exitCode !== null)
      throw new Error("the rate-limited graphrpc did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(() => {
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

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
