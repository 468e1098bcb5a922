"""The example program and the code of docs/clients/python.md run against the server, and
print what they should."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DOC = HERE.parent.parent / "docs" / "clients" / "python.md"


def run_python(code: str, endpoint: str, token: str) -> str:
    env = {**os.environ, "GRAPHRPC_ENDPOINT": endpoint, "GRAPHRPC_TOKEN": token}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_scenario_example(endpoint: str, writer_token: str) -> None:
    out = run_python((HERE / "examples" / "scenario.py").read_text(), endpoint, writer_token)
    expected = [
        r"^movies: \['.+', '.+', '.+'\]$",
        r"^streamed: 100000 rows$",
        r"^kept: \['commit'\]$",
        r"^batch failed at statements\[2\]: Neo\.ClientError\.Statement\.\w+$",
        r"^named: \{'title': 'The Crimson Mountain', .*\}$",
        r"^deadline: DEADLINE_EXCEEDED$",
        r"^no token: UNAUTHENTICATED$",
    ]
    lines = out.splitlines()
    assert len(lines) == len(expected), out
    for line, pattern in zip(lines, expected, strict=True):
        assert re.match(pattern, line), f"{line!r} does not match {pattern!r}"


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_doc_has_examples() -> None:
    assert len(doc_blocks()) >= 5


def test_the_doc_examples_run_in_order(endpoint: str, writer_token: str) -> None:
    blocks = doc_blocks()
    program = "\n".join(f"print('--- example {i}')\n{b}" for i, b in enumerate(blocks))
    out = run_python(program, endpoint, writer_token)
    assert f"--- example {len(blocks) - 1}" in out
    assert "\n85\n" in out  # the balance after the transaction (-10) and the withdrawal (-5)
