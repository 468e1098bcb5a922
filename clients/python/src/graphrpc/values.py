"""Cypher values to and from graphrpc.v1.Value: the one place where the protobuf kinds meet
Python's types.

Python -> Value: None, bool, int (64-bit), float, str, bytes/bytearray/memoryview, list/tuple,
Mapping with str keys, datetime.date, datetime.time (naive: local time; with a fixed offset:
time), datetime.datetime (naive: local datetime; a zoneinfo.ZoneInfo tzinfo: datetime with a
zone id; any other tzinfo: datetime with its offset), Duration or timedelta, Point, Node,
Relationship, Path (the server refuses the last three as parameters) and Value itself.
Value -> Python: the same types back; times and datetimes with sub-microsecond parts come
back as graphrpc.types.Time / DateTime, which keep the nanoseconds."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from graphrpc.types import DateTime, Duration, Node, Path, Point, Relationship, Time, nanosecond_of
from graphrpc.v1 import value_pb2 as pb

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_EPOCH_NAIVE = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_NANOS_PER_SECOND = 1_000_000_000
_NANOS_PER_DAY = 86_400 * _NANOS_PER_SECOND


class ValueConversionError(ValueError):
    """A Python value that cannot become a Cypher value, or a Cypher value that has no Python
    counterpart (a date outside years 1..9999, say). The message names where it is."""


# --- Python -> Value -------------------------------------------------------------------


def to_value(obj: object, path: str = "value") -> pb.Value:
    """The Value for a Python object; `path` names it in errors (e.g. "params.tags[2]")."""
    # bool before int: bool is an int subclass.
    if obj is None:
        return pb.Value(null="NULL_VALUE")
    if isinstance(obj, bool):
        return pb.Value(boolean=obj)
    if isinstance(obj, int):
        if not INT64_MIN <= obj <= INT64_MAX:
            raise ValueConversionError(f"{path}: {obj} does not fit in a 64-bit Cypher integer")
        return pb.Value(integer=obj)
    if isinstance(obj, float):
        return pb.Value(float=obj)
    if isinstance(obj, str):
        return pb.Value(string=obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return pb.Value(bytes=bytes(obj))
    if isinstance(obj, pb.Value):
        return obj
    if isinstance(obj, (list, tuple)):
        return pb.Value(
            list=pb.ListValue(values=[to_value(v, f"{path}[{i}]") for i, v in enumerate(obj)])
        )
    if isinstance(obj, Mapping):
        entries: dict[str, pb.Value] = {}
        for key, item in obj.items():
            if not isinstance(key, str):
                raise ValueConversionError(
                    f"{path}: map keys must be strings, not {type(key).__name__} ({key!r})"
                )
            entries[key] = to_value(item, f"{path}.{key}")
        return pb.Value(map=pb.MapValue(entries=entries))
    if isinstance(obj, _dt.datetime):
        return _datetime_value(obj, path)
    if isinstance(obj, _dt.date):
        return pb.Value(date=pb.Date(days=obj.toordinal() - _EPOCH_ORDINAL))
    if isinstance(obj, _dt.time):
        return _time_value(obj, path)
    if isinstance(obj, Duration):
        return pb.Value(
            duration=pb.Duration(
                months=obj.months, days=obj.days, seconds=obj.seconds, nanos=obj.nanoseconds
            )
        )
    if isinstance(obj, _dt.timedelta):
        return to_value(Duration.from_timedelta(obj), path)
    if isinstance(obj, Point):
        point = pb.Point(srid=obj.srid, x=obj.x, y=obj.y)
        if obj.z is not None:
            point.z = obj.z
        return pb.Value(point=point)
    if isinstance(obj, Node):
        return pb.Value(node=_node_pb(obj, path))
    if isinstance(obj, Relationship):
        return pb.Value(relationship=_relationship_pb(obj, path))
    if isinstance(obj, Path):
        return pb.Value(
            path=pb.Path(
                nodes=[_node_pb(n, path) for n in obj.nodes],
                relationships=[_relationship_pb(r, path) for r in obj.relationships],
            )
        )
    raise ValueConversionError(
        f"{path}: a {type(obj).__name__} is not a Cypher value; send None, bool, int, float, "
        "str, bytes, list, dict, date/time/datetime, Duration, timedelta or Point"
    )


def to_params(params: Mapping[str, object] | None, where: str = "params") -> dict[str, pb.Value]:
    """Statement parameters as the request's map of Values."""
    if not params:
        return {}
    out: dict[str, pb.Value] = {}
    for name, item in params.items():
        if not isinstance(name, str):
            raise ValueConversionError(f"{where}: parameter names must be strings, not {name!r}")
        out[name] = to_value(item, f"{where}.{name}")
    return out


def _offset_seconds(offset: _dt.timedelta, path: str) -> int:
    if offset.microseconds:
        raise ValueConversionError(f"{path}: a UTC offset of {offset} has a fraction of a second")
    return offset.days * 86_400 + offset.seconds


def _datetime_value(obj: _dt.datetime, path: str) -> pb.Value:
    nanos = nanosecond_of(obj)
    wall = obj.replace(tzinfo=None, microsecond=0)
    local_seconds = (wall - _EPOCH_NAIVE) // _dt.timedelta(seconds=1)
    if obj.tzinfo is None:
        return pb.Value(local_date_time=pb.LocalDateTime(epoch_seconds=local_seconds, nanos=nanos))
    if isinstance(obj.tzinfo, ZoneInfo) and obj.tzinfo.key:
        return pb.Value(
            date_time_zone_id=pb.DateTimeZoneId(
                local_seconds=local_seconds, nanos=nanos, zone_id=obj.tzinfo.key
            )
        )
    offset = obj.utcoffset()
    if offset is None:
        raise ValueConversionError(f"{path}: its tzinfo gives no UTC offset")
    seconds = _offset_seconds(offset, path)
    return pb.Value(
        date_time=pb.DateTime(
            epoch_seconds=local_seconds - seconds, nanos=nanos, offset_seconds=seconds
        )
    )


def _time_value(obj: _dt.time, path: str) -> pb.Value:
    nanos_of_day = (obj.hour * 3600 + obj.minute * 60 + obj.second) * _NANOS_PER_SECOND + (
        nanosecond_of(obj)
    )
    if obj.tzinfo is None:
        return pb.Value(local_time=pb.LocalTime(nanos_of_day=nanos_of_day))
    offset = obj.utcoffset()
    if offset is None:
        raise ValueConversionError(
            f"{path}: a time in a named zone has no fixed UTC offset (it depends on the date); "
            "give the time a datetime.timezone offset, or send a datetime"
        )
    return pb.Value(
        time=pb.Time(nanos_of_day=nanos_of_day, offset_seconds=_offset_seconds(offset, path))
    )


def _node_pb(node: Node, path: str) -> pb.Node:
    return pb.Node(
        id=node.id,
        element_id=node.element_id,
        labels=list(node.labels),
        properties=to_params(node.properties, f"{path}.properties"),
    )


def _relationship_pb(rel: Relationship, path: str) -> pb.Relationship:
    return pb.Relationship(
        id=rel.id,
        element_id=rel.element_id,
        start_node_id=rel.start_node_id,
        start_node_element_id=rel.start_node_element_id,
        end_node_id=rel.end_node_id,
        end_node_element_id=rel.end_node_element_id,
        type=rel.type,
        properties=to_params(rel.properties, f"{path}.properties"),
    )


# --- Value -> Python -------------------------------------------------------------------


def from_value(value: pb.Value) -> Any:
    """The Python object for a Value. A Value with no kind set is None."""
    kind = value.WhichOneof("kind")
    if kind is None:
        return None
    return _DECODERS[kind](getattr(value, kind))


def _properties(entries: Mapping[str, pb.Value]) -> dict[str, Any]:
    return {k: from_value(v) for k, v in entries.items()}


def _node(n: pb.Node) -> Node:
    return Node(n.id, n.element_id, tuple(n.labels), _properties(n.properties))


def _relationship(r: pb.Relationship) -> Relationship:
    return Relationship(
        r.id,
        r.element_id,
        r.type,
        r.start_node_id,
        r.start_node_element_id,
        r.end_node_id,
        r.end_node_element_id,
        _properties(r.properties),
    )


def _date(d: pb.Date) -> _dt.date:
    try:
        return _dt.date.fromordinal(_EPOCH_ORDINAL + d.days)
    except (ValueError, OverflowError):
        raise ValueConversionError(
            f"the date {d.days} days from 1970-01-01 is outside Python's dates (years 1..9999)"
        ) from None


def _clock(nanos_of_day: int, tz: _dt.tzinfo | None) -> _dt.time:
    if not 0 <= nanos_of_day < _NANOS_PER_DAY:
        raise ValueConversionError(f"a time of {nanos_of_day} ns is not within one day")
    seconds, nanos = divmod(nanos_of_day, _NANOS_PER_SECOND)
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    if nanos % 1000:
        return Time(hour, minute, second, tzinfo=tz, nanosecond=nanos)
    return _dt.time(hour, minute, second, nanos // 1000, tz)


def _offset(seconds: int) -> _dt.timezone:
    try:
        return _dt.timezone(_dt.timedelta(seconds=seconds))
    except ValueError:
        raise ValueConversionError(f"a UTC offset of {seconds} s is beyond ±24 h") from None


def _wall_clock(
    base: _dt.datetime, seconds: int, nanos: int, tz: _dt.tzinfo | None
) -> _dt.datetime:
    if not 0 <= nanos < _NANOS_PER_SECOND:
        raise ValueConversionError(f"{nanos} nanoseconds is not within one second")
    try:
        wall = base + _dt.timedelta(seconds=seconds)
    except OverflowError:
        raise ValueConversionError(
            f"the datetime {seconds} s from 1970-01-01 is outside Python's datetimes "
            "(years 1..9999)"
        ) from None
    if nanos % 1000:
        return DateTime(
            wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second,
            tzinfo=tz, nanosecond=nanos,
        )  # fmt: skip
    return wall.replace(microsecond=nanos // 1000, tzinfo=tz)


def _date_time(d: pb.DateTime) -> _dt.datetime:
    # The instant is UTC; the wall clock is the instant plus the offset.
    return _wall_clock(
        _EPOCH_NAIVE, d.epoch_seconds + d.offset_seconds, d.nanos, _offset(d.offset_seconds)
    )


def _zoned(d: pb.DateTimeZoneId) -> _dt.datetime:
    try:
        zone = ZoneInfo(d.zone_id)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueConversionError(
            f"the time zone {d.zone_id!r} is not in this Python's zone database (install tzdata)"
        ) from None
    return _wall_clock(_EPOCH_NAIVE, d.local_seconds, d.nanos, zone)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "null": lambda _: None,
    "boolean": bool,
    "integer": int,
    "float": float,
    "string": str,
    "bytes": bytes,
    "list": lambda lst: [from_value(v) for v in lst.values],
    "map": lambda m: _properties(m.entries),
    "node": _node,
    "relationship": _relationship,
    "path": lambda p: Path(
        tuple(_node(n) for n in p.nodes), tuple(_relationship(r) for r in p.relationships)
    ),
    "date": _date,
    "time": lambda t: _clock(t.nanos_of_day, _offset(t.offset_seconds)),
    "local_time": lambda t: _clock(t.nanos_of_day, None),
    "date_time": _date_time,
    "date_time_zone_id": _zoned,
    "local_date_time": lambda d: _wall_clock(_EPOCH_NAIVE, d.epoch_seconds, d.nanos, None),
    "duration": lambda d: Duration(d.months, d.days, d.seconds, d.nanos),
    "point": lambda p: Point(p.srid, p.x, p.y, p.z if p.HasField("z") else None),
}

__all__ = ["INT64_MAX", "INT64_MIN", "ValueConversionError", "from_value", "to_params", "to_value"]
