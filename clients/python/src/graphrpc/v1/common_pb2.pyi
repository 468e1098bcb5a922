import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from graphrpc.v1 import value_pb2 as _value_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AccessMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCESS_MODE_UNSPECIFIED: _ClassVar[AccessMode]
    ACCESS_MODE_READ: _ClassVar[AccessMode]
    ACCESS_MODE_WRITE: _ClassVar[AccessMode]

class QueryType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUERY_TYPE_UNSPECIFIED: _ClassVar[QueryType]
    QUERY_TYPE_READ_ONLY: _ClassVar[QueryType]
    QUERY_TYPE_WRITE_ONLY: _ClassVar[QueryType]
    QUERY_TYPE_READ_WRITE: _ClassVar[QueryType]
    QUERY_TYPE_SCHEMA_WRITE: _ClassVar[QueryType]
ACCESS_MODE_UNSPECIFIED: AccessMode
ACCESS_MODE_READ: AccessMode
ACCESS_MODE_WRITE: AccessMode
QUERY_TYPE_UNSPECIFIED: QueryType
QUERY_TYPE_READ_ONLY: QueryType
QUERY_TYPE_WRITE_ONLY: QueryType
QUERY_TYPE_READ_WRITE: QueryType
QUERY_TYPE_SCHEMA_WRITE: QueryType

class Row(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[_value_pb2.Value]
    def __init__(self, values: _Optional[_Iterable[_Union[_value_pb2.Value, _Mapping]]] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, keys: _Optional[_Iterable[str]] = ...) -> None: ...

class RowBatch(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[Row]
    def __init__(self, rows: _Optional[_Iterable[_Union[Row, _Mapping]]] = ...) -> None: ...

class Summary(_message.Message):
    __slots__ = ("bookmark", "database", "query_type", "counters", "result_available_after", "result_consumed_after", "row_count", "notifications", "attempts")
    BOOKMARK_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    QUERY_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNTERS_FIELD_NUMBER: _ClassVar[int]
    RESULT_AVAILABLE_AFTER_FIELD_NUMBER: _ClassVar[int]
    RESULT_CONSUMED_AFTER_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    bookmark: str
    database: str
    query_type: QueryType
    counters: Counters
    result_available_after: _duration_pb2.Duration
    result_consumed_after: _duration_pb2.Duration
    row_count: int
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    attempts: int
    def __init__(self, bookmark: _Optional[str] = ..., database: _Optional[str] = ..., query_type: _Optional[_Union[QueryType, str]] = ..., counters: _Optional[_Union[Counters, _Mapping]] = ..., result_available_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., result_consumed_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., row_count: _Optional[int] = ..., notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., attempts: _Optional[int] = ...) -> None: ...

class Counters(_message.Message):
    __slots__ = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set", "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added", "constraints_removed", "system_updates", "contains_updates")
    NODES_CREATED_FIELD_NUMBER: _ClassVar[int]
    NODES_DELETED_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIPS_CREATED_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIPS_DELETED_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_SET_FIELD_NUMBER: _ClassVar[int]
    LABELS_ADDED_FIELD_NUMBER: _ClassVar[int]
    LABELS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    INDEXES_ADDED_FIELD_NUMBER: _ClassVar[int]
    INDEXES_REMOVED_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_ADDED_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_UPDATES_FIELD_NUMBER: _ClassVar[int]
    CONTAINS_UPDATES_FIELD_NUMBER: _ClassVar[int]
    nodes_created: int
    nodes_deleted: int
    relationships_created: int
    relationships_deleted: int
    properties_set: int
    labels_added: int
    labels_removed: int
    indexes_added: int
    indexes_removed: int
    constraints_added: int
    constraints_removed: int
    system_updates: int
    contains_updates: bool
    def __init__(self, nodes_created: _Optional[int] = ..., nodes_deleted: _Optional[int] = ..., relationships_created: _Optional[int] = ..., relationships_deleted: _Optional[int] = ..., properties_set: _Optional[int] = ..., labels_added: _Optional[int] = ..., labels_removed: _Optional[int] = ..., indexes_added: _Optional[int] = ..., indexes_removed: _Optional[int] = ..., constraints_added: _Optional[int] = ..., constraints_removed: _Optional[int] = ..., system_updates: _Optional[int] = ..., contains_updates: _Optional[bool] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("code", "title", "description", "severity")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    code: str
    title: str
    description: str
    severity: str
    def __init__(self, code: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., severity: _Optional[str] = ...) -> None: ...
