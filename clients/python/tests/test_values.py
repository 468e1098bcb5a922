"""Python values to the server and back (RETURN $v), and graph values read from the demo
graph, through the real server."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from graphrpc import (
    Client,
    DateTime,
    Duration,
    Node,
    Path,
    Point,
    Relationship,
    Time,
    ValueConversionError,
)
from graphrpc.values import INT64_MAX, INT64_MIN, from_value, to_value

UTC = dt.timezone.utc
PLUS_2 = dt.timezone(dt.timedelta(hours=2))
MINUS_1430 = dt.timezone(-dt.timedelta(hours=14, minutes=30))

ROUND_TRIPS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    INT64_MIN,
    INT64_MAX,
    0.5,
    -0.0,
    1e308,
    5e-324,
    math.inf,
    -math.inf,
    "",
    "héllo wörld ✓ 𝄞",
    "\x00 NUL and ' \" $ { }",
    b"",
    bytes(range(256)),
    [],
    [1, "two", [3.0, None]],
    {},
    {"a": 1, "nested": {"list": [True, {"deep": b"x"}]}},
    dt.date(1970, 1, 1),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(1969, 12, 31),
    dt.time(0, 0),
    dt.time(23, 59, 59, 999999),
    Time(12, 30, 0, nanosecond=123456789),
    dt.time(8, 15, tzinfo=PLUS_2),
    dt.time(23, 59, 59, tzinfo=MINUS_1430),
    dt.datetime(2024, 2, 29, 12, 0, 1, 500),
    dt.datetime(1, 1, 1, 0, 0),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    DateTime(1969, 12, 31, 23, 59, 59, nanosecond=999999999),
    dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
    dt.datetime(1900, 6, 1, 12, 0, 0, 1, tzinfo=MINUS_1430),
    DateTime(2024, 6, 1, 12, 0, tzinfo=PLUS_2, nanosecond=1),
    dt.datetime(2024, 7, 14, 10, 30, tzinfo=ZoneInfo("Europe/Paris")),
    dt.datetime(2024, 1, 14, 10, 30, tzinfo=ZoneInfo("America/New_York")),
    dt.datetime(2024, 1, 14, 10, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
    Duration(14, 3, 7200, 5),
    Duration(-1, -2, -3, -4),
    Duration(0, 0, 0, 0),
    Point(7203, 1.5, -2.5),
    Point(4326, 2.35, 48.85),
    Point(9157, 1.0, 2.0, 3.0),
    Point(4979, 2.35, 48.85, 35.0),
]


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types, NaN, -0.0, nanoseconds and tzinfo."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (dt.datetime, dt.time)):
        return (
            a == b
            and getattr(a, "nanosecond", None) == getattr(b, "nanosecond", None)
            and a.tzinfo == b.tzinfo
        )
    return bool(a == b)


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=repr)
def test_encoding_round_trips_locally(value: Any) -> None:
    assert same(from_value(to_value(value)), value)


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=repr)
def test_the_server_returns_what_was_sent(client: Client, value: Any) -> None:
    back = client.run("RETURN $v AS v", v=value, access_mode="read").value("v")
    assert same(back, value), f"sent {value!r}, got {back!r}"


def test_nan_round_trips(client: Client) -> None:
    assert math.isnan(client.run("RETURN $v AS v", v=math.nan).value())


def test_python_only_types_map_to_cypher(client: Client) -> None:
    # Tuples send as lists, timedelta as a Duration (days, seconds, nanoseconds).
    assert client.run("RETURN $v AS v", v=(1, 2)).value() == [1, 2]
    delta = dt.timedelta(days=2, seconds=5, microseconds=7)
    assert client.run("RETURN $v AS v", v=delta).value() == Duration(0, 2, 5, 7000)
    assert client.run("RETURN $v AS v", v=bytearray(b"ab")).value() == b"ab"


@pytest.mark.parametrize(
    "bad, message",
    [
        (2**63, "does not fit in a 64-bit"),
        ({1: "x"}, "map keys must be strings"),
        ({1, 2}, "is not a Cypher value"),
        (object(), "is not a Cypher value"),
        (dt.time(1, tzinfo=ZoneInfo("Europe/Paris")), "no fixed UTC offset"),
    ],
)
def test_values_that_cannot_be_sent_are_refused_naming_them(
    client: Client, bad: Any, message: str
) -> None:
    with pytest.raises(ValueConversionError, match=message) as caught:
        client.run("RETURN $v AS v", {"person": {"tags": ["ok", bad]}})
    assert "params.person.tags[1]" in str(caught.value)


def test_dates_beyond_python_fail_with_a_clear_error(client: Client) -> None:
    with pytest.raises(ValueConversionError, match="outside Python's dates"):
        client.run("RETURN date('+10000-01-01') AS d")


def test_nodes_relationships_and_paths_of_the_demo_graph(client: Client) -> None:
    record = client.run(
        "MATCH p = (a:Person)-[r:ACTED_IN]->(m:Movie) RETURN a, r, m, p LIMIT 1",
        access_mode="read",
    ).single()
    a, r, m, p = record["a"], record["r"], record["m"], record["p"]
    assert isinstance(a, Node) and "Person" in a.labels and isinstance(a.properties["name"], str)
    assert isinstance(m, Node) and "Movie" in m.labels
    assert isinstance(r, Relationship) and r.type == "ACTED_IN"
    assert (r.start_node_id, r.end_node_id) == (a.id, m.id)
    assert r.start_node_element_id == a.element_id and r.end_node_element_id == m.element_id
    assert isinstance(p, Path) and len(p) == 1
    assert p.start.id == a.id and p.end.id == m.id and p.relationships[0].id == r.id


def test_a_path_against_the_direction_of_its_relationship(client: Client) -> None:
    p = client.run(
        "MATCH p = (m:Movie)<-[:ACTED_IN]-(a:Person) RETURN p LIMIT 1", access_mode="read"
    ).value()
    assert "Movie" in p.start.labels and "Person" in p.end.labels
    # The relationship keeps its own direction: from the person to the movie.
    assert p.relationships[0].start_node_id == p.end.id
