"""Rows as mappings, and mapping a row into a user type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from graphrpc import Client


@dataclass
class Movie:
    title: str
    released: int


def test_a_record_reads_by_name_and_position(client: Client) -> None:
    record = client.run("RETURN 1 AS a, 'x' AS b").single()
    assert record["a"] == 1 and record[1] == "x"
    assert list(record) == ["a", "b"] and dict(record) == {"a": 1, "b": "x"}
    assert record.data() == {"a": 1, "b": "x"} and record.values() == (1, "x")
    with pytest.raises(KeyError, match="no column 'c'"):
        record["c"]


def test_a_record_maps_into_a_dataclass(client: Client) -> None:
    movies = [
        r.to(Movie)
        for r in client.run(
            "MATCH (m:Movie) RETURN m.title AS title, m.released AS released "
            "ORDER BY m.title LIMIT 3",
            access_mode="read",
        )
    ]
    assert len(movies) == 3 and all(isinstance(m.title, str) for m in movies)
    assert movies == sorted(movies, key=lambda m: m.title)
    with pytest.raises(TypeError, match="no field for the column"):
        client.run("RETURN 'x' AS title, 1 AS released, 2 AS extra").single().to(Movie)
