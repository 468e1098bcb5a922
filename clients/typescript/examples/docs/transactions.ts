import { Client } from "@graphrpc/client";

const client = Client.connect({
  endpoint: process.env.GRAPHRPC_ENDPOINT ?? "http://127.0.0.1:50051",
  token: process.env.GRAPHRPC_TOKEN,
});
const session = client.session(); // chains bookmarks: each call sees the writes before it

// Managed: committed when the function returns, rolled back if it throws, and run again
// after a transient failure (so keep other side effects out of it).
const views = await session.executeWrite(async (tx) => {
  const r = await tx.run(
    "MERGE (c:DocsCounter {name: $name}) SET c.views = coalesce(c.views, 0) + 1 RETURN c.views AS views",
    { name: "docs" },
  );
  return r.rows[0]?.get<bigint>("views");
});
console.log("views:", views, "bookmarks:", session.lastBookmarks().length);

// Explicit: commit or roll back yourself.
const tx = await session.beginTransaction({ metadata: { app: "docs" } });
await tx.run("MATCH (c:DocsCounter {name: $name}) DETACH DELETE c", { name: "docs" });
await tx.rollback();

// A batch: all statements in one transaction, all or none.
const batch = await session.batch([
  { cypher: "CREATE (n:DocsExample {n: 1})" },
  { cypher: "MATCH (n:DocsExample) DETACH DELETE n RETURN count(*) AS deleted" },
  { cypher: "MATCH (c:DocsCounter) DETACH DELETE c" },
]);
console.log("deleted:", batch.results[1]?.rows[0]?.get("deleted"));
client.close();
