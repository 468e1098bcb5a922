// docs/clients/typescript.md: each example it shows is a file of examples/docs, shown as it
// is, and each of them runs against the real server.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { env } from "./env.js";

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const page = readFileSync(new URL("../../../../docs/clients/typescript.md", import.meta.url), "utf8");

const shown = new Map<string, string>();
for (const match of page.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)) {
  shown.set(match[1]!, match[2]!);
}

test("the page shows every docs example exactly as the file is", () => {
  const files = readdirSync(`${packageRoot}examples/docs`).filter((f) => f.endsWith(".ts"));
  assert.deepEqual([...shown.keys()].sort(), files.map((f) => `examples/docs/${f}`).sort());
  for (const [path, code] of shown) {
    assert.equal(code, readFileSync(`${packageRoot}${path}`, "utf8"), `${path} differs from the page`);
  }
});

const expected: Record<string, RegExp[]> = {
  "examples/docs/connect.ts": [/^first: .+$/m, /^genre: \w+$/m],
  "examples/docs/stream.ts": [/^sum: 5000050000n rows: 100000n$/m, /^cancelled: true$/m],
  "examples/docs/transactions.ts": [/^views: 1n bookmarks: 1$/m, /^deleted: 1n$/m],
  "examples/docs/errors.ts": [
    /^INVALID_ARGUMENT NEO4J_CLIENT_ERROR Neo\.ClientError\.Statement\.\w+ at statement 1$/m,
    /^deadline: true$/m,
    /^retryable: false$/m,
  ],
};

test("every example the page shows is run below", () => {
  assert.deepEqual(Object.keys(expected).sort(), [...shown.keys()].sort());
});

for (const [path, patterns] of Object.entries(expected)) {
  test(`${path} runs`, async () => {
    const script = `${packageRoot}dist/${path.replace(/\.ts$/, ".js")}`;
    const { stdout } = await run(process.execPath, [script], {
      env: { ...process.env, GRAPHRPC_ENDPOINT: env.endpoint, GRAPHRPC_TOKEN: env.writer },
      timeout: 120_000,
    });
    for (const pattern of patterns) assert.match(stdout, pattern);
  });
}
