// The shared scenario as a user would write it. Run: node dist/examples/scenario.js
// with GRAPHRPC_ENDPOINT and GRAPHRPC_TOKEN set.
import { Client, DeadlineExceededError, AuthenticationError, GraphRpcError } from "@graphrpc/client";

const endpoint = process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051";
const client = Client.connect({ endpoint, token: process.env.GRAPHRPC_TOKEN, timeoutMs: 30_000 });

const movies = await client.run("MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title LIMIT 3", {
  year: 2000n,
});
for (const row of movies.rows) console.log("movie:", row.get<string>("title"));

let rows = 0;
for await (const row of client.stream("UNWIND range(1, 100000) AS i RETURN i")) rows += row.get("i") ? 1 : 0;
console.log("streamed rows:", rows);

await client.executeWrite((tx) => tx.run("CREATE (:Scenario {at: $now})", { now: new Date() }));
const tx = await client.beginTransaction();
await tx.run("MATCH (s:Scenario) DETACH DELETE s");
await tx.rollback();
console.log(
  "kept after rollback:",
  (await client.run("MATCH (s:Scenario) RETURN count(s) AS c")).rows[0]?.get("c"),
);

const statements = ["CREATE (:Scenario)", "CREATE (:Scenario)", "NOT CYPHER"].map((cypher) => ({ cypher }));
await client
  .batch(statements)
  .catch((e: GraphRpcError) => console.log("batch failed at index", e.statementIndex, e.neo4jCode));

const named = await client.runNamed("movies.by_title", { title: movies.rows[0]?.get<string>("title") ?? "" });
console.log("named query rows:", named.rows.length);

await client
  .run("UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b RETURN count(*)", {}, { timeoutMs: 200 })
  .catch((e) => console.log("deadline:", e instanceof DeadlineExceededError));
await Client.connect({ endpoint })
  .run("RETURN 1")
  .catch((e) => console.log("no token:", e instanceof AuthenticationError));

await client.run("MATCH (s:Scenario) DETACH DELETE s");
client.close();
