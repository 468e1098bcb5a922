"""A graphrpc of the suite's own (GRAPHRPC_BIN, the test database), for settings the shared
server does not have: a rate limit, TLS. Started and stopped by the tests that need it."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def own_server(settings: Mapping[str, str], *, ready: bool = True) -> Iterator[str]:
    """Runs graphrpc with the given settings; yields its address host:port once it is ready
    (ready=False: once it listens, for a server whose database is not there)."""
    binary = os.environ.get("GRAPHRPC_BIN")
    if not binary:
        pytest.fail("GRAPHRPC_BIN is not set: run this suite through tests/clients.sh python")
    port, admin = free_port(), free_port()
    env = {
        **os.environ,
        "NEO4J_URI": os.environ["GRAPHRPC_TEST_NEO4J_URI"],
        "NEO4J_USERNAME": os.environ["GRAPHRPC_TEST_NEO4J_USERNAME"],
        "NEO4J_PASSWORD": os.environ["GRAPHRPC_TEST_NEO4J_PASSWORD"],
        "NEO4J_DATABASE": os.environ["GRAPHRPC_TEST_NEO4J_DATABASE"],
        "GRAPHRPC_LOG": "warn",
        **settings,
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--listen",
                f"127.0.0.1:{port}",
                "--admin-listen",
                f"127.0.0.1:{admin}",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if not ready:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    with urllib.request.urlopen(f"http://127.0.0.1:{admin}/readyz", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"graphrpc did not start: {log.read().decode(errors='replace')}")
                time.sleep(0.1)
            yield f"127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(10)


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> None:
    """A CA, a server certificate for localhost and a client certificate (ECDSA P-256)."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"]
    openssl("req", "-x509", *key, "-days", "2", "-subj", "/CN=graphrpc test CA",
            "-keyout", "ca.key", "-out", "ca.pem",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)  # fmt: skip
    for name, ext in [
        ("server", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ]:
        (folder / f"{name}.ext").write_text(ext + "basicConstraints=CA:FALSE\n")
        openssl("req", *key, "-subj", f"/CN={name}", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", cwd=folder)  # fmt: skip
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext",
                "-out", f"{name}.pem", cwd=folder)  # fmt: skip
