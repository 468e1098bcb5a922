"""The conformance vectors' canonical JSON form of a value (clients/conformance/README.md)
to and from this client's native Python values."""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

from graphrpc import DateTime, Duration, Node, Path, Point, Relationship, Time
from graphrpc.types import nanosecond_of

_CLOCK = r"(\d{2}):(\d{2}):(\d{2})\.(\d{9})"
_OFFSET = r"([+-])(\d{2}):(\d{2})(?::(\d{2}))?"
_DATE = r"(\d{4})-(\d{2})-(\d{2})"


def _float_native(c: Any) -> float:
    if isinstance(c, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}[c]
    return float(c)


def _float_canonical(f: float) -> Any:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0 and math.copysign(1, f) < 0:
        return "-0"
    return f


def _offset(parts: tuple[str, ...]) -> dt.timezone:
    sign, h, m, s = parts
    seconds = int(h) * 3600 + int(m) * 60 + int(s or 0)
    return dt.timezone(dt.timedelta(seconds=-seconds if sign == "-" else seconds))


def _offset_text(offset: dt.timedelta) -> str:
    seconds = offset.days * 86400 + offset.seconds
    sign = "+" if seconds >= 0 else "-"
    h, rest = divmod(abs(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _match(pattern: str, text: str) -> tuple[str, ...]:
    found = re.fullmatch(pattern, text)
    if found is None:
        raise ValueError(f"{text!r} is not in the canonical form {pattern}")
    return tuple(g or "" for g in found.groups())


def _time(parts: tuple[str, ...], tz: dt.tzinfo | None) -> dt.time:
    h, m, s, ns = parts
    nanos = int(ns)
    if nanos % 1000:
        return Time(int(h), int(m), int(s), tzinfo=tz, nanosecond=nanos)
    return dt.time(int(h), int(m), int(s), nanos // 1000, tz)


def _datetime(parts: tuple[str, ...], tz: dt.tzinfo | None) -> dt.datetime:
    y, mo, d, h, mi, s, ns = (int(p) for p in parts)
    if ns % 1000:
        return DateTime(y, mo, d, h, mi, s, tzinfo=tz, nanosecond=ns)
    return dt.datetime(y, mo, d, h, mi, s, ns // 1000, tz)


def from_canonical(c: dict[str, Any]) -> Any:
    ((kind, v),) = c.items()
    if kind == "null":
        return None
    if kind in ("boolean", "string"):
        return v
    if kind == "integer":
        return int(v)
    if kind == "float":
        return _float_native(v)
    if kind == "bytes":
        return base64.b64decode(v)
    if kind == "list":
        return [from_canonical(x) for x in v]
    if kind == "map":
        return {k: from_canonical(x) for k, x in v.items()}
    if kind == "date":
        return dt.date.fromisoformat(v)
    if kind == "local_time":
        return _time(_match(_CLOCK, v), None)
    if kind == "time":
        g = _match(_CLOCK + _OFFSET, v)
        return _time(g[:4], _offset(g[4:]))
    if kind == "local_date_time":
        return _datetime(_match(_DATE + "T" + _CLOCK, v), None)
    if kind == "date_time":
        g = _match(_DATE + "T" + _CLOCK + _OFFSET, v)
        return _datetime(g[:7], _offset(g[7:]))
    if kind == "date_time_zone_id":
        g = _match(_DATE + "T" + _CLOCK + r"\[(.+)\]", v)
        zone = g[7]
        # An offset for a zone name has no ZoneInfo: the native form is a fixed offset.
        tz: dt.tzinfo = _offset(_match(_OFFSET, zone)) if zone[:1] in ("+", "-") else ZoneInfo(zone)
        return _datetime(g[:7], tz)
    if kind == "duration":
        return Duration(int(v["months"]), int(v["days"]), int(v["seconds"]), int(v["nanos"]))
    if kind == "point":
        z = v.get("z")
        return Point(
            v["srid"],
            _float_native(v["x"]),
            _float_native(v["y"]),
            None if z is None else _float_native(z),
        )
    raise ValueError(f"no native form for a canonical {kind}")


def _clock_text(t: dt.time | dt.datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{nanosecond_of(t):09d}"


def _date_text(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    return {k: to_canonical(v) for k, v in props.items()}


def to_canonical(value: Any) -> dict[str, Any]:
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"boolean": value}
    if isinstance(value, int):
        return {"integer": str(value)}
    if isinstance(value, float):
        return {"float": _float_canonical(value)}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, list):
        return {"list": [to_canonical(x) for x in value]}
    if isinstance(value, dict):
        return {"map": _properties(value)}
    if isinstance(value, dt.datetime):
        wall = f"{_date_text(value)}T{_clock_text(value)}"
        if value.tzinfo is None:
            return {"local_date_time": wall}
        if isinstance(value.tzinfo, ZoneInfo):
            return {"date_time_zone_id": f"{wall}[{value.tzinfo.key}]"}
        return {"date_time": wall + _offset_text(value.utcoffset() or dt.timedelta())}
    if isinstance(value, dt.date):
        return {"date": _date_text(value)}
    if isinstance(value, dt.time):
        if value.tzinfo is None:
            return {"local_time": _clock_text(value)}
        return {"time": _clock_text(value) + _offset_text(value.utcoffset() or dt.timedelta())}
    if isinstance(value, Duration):
        return {
            "duration": {
                "months": str(value.months),
                "days": str(value.days),
                "seconds": str(value.seconds),
                "nanos": value.nanoseconds,
            }
        }
    if isinstance(value, Point):
        point: dict[str, Any] = {
            "srid": value.srid,
            "x": _float_canonical(value.x),
            "y": _float_canonical(value.y),
        }
        if value.z is not None:
            point["z"] = _float_canonical(value.z)
        return {"point": point}
    if isinstance(value, Node):
        return {
            "node": {"labels": sorted(value.labels), "properties": _properties(value.properties)}
        }
    if isinstance(value, Relationship):
        return {"relationship": {"type": value.type, "properties": _properties(value.properties)}}
    if isinstance(value, Path):
        index = {n.element_id: i for i, n in enumerate(value.nodes)}
        return {
            "path": {
                "nodes": [to_canonical(n) for n in value.nodes],
                "relationships": [
                    {
                        "type": r.type,
                        "properties": _properties(r.properties),
                        "start": index[r.start_node_element_id],
                        "end": index[r.end_node_element_id],
                    }
                    for r in value.relationships
                ],
            }
        }
    raise TypeError(f"no canonical form for {type(value).__name__}")


def same(a: Any, b: Any) -> bool:
    """Canonical equality: numbers compared as doubles, everything else exactly."""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        if isinstance(a, bool) or isinstance(b, bool):
            return a is b
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)
