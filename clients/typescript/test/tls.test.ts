// TLS and mutual TLS: a graphrpc of this test's own with a test CA made by openssl. The
// client that presents a certificate of the CA is the principal its subject maps to; one
// without a certificate, or that does not trust the CA, cannot call.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, GraphRpcError } from "../src/index.js";
import { type OwnServer, startServer } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "graphrpc-ts-tls-"));
let server: OwnServer | undefined;
let endpoint = "";

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function certificate(name: string, subject: string, extensions: string): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"];
  openssl("req", ...ec, "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  );
}

const pem = (name: string): string => readFileSync(join(dir, name), "utf8");

before(async () => {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-noenc",
    "-days",
    "2",
    "-subj",
    "/CN=graphrpc-ts test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  certificate(
    "server",
    "/CN=graphrpc",
    "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
  );
  certificate(
    "client",
    "/CN=ts-client/O=graphrpc",
    "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
  );
  const access =
    'tokens: []\ncertificates:\n  - {subject: "CN=ts-client,O=graphrpc", principal: ts, role: writer, raw_cypher: true}\n';
  server = await startServer(access, [], {
    GRAPHRPC_TLS_CERT_FILE: join(dir, "server.pem"),
    GRAPHRPC_TLS_KEY_FILE: join(dir, "server.key"),
    GRAPHRPC_TLS_CLIENT_CA_FILE: join(dir, "ca.pem"),
    GRAPHRPC_TLS_CLIENT_AUTH: "optional",
  });
  endpoint = `https://localhost:${server.port}`;
});

after(() => server?.stop());

test("a client certificate of the CA calls as its subject's principal", async () => {
  const client = Client.connect({
    endpoint,
    tls: { ca: pem("ca.pem"), cert: pem("client.pem"), key: pem("client.key") },
  });
  try {
    const result = await client.run("RETURN $x AS x", { x: 7n });
    assert.equal(result.rows[0]!.get("x"), 7n);
  } finally {
    client.close();
  }
});

test("without a certificate the call is UNAUTHENTICATED; without the CA it cannot connect", async () => {
  const anonymous = Client.connect({ endpoint, tls: { ca: pem("ca.pem") } });
  const untrusting = Client.connect({ endpoint, tls: {} });
  try {
    await assert.rejects(
      anonymous.run("RETURN 1"),
      (e: unknown) => e instanceof GraphRpcError && e.code === "UNAUTHENTICATED",
    );
    await assert.rejects(untrusting.run("RETURN 1"), (e: unknown) => {
      assert.ok(e instanceof GraphRpcError, String(e));
      assert.equal(e.code, "UNAVAILABLE");
      assert.equal(e.reason, "CLIENT_TLS");
      assert.equal(e.retryable, false);
      assert.match(e.message, /certificate/i);
      return true;
    });
  } finally {
    anonymous.close();
    untrusting.close();
  }
});

test("a server that is not there is UNAVAILABLE and retryable", async () => {
  const nowhere = Client.connect({ endpoint: "http://127.0.0.1:1" });
  try {
    await assert.rejects(nowhere.run("RETURN 1"), (e: unknown) => {
      assert.ok(e instanceof GraphRpcError, String(e));
      assert.equal(e.code, "UNAVAILABLE");
      assert.equal(e.reason, "CLIENT_CONNECTION");
      assert.equal(e.retryable, true);
      return true;
    });
  } finally {
    nowhere.close();
  }
});
