import { Client } from "@graphrpc/client";

const client = Client.connect({
  endpoint: process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051",
  token: process.env.GRAPHRPC_TOKEN,
  timeoutMs: 10_000, // the default deadline of every call
});

// Parameters: bigint is a Cypher INTEGER, number a FLOAT.
const result = await client.run(
  "MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title, m.released AS released LIMIT 3",
  { year: 2000n },
  { accessMode: "READ" },
);
for (const row of result.rows) {
  const released: bigint = row.get("released");
  console.log(row.get<string>("title"), released);
}

// A row as a user type (the type is the caller's promise, not checked).
interface Movie {
  title: string;
  released: bigint;
}
const first = result.rows[0]?.toObject<Movie>();
console.log("first:", first?.title);

// A named query of the server's catalog.
const named = await client.runNamed("movies.by_title", { title: first?.title ?? "" });
console.log("genre:", named.rows[0]?.get("genre"));
client.close();
