// The shared scenario as a user would write it. Run: node dist/examples/scenario.js
// with GRAPHRPC_ENDPOINT and GRAPHRPC_TOKEN set.
import { Client, DeadlineExceededError, AuthenticationError, GraphRpcError } from "@graphrpc/client";

const endpoint = process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051";
const client = Client.connect({ endpoint, token: process.env.GRAPHRPC_TOKEN, timeoutMs: 30_000 });

const query = "MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title LIMIT 3";
const movies = await client.run(query, { year: 2000n });
for (const row of movies.rows) console.log("movie:", row.get<string>("title"));

const stream = client.stream("UNWIND range(1, 100000) AS i RETURN i");
for await (const row of stream) void row;
console.log("streamed rows:", (await stream.summary()).rowCount);

const run = crypto.randomUUID(); // this run's nodes only: other programs share the graph
await client.executeWrite((tx) =>
  tx.run("CREATE (:Scenario {run: $run, at: $now})", { run, now: new Date() }),
);
const tx = await client.beginTransaction();
await tx.run("MATCH (s:Scenario {run: $run}) DETACH DELETE s", { run });
await tx.rollback();
const kept = await client.run("MATCH (s:Scenario {run: $run}) RETURN count(s) AS c", { run });
console.log("kept after rollback:", kept.rows[0]?.get("c"));

const statements = ["CREATE (:Scenario)", "CREATE (:Scenario)", "RETURN 1 +"].map((cypher) => ({ cypher }));
const failed = (e: GraphRpcError) => console.log("batch failed at index", e.statementIndex, e.neo4jCode);
await client.batch(statements).catch(failed);

const named = await client.runNamed("movies.by_title", { title: movies.rows[0]?.get<string>("title") ?? "" });
console.log("named query rows:", named.rows.length);

const slow = "UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b RETURN count(*)";
await client
  .run(slow, {}, { timeoutMs: 200 })
  .catch((e) => console.log("deadline:", e instanceof DeadlineExceededError));
const anonymous = Client.connect({ endpoint });
await anonymous.run("RETURN 1").catch((e) => console.log("no token:", e instanceof AuthenticationError));

await client.run("MATCH (s:Scenario {run: $run}) DETACH DELETE s", { run });
client.close();
anonymous.close();
