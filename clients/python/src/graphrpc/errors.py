"""graphrpc's failures as one exception type with the parts a program branches on: the gRPC
code, the ErrorInfo reason and metadata (decoded from grpc-status-details-bin), the Neo4j
status code, the failing statement's index, and the server's retry pushback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import google.rpc.error_details_pb2 as error_details_pb2
import google.rpc.status_pb2 as status_pb2
import grpc

_DETAILS_KEY = "grpc-status-details-bin"
_PUSHBACK_KEY = "grpc-retry-pushback-ms"

# Codes a managed transaction tries again, by the error contract of graphrpc.v1
# (proto/graphrpc/v1/errors.proto), like the Neo4j drivers' transient errors: UNAVAILABLE
# (a transient database error, a lost or refused database connection, a cluster member
# that stopped leading) and ABORTED (the database terminated the transaction, or graphrpc
# rolled it back for idling); RESOURCE_EXHAUSTED only when the server shed the call and said
# when to come back (grpc-retry-pushback-ms).
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED})


class GraphRpcError(Exception):
    """A failed graphrpc call.

    code: the grpc.StatusCode; message: the server's message (it says what to fix);
    reason / domain / metadata: the google.rpc.ErrorInfo detail, when the server sent one;
    neo4j_code: the database's status code (e.g. Neo.ClientError.Statement.SyntaxError);
    statement_index: the failing statement of a batch or transaction (0-based);
    field_violations: (field, description) pairs of a google.rpc.BadRequest detail;
    retry_after: the server's pushback in seconds, when it asked the caller to come back."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        reason: str = "",
        domain: str = "",
        metadata: dict[str, str] | None = None,
        field_violations: Sequence[tuple[str, str]] = (),
        retry_after: float | None = None,
        no_retry: bool = False,
    ) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata: dict[str, str] = dict(metadata or {})
        self.field_violations = list(field_violations)
        self.retry_after = retry_after
        # A pushback header that is negative or unreadable means: do not retry (gRPC A6).
        self.no_retry = no_retry

    @property
    def neo4j_code(self) -> str | None:
        return self.metadata.get("neo4j_code")

    @property
    def statement_index(self) -> int | None:
        raw = self.metadata.get("statement_index")
        return int(raw) if raw is not None and raw.lstrip("-").isdigit() else None

    @property
    def retryable(self) -> bool:
        """Whether trying the same work again later may succeed."""
        if self.no_retry:
            return False
        if self.code in RETRYABLE_CODES:
            return True
        return self.code == grpc.StatusCode.RESOURCE_EXHAUSTED and self.retry_after is not None


def _metadata_items(call: Any, getter: str) -> list[tuple[str, Any]]:
    method = getattr(call, getter, None)
    if method is None:
        return []
    try:
        items = method()
    except Exception:  # a call that never got metadata
        return []
    return list(items or ())


def from_rpc_error(error: grpc.RpcError | grpc.aio.AioRpcError) -> GraphRpcError:
    """The GraphRpcError for a failed call (sync grpc.Call or grpc.aio.AioRpcError)."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    metadata = _metadata_items(error, "trailing_metadata") + _metadata_items(
        error, "initial_metadata"
    )
    return from_status(code or grpc.StatusCode.UNKNOWN, message or "", metadata)


def from_status(
    code: grpc.StatusCode, message: str, metadata: Sequence[tuple[str, Any]]
) -> GraphRpcError:
    reason = domain = ""
    info: dict[str, str] = {}
    violations: list[tuple[str, str]] = []
    retry_after: float | None = None
    no_retry = False
    for key, raw in metadata:
        if key == _DETAILS_KEY and isinstance(raw, bytes):
            status = status_pb2.Status.FromString(raw)
            for detail in status.details:
                # Unpack is False when the detail is of another type.
                error_info = error_details_pb2.ErrorInfo()
                bad = error_details_pb2.BadRequest()
                if detail.Unpack(error_info):
                    reason, domain = error_info.reason, error_info.domain
                    info.update(error_info.metadata)
                elif detail.Unpack(bad):
                    violations += [(v.field, v.description) for v in bad.field_violations]
        elif key == _PUSHBACK_KEY:
            text = (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)).strip()
            if text.isascii() and text.isdigit():
                retry_after = int(text) / 1000
            else:
                no_retry = True
    return GraphRpcError(
        code,
        message,
        reason=reason,
        domain=domain,
        metadata=info,
        field_violations=violations,
        retry_after=retry_after,
        no_retry=no_retry,
    )
