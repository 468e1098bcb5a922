"""The asyncio client: graphrpc.Client's surface, with coroutines (grpcio's aio)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import grpc
import grpc.aio

from graphrpc import _common as c
from graphrpc._common import DEFAULT, AccessMode, Params, RetryPolicy, Statement, Timeout, Tls
from graphrpc.errors import GraphRpcError, from_rpc_error, from_status
from graphrpc.results import Record, Result, Summary, records, summary
from graphrpc.v1 import catalog_pb2, query_pb2, query_pb2_grpc, transaction_pb2
from graphrpc.values import from_value

T = TypeVar("T")

__all__ = ["AsyncClient", "AsyncRecordStream", "AsyncTransaction"]


class AsyncClient:
    """graphrpc.Client for asyncio: the same arguments and methods, as coroutines. stream()
    returns an async iterator; begin_transaction() is awaited:
    `async with await client.begin_transaction() as tx: ...`."""

    def __init__(
        self,
        endpoint: str,
        token: str | None = None,
        *,
        tls: Tls | bool | None = None,
        timeout: float | None = 60.0,
        database: str = "",
        bookmarks: Iterable[str] = (),
        retry: RetryPolicy | None = None,
        options: Iterable[tuple[str, Any]] = (),
        interceptors: Iterable[Any] = (),
    ) -> None:
        target = c.target(endpoint, tls, options)
        if target.tls is not None:
            channel = grpc.aio.secure_channel(
                target.address,
                target.tls.credentials(),
                target.options,
                interceptors=list(interceptors) or None,
            )
        else:
            channel = grpc.aio.insecure_channel(
                target.address, target.options, interceptors=list(interceptors) or None
            )
        self._channel = channel
        self._owns_channel = True
        self._stub = query_pb2_grpc.GraphQueryServiceStub(channel)
        self._metadata = c.auth_metadata(token)
        self._timeout = timeout
        self._database = database
        self._bookmarks = c.Bookmarks(bookmarks)
        self._retry = retry or RetryPolicy()

    def session(self, bookmarks: Iterable[str] = ()) -> AsyncClient:
        """Another bookmark chain on this client's connection (closing it closes nothing)."""
        other = object.__new__(AsyncClient)
        other.__dict__.update(self.__dict__)
        other._owns_channel = False
        other._bookmarks = c.Bookmarks(bookmarks)
        return other

    @property
    def bookmarks(self) -> list[str]:
        return self._bookmarks.get()

    async def close(self) -> None:
        if self._owns_channel:
            await self._channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _deadline(self, timeout: Timeout) -> float | None:
        return self._timeout if timeout is DEFAULT else timeout  # type: ignore[return-value]

    def _db(self, database: str | None) -> str:
        return self._database if database is None else database

    async def _unary(self, method: Any, request: Any, timeout: Timeout) -> Any:
        try:
            return await method(request, timeout=self._deadline(timeout), metadata=self._metadata)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None

    def _result(self, keys: Any, rows: Any, s: Any) -> Result:
        done = summary(s)
        self._bookmarks.update(done.bookmark)
        return Result(keys, records(keys, rows), done)

    async def run(
        self,
        cypher: str,
        params: Params | None = None,
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        idempotent: bool = False,
        max_rows: int = 0,
        **kwparams: Any,
    ) -> Result:
        request = c.run_request(
            cypher,
            params,
            kwparams,
            access=access_mode,
            database=self._db(database),
            bookmarks=self.bookmarks,
            idempotent=idempotent,
            max_rows=max_rows,
            statement_timeout=statement_timeout,
        )
        response: query_pb2.RunResponse = await self._unary(self._stub.Run, request, timeout)
        return self._result(response.keys, response.rows, response.summary)

    def stream(
        self,
        cypher: str,
        params: Params | None = None,
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        idempotent: bool = False,
        batch_size: int = 0,
        **kwparams: Any,
    ) -> AsyncRecordStream:
        request = c.run_stream_request(
            cypher,
            params,
            kwparams,
            access=access_mode,
            database=self._db(database),
            bookmarks=self.bookmarks,
            idempotent=idempotent,
            batch_size=batch_size,
            statement_timeout=statement_timeout,
        )
        call = self._stub.RunStream(
            request, timeout=self._deadline(timeout), metadata=self._metadata
        )
        return AsyncRecordStream(call, self._bookmarks)

    async def run_named(
        self,
        name: str,
        params: Params | None = None,
        *,
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        max_rows: int = 0,
        **kwparams: Any,
    ) -> Result:
        request = c.named_request(
            name,
            params,
            kwparams,
            database=self._db(database),
            bookmarks=self.bookmarks,
            max_rows=max_rows,
            statement_timeout=statement_timeout,
        )
        response: catalog_pb2.RunNamedResponse = await self._unary(
            self._stub.RunNamed, request, timeout
        )
        return self._result(response.keys, response.rows, response.summary)

    def stream_named(
        self,
        name: str,
        params: Params | None = None,
        *,
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        batch_size: int = 0,
        **kwparams: Any,
    ) -> AsyncRecordStream:
        request = c.named_stream_request(
            name,
            params,
            kwparams,
            database=self._db(database),
            bookmarks=self.bookmarks,
            batch_size=batch_size,
            statement_timeout=statement_timeout,
        )
        call = self._stub.RunNamedStream(
            request, timeout=self._deadline(timeout), metadata=self._metadata
        )
        return AsyncRecordStream(call, self._bookmarks)

    async def list_named_queries(
        self, *, timeout: Timeout = DEFAULT
    ) -> list[catalog_pb2.NamedQuery]:
        response: catalog_pb2.ListNamedQueriesResponse = await self._unary(
            self._stub.ListNamedQueries, catalog_pb2.ListNamedQueriesRequest(), timeout
        )
        return list(response.queries)

    async def batch(
        self,
        statements: Iterable[Statement | tuple[str, Params | None] | str],
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        idempotent: bool = False,
    ) -> list[Result]:
        request = c.batch_request(
            statements,
            access=access_mode,
            database=self._db(database),
            bookmarks=self.bookmarks,
            idempotent=idempotent,
            statement_timeout=statement_timeout,
        )
        response: transaction_pb2.RunBatchResponse = await self._unary(
            self._stub.RunBatch, request, timeout
        )
        self._bookmarks.update(response.bookmark)
        return [
            Result(r.keys, records(r.keys, r.rows), summary(r.summary)) for r in response.results
        ]

    async def begin_transaction(
        self,
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> AsyncTransaction:
        begin = c.begin_request(
            access_mode, self._db(database), self.bookmarks, metadata, statement_timeout
        )
        call = self._stub.Transaction(timeout=self._deadline(timeout), metadata=self._metadata)
        tx = AsyncTransaction(call, self._bookmarks)
        await tx._begin(begin)
        return tx

    async def execute_write(
        self,
        work: Callable[[AsyncTransaction], Awaitable[T]],
        *,
        timeout: Timeout = DEFAULT,
        metadata: Mapping[str, str] | None = None,
    ) -> T:
        """See Client.execute_write."""
        return await self._execute("write", work, timeout, metadata)

    async def execute_read(
        self,
        work: Callable[[AsyncTransaction], Awaitable[T]],
        *,
        timeout: Timeout = DEFAULT,
        metadata: Mapping[str, str] | None = None,
    ) -> T:
        return await self._execute("read", work, timeout, metadata)

    async def _execute(
        self,
        mode: AccessMode,
        work: Callable[[AsyncTransaction], Awaitable[T]],
        timeout: Timeout,
        metadata: Mapping[str, str] | None,
    ) -> T:
        budget = self._deadline(timeout)
        deadline = None if budget is None else time.monotonic() + budget
        attempt = 0
        while True:
            attempt += 1
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                tx = await self.begin_transaction(
                    access_mode=mode, timeout=remaining, metadata=metadata
                )
                async with tx:
                    result = await work(tx)
                    if tx.open:
                        await tx.commit()
                return result
            except GraphRpcError as error:
                if not error.retryable:
                    raise
                pause = self._retry.delay(attempt, error)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise c.deadline_error(budget or 0.0, attempt, error) from None
                await asyncio.sleep(pause)


# What grpc's asyncio client makes the status of a call whose write failed, until the
# server's own status arrives and replaces it.
_CORE_WRITE_FAILURE = (grpc.StatusCode.INTERNAL, "Internal error from Core")
_SERVER_STATUS_WAIT = 1.0


async def _status_after_failed_write(call: Any) -> GraphRpcError:
    """The GraphRpcError of a call whose write failed because the server had ended it.

    When the server ends a call before reading it (a pushback at the call's start), a write
    can fail before its status is in; grpc then sets a stand-in INTERNAL status, which the
    server's own (RESOURCE_EXHAUSTED with the pushback, say) overwrites once it arrives. Wait
    for that a moment, so that the caller, and a managed transaction's retry, see the
    server's answer."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + _SERVER_STATUS_WAIT
    while (await call.code(), await call.details()) == _CORE_WRITE_FAILURE:
        if loop.time() >= give_up:
            break
        await asyncio.sleep(0.005)
    return await call_error(call)


async def call_error(call: Any) -> GraphRpcError:
    """The GraphRpcError of an ended aio call, from its status and metadata."""
    code = await call.code()
    details = await call.details()
    metadata = list(await call.trailing_metadata() or ()) + list(
        await call.initial_metadata() or ()
    )
    return from_status(code, details or "", metadata)


class AsyncRecordStream(AsyncIterator[Record]):
    """RecordStream for asyncio: `async for record in stream`; aclose() cancels."""

    def __init__(self, call: Any, bookmarks: c.Bookmarks) -> None:
        self._call = call
        self._bookmarks = bookmarks
        self._keys: list[str] | None = None
        self._index: dict[str, int] = {}
        self._rows: Any = ()
        self._position = 0
        self._summary: Summary | None = None
        self._done = False

    def __aiter__(self) -> AsyncRecordStream:
        return self

    async def __anext__(self) -> Record:
        while True:
            if self._position < len(self._rows):
                row = self._rows[self._position]
                self._position += 1
                assert self._keys is not None
                return Record(self._keys, [from_value(v) for v in row.values], self._index)
            if not await self._read():
                raise StopAsyncIteration

    async def _read(self) -> bool:
        if self._done:
            return False
        try:
            message = await self._call.read()
        except grpc.aio.AioRpcError as error:
            self._done = True
            raise from_rpc_error(error) from None
        if message is grpc.aio.EOF:
            self._done = True
            return False
        kind = message.WhichOneof("message")
        if kind == "header":
            self._keys = list(message.header.keys)
            self._index = {k: i for i, k in enumerate(self._keys)}
        elif kind == "rows":
            self._rows = message.rows.rows
            self._position = 0
        elif kind == "summary":
            self._summary = summary(message.summary)
            self._bookmarks.update(self._summary.bookmark)
        return True

    async def keys(self) -> list[str]:
        while self._keys is None and await self._read():
            pass
        return list(self._keys or [])

    @property
    def summary(self) -> Summary | None:
        return self._summary

    async def consume(self) -> Summary:
        async for _ in self:
            pass
        if self._summary is None:
            raise GraphRpcError(grpc.StatusCode.INTERNAL, "the stream ended without a summary")
        return self._summary

    async def aclose(self) -> None:
        self._rows = ()
        if not self._done:
            self._done = True
            self._call.cancel()

    async def __aenter__(self) -> AsyncRecordStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncTransaction:
    """Transaction for asyncio (see graphrpc.Transaction)."""

    def __init__(self, call: Any, bookmarks: c.Bookmarks) -> None:
        self._call = call
        self._bookmarks = bookmarks
        self._state = "opening"

    @property
    def open(self) -> bool:
        return self._state == "open"

    async def _begin(self, begin: transaction_pb2.TransactionRequest) -> None:
        await self._send(begin)
        await self._expect("begun")
        self._state = "open"

    async def _send(self, request: transaction_pb2.TransactionRequest) -> None:
        try:
            await self._call.write(request)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            # A write fails when the server has ended the call (with a pushback, say): the
            # call's own status says why, not the failed write's.
            self._end("failed")
            raise await _status_after_failed_write(self._call) from None

    async def _next(self) -> transaction_pb2.TransactionResponse:
        try:
            message = await self._call.read()
        except grpc.aio.AioRpcError as error:
            self._end("failed")
            raise from_rpc_error(error) from None
        if message is grpc.aio.EOF:
            self._end("failed")
            raise GraphRpcError(grpc.StatusCode.INTERNAL, "the transaction stream ended early")
        response: transaction_pb2.TransactionResponse = message
        return response

    async def _expect(self, kind: str) -> transaction_pb2.TransactionResponse:
        message = await self._next()
        if message.WhichOneof("message") != kind:
            self._end("failed")
            self._call.cancel()
            raise GraphRpcError(
                grpc.StatusCode.INTERNAL,
                f"expected {kind} on the transaction stream, got {message.WhichOneof('message')}",
            )
        return message

    def _end(self, state: str) -> None:
        if self._state in ("opening", "open"):
            self._state = state

    def _check_open(self) -> None:
        if self._state != "open":
            raise GraphRpcError(
                grpc.StatusCode.FAILED_PRECONDITION, f"the transaction is {self._state}"
            )

    async def run(self, cypher: str, params: Params | None = None, **kwparams: Any) -> Result:
        self._check_open()
        await self._send(c.statement_request(cypher, params, kwparams))
        keys = list((await self._expect("header")).header.keys)
        rows: list[Any] = []
        while True:
            message = await self._next()
            kind = message.WhichOneof("message")
            if kind == "rows":
                rows.extend(message.rows.rows)
            elif kind == "summary":
                return Result(keys, records(keys, rows), summary(message.summary))
            else:
                self._end("failed")
                self._call.cancel()
                raise GraphRpcError(grpc.StatusCode.INTERNAL, f"unexpected {kind} in a result")

    async def commit(self) -> str:
        self._check_open()
        await self._send(transaction_pb2.TransactionRequest(commit=transaction_pb2.Commit()))
        bookmark = (await self._expect("committed")).committed.bookmark
        self._end("committed")
        await self._call.done_writing()
        self._bookmarks.update(bookmark)
        return bookmark

    async def rollback(self) -> None:
        self._check_open()
        await self._send(transaction_pb2.TransactionRequest(rollback=transaction_pb2.Rollback()))
        await self._expect("rolled_back")
        self._end("rolled back")
        await self._call.done_writing()

    async def __aenter__(self) -> AsyncTransaction:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self._state == "open":
            if kind is None:
                await self.rollback()
            else:
                self._end("rolled back")
                self._call.cancel()
