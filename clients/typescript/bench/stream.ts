// The 1M-row stream through this client, as `make bench` streams it (UNWIND range(1, N)
// RETURN i, 'row-' + toString(i)): rows/s, and the peak RSS of this process and, given
// GRAPHRPC_SERVER_PID, of the server. Not part of make test.
//   GRAPHRPC_ENDPOINT=... GRAPHRPC_TOKEN=... [GRAPHRPC_SERVER_PID=...] node dist/bench/stream.js [rows] [runs]
import { readFileSync } from "node:fs";
import { Client } from "@graphrpc/client";

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const serverPid = process.env.GRAPHRPC_SERVER_PID;
const client = Client.connect({
  endpoint: process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051",
  token: process.env.GRAPHRPC_TOKEN,
});

function rssMiB(pid: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

const cypher = `UNWIND range(1, ${rows}) AS i RETURN i, 'row-' + toString(i) AS s`;
for (let run = 1; run <= runs; run++) {
  const before = { client: rssMiB("self"), server: serverPid ? rssMiB(serverPid) : Number.NaN };
  const peak = { ...before };
  const sample = setInterval(() => {
    peak.client = Math.max(peak.client, rssMiB("self"));
    if (serverPid) peak.server = Math.max(peak.server, rssMiB(serverPid));
  }, 50);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let seen = 0;
  for await (const row of client.stream(cypher, {}, { accessMode: "READ", batchSize: 1000 })) {
    if (row.values.length === 2) seen++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  clearInterval(sample);
  if (seen !== rows) throw new Error(`read ${seen} rows, expected ${rows}`);
  console.log(
    `run ${run}: ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s; ` +
      `client CPU ${cpuSeconds.toFixed(2)} s; client RSS ${before.client.toFixed(0)} -> peak ${peak.client.toFixed(0)} MiB` +
      (serverPid ? `; server RSS ${before.server.toFixed(0)} -> peak ${peak.server.toFixed(0)} MiB` : ""),
  );
}
client.close();
