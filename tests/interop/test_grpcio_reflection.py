"""graphrpc seen the way a grpcurl user sees it: an independent gRPC implementation (Python
grpcio, Google's C-core stack) that has no .proto files and learns the API through server
reflection alone, then calls it with JSON.

The server comes from conftest.py: the real binary against the real test database.
"""

import os
import subprocess
import time

import sys

import grpc
import pytest
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "local"))
from grpcall import ReflectionClient  # noqa: E402  (the project's grpcurl stand-in)
from conftest import graphrpc_channel  # noqa: E402

PUBLIC_SERVICES = {"graphrpc.v1.GraphQueryService", "grpc.health.v1.Health"}


@pytest.fixture(scope="module")
def channel():
    with graphrpc_channel() as ch:
        yield ch


@pytest.fixture(scope="module")
def client(channel):
    return ReflectionClient(channel)


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_reflection_lists_the_public_services_only(client, version):
    assert set(client.services(version)) == PUBLIC_SERVICES


def test_describe_shows_the_request_fields_and_their_comments(client, channel):
    _, run = client.method("graphrpc.v1.GraphQueryService/Run")
    assert run.input_type.full_name == "graphrpc.v1.RunRequest"
    fields = {f.name for f in run.input_type.fields}
    assert {"cypher", "params", "json_params", "database", "access_mode", "timeout",
            "bookmarks", "max_rows"} <= fields
    _, stream = client.method("graphrpc.v1.GraphQueryService/RunStream")
    assert stream.input_type.full_name == "graphrpc.v1.RunStreamRequest"
    assert "batch_size" in {f.name for f in stream.input_type.fields}
    assert stream.server_streaming and stream.output_type.full_name == "graphrpc.v1.RunStreamResponse"

    # The descriptors carry the .proto comments, so `grpcurl describe` explains each field.
    call = channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    request = reflection_pb2.ServerReflectionRequest(file_containing_symbol="graphrpc.v1.RunRequest")
    comments = []
    for response in call(iter([request]), timeout=10):
        for raw in response.file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(raw)
            comments += [loc.leading_comments for loc in file.source_code_info.location]
    assert any("becomes a Cypher INTEGER" in c for c in comments), comments[:5]


def call_json(client, method, body, timeout=10):
    return client.call(f"graphrpc.v1.GraphQueryService/{method}", body, timeout=timeout)


def test_run_with_json_params_like_grpcurl(client):
    response = call_json(client, "Run", {
        "cypher": "RETURN $name AS name, $n + 1 AS next, $f AS f, $tags AS tags",
        "jsonParams": {"name": "Ada", "n": 41, "f": 1.5, "tags": ["a", 2]},
    })
    assert response["keys"] == ["name", "next", "f", "tags"]
    values = response["rows"][0]["values"]
    assert values[0] == {"string": "Ada"}
    assert values[1] == {"integer": "42"}, "an integral JSON number is a Cypher integer"
    assert values[2] == {"float": 1.5}
    assert values[3] == {"list": {"values": [{"string": "a"}, {"integer": "2"}]}}
    assert response["summary"]["rowCount"] == "1"


def test_the_demo_graph_answers(client):
    response = call_json(client, "Run", {
        "cypher": "MATCH (p:Person)-[:ACTED_IN]->(m:Movie) RETURN count(DISTINCT m) AS movies",
        "accessMode": "ACCESS_MODE_READ",
    })
    assert response["rows"][0]["values"][0] == {"integer": "60"}


def test_run_stream_sends_header_batches_summary(client):
    messages = call_json(client, "RunStream", {
        "cypher": "UNWIND range(1, 25) AS i RETURN i", "batchSize": 10})
    assert messages[0] == {"header": {"keys": ["i"]}}
    assert [len(m["rows"]["rows"]) for m in messages[1:-1]] == [10, 10, 5]
    assert messages[-1]["summary"]["rowCount"] == "25"


def test_a_transaction_through_reflection(client):
    label = f"InteropTx{os.getpid()}"
    messages = client.call("graphrpc.v1.GraphQueryService/Transaction", [
        {"begin": {"metadata": {"caller": "interop"}}},
        {"statement": {"cypher": f"CREATE (n:{label} {{v: $v}}) RETURN n.v AS v",
                       "jsonParams": {"v": 7}}},
        {"commit": {}},
    ])
    kinds = [next(iter(m)) for m in messages]
    assert kinds == ["begun", "header", "rows", "summary", "committed"], kinds
    assert messages[2]["rows"]["rows"][0]["values"] == [{"integer": "7"}]
    after = call_json(client, "Run", {"cypher": f"MATCH (n:{label}) RETURN count(n) AS c"})
    assert after["rows"][0]["values"] == [{"integer": "1"}]

    with pytest.raises(grpc.RpcError) as misuse:
        client.call("graphrpc.v1.GraphQueryService/Transaction", [{"commit": {}}])
    assert misuse.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_errors_have_precise_codes(client):
    with pytest.raises(grpc.RpcError) as syntax:
        call_json(client, "Run", {"cypher": "RETURN 1 +"})
    assert syntax.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "SyntaxError" in syntax.value.details()
    # Reflection serves google/rpc/error_details.proto, so a client with no .proto files
    # (grpcurl -v, this one) decodes the ErrorInfo.
    details = client.error_details(syntax.value)["details"]
    info = next(d for d in details if d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
    assert info["reason"] == "NEO4J_CLIENT_ERROR" and info["domain"] == "graphrpc.dev/neo4j"
    assert info["metadata"]["neo4j_code"].startswith("Neo.ClientError.Statement."), info

    slow = "UNWIND range(1, 13000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c"
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as deadline:
        call_json(client, "Run", {"cypher": slow}, timeout=0.5)
    assert deadline.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 3


def _varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def test_a_100_000_deep_nested_parameter_is_refused_cleanly(channel):
    # Built by hand: no protobuf library would encode this without recursing 100 000 times.
    # Value.list (7) holds ListValue.values (1) holds a Value... Each level's header needs the
    # length of what it wraps, so lengths are computed from the inside out, then the headers
    # are joined from the outside in.
    headers, inner = [], 0
    for _ in range(100_000):
        list_len = 1 + len(_varint(inner)) + inner
        headers.append(_varint(7 << 3 | 2) + _varint(list_len) + _varint(1 << 3 | 2) + _varint(inner))
        inner = 1 + len(_varint(list_len)) + list_len
    value = b"".join(reversed(headers))
    assert len(value) == inner
    entry = _field(1, b"p") + _field(2, value)
    request = _field(1, b"RETURN $p") + _field(2, entry)
    run = channel.unary_unary("/graphrpc.v1.GraphQueryService/Run",
                              request_serializer=lambda b: b,
                              response_deserializer=lambda b: b)
    with pytest.raises(grpc.RpcError) as refused:
        run(request, timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "100 levels" in refused.value.details()
    # And the server is fine afterwards.
    assert call_json_channel(channel, {"cypher": "RETURN 1 AS one"})["rows"]


def call_json_channel(channel, body):
    return ReflectionClient(channel).call("graphrpc.v1.GraphQueryService/Run", body)


def test_health_is_serving(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    deadline = time.monotonic() + 10
    while True:
        status = stub.Check(health_pb2.HealthCheckRequest(service="graphrpc.v1.GraphQueryService"), timeout=5).status
        if status == health_pb2.HealthCheckResponse.SERVING or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status == health_pb2.HealthCheckResponse.SERVING
    overall = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status
    assert overall == health_pb2.HealthCheckResponse.SERVING


def test_the_grpcall_command_prints_a_failures_error_info(channel):
    # The command docs/contract.md shows, as a user runs it.
    script = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "local", "grpcall.py")
    done = subprocess.run(
        [sys.executable, script, channel._graphrpc_address,
         "graphrpc.v1.GraphQueryService/Run", '{"cypher": "RETURN 1 +"}'],
        capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode != 0
    assert "INVALID_ARGUMENT" in done.stderr, done.stderr
    assert "google.rpc.ErrorInfo" in done.stderr and "NEO4J_CLIENT_ERROR" in done.stderr, done.stderr
