"""Every shared conformance vector (clients/conformance), through this client's native
values and its normal calls, against the real server."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
from canonical import from_canonical, same, to_canonical

from graphrpc import Client, GraphRpcError, Statement

FOLDER = Path(
    os.environ.get("GRAPHRPC_TEST_CONFORMANCE")
    or Path(__file__).resolve().parents[2] / "conformance"
)
VALUES = json.loads((FOLDER / "values.json").read_text())
ERRORS = json.loads((FOLDER / "errors.json").read_text())


def test_the_vectors_are_the_format_this_suite_reads() -> None:
    assert VALUES["format"] == 1 and ERRORS["format"] == 1
    assert len(VALUES["vectors"]) >= 80 and len(ERRORS["vectors"]) >= 10


@pytest.mark.parametrize("vector", VALUES["vectors"], ids=lambda v: v["name"])
def test_value_vector(client: Client, vector: dict[str, Any]) -> None:
    params = {name: from_canonical(c) for name, c in vector["params"].items()}
    back = client.run(vector["cypher"], params).single()["v"]
    got = to_canonical(back)
    assert same(got, vector["expect"]), f"got {got}, expected {vector['expect']}"


def unique(text: str, label: str) -> str:
    return text.replace("{unique}", label)


def params_of(raw: dict[str, Any] | None) -> dict[str, Any]:
    return {name: from_canonical(c) for name, c in (raw or {}).items()}


@pytest.mark.parametrize("vector", ERRORS["vectors"], ids=lambda v: v["name"])
def test_error_vector(
    client: Client,
    endpoint: str,
    writer_token: str,
    reader_token: str,
    admin_token: str,
    vector: dict[str, Any],
) -> None:
    label = f"Conformance_{uuid.uuid4().hex[:12]}"
    tokens = {"writer": writer_token, "reader": reader_token}
    token = vector["token"]
    with Client(endpoint, admin_token, timeout=60) as admin:
        for statement in vector.get("setup", []):
            admin.run(unique(statement, label))
    request = vector["request"]
    deadline = vector["deadline_ms"] / 1000 if "deadline_ms" in vector else 30.0
    statement_timeout = request["timeout_ms"] / 1000 if "timeout_ms" in request else None
    with (
        Client(endpoint, tokens.get(token, token), timeout=deadline) as caller,
        pytest.raises(GraphRpcError) as caught,
    ):
        if vector["call"] == "run":
            caller.run(
                unique(request["cypher"], label),
                params_of(request.get("params")),
                max_rows=request.get("max_rows", 0),
                statement_timeout=statement_timeout,
            )
        elif vector["call"] == "run_named":
            caller.run_named(request["name"], params_of(request.get("params")))
        elif vector["call"] == "run_batch":
            caller.batch(
                [
                    Statement(unique(s["cypher"], label), params_of(s.get("params")))
                    for s in request["statements"]
                ]
            )
        else:
            pytest.fail(f"unknown call {vector['call']}")
    error, expect = caught.value, vector["expect"]
    assert error.code == getattr(grpc.StatusCode, expect["code"]), error
    if "reason" in expect:
        assert (error.reason or None) == expect["reason"], error
    if "domain" in expect:
        assert error.domain == expect["domain"], error
    for key, value in expect.get("metadata", {}).items():
        assert error.metadata.get(key) == value, (key, error.metadata)
    if "field" in expect:
        assert expect["field"] in [field for field, _ in error.field_violations], error
    if "after" in vector:
        after = client.run(unique(vector["after"]["cypher"], label)).single()["v"]
        assert same(to_canonical(after), vector["after"]["expect"])
