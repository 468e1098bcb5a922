"""The Python types of the Cypher values that have no exact built-in counterpart."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Duration:
    """A Cypher duration. Its four parts stay apart, as Cypher keeps them: a month is not a
    fixed number of days, nor a day a fixed number of seconds (daylight saving time)."""

    months: int = 0
    days: int = 0
    seconds: int = 0
    nanoseconds: int = 0

    def __post_init__(self) -> None:
        # Canonical form, as Bolt carries it: 0 <= nanoseconds < 1e9, the rest in seconds.
        carry, nanos = divmod(self.nanoseconds, 1_000_000_000)
        object.__setattr__(self, "seconds", self.seconds + carry)
        object.__setattr__(self, "nanoseconds", nanos)

    @classmethod
    def from_timedelta(cls, delta: _dt.timedelta) -> Duration:
        return cls(0, delta.days, delta.seconds, delta.microseconds * 1000)


@dataclass(frozen=True)
class Point:
    """A spatial point. srid 7203 (cartesian) and 4326 (WGS-84) are 2D; 9157 (cartesian)
    and 4979 (WGS-84) are 3D and have z."""

    srid: int
    x: float
    y: float
    z: float | None = None


@dataclass(frozen=True)
class Node:
    """A node read from the graph. Nodes can be returned, not sent as parameters."""

    id: int
    element_id: str
    labels: tuple[str, ...] = ()
    properties: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Relationship:
    """A relationship read from the graph, with its real direction (start -> end)."""

    id: int
    element_id: str
    type: str
    start_node_id: int
    start_node_element_id: str
    end_node_id: int
    end_node_element_id: str
    properties: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Path:
    """nodes[0], relationships[0], nodes[1], ..., relationships[n-1], nodes[n]. A
    relationship keeps its own direction, which may run against the traversal."""

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...]

    @property
    def start(self) -> Node:
        return self.nodes[0]

    @property
    def end(self) -> Node:
        return self.nodes[-1]

    def __len__(self) -> int:
        return len(self.relationships)


class DateTime(_dt.datetime):
    """A datetime that keeps nanoseconds, which Python's datetime cannot: `nanosecond` is
    the fraction of the second in nanoseconds (microsecond is its first six digits).
    Results use it only when the value has a sub-microsecond part; it compares and hashes
    as the datetime it truncates to."""

    _nanosecond: int

    def __new__(
        cls,
        year: int,
        month: int,
        day: int,
        hour: int = 0,
        minute: int = 0,
        second: int = 0,
        microsecond: int = 0,
        tzinfo: _dt.tzinfo | None = None,
        *,
        fold: int = 0,
        nanosecond: int | None = None,
    ) -> DateTime:
        if nanosecond is None:
            nanosecond = microsecond * 1000
        elif not 0 <= nanosecond < 1_000_000_000:
            raise ValueError(f"nanosecond must be in 0..999999999, not {nanosecond}")
        self = super().__new__(
            cls, year, month, day, hour, minute, second, nanosecond // 1000, tzinfo, fold=fold
        )
        self._nanosecond = nanosecond
        return self

    @property
    def nanosecond(self) -> int:
        # datetime's own methods (replace, astimezone, ...) build instances without
        # __new__; those keep the microseconds only.
        ns: int = self.__dict__.get("_nanosecond", self.microsecond * 1000)
        return ns

    def __repr__(self) -> str:
        return f"graphrpc.types.DateTime({self.isoformat()!r}, nanosecond={self.nanosecond})"


class Time(_dt.time):
    """A time of day that keeps nanoseconds (see DateTime)."""

    _nanosecond: int

    def __new__(
        cls,
        hour: int = 0,
        minute: int = 0,
        second: int = 0,
        microsecond: int = 0,
        tzinfo: _dt.tzinfo | None = None,
        *,
        fold: int = 0,
        nanosecond: int | None = None,
    ) -> Time:
        if nanosecond is None:
            nanosecond = microsecond * 1000
        elif not 0 <= nanosecond < 1_000_000_000:
            raise ValueError(f"nanosecond must be in 0..999999999, not {nanosecond}")
        self = super().__new__(cls, hour, minute, second, nanosecond // 1000, tzinfo, fold=fold)
        self._nanosecond = nanosecond
        return self

    @property
    def nanosecond(self) -> int:
        # datetime's own methods (replace, astimezone, ...) build instances without
        # __new__; those keep the microseconds only.
        ns: int = self.__dict__.get("_nanosecond", self.microsecond * 1000)
        return ns

    def __repr__(self) -> str:
        return f"graphrpc.types.Time({self.isoformat()!r}, nanosecond={self.nanosecond})"


def nanosecond_of(value: _dt.datetime | _dt.time) -> int:
    """The fraction of the second in nanoseconds, for plain and nanosecond values alike."""
    ns = getattr(value, "nanosecond", None)
    return ns if isinstance(ns, int) else value.microsecond * 1000
