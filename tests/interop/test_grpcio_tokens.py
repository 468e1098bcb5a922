"""Bearer tokens as a grpcio (C-core) client sends them: `authorization` metadata on each
call, learned API through reflection as grpcurl users do (`grpcurl -H 'authorization: Bearer
...'`). Health and reflection stay open, so probes and `grpcurl list` need no token.
"""

import hashlib
import os
import sys
import tempfile

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "local"))
from grpcall import ReflectionClient  # noqa: E402
from conftest import graphrpc_channel  # noqa: E402

READER = "interop-reader-7c1d"
WRITER = "interop-writer-90aa"


def bearer(token):
    return [("authorization", f"Bearer {token}")]


@pytest.fixture(scope="module")
def client():
    entries = [("analyst", READER, "reader"), ("ingest", WRITER, "writer")]
    with tempfile.TemporaryDirectory() as folder:
        access = os.path.join(folder, "access.yaml")
        with open(access, "w") as f:
            f.write("tokens:\n")
            for principal, token, role in entries:
                digest = hashlib.sha256(token.encode()).hexdigest()
                f.write(f"  - principal: {principal}\n    sha256: {digest}\n"
                        f"    role: {role}\n    raw_cypher: true\n")
        with graphrpc_channel("--access-file", access) as channel:
            yield ReflectionClient(channel)


def run(client, body, token=None):
    return client.call("graphrpc.v1.GraphQueryService/Run", body,
                       metadata=bearer(token) if token else None)


def test_reflection_and_health_need_no_token(client):
    assert "graphrpc.v1.GraphQueryService" in client.services()
    health = health_pb2_grpc.HealthStub(client.channel)
    assert health.Check(health_pb2.HealthCheckRequest(), timeout=10).status in (
        health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING)


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_missing_or_wrong_token_is_unauthenticated(client, token):
    with pytest.raises(grpc.RpcError) as refused:
        run(client, {"cypher": "RETURN 1 AS one"}, token)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "wrong-token" not in refused.value.details()


def test_a_reader_reads_but_cannot_write(client):
    answer = run(client, {"cypher": "RETURN 1 AS one"}, READER)
    assert answer["rows"][0]["values"] == [{"integer": "1"}]

    label = f"InteropReader{os.getpid()}"
    with pytest.raises(grpc.RpcError) as denied:
        run(client, {"cypher": f"CREATE (n:{label}) RETURN 1 AS one"}, READER)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "analyst" in denied.value.details()
    count = run(client, {"cypher": f"MATCH (n:{label}) RETURN count(n) AS c"}, WRITER)
    assert count["rows"][0]["values"] == [{"integer": "0"}]

    run(client, {"cypher": f"CREATE (n:{label}) RETURN 1 AS one"}, WRITER)
    count = run(client, {"cypher": f"MATCH (n:{label}) RETURN count(n) AS c"}, READER)
    assert count["rows"][0]["values"] == [{"integer": "1"}]
