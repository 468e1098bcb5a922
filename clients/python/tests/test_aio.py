"""The asyncio client through the same scenario as the blocking one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import grpc
import pytest

from graphrpc import GraphRpcError
from graphrpc.aio import AsyncClient, AsyncTransaction


def run(endpoint: str, token: str | None, body: Callable[[AsyncClient], Awaitable[None]]) -> None:
    async def main() -> None:
        async with AsyncClient(endpoint, token, timeout=60) as client:
            await body(client)

    asyncio.run(main())


def test_run_stream_and_named(endpoint: str, writer_token: str) -> None:
    async def body(client: AsyncClient) -> None:
        result = await client.run("RETURN $x + 1 AS y", x=41)
        assert result.value("y") == 42
        async with client.stream("UNWIND range(1, 25000) AS i RETURN i", batch_size=1000) as stream:
            assert await stream.keys() == ["i"]
            total = sum([r["i"] async for r in stream])
            assert total == 25000 * 25001 // 2 and stream.summary is not None
        named = await client.run_named("movies.by_title", title="The Crimson Mountain")
        assert named.single()["title"] == "The Crimson Mountain"
        async with client.stream_named("movies.by_title", title="The Crimson Mountain") as s:
            assert [r["title"] async for r in s] == ["The Crimson Mountain"]

    run(endpoint, writer_token, body)


def test_leaving_a_stream_early_cancels_it(endpoint: str, writer_token: str) -> None:
    async def body(client: AsyncClient) -> None:
        async with client.stream("UNWIND range(1, 10000000) AS i RETURN i") as stream:
            async for record in stream:
                assert record["i"] == 1
                break
        assert stream._call.cancelled()
        assert (await client.run("RETURN 1 AS one")).value() == 1

    run(endpoint, writer_token, body)


def test_transactions_commit_and_roll_back(endpoint: str, writer_token: str) -> None:
    tag = uuid.uuid4().hex

    async def count(client: AsyncClient) -> int:
        result = await client.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag)
        n: int = result.value()
        return n

    async def body(client: AsyncClient) -> None:
        async with await client.begin_transaction() as tx:
            await tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
            await tx.rollback()
        async with await client.begin_transaction() as tx:
            await tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
        assert await count(client) == 0
        async with await client.begin_transaction() as tx:
            await tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
            await tx.commit()
        assert await count(client) == 1

        async def work(tx: AsyncTransaction) -> int:
            await tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
            n: int = (
                await tx.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag)
            ).value()
            return n

        assert await client.execute_write(work) == 2
        assert await count(client) == 2

    run(endpoint, writer_token, body)


def test_batch_deadline_and_missing_token(endpoint: str, writer_token: str) -> None:
    async def body(client: AsyncClient) -> None:
        with pytest.raises(GraphRpcError) as caught:
            await client.batch(["RETURN 1", "RETURN 2", "RETURN 1/0"])
        assert caught.value.statement_index == 2
        with pytest.raises(GraphRpcError) as caught:
            await client.run(
                "UNWIND range(1, 10000000) AS i WITH i WHERE i < 0 RETURN count(i) AS n",
                timeout=0.5,
            )
        assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED

    run(endpoint, writer_token, body)

    async def anonymous(client: AsyncClient) -> None:
        with pytest.raises(GraphRpcError) as caught:
            await client.run("RETURN 1")
        assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED

    run(endpoint, None, anonymous)
