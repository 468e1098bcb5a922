"""graphrpc's Python client: Cypher over gRPC with native values.

    from graphrpc import Client
    with Client("http://127.0.0.1:50051", token) as client:
        for record in client.run("MATCH (m:Movie) RETURN m.title AS title LIMIT 3"):
            print(record["title"])

graphrpc.aio.AsyncClient has the same surface for asyncio."""

from graphrpc._common import DEFAULT, RetryPolicy, Statement, Tls
from graphrpc.client import Client, RecordStream, Transaction
from graphrpc.errors import GraphRpcError
from graphrpc.results import Counters, Record, Result, Summary
from graphrpc.types import DateTime, Duration, Node, Path, Point, Relationship, Time
from graphrpc.values import ValueConversionError

__all__ = [
    "DEFAULT",
    "Client",
    "Counters",
    "DateTime",
    "Duration",
    "GraphRpcError",
    "Node",
    "Path",
    "Point",
    "Record",
    "RecordStream",
    "Relationship",
    "Result",
    "RetryPolicy",
    "Statement",
    "Summary",
    "Time",
    "Tls",
    "Transaction",
    "ValueConversionError",
]
