"""The blocking client: one gRPC channel, shared by every call of the client and of its
sessions (client.session()). Safe to use from several threads."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import grpc

from graphrpc import _common as c
from graphrpc._common import DEFAULT, AccessMode, Params, RetryPolicy, Statement, Timeout, Tls
from graphrpc.errors import GraphRpcError, from_rpc_error
from graphrpc.results import Record, Result, Summary, records, summary
from graphrpc.v1 import catalog_pb2, query_pb2, query_pb2_grpc, transaction_pb2
from graphrpc.values import from_value

T = TypeVar("T")
_CLOSE = object()


class Client:
    """A connection to graphrpc.

    endpoint: "host:port" or "http://host:port" (plaintext), "https://host:port" (TLS);
    token: the bearer token; tls: True or a Tls (CAs, client key and certificate for mutual
    TLS); timeout: the default deadline of each call in seconds (None: none), which every
    method's timeout= overrides; database: the default database (empty: the server's);
    options: grpc channel options; interceptors: grpc client interceptors (tracing, say).
    The client also is a session: its calls chain bookmarks (client.bookmarks), so each
    sees the writes of the ones before; client.session() starts another chain on the same
    connection."""

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
            channel = grpc.secure_channel(target.address, target.tls.credentials(), target.options)
        else:
            channel = grpc.insecure_channel(target.address, target.options)
        self._channel = channel
        interceptors = list(interceptors)
        if interceptors:
            channel = grpc.intercept_channel(channel, *interceptors)
        self._owns_channel = True
        self._stub = query_pb2_grpc.GraphQueryServiceStub(channel)
        self._metadata = c.auth_metadata(token)
        self._timeout = timeout
        self._database = database
        self._bookmarks = c.Bookmarks(bookmarks)
        self._retry = retry or RetryPolicy()

    # --- lifecycle ---------------------------------------------------------------------

    def session(self, bookmarks: Iterable[str] = ()) -> Client:
        """Another bookmark chain on this client's connection (closing it closes nothing)."""
        other = object.__new__(Client)
        other.__dict__.update(self.__dict__)
        other._owns_channel = False
        other._bookmarks = c.Bookmarks(bookmarks)
        return other

    @property
    def bookmarks(self) -> list[str]:
        return self._bookmarks.get()

    def close(self) -> None:
        if self._owns_channel:
            self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _deadline(self, timeout: Timeout) -> float | None:
        return self._timeout if timeout is DEFAULT else timeout  # type: ignore[return-value]

    def _unary(self, method: Any, request: Any, timeout: Timeout) -> Any:
        try:
            return method(request, timeout=self._deadline(timeout), metadata=self._metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    # --- auto-commit statements --------------------------------------------------------

    def run(
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
        """Runs one statement in an auto-commit transaction and returns all its rows.
        Parameters come as a dict, as keywords, or both."""
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
        response: query_pb2.RunResponse = self._unary(self._stub.Run, request, timeout)
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
    ) -> RecordStream:
        """Runs one statement and streams its rows: iterate the returned RecordStream. Rows
        are fetched as fast as you read them; leaving the iteration early (close(), the end
        of a with block) cancels the query."""
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
        return RecordStream(call, self._bookmarks)

    def run_named(
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
        """Runs a named query of the server's catalog and returns all its rows."""
        request = c.named_request(
            name,
            params,
            kwparams,
            database=self._db(database),
            bookmarks=self.bookmarks,
            max_rows=max_rows,
            statement_timeout=statement_timeout,
        )
        response: catalog_pb2.RunNamedResponse = self._unary(self._stub.RunNamed, request, timeout)
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
    ) -> RecordStream:
        """Runs a named query and streams its rows, like stream()."""
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
        return RecordStream(call, self._bookmarks)

    def list_named_queries(self, *, timeout: Timeout = DEFAULT) -> list[catalog_pb2.NamedQuery]:
        response: catalog_pb2.ListNamedQueriesResponse = self._unary(
            self._stub.ListNamedQueries, catalog_pb2.ListNamedQueriesRequest(), timeout
        )
        return list(response.queries)

    def batch(
        self,
        statements: Iterable[Statement | tuple[str, Params | None] | str],
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        idempotent: bool = False,
    ) -> list[Result]:
        """Runs the statements in order in one transaction, all or none. A failure is a
        GraphRpcError whose statement_index names the failing statement (0-based)."""
        request = c.batch_request(
            statements,
            access=access_mode,
            database=self._db(database),
            bookmarks=self.bookmarks,
            idempotent=idempotent,
            statement_timeout=statement_timeout,
        )
        response: transaction_pb2.RunBatchResponse = self._unary(
            self._stub.RunBatch, request, timeout
        )
        self._bookmarks.update(response.bookmark)
        return [
            Result(r.keys, records(r.keys, r.rows), summary(r.summary)) for r in response.results
        ]

    # --- transactions ------------------------------------------------------------------

    def begin_transaction(
        self,
        *,
        access_mode: AccessMode = "write",
        database: str | None = None,
        timeout: Timeout = DEFAULT,
        statement_timeout: float | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Transaction:
        """Opens an explicit transaction. Use it in a with block: leaving the block without
        commit() rolls it back."""
        begin = c.begin_request(
            access_mode, self._db(database), self.bookmarks, metadata, statement_timeout
        )
        return Transaction(self, begin, self._deadline(timeout))

    def execute_write(
        self,
        work: Callable[[Transaction], T],
        *,
        timeout: Timeout = DEFAULT,
        metadata: Mapping[str, str] | None = None,
    ) -> T:
        """Runs work(tx) in a write transaction and commits it; when a transient failure
        (UNAVAILABLE, or a shed call with a retry pushback) ends the transaction, runs it
        again in a new one, with backoff, until it succeeds or the timeout is spent. work
        may thus run more than once: keep side effects other than tx out of it."""
        return self._execute("write", work, timeout, metadata)

    def execute_read(
        self,
        work: Callable[[Transaction], T],
        *,
        timeout: Timeout = DEFAULT,
        metadata: Mapping[str, str] | None = None,
    ) -> T:
        """execute_write, in a read transaction."""
        return self._execute("read", work, timeout, metadata)

    def _execute(
        self,
        mode: AccessMode,
        work: Callable[[Transaction], T],
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
                with self.begin_transaction(
                    access_mode=mode, timeout=remaining, metadata=metadata
                ) as tx:
                    result = work(tx)
                    if tx.open:
                        tx.commit()
                return result
            except GraphRpcError as error:
                if not error.retryable:
                    raise
                pause = self._retry.delay(attempt, error)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise c.deadline_error(budget or 0.0, attempt, error) from None
                time.sleep(pause)

    # --- helpers -----------------------------------------------------------------------

    def _db(self, database: str | None) -> str:
        return self._database if database is None else database

    def _result(self, keys: Any, rows: Any, s: Any) -> Result:
        done = summary(s)
        self._bookmarks.update(done.bookmark)
        return Result(keys, records(keys, rows), done)


class RecordStream(Iterator[Record]):
    """The rows of a streamed statement, read as you iterate. keys is known after the first
    message; summary after the last row. close() (or leaving a with block) before the end
    cancels the query on the server."""

    def __init__(self, call: Any, bookmarks: c.Bookmarks) -> None:
        self._call = call
        self._bookmarks = bookmarks
        self._keys: list[str] | None = None
        self._index: dict[str, int] = {}
        self._rows: Any = ()
        self._position = 0
        self._summary: Summary | None = None
        self._done = False

    def __iter__(self) -> RecordStream:
        return self

    def __next__(self) -> Record:
        while True:
            if self._position < len(self._rows):
                row = self._rows[self._position]
                self._position += 1
                assert self._keys is not None
                return Record(self._keys, [from_value(v) for v in row.values], self._index)
            if not self._read():
                raise StopIteration

    def _read(self) -> bool:
        """Reads the next message; False at the end of the stream."""
        if self._done:
            return False
        try:
            message: query_pb2.RunStreamResponse = next(self._call)
        except StopIteration:
            self._done = True
            return False
        except grpc.RpcError as error:
            self._done = True
            raise from_rpc_error(error) from None
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

    @property
    def keys(self) -> list[str]:
        while self._keys is None and self._read():
            pass
        return list(self._keys or [])

    @property
    def summary(self) -> Summary | None:
        """The summary, once every row was read (None before)."""
        return self._summary

    def consume(self) -> Summary:
        """Reads (and drops) the remaining rows; returns the summary."""
        for _ in self:
            pass
        if self._summary is None:
            raise GraphRpcError(grpc.StatusCode.INTERNAL, "the stream ended without a summary")
        return self._summary

    def close(self) -> None:
        self._rows = ()
        if not self._done:
            self._done = True
            self._call.cancel()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Transaction:
    """An explicit transaction: one Transaction stream. run() statements, then commit() or
    rollback(); leaving a with block while it is open rolls it back. A failed statement ends
    the transaction (the server has rolled it back)."""

    def __init__(
        self, client: Client, begin: transaction_pb2.TransactionRequest, timeout: float | None
    ):
        self._bookmarks = client._bookmarks
        self._requests: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._requests.put(begin)
        self._state = "opening"
        self._calls = client._stub.Transaction(
            iter(self._requests.get, _CLOSE), timeout=timeout, metadata=client._metadata
        )
        self._expect("begun")
        self._state = "open"

    @property
    def open(self) -> bool:
        return self._state == "open"

    def _next(self) -> transaction_pb2.TransactionResponse:
        try:
            message: transaction_pb2.TransactionResponse = next(self._calls)
            return message
        except StopIteration:
            self._end("failed")
            raise GraphRpcError(
                grpc.StatusCode.INTERNAL, "the transaction stream ended early"
            ) from None
        except grpc.RpcError as error:
            self._end("failed")
            raise from_rpc_error(error) from None

    def _expect(self, kind: str) -> transaction_pb2.TransactionResponse:
        message = self._next()
        if message.WhichOneof("message") != kind:
            self._end("failed")
            self._calls.cancel()
            raise GraphRpcError(
                grpc.StatusCode.INTERNAL,
                f"expected {kind} on the transaction stream, got {message.WhichOneof('message')}",
            )
        return message

    def _end(self, state: str) -> None:
        if self._state in ("opening", "open"):
            self._state = state
            # Ends the request iterator, so grpc's sending thread finishes.
            self._requests.put(_CLOSE)

    def _check_open(self) -> None:
        if self._state != "open":
            raise GraphRpcError(
                grpc.StatusCode.FAILED_PRECONDITION, f"the transaction is {self._state}"
            )

    def run(self, cypher: str, params: Params | None = None, **kwparams: Any) -> Result:
        """Runs a statement in the transaction and returns all its rows."""
        self._check_open()
        self._requests.put(c.statement_request(cypher, params, kwparams))
        keys = list(self._expect("header").header.keys)
        rows: list[Any] = []
        while True:
            message = self._next()
            kind = message.WhichOneof("message")
            if kind == "rows":
                rows.extend(message.rows.rows)
            elif kind == "summary":
                return Result(keys, records(keys, rows), summary(message.summary))
            else:
                self._end("failed")
                self._calls.cancel()
                raise GraphRpcError(grpc.StatusCode.INTERNAL, f"unexpected {kind} in a result")

    def commit(self) -> str:
        """Commits; returns the bookmark (empty when the server gives none)."""
        self._check_open()
        self._requests.put(transaction_pb2.TransactionRequest(commit=transaction_pb2.Commit()))
        bookmark = self._expect("committed").committed.bookmark
        self._end("committed")
        self._bookmarks.update(bookmark)
        return bookmark

    def rollback(self) -> None:
        self._check_open()
        self._requests.put(transaction_pb2.TransactionRequest(rollback=transaction_pb2.Rollback()))
        self._expect("rolled_back")
        self._end("rolled back")

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self._state == "open":
            if kind is None:
                self.rollback()
            else:
                # The work failed: end the stream; the server rolls back.
                self._end("rolled back")
                self._calls.cancel()

    def __del__(self) -> None:
        if getattr(self, "_state", None) in ("opening", "open"):
            self._requests.put(_CLOSE)
            self._calls.cancel()
