import { Client, CancelledError } from "@graphrpc/client";

const client = Client.connect({
  endpoint: process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051",
  token: process.env.GRAPHRPC_TOKEN,
});

// Rows arrive as the loop reads them: memory stays flat however long the result.
const stream = client.stream("UNWIND range(1, 100000) AS i RETURN i", {}, { batchSize: 1000 });
let total = 0n;
for await (const row of stream) total += row.get<bigint>("i");
console.log("sum:", total, "rows:", (await stream.summary()).rowCount);

// Leaving the loop early cancels the call, and the server stops the query.
for await (const row of client.stream("UNWIND range(1, 10000000) AS i RETURN i")) {
  if (row.get<bigint>("i") === 3n) break;
}

// So does an AbortSignal, e.g. on a timer.
try {
  for await (const row of client.stream(
    "UNWIND range(1, 10000000) AS i RETURN i",
    {},
    {
      signal: AbortSignal.timeout(200),
    },
  )) {
    void row;
  }
} catch (error) {
  console.log("cancelled:", error instanceof CancelledError);
}
client.close();
