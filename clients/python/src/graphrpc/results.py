"""Rows as records, and what the server reports about a finished statement."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from graphrpc.v1 import common_pb2
from graphrpc.values import from_value

T = TypeVar("T")


class Record(Mapping[str, Any]):
    """One row: a read-only mapping from column name to value, in RETURN order. record[0]
    reads by position too; record.to(cls) maps the row into a type of yours."""

    __slots__ = ("_index", "_keys", "_values")

    def __init__(
        self, keys: Sequence[str], values: Sequence[Any], index: Mapping[str, int] | None = None
    ):
        self._keys = tuple(keys)
        self._index = index if index is not None else {k: i for i, k in enumerate(self._keys)}
        self._values = tuple(values)

    @overload
    def __getitem__(self, key: str) -> Any: ...
    @overload
    def __getitem__(self, key: int) -> Any: ...
    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, int):
            return self._values[key]
        try:
            return self._values[self._index[key]]
        except KeyError:
            raise KeyError(f"no column {key!r}; the columns are {list(self._keys)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self._keys, self._values, strict=False))
        return f"<Record {inner}>"

    def values(self) -> tuple[Any, ...]:  # type: ignore[override]
        return self._values

    def data(self) -> dict[str, Any]:
        return dict(zip(self._keys, self._values, strict=False))

    def to(self, cls: type[T]) -> T:
        """The row as an instance of cls, built from the columns by name. For a dataclass,
        columns it has no field for are an error, as are fields the row lacks (unless they
        have defaults)."""
        if dataclasses.is_dataclass(cls):
            names = {f.name for f in dataclasses.fields(cls) if f.init}
            extra = [k for k in self._keys if k not in names]
            if extra:
                raise TypeError(f"{cls.__name__} has no field for the column(s) {extra}")
        return cls(**self.data())


def records(keys: Sequence[str], rows: Sequence[common_pb2.Row]) -> list[Record]:
    index = {k: i for i, k in enumerate(keys)}
    return [Record(keys, [from_value(v) for v in row.values], index) for row in rows]


@dataclass(frozen=True)
class Counters:
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0
    system_updates: int = 0
    contains_updates: bool = False


@dataclass(frozen=True)
class Summary:
    """What the database reported about a finished statement. bookmark is empty when the
    server gives none; attempts is how many times graphrpc ran it (retries)."""

    bookmark: str = ""
    database: str = ""
    query_type: str = ""
    counters: Counters = Counters()
    result_available_after: float = 0.0
    result_consumed_after: float = 0.0
    row_count: int = 0
    notifications: tuple[dict[str, str], ...] = ()
    attempts: int = 0


def summary(s: common_pb2.Summary) -> Summary:
    c = s.counters
    return Summary(
        bookmark=s.bookmark,
        database=s.database,
        query_type=common_pb2.QueryType.Name(s.query_type).removeprefix("QUERY_TYPE_"),
        counters=Counters(**{f.name: getattr(c, f.name) for f in dataclasses.fields(Counters)}),
        result_available_after=s.result_available_after.ToTimedelta().total_seconds(),
        result_consumed_after=s.result_consumed_after.ToTimedelta().total_seconds(),
        row_count=s.row_count,
        notifications=tuple(
            {"code": n.code, "title": n.title, "description": n.description, "severity": n.severity}
            for n in s.notifications
        ),
        attempts=s.attempts,
    )


class Result(Sequence[Record]):
    """A statement's whole result: keys, records (in order) and summary."""

    def __init__(self, keys: Sequence[str], records: list[Record], summary: Summary):
        self.keys = list(keys)
        self.records = records
        self.summary = summary

    @overload
    def __getitem__(self, i: int) -> Record: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Record]: ...
    def __getitem__(self, i: int | slice) -> Record | Sequence[Record]:
        return self.records[i]

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<Result keys={self.keys} rows={len(self.records)}>"

    def single(self) -> Record:
        """The one record of a result that must have exactly one."""
        if len(self.records) != 1:
            raise ValueError(f"expected exactly one record, got {len(self.records)}")
        return self.records[0]

    def value(self, key: str | int = 0) -> Any:
        """One column of the single record."""
        return self.single()[key]

    def data(self) -> list[dict[str, Any]]:
        return [r.data() for r in self.records]
