"""grpcurl, the real one (fullstorydev/grpcurl 1.8.6, installed by deploy/local/grpcurl.sh),
against the graphrpc binary: what a developer without a client library types. Everything it
knows of the API comes from server reflection, including google.rpc.ErrorInfo, which it
must decode to print a failed call's reason and metadata.
"""

import hashlib
import json
import os
import subprocess
import tempfile

import pytest

from conftest import graphrpc_channel

PROJECT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WRITER = "grpcurl-writer-5e1f"
READER = "grpcurl-reader-a2b9"
SERVICE = "graphrpc.v1.GraphQueryService"


@pytest.fixture(scope="module")
def grpcurl():
    """The path of the pinned grpcurl binary (installed on first use)."""
    script = os.path.join(PROJECT, "deploy", "local", "grpcurl.sh")
    path = subprocess.run([script, "--install"], check=True, capture_output=True,
                          text=True, timeout=300).stdout.strip()
    version = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=10)
    assert "grpcurl v1.8.6" in version.stdout + version.stderr
    return path


@pytest.fixture(scope="module")
def address():
    with tempfile.TemporaryDirectory() as folder:
        access = os.path.join(folder, "access.yaml")
        with open(access, "w") as f:
            f.write("tokens:\n")
            for principal, token, role in [("ingest", WRITER, "writer"), ("analyst", READER, "reader")]:
                digest = hashlib.sha256(token.encode()).hexdigest()
                f.write(f"  - principal: {principal}\n    sha256: {digest}\n"
                        f"    role: {role}\n    raw_cypher: true\n")
        catalog = os.path.join(PROJECT, "deploy", "local", "catalog.yaml")
        with graphrpc_channel("--access-file", access, "--catalog-file", catalog) as channel:
            yield channel._graphrpc_address


def call(grpcurl, address, *args, token=None, body=None):
    command = [grpcurl, "-plaintext", "-format-error", "-max-time", "20"]
    if token:
        command += ["-H", f"authorization: Bearer {token}"]
    if body is not None:
        command += ["-d", json.dumps(body)]
    command += [address, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    print(f"$ grpcurl {' '.join(args)} -> exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done


def test_list_shows_the_public_services(grpcurl, address):
    done = call(grpcurl, address, "list")
    assert done.returncode == 0, done.stderr
    services = done.stdout.split()
    assert SERVICE in services
    assert "grpc.health.v1.Health" in services


def test_describe_shows_the_rpcs_and_the_error_types(grpcurl, address):
    done = call(grpcurl, address, "describe", SERVICE)
    assert done.returncode == 0, done.stderr
    for rpc in ["Run", "RunStream", "RunNamed", "RunBatch", "Transaction"]:
        assert f"rpc {rpc} (" in done.stdout, rpc
    # The error contract's types are reachable through reflection too.
    for message in ["google.rpc.ErrorInfo", "google.rpc.Status", "graphrpc.v1.ErrorReason"]:
        described = call(grpcurl, address, "describe", message)
        assert described.returncode == 0, described.stderr
        assert f"{message} is a" in described.stdout


def test_run_with_parameters(grpcurl, address):
    body = {"cypher": "MATCH (m:Movie) WHERE m.released > $year "
                      "RETURN m.title AS title, m.released AS year ORDER BY year, title LIMIT 3",
            "params": {"year": {"integer": "2015"}}}
    done = call(grpcurl, address, f"{SERVICE}/Run", token=WRITER, body=body)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["keys"] == ["title", "year"]
    assert len(answer["rows"]) == 3
    years = [int(row["values"][1]["integer"]) for row in answer["rows"]]
    assert all(year > 2015 for year in years) and years == sorted(years)


def failed(done):
    """The status grpcurl printed for a failed call (-format-error: JSON on stderr)."""
    assert done.returncode != 0, done.stdout
    status = json.loads(done.stderr)
    infos = [d for d in status.get("details", [])
             if d.get("@type") == "type.googleapis.com/google.rpc.ErrorInfo"]
    assert len(infos) == 1, f"grpcurl shows no decoded ErrorInfo: {done.stderr}"
    return status, infos[0]


@pytest.mark.parametrize("rpc, token, body, code, reason, domain, metadata", [
    ("RunNamed", WRITER, {"name": "no.such.query"},
     5, "NAMED_QUERY_NOT_FOUND", "graphrpc.dev", {"name": "no.such.query"}),
    ("Run", READER, {"cypher": "CREATE (n:GrpcurlReaderWrite) RETURN 1 AS created"},
     7, "READER_WRITE", "graphrpc.dev", {"principal": "analyst", "role": "reader"}),
    ("Run", READER, {"cypher": "CREATE INDEX grpcurl_idx FOR (n:GrpcurlIndexed) ON (n.id)"},
     7, "STATEMENT_FORBIDDEN", "graphrpc.dev", {"principal": "analyst", "role": "reader"}),
    ("Run", WRITER, {"cypher": "RETURN 1 +"},
     3, "NEO4J_CLIENT_ERROR", "graphrpc.dev/neo4j",
     {"neo4j_code": "Neo.ClientError.Statement.SyntaxError"}),
    ("Run", None, {"cypher": "RETURN 1 AS one"},
     16, "CREDENTIALS_MISSING", "graphrpc.dev", {}),
])
def test_a_failed_call_shows_its_error_info(grpcurl, address, rpc, token, body, code, reason,
                                            domain, metadata):
    done = call(grpcurl, address, f"{SERVICE}/{rpc}", token=token, body=body)
    status, info = failed(done)
    assert status["code"] == code
    # grpcurl's exit code is 64 plus the gRPC code: scripts can branch on it.
    assert done.returncode == 64 + code
    assert info["reason"] == reason
    assert info["domain"] == domain
    assert info.get("metadata", {}) == metadata


def test_the_default_error_format_prints_the_details(grpcurl, address):
    command = [grpcurl, "-plaintext", "-H", f"authorization: Bearer {WRITER}",
               "-d", json.dumps({"name": "no.such.query"}), address, f"{SERVICE}/RunNamed"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    print(done.stderr)
    assert "Code: NotFound" in done.stderr
    assert "Details:" in done.stderr
    assert '"reason":"NAMED_QUERY_NOT_FOUND"' in done.stderr
