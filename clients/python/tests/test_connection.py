"""Connecting: TLS and mutual TLS, and managed transactions that honour a server's retry
pushback, each against a graphrpc of the test's own."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import grpc
import pytest
from own_server import free_port, make_certificates, own_server

from graphrpc import Client, GraphRpcError, RetryPolicy, Tls, Transaction
from graphrpc.aio import AsyncClient


def test_mutual_tls(tmp_path: Path) -> None:
    make_certificates(tmp_path)
    settings = {
        "GRAPHRPC_TLS_CERT_FILE": str(tmp_path / "server.pem"),
        "GRAPHRPC_TLS_KEY_FILE": str(tmp_path / "server.key"),
        "GRAPHRPC_TLS_CLIENT_CA_FILE": str(tmp_path / "ca.pem"),
    }
    ca = (tmp_path / "ca.pem").read_bytes()
    identity = Tls(
        root_certificates=ca,
        private_key=(tmp_path / "client.key").read_bytes(),
        certificate_chain=(tmp_path / "client.pem").read_bytes(),
    )
    with own_server(settings) as address:
        port = address.rsplit(":", 1)[1]
        with Client(f"https://localhost:{port}", tls=identity, timeout=10) as client:
            assert client.run("RETURN 1 AS one").value() == 1
        # Without a client certificate the handshake is refused.
        with Client(f"https://localhost:{port}", tls=Tls(root_certificates=ca), timeout=5) as bare:
            with pytest.raises(GraphRpcError) as caught:
                bare.run("RETURN 1")
            assert caught.value.code == grpc.StatusCode.UNAVAILABLE
        # Nor does a plaintext client get through.
        with (
            Client(f"http://localhost:{port}", timeout=5) as plain,
            pytest.raises(GraphRpcError),
        ):
            plain.run("RETURN 1")


def test_tls_with_a_server_name_override(tmp_path: Path) -> None:
    make_certificates(tmp_path)
    settings = {
        "GRAPHRPC_TLS_CERT_FILE": str(tmp_path / "server.pem"),
        "GRAPHRPC_TLS_KEY_FILE": str(tmp_path / "server.key"),
    }
    tls = Tls(root_certificates=(tmp_path / "ca.pem").read_bytes(), server_name="localhost")
    with own_server(settings) as address, Client(address, tls=tls, timeout=10) as client:
        assert client.run("RETURN 2 AS two").value() == 2


RATE_LIMITED = {
    "GRAPHRPC_RATE_LIMIT": "2",
    "GRAPHRPC_RATE_BURST": "1",
    "GRAPHRPC_RETRY_PUSHBACK": "300ms",
}


# Backoff alone would wait 10 s, past the calls' timeouts: only the server's pushback can
# bring the retry inside them.
PATIENT = RetryPolicy(initial_delay=10, max_delay=10, jitter=0)


def test_managed_transactions_wait_out_a_pushback() -> None:
    with own_server(RATE_LIMITED) as address, Client(address, timeout=10, retry=PATIENT) as client:
        client.run("RETURN 1")
        # The bucket is empty now: a plain call is shed, with a pushback.
        with pytest.raises(GraphRpcError) as caught:
            client.run("RETURN 1")
        shed = caught.value
        assert shed.code == grpc.StatusCode.RESOURCE_EXHAUSTED and shed.retry_after is not None
        assert shed.retryable
        calls = []

        def work(tx: object) -> int:
            calls.append(1)
            return 7

        started = time.monotonic()
        assert client.execute_write(lambda tx: work(tx), timeout=3) == 7
        assert time.monotonic() - started >= 0.1
        assert calls == [1]


def test_a_managed_transaction_gives_up_at_its_timeout() -> None:
    slow = RetryPolicy(initial_delay=0.3, max_delay=0.3, jitter=0)
    with (
        own_server(
            {**RATE_LIMITED, "GRAPHRPC_RETRY_PUSHBACK": "2s", "GRAPHRPC_RATE_LIMIT": "1"}
        ) as address,
        Client(address, timeout=10, retry=slow) as client,
    ):
        client.run("RETURN 1")
        started = time.monotonic()
        with pytest.raises(GraphRpcError) as caught:
            client.execute_read(lambda tx: tx.run("RETURN 1"), timeout=0.5)
        assert caught.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "gave up after 1 attempts" in caught.value.message
        assert time.monotonic() - started < 1


async def _async_pushback(address: str) -> int:
    async with AsyncClient(address, timeout=10, retry=PATIENT) as client:
        await client.run("RETURN 1")

        async def work(tx: object) -> int:
            return 8

        return await client.execute_write(work, timeout=3)


def test_the_async_client_waits_out_a_pushback() -> None:
    import asyncio

    with own_server(RATE_LIMITED) as address:
        assert asyncio.run(_async_pushback(address)) == 8


def test_managed_transactions_retry_an_unreachable_database_until_their_timeout() -> None:
    nothing_there = {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}"}
    quick = RetryPolicy(initial_delay=0.05, max_delay=0.1)
    with (
        own_server(nothing_there, ready=False) as address,
        Client(address, timeout=10, retry=quick) as client,
    ):
        started = time.monotonic()
        with pytest.raises(GraphRpcError) as caught:
            client.execute_write(lambda tx: tx.run("RETURN 1"), timeout=2)
        error = caught.value
        assert error.code == grpc.StatusCode.UNAVAILABLE and error.retryable
        attempts = int(error.message.split("gave up after ")[1].split(" ")[0])
        assert attempts >= 3, error.message
        assert time.monotonic() - started < 4


def test_managed_transactions_retry_an_aborted_transaction() -> None:
    # graphrpc rolls back a transaction idle past GRAPHRPC_TX_IDLE_TIMEOUT with ABORTED
    # (TRANSACTION_IDLE): nothing was applied, so the whole work runs again.
    attempts: list[float] = []
    run = uuid.uuid4().hex

    def work(tx: Transaction) -> int:
        attempts.append(time.monotonic())
        tag = f"{run}-{len(attempts)}"
        tx.run("CREATE (:PyClientTx {tag: $tag})", tag=tag)
        if len(attempts) == 1:
            time.sleep(1.5)  # idle past the server's limit: it rolls back
        n: int = tx.run("MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=tag).value()
        return n

    with (
        own_server({"GRAPHRPC_TX_IDLE_TIMEOUT": "500ms"}) as address,
        Client(address, timeout=20) as client,
    ):
        assert client.execute_write(work) == 1
        assert len(attempts) == 2
        left = client.run(
            "MATCH (n:PyClientTx {tag: $tag}) RETURN count(n) AS c", tag=f"{run}-1"
        ).value()
        assert left == 0
        # Outside a managed transaction, the same idling is an ABORTED error.
        with client.begin_transaction() as tx:
            tx.run("RETURN 1")
            time.sleep(1.5)
            with pytest.raises(GraphRpcError) as caught:
                tx.run("RETURN 1")
            assert caught.value.code == grpc.StatusCode.ABORTED and caught.value.retryable
