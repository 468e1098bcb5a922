from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Value(_message.Message):
    __slots__ = ("null", "boolean", "integer", "float", "string", "bytes", "list", "map", "node", "relationship", "path", "date", "time", "local_time", "date_time", "date_time_zone_id", "local_date_time", "duration", "point")
    NULL_FIELD_NUMBER: _ClassVar[int]
    BOOLEAN_FIELD_NUMBER: _ClassVar[int]
    INTEGER_FIELD_NUMBER: _ClassVar[int]
    FLOAT_FIELD_NUMBER: _ClassVar[int]
    STRING_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    DATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATE_TIME_ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    LOCAL_DATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    POINT_FIELD_NUMBER: _ClassVar[int]
    null: _struct_pb2.NullValue
    boolean: bool
    integer: int
    float: float
    string: str
    bytes: bytes
    list: ListValue
    map: MapValue
    node: Node
    relationship: Relationship
    path: Path
    date: Date
    time: Time
    local_time: LocalTime
    date_time: DateTime
    date_time_zone_id: DateTimeZoneId
    local_date_time: LocalDateTime
    duration: Duration
    point: Point
    def __init__(self, null: _Optional[_Union[_struct_pb2.NullValue, str]] = ..., boolean: _Optional[bool] = ..., integer: _Optional[int] = ..., float: _Optional[float] = ..., string: _Optional[str] = ..., bytes: _Optional[bytes] = ..., list: _Optional[_Union[ListValue, _Mapping]] = ..., map: _Optional[_Union[MapValue, _Mapping]] = ..., node: _Optional[_Union[Node, _Mapping]] = ..., relationship: _Optional[_Union[Relationship, _Mapping]] = ..., path: _Optional[_Union[Path, _Mapping]] = ..., date: _Optional[_Union[Date, _Mapping]] = ..., time: _Optional[_Union[Time, _Mapping]] = ..., local_time: _Optional[_Union[LocalTime, _Mapping]] = ..., date_time: _Optional[_Union[DateTime, _Mapping]] = ..., date_time_zone_id: _Optional[_Union[DateTimeZoneId, _Mapping]] = ..., local_date_time: _Optional[_Union[LocalDateTime, _Mapping]] = ..., duration: _Optional[_Union[Duration, _Mapping]] = ..., point: _Optional[_Union[Point, _Mapping]] = ...) -> None: ...

class ListValue(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[Value]
    def __init__(self, values: _Optional[_Iterable[_Union[Value, _Mapping]]] = ...) -> None: ...

class MapValue(_message.Message):
    __slots__ = ("entries",)
    class EntriesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.MessageMap[str, Value]
    def __init__(self, entries: _Optional[_Mapping[str, Value]] = ...) -> None: ...

class Node(_message.Message):
    __slots__ = ("id", "element_id", "labels", "properties")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    id: int
    element_id: str
    labels: _containers.RepeatedScalarFieldContainer[str]
    properties: _containers.MessageMap[str, Value]
    def __init__(self, id: _Optional[int] = ..., element_id: _Optional[str] = ..., labels: _Optional[_Iterable[str]] = ..., properties: _Optional[_Mapping[str, Value]] = ...) -> None: ...

class Relationship(_message.Message):
    __slots__ = ("id", "element_id", "start_node_id", "start_node_element_id", "end_node_id", "end_node_element_id", "type", "properties")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    START_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    START_NODE_ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    END_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    END_NODE_ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    id: int
    element_id: str
    start_node_id: int
    start_node_element_id: str
    end_node_id: int
    end_node_element_id: str
    type: str
    properties: _containers.MessageMap[str, Value]
    def __init__(self, id: _Optional[int] = ..., element_id: _Optional[str] = ..., start_node_id: _Optional[int] = ..., start_node_element_id: _Optional[str] = ..., end_node_id: _Optional[int] = ..., end_node_element_id: _Optional[str] = ..., type: _Optional[str] = ..., properties: _Optional[_Mapping[str, Value]] = ...) -> None: ...

class Path(_message.Message):
    __slots__ = ("nodes", "relationships")
    NODES_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIPS_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    relationships: _containers.RepeatedCompositeFieldContainer[Relationship]
    def __init__(self, nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ..., relationships: _Optional[_Iterable[_Union[Relationship, _Mapping]]] = ...) -> None: ...

class Date(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: int
    def __init__(self, days: _Optional[int] = ...) -> None: ...

class Time(_message.Message):
    __slots__ = ("nanos_of_day", "offset_seconds")
    NANOS_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    nanos_of_day: int
    offset_seconds: int
    def __init__(self, nanos_of_day: _Optional[int] = ..., offset_seconds: _Optional[int] = ...) -> None: ...

class LocalTime(_message.Message):
    __slots__ = ("nanos_of_day",)
    NANOS_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    nanos_of_day: int
    def __init__(self, nanos_of_day: _Optional[int] = ...) -> None: ...

class DateTime(_message.Message):
    __slots__ = ("epoch_seconds", "nanos", "offset_seconds")
    EPOCH_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    epoch_seconds: int
    nanos: int
    offset_seconds: int
    def __init__(self, epoch_seconds: _Optional[int] = ..., nanos: _Optional[int] = ..., offset_seconds: _Optional[int] = ...) -> None: ...

class DateTimeZoneId(_message.Message):
    __slots__ = ("local_seconds", "nanos", "zone_id")
    LOCAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    local_seconds: int
    nanos: int
    zone_id: str
    def __init__(self, local_seconds: _Optional[int] = ..., nanos: _Optional[int] = ..., zone_id: _Optional[str] = ...) -> None: ...

class LocalDateTime(_message.Message):
    __slots__ = ("epoch_seconds", "nanos")
    EPOCH_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    epoch_seconds: int
    nanos: int
    def __init__(self, epoch_seconds: _Optional[int] = ..., nanos: _Optional[int] = ...) -> None: ...

class Duration(_message.Message):
    __slots__ = ("months", "days", "seconds", "nanos")
    MONTHS_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    months: int
    days: int
    seconds: int
    nanos: int
    def __init__(self, months: _Optional[int] = ..., days: _Optional[int] = ..., seconds: _Optional[int] = ..., nanos: _Optional[int] = ...) -> None: ...

class Point(_message.Message):
    __slots__ = ("srid", "x", "y", "z")
    SRID_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    srid: int
    x: float
    y: float
    z: float
    def __init__(self, srid: _Optional[int] = ..., x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...
