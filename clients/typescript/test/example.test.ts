// The scenario example runs as a user would run it, against the real server.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { env } from "./env.js";

const run = promisify(execFile);

test("examples/scenario.ts runs the whole scenario", async () => {
  const script = fileURLToPath(new URL("../examples/scenario.js", import.meta.url));
  const { stdout } = await run(process.execPath, [script], {
    env: { ...process.env, GRAPHRPC_ENDPOINT: env.endpoint, GRAPHRPC_TOKEN: env.writer },
    timeout: 120_000,
  });
  const lines = stdout.trim().split("\n");
  assert.equal(lines.filter((l) => l.startsWith("movie: ")).length, 3, stdout);
  for (const expected of [
    "streamed rows: 100000n",
    "kept after rollback: 1n",
    "batch failed at index 2 Neo.ClientError.Statement.SyntaxError",
    "named query rows: 1",
    "deadline: true",
    "no token: true",
  ]) {
    assert.ok(lines.includes(expected), `"${expected}" in:\n${stdout}`);
  }
});
