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

class RunNamedRequest(_message.Message):
    __slots__ = ("name", "params", "json_params", "database", "timeout", "bookmarks", "max_rows")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _value_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_value_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    JSON_PARAMS_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    BOOKMARKS_FIELD_NUMBER: _ClassVar[int]
    MAX_ROWS_FIELD_NUMBER: _ClassVar[int]
    name: str
    params: _containers.MessageMap[str, _value_pb2.Value]
    json_params: _struct_pb2.Struct
    database: str
    timeout: _duration_pb2.Duration
    bookmarks: _containers.RepeatedScalarFieldContainer[str]
    max_rows: int
    def __init__(self, name: _Optional[str] = ..., params: _Optional[_Mapping[str, _value_pb2.Value]] = ..., json_params: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., database: _Optional[str] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., bookmarks: _Optional[_Iterable[str]] = ..., max_rows: _Optional[int] = ...) -> None: ...

class RunNamedResponse(_message.Message):
    __slots__ = ("keys", "rows", "summary")
    KEYS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedScalarFieldContainer[str]
    rows: _containers.RepeatedCompositeFieldContainer[_common_pb2.Row]
    summary: _common_pb2.Summary
    def __init__(self, keys: _Optional[_Iterable[str]] = ..., rows: _Optional[_Iterable[_Union[_common_pb2.Row, _Mapping]]] = ..., summary: _Optional[_Union[_common_pb2.Summary, _Mapping]] = ...) -> None: ...

class RunNamedStreamRequest(_message.Message):
    __slots__ = ("name", "params", "json_params", "database", "timeout", "bookmarks", "batch_size")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _value_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_value_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    JSON_PARAMS_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    BOOKMARKS_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    params: _containers.MessageMap[str, _value_pb2.Value]
    json_params: _struct_pb2.Struct
    database: str
    timeout: _duration_pb2.Duration
    bookmarks: _containers.RepeatedScalarFieldContainer[str]
    batch_size: int
    def __init__(self, name: _Optional[str] = ..., params: _Optional[_Mapping[str, _value_pb2.Value]] = ..., json_params: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., database: _Optional[str] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., bookmarks: _Optional[_Iterable[str]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class RunNamedStreamResponse(_message.Message):
    __slots__ = ("header", "rows", "summary")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.Header
    rows: _common_pb2.RowBatch
    summary: _common_pb2.Summary
    def __init__(self, header: _Optional[_Union[_common_pb2.Header, _Mapping]] = ..., rows: _Optional[_Union[_common_pb2.RowBatch, _Mapping]] = ..., summary: _Optional[_Union[_common_pb2.Summary, _Mapping]] = ...) -> None: ...

class ListNamedQueriesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNamedQueriesResponse(_message.Message):
    __slots__ = ("queries",)
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    queries: _containers.RepeatedCompositeFieldContainer[NamedQuery]
    def __init__(self, queries: _Optional[_Iterable[_Union[NamedQuery, _Mapping]]] = ...) -> None: ...

class NamedQuery(_message.Message):
    __slots__ = ("name", "description", "cypher", "mode", "idempotent", "parameters", "timeout", "max_rows")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CYPHER_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENT_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    MAX_ROWS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    cypher: str
    mode: _common_pb2.AccessMode
    idempotent: bool
    parameters: _containers.RepeatedCompositeFieldContainer[NamedQueryParameter]
    timeout: _duration_pb2.Duration
    max_rows: int
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., cypher: _Optional[str] = ..., mode: _Optional[_Union[_common_pb2.AccessMode, str]] = ..., idempotent: _Optional[bool] = ..., parameters: _Optional[_Iterable[_Union[NamedQueryParameter, _Mapping]]] = ..., timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_rows: _Optional[int] = ...) -> None: ...

class NamedQueryParameter(_message.Message):
    __slots__ = ("name", "type", "required", "default_value", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    required: bool
    default_value: _value_pb2.Value
    description: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., required: _Optional[bool] = ..., default_value: _Optional[_Union[_value_pb2.Value, _Mapping]] = ..., description: _Optional[str] = ...) -> None: ...
