import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from graphrpc.v1 import common_pb2 as _common_pb2
from graphrpc.v1 import value_pb2 as _value_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TransactionRequest(_message.Message):
    __slots__ = ("begin", "statement", "commit", "rollback")
    BEGIN_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    ROLLBACK_FIELD_NUMBER: _ClassVar[int]
    begin: Begin
    statement: TransactionStatement
    commit: Commit
    rollback: Rollback
    def __init__(self, begin: _Optional[_Union[Begin, _Mapping]] = ..., statement: _Optional[_Union[TransactionStatement, _Mapping]] = ..., commit: _Optional[_Union[Commit, _Mapping]] = ..., rollback: _Optional[_Union[Rollback, _Mapping]] = ...) -> None: ...

class Begin(_message.Message):
    __slots__ = ("database", "access_mode", "timeout", "bookmarks", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_MODE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    BOOKMARKS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    database: str
    access_mode: _common_pb2.AccessMode
    timeout: _duration_pb2.Duration
    bookmarks: _containers.RepeatedScalarFieldContainer[str]
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, database: _Optional[str] = ..., access_mode: _Optional[_Union[_common_pb2.AccessMode, str]] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., bookmarks: _Optional[_Iterable[str]] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TransactionStatement(_message.Message):
    __slots__ = ("cypher", "params", "json_params", "batch_size")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _value_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_value_pb2.Value, _Mapping]] = ...) -> None: ...
    CYPHER_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    JSON_PARAMS_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    cypher: str
    params: _containers.MessageMap[str, _value_pb2.Value]
    json_params: _struct_pb2.Struct
    batch_size: int
    def __init__(self, cypher: _Optional[str] = ..., params: _Optional[_Mapping[str, _value_pb2.Value]] = ..., json_params: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class Commit(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Rollback(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TransactionResponse(_message.Message):
    __slots__ = ("begun", "header", "rows", "summary", "committed", "rolled_back")
    BEGUN_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    ROLLED_BACK_FIELD_NUMBER: _ClassVar[int]
    begun: Begun
    header: _common_pb2.Header
    rows: _common_pb2.RowBatch
    summary: _common_pb2.Summary
    committed: Committed
    rolled_back: RolledBack
    def __init__(self, begun: _Optional[_Union[Begun, _Mapping]] = ..., header: _Optional[_Union[_common_pb2.Header, _Mapping]] = ..., rows: _Optional[_Union[_common_pb2.RowBatch, _Mapping]] = ..., summary: _Optional[_Union[_common_pb2.Summary, _Mapping]] = ..., committed: _Optional[_Union[Committed, _Mapping]] = ..., rolled_back: _Optional[_Union[RolledBack, _Mapping]] = ...) -> None: ...

class Begun(_message.Message):
    __slots__ = ("database",)
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    database: str
    def __init__(self, database: _Optional[str] = ...) -> None: ...

class Committed(_message.Message):
    __slots__ = ("bookmark",)
    BOOKMARK_FIELD_NUMBER: _ClassVar[int]
    bookmark: str
    def __init__(self, bookmark: _Optional[str] = ...) -> None: ...

class RolledBack(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunBatchRequest(_message.Message):
    __slots__ = ("statements", "database", "access_mode", "timeout", "bookmarks", "max_rows", "idempotent", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_MODE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    BOOKMARKS_FIELD_NUMBER: _ClassVar[int]
    MAX_ROWS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    statements: _containers.RepeatedCompositeFieldContainer[BatchStatement]
    database: str
    access_mode: _common_pb2.AccessMode
    timeout: _duration_pb2.Duration
    bookmarks: _containers.RepeatedScalarFieldContainer[str]
    max_rows: int
    idempotent: bool
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, statements: _Optional[_Iterable[_Union[BatchStatement, _Mapping]]] = ..., database: _Optional[str] = ..., access_mode: _Optional[_Union[_common_pb2.AccessMode, str]] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., bookmarks: _Optional[_Iterable[str]] = ..., max_rows: _Optional[int] = ..., idempotent: _Optional[bool] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class BatchStatement(_message.Message):
    __slots__ = ("cypher", "params", "json_params")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _value_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_value_pb2.Value, _Mapping]] = ...) -> None: ...
    CYPHER_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    JSON_PARAMS_FIELD_NUMBER: _ClassVar[int]
    cypher: str
    params: _containers.MessageMap[str, _value_pb2.Value]
    json_params: _struct_pb2.Struct
    def __init__(self, cypher: _Optional[str] = ..., params: _Optional[_Mapping[str, _value_pb2.Value]] = ..., json_params: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class RunBatchResponse(_message.Message):
    __slots__ = ("results", "bookmark", "attempts")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    BOOKMARK_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[StatementResult]
    bookmark: str
    attempts: int
    def __init__(self, results: _Optional[_Iterable[_Union[StatementResult, _Mapping]]] = ..., bookmark: _Optional[str] = ..., attempts: _Optional[int] = ...) -> None: ...

class StatementResult(_message.Message):
    __slots__ = ("keys", "rows", "summary")
    KEYS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedScalarFieldContainer[str]
    rows: _containers.RepeatedCompositeFieldContainer[_common_pb2.Row]
    summary: _common_pb2.Summary
    def __init__(self, keys: _Optional[_Iterable[str]] = ..., rows: _Optional[_Iterable[_Union[_common_pb2.Row, _Mapping]]] = ..., summary: _Optional[_Union[_common_pb2.Summary, _Mapping]] = ...) -> None: ...
