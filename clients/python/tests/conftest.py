"""The suite runs against the real graphrpc that tests/clients.sh starts (its environment is
documented there). Without it the suite fails: nothing here is skipped or mocked."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from graphrpc import Client


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run this suite through tests/clients.sh python")
    return value


@pytest.fixture(scope="session")
def endpoint() -> str:
    return setting("GRAPHRPC_TEST_ENDPOINT")


@pytest.fixture(scope="session")
def writer_token() -> str:
    return setting("GRAPHRPC_TEST_TOKEN_WRITER")


@pytest.fixture(scope="session")
def admin_token() -> str:
    """Schema commands (a conformance vector's setup) need the admin role."""
    return setting("GRAPHRPC_TEST_TOKEN_ADMIN")


@pytest.fixture(scope="session")
def reader_token() -> str:
    return setting("GRAPHRPC_TEST_TOKEN_READER")


@pytest.fixture(scope="session")
def client(endpoint: str, writer_token: str) -> Iterator[Client]:
    with Client(endpoint, writer_token, timeout=60) as c:
        # Fails the run when the server is not reachable, rather than skipping.
        assert c.run("RETURN 1 AS one").value() == 1
        yield c


@pytest.fixture(scope="session")
def reader(endpoint: str, reader_token: str) -> Iterator[Client]:
    with Client(endpoint, reader_token, timeout=60) as c:
        yield c
