"""The scenario every client runs: a parameterized query, a 100 000-row stream in flat
memory, commit and rollback, a batch failing at statement 3, a named query, a deadline and a
missing token; the same through asyncio in test_aio.py."""

from __future__ import annotations

import time
import uuid
from typing import Any

import grpc
import pytest

from graphrpc import Client, GraphRpcError

PAGE = 4096


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def test_a_parameterized_query(client: Client) -> None:
    result = client.run(
        "MATCH (m:Movie) WHERE m.released >= $year RETURN m.title AS title, m.released AS year "
        "ORDER BY year, title LIMIT 5",
        year=2000,
        access_mode="read",
    )
    assert result.keys == ["title", "year"] and len(result) == 5
    assert all(r["year"] >= 2000 for r in result)
    assert result.summary.query_type == "READ_ONLY" and result.summary.row_count == 5


def test_a_100k_row_stream_in_flat_memory(client: Client) -> None:
    # 100 000 rows of about 1 KiB: ~100 MiB if the client held them; streamed, it keeps
    # about one batch. The bound is far below the total and above grpc's buffers.
    pad = "x" * 1024
    rows = 0
    # Warm up (first stream: grpc's buffers, imports), then measure from before the call.
    client.stream("UNWIND range(1, 5000) AS i RETURN i, $pad AS pad", pad=pad).consume()
    baseline = peak = rss_bytes()
    with client.stream(
        "UNWIND range(1, 100000) AS i RETURN i, $pad AS pad", pad=pad, access_mode="read"
    ) as stream:
        for record in stream:
            rows += 1
            assert record["i"] == rows
            if rows % 1000 == 0:
                peak = max(peak, rss_bytes())
        summary = stream.summary
    grown = peak - baseline
    print(f"\n100k x 1 KiB stream: client RSS grew {grown / 2**20:.1f} MiB")
    assert rows == 100_000 and summary is not None and summary.row_count == 100_000
    assert grown < 25 * 2**20, f"the client's memory grew by {grown / 2**20:.1f} MiB"


def test_leaving_a_stream_early_cancels_it(client: Client) -> None:
    started = time.monotonic()
    with client.stream("UNWIND range(1, 10000000) AS i RETURN i", batch_size=100) as stream:
        first = [r["i"] for _, r in zip(range(10), stream, strict=False)]
    assert first == list(range(1, 11))
    assert time.monotonic() - started < 5
    with pytest.raises(StopIteration):
        next(stream)
    assert stream._call.code() == grpc.StatusCode.CANCELLED
    # The connection is fine afterwards.
    assert client.run("RETURN 2 AS two").value() == 2


def test_a_transaction_commits(client: Client) -> None:
    tag = uuid.uuid4().hex
    with client.begin_transaction(metadata={"test": "commit"}) as tx:
        tx.run("CREATE (:PyClientTx {tag: $tag, n: 1})", tag=tag)
        assert tx.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value() == 1
        tx.commit()
        assert not tx.open
    assert client.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value() == 1


def test_a_transaction_rolls_back(client: Client) -> None:
    tag = uuid.uuid4().hex
    with client.begin_transaction() as tx:
        tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
        tx.rollback()
    # Leaving the block without commit rolls back too.
    with client.begin_transaction() as tx:
        tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
    with pytest.raises(RuntimeError), client.begin_transaction() as tx:
        tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
        raise RuntimeError("the work failed")
    assert client.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value() == 0


def test_a_failed_statement_ends_the_transaction(client: Client) -> None:
    tag = uuid.uuid4().hex
    with client.begin_transaction() as tx:
        tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
        with pytest.raises(GraphRpcError) as caught:
            tx.run("RETURN 1 +")
        assert caught.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert caught.value.statement_index == 1
        assert not tx.open
        with pytest.raises(GraphRpcError, match="the transaction is failed"):
            tx.run("RETURN 1")
    assert client.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value() == 0


def test_a_batch_failing_at_statement_3_leaves_nothing(client: Client) -> None:
    tag = uuid.uuid4().hex
    create = ("CREATE (:PyClientTx {tag: $tag})", {"tag": tag})
    with pytest.raises(GraphRpcError) as caught:
        client.batch([create, create, "RETURN 1/0 AS boom", create])
    error = caught.value
    assert error.statement_index == 2, error
    assert error.neo4j_code is not None and error.neo4j_code.startswith("Neo.ClientError.")
    assert client.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value() == 0
    results = client.batch(
        [create, ("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", {"tag": tag})]
    )
    assert results[0].summary.counters.nodes_created == 1 and results[1].value() == 1


def test_a_named_query(client: Client) -> None:
    result = client.run_named("movies.by_title", title="The Crimson Mountain")
    assert result.single()["title"] == "The Crimson Mountain"
    names = [q.name for q in client.list_named_queries()]
    assert "movies.by_title" in names
    with client.stream_named("movies.by_title", {"title": "The Crimson Mountain"}) as stream:
        assert [r["title"] for r in stream] == ["The Crimson Mountain"]


def test_a_deadline(client: Client) -> None:
    started = time.monotonic()
    with pytest.raises(GraphRpcError) as caught:
        client.run(
            "UNWIND range(1, 10000000) AS i WITH i WHERE i < 0 RETURN count(i) AS n", timeout=0.5
        )
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 3


def test_a_missing_token(endpoint: str) -> None:
    with Client(endpoint) as anonymous, pytest.raises(GraphRpcError) as caught:
        anonymous.run("RETURN 1")
    assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED
    with Client(endpoint, "not-a-token") as wrong, pytest.raises(GraphRpcError) as caught:
        wrong.run("RETURN 1")
    assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED


class Recorder(grpc.UnaryUnaryClientInterceptor):
    """Records the requests of unary calls as they leave the client."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        self.requests.append(request)
        return continuation(details, request)


def test_bookmarks_chain_within_a_session(endpoint: str, writer_token: str) -> None:
    recorder = Recorder()
    with Client(endpoint, writer_token, interceptors=[recorder]) as client:
        session = client.session()
        assert session.bookmarks == []
        with session.begin_transaction() as tx:
            tx.run("CREATE (:PyClientTx {tag: 'bookmark'})")
            bookmark = tx.commit()
        # The local database returns bookmarks for explicit transactions.
        assert bookmark and session.bookmarks == [bookmark]
        session.run("MATCH (n:PyClientTx {tag: 'bookmark'}) RETURN count(n) AS c")
        assert list(recorder.requests[-1].bookmarks) == [bookmark]
        # Another session, and the client itself, are other chains.
        client.run("RETURN 1")
        assert list(recorder.requests[-1].bookmarks) == []
        seeded = client.session(bookmarks=["earlier"])
        seeded.batch(["RETURN 1"])
        assert list(recorder.requests[-1].bookmarks) == ["earlier"]
