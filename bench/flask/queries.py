"""The benchmark's statements: the same text graphrpc and the direct driver run
(bench/loadgen/src/main.rs, Workload::cypher)."""

import os

RETURN1 = "RETURN 1 AS x"
POINT = "MATCH (p:Person {id: $id}) RETURN p.id AS id, p.name AS name, p.age AS age"
TWOHOP = ("MATCH (p:Person {id: $id})-[:KNOWS]->(:Person)-[:KNOWS]->(f:Person) "
          "WHERE f.id <> $id RETURN DISTINCT f.id AS id, f.name AS name LIMIT 50")
STREAM_ROWS = int(os.environ.get("BENCH_STREAM_ROWS", "1000000"))
STREAM = f"UNWIND range(1, {STREAM_ROWS}) AS i RETURN i, 'row-' + toString(i) AS s"

URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
AUTH = (os.environ.get("NEO4J_USERNAME", "root"), os.environ.get("NEO4J_PASSWORD", ""))
DATABASE = os.environ.get("NEO4J_DATABASE", "graph")
