"""The client scenario of graphrpc's issue 16, as a user would write it: a parameterized
query, a 100 000-row stream, a transaction that commits and one that rolls back, a batch
failing at its third statement, a named query, a deadline and a missing token.

    GRAPHRPC_ENDPOINT=http://127.0.0.1:50051 GRAPHRPC_TOKEN=... python3 examples/scenario.py
"""

import os
import uuid

from graphrpc import Client, GraphRpcError

endpoint, run = os.environ["GRAPHRPC_ENDPOINT"], uuid.uuid4().hex
client = Client(endpoint, os.environ["GRAPHRPC_TOKEN"], timeout=30)

query = "MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title ORDER BY title LIMIT 3"
print("movies:", [movie["title"] for movie in client.run(query, year=2000)])

with client.stream("UNWIND range(1, 100000) AS i RETURN i") as rows:
    print("streamed:", sum(1 for _ in rows), "rows")

for finish in ("commit", "rollback"):
    with client.begin_transaction() as tx:
        tx.run("CREATE (:Scenario {run: $run, finish: $finish})", run=run, finish=finish)
        getattr(tx, finish)()
kept = client.run("MATCH (s:Scenario {run: $run}) RETURN s.finish AS f", run=run)
print("kept:", [r["f"] for r in kept])

try:
    client.batch(["CREATE (:Scenario)", "CREATE (:Scenario)", "RETURN 1/0", "CREATE (:Scenario)"])
except GraphRpcError as error:
    print(f"batch failed at statements[{error.statement_index}]:", error.neo4j_code)

print("named:", client.run_named("movies.by_title", title="The Crimson Mountain").single().data())

try:
    client.run("UNWIND range(1, 10000000) AS i WITH i WHERE i < 0 RETURN i", timeout=0.3)
except GraphRpcError as error:
    print("deadline:", error.code.name)

try:
    Client(endpoint).run("RETURN 1")
except GraphRpcError as error:
    print("no token:", error.code.name)
