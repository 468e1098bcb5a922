"""What the sync and asyncio clients share: connection settings, request building, the
retry policy of managed transactions and the bookmark chain. No I/O here."""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import grpc
from google.protobuf import duration_pb2

from graphrpc.errors import GraphRpcError
from graphrpc.v1 import catalog_pb2, common_pb2, query_pb2, transaction_pb2
from graphrpc.values import to_params

AccessMode = Literal["read", "write"]
Params = Mapping[str, Any]
Metadata = Sequence[tuple[str, str]]

_ACCESS_MODES = {"read": common_pb2.ACCESS_MODE_READ, "write": common_pb2.ACCESS_MODE_WRITE}


# Unset means "the client's default"; None means "no deadline".
class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()
Timeout = float | None | _Default


def access_mode(mode: AccessMode) -> common_pb2.AccessMode:
    try:
        return _ACCESS_MODES[mode]
    except KeyError:
        raise ValueError(f"access_mode must be 'read' or 'write', not {mode!r}") from None


class Statement(NamedTuple):
    """One statement of a batch."""

    cypher: str
    params: Params | None = None


@dataclass(frozen=True)
class Tls:
    """TLS settings. root_certificates: PEM of the CAs to trust (None: the system's);
    private_key and certificate_chain: PEM of the client's key and certificate, for mutual
    TLS; server_name: the name to check the server's certificate against, when it is not
    the endpoint's host."""

    root_certificates: bytes | None = None
    private_key: bytes | None = None
    certificate_chain: bytes | None = None
    server_name: str | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            self.root_certificates, self.private_key, self.certificate_chain
        )


@dataclass(frozen=True)
class Target:
    address: str
    tls: Tls | None
    options: list[tuple[str, Any]]


def target(endpoint: str, tls: Tls | bool | None, options: Iterable[tuple[str, Any]]) -> Target:
    """The address and TLS of an endpoint: host:port (plaintext unless tls is given),
    http://host:port (plaintext) or https://host:port (TLS, system CAs unless tls says)."""
    address = endpoint
    use_tls: Tls | None = tls if isinstance(tls, Tls) else (Tls() if tls else None)
    if endpoint.startswith("https://"):
        address = endpoint[len("https://") :]
        use_tls = use_tls or Tls()
    elif endpoint.startswith("http://"):
        if use_tls is not None:
            raise ValueError(f"{endpoint} is plaintext (http://) but TLS settings were given")
        address = endpoint[len("http://") :]
    address = address.rstrip("/")
    if not address or "/" in address:
        raise ValueError(
            f"endpoint {endpoint!r} must be host:port, http://host:port or https://host:port"
        )
    opts = list(options)
    if use_tls is not None and use_tls.server_name:
        opts.append(("grpc.ssl_target_name_override", use_tls.server_name))
    return Target(address, use_tls, opts)


def auth_metadata(token: str | None) -> list[tuple[str, str]]:
    # Sent as plain call metadata so that it also works on plaintext channels, where grpc
    # refuses call credentials.
    return [("authorization", f"Bearer {token}")] if token else []


class Bookmarks:
    """The bookmark chain of one client session: each call passes the latest bookmark, so
    it sees the session's earlier writes even on another replica of a cluster."""

    def __init__(self, initial: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._bookmarks = [b for b in initial if b]

    def get(self) -> list[str]:
        with self._lock:
            return list(self._bookmarks)

    def update(self, bookmark: str) -> None:
        if bookmark:
            with self._lock:
                self._bookmarks = [bookmark]


def run_request(
    cypher: str,
    params: Params | None,
    kwparams: Params,
    *,
    access: AccessMode,
    database: str,
    bookmarks: list[str],
    idempotent: bool = False,
    max_rows: int = 0,
    statement_timeout: float | None = None,
) -> query_pb2.RunRequest:
    return query_pb2.RunRequest(
        cypher=cypher,
        params=to_params(merged(params, kwparams)),
        database=database,
        access_mode=access_mode(access),
        bookmarks=bookmarks,
        idempotent=idempotent,
        max_rows=max_rows,
        timeout=duration(statement_timeout),
    )


def run_stream_request(
    cypher: str,
    params: Params | None,
    kwparams: Params,
    *,
    access: AccessMode,
    database: str,
    bookmarks: list[str],
    idempotent: bool = False,
    batch_size: int = 0,
    statement_timeout: float | None = None,
) -> query_pb2.RunStreamRequest:
    return query_pb2.RunStreamRequest(
        cypher=cypher,
        params=to_params(merged(params, kwparams)),
        database=database,
        access_mode=access_mode(access),
        bookmarks=bookmarks,
        idempotent=idempotent,
        batch_size=batch_size,
        timeout=duration(statement_timeout),
    )


def named_request(
    name: str,
    params: Params | None,
    kwparams: Params,
    *,
    database: str,
    bookmarks: list[str],
    max_rows: int = 0,
    statement_timeout: float | None = None,
) -> catalog_pb2.RunNamedRequest:
    return catalog_pb2.RunNamedRequest(
        name=name,
        params=to_params(merged(params, kwparams)),
        database=database,
        bookmarks=bookmarks,
        max_rows=max_rows,
        timeout=duration(statement_timeout),
    )


def named_stream_request(
    name: str,
    params: Params | None,
    kwparams: Params,
    *,
    database: str,
    bookmarks: list[str],
    batch_size: int = 0,
    statement_timeout: float | None = None,
) -> catalog_pb2.RunNamedStreamRequest:
    return catalog_pb2.RunNamedStreamRequest(
        name=name,
        params=to_params(merged(params, kwparams)),
        database=database,
        bookmarks=bookmarks,
        batch_size=batch_size,
        timeout=duration(statement_timeout),
    )


def batch_request(
    statements: Iterable[Statement | tuple[str, Params | None] | str],
    *,
    access: AccessMode,
    database: str,
    bookmarks: list[str],
    idempotent: bool,
    statement_timeout: float | None = None,
) -> transaction_pb2.RunBatchRequest:
    out = []
    for i, item in enumerate(statements):
        cypher, params = (item, None) if isinstance(item, str) else (item[0], item[1])
        out.append(
            transaction_pb2.BatchStatement(
                cypher=cypher, params=to_params(params, f"statements[{i}].params")
            )
        )
    return transaction_pb2.RunBatchRequest(
        statements=out,
        database=database,
        access_mode=access_mode(access),
        bookmarks=bookmarks,
        idempotent=idempotent,
        timeout=duration(statement_timeout),
    )


def begin_request(
    access: AccessMode,
    database: str,
    bookmarks: list[str],
    metadata: Mapping[str, str] | None,
    statement_timeout: float | None = None,
) -> transaction_pb2.TransactionRequest:
    return transaction_pb2.TransactionRequest(
        begin=transaction_pb2.Begin(
            database=database,
            access_mode=access_mode(access),
            bookmarks=bookmarks,
            metadata=dict(metadata or {}),
            timeout=duration(statement_timeout),
        )
    )


def statement_request(
    cypher: str, params: Params | None, kwparams: Params
) -> transaction_pb2.TransactionRequest:
    return transaction_pb2.TransactionRequest(
        statement=transaction_pb2.TransactionStatement(
            cypher=cypher, params=to_params(merged(params, kwparams))
        )
    )


def duration(seconds: float | None) -> duration_pb2.Duration | None:
    """The request's own time limit (the server's statement timeout), unset for None."""
    if seconds is None:
        return None
    if seconds <= 0:
        raise ValueError(f"statement_timeout must be positive, not {seconds}")
    value = duration_pb2.Duration()
    value.FromTimedelta(datetime.timedelta(seconds=seconds))
    return value


def merged(params: Params | None, kwparams: Params) -> Params | None:
    if not kwparams:
        return params
    if not params:
        return kwparams
    both = set(params) & set(kwparams)
    if both:
        raise ValueError(f"parameter(s) {sorted(both)} given twice, in params and as keywords")
    return {**params, **kwparams}


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff of managed transactions: the first pause, doubling up to max_delay, with
    +-jitter; the whole of it bounded by the call's timeout. A server pushback
    (grpc-retry-pushback-ms) replaces the computed pause."""

    initial_delay: float = 0.1
    max_delay: float = 2.0
    multiplier: float = 2.0
    jitter: float = 0.2

    def delay(self, attempt: int, error: GraphRpcError) -> float:
        if error.retry_after is not None:
            return error.retry_after
        base = min(self.max_delay, self.initial_delay * self.multiplier ** (attempt - 1))
        return base * (1 + random.uniform(-self.jitter, self.jitter))


def deadline_error(timeout: float, attempts: int, last: GraphRpcError) -> GraphRpcError:
    err = GraphRpcError(
        last.code,
        f"{last.message} (gave up after {attempts} attempts: the next would end past the "
        f"{timeout:g} s timeout)",
        reason=last.reason,
        domain=last.domain,
        metadata=last.metadata,
        field_violations=last.field_violations,
        retry_after=last.retry_after,
        no_retry=last.no_retry,
    )
    return err
