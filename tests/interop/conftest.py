"""Starting the graphrpc binary ($GRAPHRPC_BIN) against the test database that `make test`
started and seeded ($GRAPHRPC_TEST_NEO4J_*). Without them the suites fail; they never skip.
"""

import contextlib
import os
import socket
import subprocess

import grpc
import pytest


def required(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run this suite through `make test`")
    return value


@contextlib.contextmanager
def graphrpc_channel(*extra, credentials=None):
    """A grpcio channel to a fresh graphrpc process started with `extra` flags; a TLS
    channel (to the name localhost) with `credentials`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [required("GRAPHRPC_BIN"), "serve", "--listen", f"127.0.0.1:{port}",
         "--admin-listen", "127.0.0.1:0",
         "--neo4j-uri", required("GRAPHRPC_TEST_NEO4J_URI"), "--neo4j-username", "root",
         "--neo4j-password", required("GRAPHRPC_TEST_NEO4J_PASSWORD"),
         "--neo4j-database", required("GRAPHRPC_TEST_NEO4J_DATABASE"),
         "--health-interval", "200ms", "--log", "warn", *extra])
    address = f"127.0.0.1:{port}"
    if credentials is None:
        ch = grpc.insecure_channel(address)
    else:
        ch = grpc.secure_channel(address, credentials,
                                 options=[("grpc.ssl_target_name_override", "localhost")])
    ch._graphrpc_address = address
    try:
        grpc.channel_ready_future(ch).result(timeout=20)
        yield ch
    finally:
        ch.close()
        server.terminate()
        assert server.wait(timeout=20) == 0, "graphrpc did not exit cleanly on SIGTERM"
