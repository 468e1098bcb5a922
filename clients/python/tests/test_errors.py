"""Errors carry code, reason, neo4j_code and metadata decoded from the status details."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from graphrpc import Client, GraphRpcError


def test_a_syntax_error(client: Client) -> None:
    with pytest.raises(GraphRpcError) as caught:
        client.run("RETURN 1 +")
    error = caught.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.neo4j_code == "Neo.ClientError.Statement.SyntaxError"
    assert error.reason == "NEO4J_CLIENT_ERROR" and error.domain == "graphrpc.dev/neo4j"
    assert not error.retryable and error.statement_index is None
    assert str(error).startswith("INVALID_ARGUMENT: ")


def test_an_unknown_named_query(client: Client) -> None:
    with pytest.raises(GraphRpcError) as caught:
        client.run_named("no.such.query")
    assert caught.value.code == grpc.StatusCode.NOT_FOUND


def test_a_bad_parameter_of_a_named_query_names_the_field(client: Client) -> None:
    with pytest.raises(GraphRpcError) as caught:
        client.run_named("movies.by_title", title=5)
    error = caught.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert ("params.title", "expected string, got integer") in error.field_violations


def test_a_reader_cannot_write(reader: Client) -> None:
    with pytest.raises(GraphRpcError) as caught:
        reader.run("CREATE (:PyClientForbidden)")
    assert caught.value.code == grpc.StatusCode.PERMISSION_DENIED
    # And a managed read transaction is not retried on it.
    with pytest.raises(GraphRpcError) as caught:
        reader.execute_write(lambda tx: tx.run("CREATE (:PyClientForbidden)"))
    assert caught.value.code == grpc.StatusCode.PERMISSION_DENIED


def test_a_row_limit(client: Client) -> None:
    with pytest.raises(GraphRpcError) as caught:
        client.run("UNWIND range(1, 20) AS i RETURN i", max_rows=10)
    assert caught.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert caught.value.metadata.get("max_rows") == "10"
    assert not caught.value.retryable


def test_a_pushback_that_is_negative_or_unreadable_means_no_retry() -> None:
    # The header parsing alone (the server only ever sends valid ones).
    from graphrpc.errors import from_status

    shed = grpc.StatusCode.RESOURCE_EXHAUSTED
    ok = from_status(shed, "shed", [("grpc-retry-pushback-ms", "250")])
    assert ok.retry_after == 0.25 and ok.retryable
    for bad in ("-1", "soon", ""):
        error = from_status(grpc.StatusCode.UNAVAILABLE, "x", [("grpc-retry-pushback-ms", bad)])
        assert not error.retryable, bad
    assert not from_status(shed, "too many rows", []).retryable


class _CallWhoseWriteFailed:
    """The status grpc.aio shows for a call whose write failed: its stand-in INTERNAL until
    the server's own status (RESOURCE_EXHAUSTED with a pushback) replaces it, `after` seconds
    later (never, when None)."""

    def __init__(self, after: float | None) -> None:
        self._replaced_at = None if after is None else time.monotonic() + after

    def _server_status_in(self) -> bool:
        return self._replaced_at is not None and time.monotonic() >= self._replaced_at

    async def code(self) -> grpc.StatusCode:
        if self._server_status_in():
            return grpc.StatusCode.RESOURCE_EXHAUSTED
        return grpc.StatusCode.INTERNAL

    async def details(self) -> str:
        return "rate limit reached" if self._server_status_in() else "Internal error from Core"

    async def trailing_metadata(self) -> tuple[tuple[str, str], ...]:
        return ()

    async def initial_metadata(self) -> tuple[tuple[str, str], ...]:
        return ()


def test_a_failed_write_reports_the_servers_status_not_grpcs_stand_in() -> None:
    from graphrpc.aio import _status_after_failed_write

    late = asyncio.run(_status_after_failed_write(_CallWhoseWriteFailed(after=0.05)))
    assert late.code == grpc.StatusCode.RESOURCE_EXHAUSTED, late
    # A status that never comes: the stand-in, after a bounded wait.
    never = asyncio.run(_status_after_failed_write(_CallWhoseWriteFailed(after=None)))
    assert never.code == grpc.StatusCode.INTERNAL
