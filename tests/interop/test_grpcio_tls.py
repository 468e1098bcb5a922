"""graphrpc over TLS and mutual TLS as grpcio (C-core, with its own TLS stack, not rustls)
reaches it: the server verified against a test CA, a client certificate whose subject the
access file maps to a principal, and the refusals when trust or identity is missing.
"""

import datetime
import hashlib
import os
import sys
import tempfile

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "local"))
from grpcall import ReflectionClient  # noqa: E402
from conftest import graphrpc_channel  # noqa: E402

TOKEN = "interop-tls-token-3d9e"


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Ca:
    """A test CA that signs server and client certificates (ECDSA P-256)."""

    def __init__(self, name):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (self._builder(self.name, self.key.public_key())
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                                  False, False), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM)

    def _builder(self, subject, public_key):
        now = datetime.datetime.now(datetime.timezone.utc)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(self.name)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=1)))

    def issue(self, attributes, server):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = self._builder(x509.Name(attributes), key.public_key()).add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True)
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.PEM), pem(key)


@pytest.fixture(scope="module")
def tls():
    """A graphrpc with TLS, optional client certificates and an access file, and what a
    client needs to reach it."""
    server_ca, client_ca = Ca("interop server CA"), Ca("interop client CA")
    server_cert, server_key = server_ca.issue(
        [x509.NameAttribute(NameOID.COMMON_NAME, "graphrpc")], server=True)
    with tempfile.TemporaryDirectory() as folder:
        def write(name, data):
            path = os.path.join(folder, name)
            with open(path, "wb") as f:
                f.write(data)
            return path

        digest = hashlib.sha256(TOKEN.encode()).hexdigest()
        access = write("access.yaml", (
            f"tokens:\n  - principal: etl\n    sha256: {digest}\n    role: writer\n"
            f"    raw_cypher: true\n"
            f"certificates:\n  - subject: 'CN=analyst,O=Acme'\n    principal: analyst\n"
            f"    role: reader\n    raw_cypher: true\n").encode())
        flags = ["--tls-cert-file", write("server.pem", server_cert),
                 "--tls-key-file", write("server.key", server_key),
                 "--tls-client-ca-file", write("client-ca.pem", client_ca.pem),
                 "--tls-client-auth", "optional", "--access-file", access]
        credentials = grpc.ssl_channel_credentials(root_certificates=server_ca.pem)
        with graphrpc_channel(*flags, credentials=credentials) as channel:
            yield {"channel": channel, "address": channel._graphrpc_address,
                   "server_ca": server_ca, "client_ca": client_ca}


def secure(tls, root=None, identity=None):
    key, cert = (identity[1], identity[0]) if identity else (None, None)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=(root or tls["server_ca"]).pem, private_key=key, certificate_chain=cert)
    return grpc.secure_channel(tls["address"], credentials,
                               options=[("grpc.ssl_target_name_override", "localhost")])


def run(channel, cypher, metadata=None):
    return ReflectionClient(channel).call("graphrpc.v1.GraphQueryService/Run", {"cypher": cypher},
                                          timeout=10, metadata=metadata)


def test_a_token_over_tls(tls):
    answer = run(tls["channel"], "RETURN 1 AS one", [("authorization", f"Bearer {TOKEN}")])
    assert answer["rows"][0]["values"] == [{"integer": "1"}]


def test_a_client_certificate_is_the_principal(tls):
    analyst = tls["client_ca"].issue([x509.NameAttribute(NameOID.COMMON_NAME, "analyst"),
                                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme")],
                                     server=False)
    with secure(tls, identity=analyst) as channel:
        assert run(channel, "RETURN 1 AS one")["rows"][0]["values"] == [{"integer": "1"}]
        with pytest.raises(grpc.RpcError) as denied:
            run(channel, "CREATE (n:InteropTlsReader) RETURN 1 AS one")
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "analyst" in denied.value.details()


def test_no_credentials_and_an_untrusted_server_are_refused(tls):
    with pytest.raises(grpc.RpcError) as refused:
        run(tls["channel"], "RETURN 1 AS one")
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED

    with secure(tls, root=Ca("someone else")) as channel:
        with pytest.raises(grpc.RpcError) as untrusted:
            run(channel, "RETURN 1 AS one")
        assert untrusted.value.code() == grpc.StatusCode.UNAVAILABLE

    # A client certificate from a CA graphrpc does not trust ends the handshake.
    stranger = Ca("stranger CA").issue([x509.NameAttribute(NameOID.COMMON_NAME, "analyst")],
                                       server=False)
    with secure(tls, identity=stranger) as channel:
        with pytest.raises(grpc.RpcError) as rejected:
            run(channel, "RETURN 1 AS one")
        assert rejected.value.code() == grpc.StatusCode.UNAVAILABLE
