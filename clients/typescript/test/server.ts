// A graphrpc of a test's own (GRAPHRPC_BIN, in front of the suite's database), for settings
// the shared server does not have: a rate limit, TLS.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

export interface OwnServer {
  port: number;
  dir: string;
  stop(): void;
}

/** Starts graphrpc with the access file's text and extra flags and environment; waits until ready. */
export async function startServer(
  accessYaml: string,
  args: string[] = [],
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), "graphrpc-ts-")),
): Promise<OwnServer> {
  writeFileSync(join(dir, "access.yaml"), accessYaml);
  const [port, adminPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    required("GRAPHRPC_BIN"),
    [
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--admin-listen",
      `127.0.0.1:${adminPort}`,
      "--access-file",
      join(dir, "access.yaml"),
      ...args,
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
        ...env,
      },
    },
  );
  const stop = (): void => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 300 || child.exitCode !== null) {
      stop();
      throw new Error("the test's own graphrpc did not become ready");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, dir, stop };
}
