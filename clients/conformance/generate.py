"""Writes values.json and errors.json, the shared conformance vectors (see README.md).

The vectors are data; this script only spares writing 31-deep lists and computed edge
cases by hand. check.py fails when the committed files differ from its output.

    python3 clients/conformance/generate.py          # rewrite the files
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def integer(i):
    return {"integer": str(i)}


def string(s):
    return {"string": s}


def nested(depth, kind):
    v = integer(1)
    for _ in range(depth):
        v = {"list": [v]} if kind == "list" else {"map": {"k": v}}
    return v


def echo(name, value, expect=None, note=None):
    """A value sent as parameter $v and returned by RETURN $v AS v."""
    vector = {"name": name, "cypher": "RETURN $v AS v", "params": {"v": value},
              "expect": value if expect is None else expect}
    if note:
        vector["note"] = note
    return vector


def query(name, cypher, expect, note=None):
    """A value made by the database."""
    vector = {"name": name, "cypher": cypher, "params": {}, "expect": expect}
    if note:
        vector["note"] = note
    return vector


def value_vectors():
    v = []
    v += [
        echo("null", {"null": None}),
        echo("true", {"boolean": True}),
        echo("false", {"boolean": False}),
        echo("integer zero", integer(0)),
        echo("integer -1", integer(-1)),
        echo("integer 2^53 + 1 (not exact in a double)", integer(2**53 + 1)),
        echo("integer int64 max", integer(2**63 - 1)),
        echo("integer int64 min", integer(-(2**63))),
        echo("float 1.5", {"float": 1.5}),
        echo("float 0.1", {"float": 0.1}),
        echo("float 0.0", {"float": 0.0}),
        echo("float -0.0", {"float": "-0"}),
        echo("float NaN", {"float": "NaN"}),
        echo("float +Infinity", {"float": "Infinity"}),
        echo("float -Infinity", {"float": "-Infinity"}),
        echo("float max", {"float": 1.7976931348623157e308}),
        echo("float smallest subnormal", {"float": 5e-324}),
        echo("float whole number stays a float", {"float": 3.0}),
        echo("string empty", string("")),
        echo("string unicode", string("Grüße, 東京, Ελλάδα, emoji 😀, combining é")),
        echo("string NUL and control characters", string("a\u0000b\u0001c\td\ne")),
        echo("string looks like other kinds", string("null")),
        echo("string looks like a number", string("-9223372036854775809")),
        echo("string looks like a date", string("2024-02-29")),
        echo("string looks like JSON", string('{"integer": "1"}')),
        echo("string with a lone-surrogate-looking escape text", string("\\ud800")),
        echo("string right-to-left and zero-width", string("\u202eabc\u200b")),
        echo("bytes empty", {"bytes": ""}),
        echo("bytes every edge byte", {"bytes": "AAEC/38Agf/+"}),
        echo("list empty", {"list": []}),
        echo("list mixed kinds", {"list": [integer(1), string("x"), {"null": None},
                                           {"float": 2.5}, {"list": []}, {"map": {}}]}),
        echo("map empty", {"map": {}}),
        echo("map mixed, with an empty key and a unicode key",
             {"map": {"": integer(1), "é k": {"null": None}, "list": {"list": [{"boolean": True}]}}}),
        echo("list nested 31 deep", nested(31, "list"),
             note="31 is the deepest the server accepts with its default GRAPHRPC_MAX_PARAM_DEPTH (32 levels, the outer one included); errors.json has the 40-deep refusal"),
        echo("map nested 31 deep", nested(31, "map")),
        query("list nested 31 deep, made by the database",
              "RETURN " + "[" * 31 + "1" + "]" * 31 + " AS v", nested(31, "list")),
    ]
    v += [
        echo("date 0001-01-01", {"date": "0001-01-01"}),
        echo("date 9999-12-31", {"date": "9999-12-31"}),
        echo("date 1970-01-01", {"date": "1970-01-01"}),
        echo("date before the epoch", {"date": "1969-12-31"}),
        echo("date leap day", {"date": "2024-02-29"}),
        echo("local_time midnight", {"local_time": "00:00:00.000000000"}),
        echo("local_time last nanosecond", {"local_time": "23:59:59.999999999"}),
        echo("local_time nanoseconds", {"local_time": "12:34:56.123456789"}),
        echo("time +18:00", {"time": "00:00:00.000000001+18:00"}),
        echo("time -18:00", {"time": "23:59:59.999999999-18:00"}),
        echo("time +05:45", {"time": "12:34:56.123456789+05:45"}),
        echo("time UTC", {"time": "12:00:00.000000000+00:00"}),
        echo("time offset with seconds", {"time": "00:00:00.000000000+01:01:01"}),
        echo("local_date_time first", {"local_date_time": "0001-01-01T00:00:00.000000000"}),
        echo("local_date_time last", {"local_date_time": "9999-12-31T23:59:59.999999999"}),
        echo("local_date_time before the epoch", {"local_date_time": "1969-12-31T23:59:59.000000001"}),
        echo("date_time with an offset", {"date_time": "2024-02-29T01:00:00.123456789+01:00"}),
        echo("date_time first, at +18:00", {"date_time": "0001-01-01T00:00:00.000000000+18:00"}),
        echo("date_time last, at -18:00", {"date_time": "9999-12-31T23:59:59.999999999-18:00"}),
        echo("date_time UTC", {"date_time": "1970-01-01T00:00:00.000000000+00:00"}),
        echo("date_time_zone_id Europe/Paris", {"date_time_zone_id": "2024-07-01T12:00:00.000000005[Europe/Paris]"}),
        echo("date_time_zone_id Asia/Kathmandu (+05:45)", {"date_time_zone_id": "1970-01-01T00:00:00.000000000[Asia/Kathmandu]"}),
        echo("date_time_zone_id America/St_Johns (-03:30)", {"date_time_zone_id": "2024-01-15T08:30:00.000000000[America/St_Johns]"}),
        echo("date_time_zone_id UTC", {"date_time_zone_id": "2000-01-01T00:00:00.000000000[UTC]"}),
        echo("date_time_zone_id with an offset for a zone name",
             {"date_time_zone_id": "1970-01-01T00:00:01.000000000[+02:00]"},
             expect={"date_time": "1970-01-01T00:00:01.000000000+02:00"},
             note="ArcadeDB deviation: a zone id that is an offset comes back as a date_time with that offset"),
        echo("duration zero", {"duration": {"months": "0", "days": "0", "seconds": "0", "nanos": 0}}),
        echo("duration components kept apart", {"duration": {"months": "14", "days": "-3", "seconds": "4", "nanos": 5}}),
        echo("duration negative seconds", {"duration": {"months": "-1", "days": "0", "seconds": "-1", "nanos": 999999999}}),
        echo("duration int64 max seconds", {"duration": {"months": "0", "days": "0", "seconds": str(2**63 - 1), "nanos": 999999999}}),
    ]
    v += [
        query("date made by the database", "RETURN date('2024-02-29') AS v", {"date": "2024-02-29"}),
        query("local_time made by the database", "RETURN localtime('12:34:56.123456789') AS v",
              {"local_time": "12:34:56.123456789"}),
        query("time made by the database", "RETURN time('12:34:56.123456789+05:45') AS v",
              {"time": "12:34:56.123456789+05:45"}),
        query("local_date_time made by the database",
              "RETURN localdatetime('2024-02-29T12:34:56.123456789') AS v",
              {"local_date_time": "2024-02-29T12:34:56.123456789"}),
        query("date_time made by the database",
              "RETURN datetime('2024-02-29T12:34:56.123456789+01:00') AS v",
              {"date_time": "2024-02-29T12:34:56.123456789+01:00"}),
        query("date_time_zone_id made by the database",
              "RETURN datetime({year: 2024, month: 7, day: 1, hour: 12, timezone: 'Europe/Paris'}) AS v",
              {"date_time_zone_id": "2024-07-01T12:00:00.000000000[Europe/Paris]"}),
        query("date_time_zone_id in a DST gap moves forward",
              "RETURN datetime('2024-03-31T02:30:00[Europe/Paris]') AS v",
              {"date_time_zone_id": "2024-03-31T03:30:00.000000000[Europe/Paris]"},
              note="02:30 does not exist in Paris that night; the database shifts it by the gap"),
        query("duration made by the database", "RETURN duration('P1Y2M3DT4.5S') AS v",
              {"duration": {"months": "14", "days": "3", "seconds": "4", "nanos": 500000000}}),
    ]
    v += [
        echo("point cartesian 2D (7203)", {"point": {"srid": 7203, "x": 1.5, "y": -2.25}}),
        echo("point WGS-84 2D (4326)", {"point": {"srid": 4326, "x": 12.5, "y": 55.25}}),
        echo("point cartesian 3D (9157)", {"point": {"srid": 9157, "x": 1.0, "y": 2.0, "z": 3.0}}),
        echo("point WGS-84 3D (4979)", {"point": {"srid": 4979, "x": 12.5, "y": 55.25, "z": 100.0}}),
        query("point cartesian made by the database", "RETURN point({x: 1.5, y: 2}) AS v",
              {"point": {"srid": 7203, "x": 1.5, "y": 2.0}}),
        query("point WGS-84 made by the database", "RETURN point({longitude: 12.5, latitude: 55.25}) AS v",
              {"point": {"srid": 4326, "x": 12.5, "y": 55.25}}),
        query("point 3D made by the database", "RETURN point({x: 1, y: 2, z: 3}) AS v",
              {"point": {"srid": 9157, "x": 1.0, "y": 2.0, "z": 3.0}}),
    ]
    ada = {"node": {"labels": ["Person"], "properties": {"name": string("Ada Adler"), "born": integer(1942)}}}
    mountain = {"node": {"labels": ["Movie"], "properties": {
        "title": string("The Distant Mountain"), "released": integer(1976), "runtime": integer(112)}}}
    quinn = {"node": {"labels": ["Person"], "properties": {"name": string("Quinn Dubois"), "born": integer(1984)}}}
    acted = {"type": "ACTED_IN", "properties": {"roles": {"list": [string("Pilot")]}}}
    v += [
        query("node from the demo graph", "MATCH (g:Genre {name: 'Drama'}) RETURN g AS v",
              {"node": {"labels": ["Genre"], "properties": {"name": string("Drama")}}}),
        query("node with several properties",
              "MATCH (p:Person {name: 'Ada Adler'}) RETURN p AS v", ada),
        query("relationship from the demo graph",
              "MATCH (:Person {name: 'Ada Adler'})-[r:ACTED_IN]->(:Movie {title: 'The Distant Mountain'}) RETURN r AS v",
              {"relationship": acted}),
        query("path with a relationship against the traversal",
              "MATCH path = (p:Person {name: 'Ada Adler'})-[:ACTED_IN]->(m:Movie {title: 'The Distant Mountain'})<-[:DIRECTED]-(d:Person) RETURN path AS v",
              {"path": {"nodes": [ada, mountain, quinn],
                        "relationships": [dict(acted, start=0, end=1),
                                          {"type": "DIRECTED", "properties": {}, "start": 2, "end": 1}]}}),
    ]
    return v


SLOW = "UNWIND range(1, 13000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c"


def error_vectors():
    return [
        {"name": "syntax error", "call": "run", "token": "writer",
         "request": {"cypher": "RETURN 1 +"},
         "expect": {"code": "INVALID_ARGUMENT", "reason": "NEO4J_CLIENT_ERROR", "domain": "graphrpc.dev/neo4j",
                    "metadata": {"neo4j_code": "Neo.ClientError.Statement.SyntaxError"}}},
        {"name": "constraint violation", "call": "run", "token": "writer",
         "setup": ["CREATE CONSTRAINT {unique}_id FOR (n:{unique}) REQUIRE n.id IS UNIQUE",
                   "CREATE (:{unique} {id: 1})"],
         "request": {"cypher": "CREATE (:{unique} {id: 1})"},
         "expect": {"code": "FAILED_PRECONDITION", "reason": "NEO4J_CLIENT_ERROR", "domain": "graphrpc.dev/neo4j",
                    "metadata": {"neo4j_code": "Neo.ClientError.Schema.ConstraintValidationFailed"}},
         "after": {"cypher": "MATCH (n:{unique}) RETURN count(n) AS v", "expect": integer(1)}},
        {"name": "unknown named query", "call": "run_named", "token": "writer",
         "request": {"name": "no.such.query"},
         "expect": {"code": "NOT_FOUND", "reason": "NAMED_QUERY_NOT_FOUND", "domain": "graphrpc.dev",
                    "metadata": {"name": "no.such.query"}}},
        {"name": "named query parameter of the wrong type", "call": "run_named", "token": "writer",
         "request": {"name": "movies.by_title", "params": {"title": integer(7)}},
         "expect": {"code": "INVALID_ARGUMENT", "reason": None, "field": "params.title"}},
        {"name": "reader write", "call": "run", "token": "reader",
         "request": {"cypher": "CREATE (n:{unique}) RETURN 1 AS created"},
         "expect": {"code": "PERMISSION_DENIED", "reason": "READER_WRITE", "domain": "graphrpc.dev",
                    "metadata": {"principal": "reader", "role": "reader"}},
         "after": {"cypher": "MATCH (n:{unique}) RETURN count(n) AS v", "expect": integer(0)}},
        {"name": "batch failing at statement 3", "call": "run_batch", "token": "writer",
         "request": {"statements": [{"cypher": "CREATE (:{unique} {i: 1})"},
                                    {"cypher": "CREATE (:{unique} {i: 2})"},
                                    {"cypher": "RETURN 1 +"}]},
         "expect": {"code": "INVALID_ARGUMENT", "reason": "NEO4J_CLIENT_ERROR", "domain": "graphrpc.dev/neo4j",
                    "metadata": {"statement_index": "2", "neo4j_code": "Neo.ClientError.Statement.SyntaxError"}},
         "after": {"cypher": "MATCH (n:{unique}) RETURN count(n) AS v", "expect": integer(0)}},
        {"name": "row limit", "call": "run", "token": "writer",
         "request": {"cypher": "UNWIND range(1, 20) AS i RETURN i", "max_rows": 10},
         "expect": {"code": "RESOURCE_EXHAUSTED", "reason": "ROW_LIMIT_EXCEEDED", "domain": "graphrpc.dev",
                    "metadata": {"max_rows": "10"}}},
        {"name": "parameter nested 40 deep", "call": "run", "token": "writer",
         "request": {"cypher": "RETURN $v AS v", "params": {"v": nested(40, "list")}},
         "expect": {"code": "INVALID_ARGUMENT", "reason": None, "field": "params.v"}},
        {"name": "missing token", "call": "run", "token": None,
         "request": {"cypher": "RETURN 1 AS one"},
         "expect": {"code": "UNAUTHENTICATED", "reason": "CREDENTIALS_MISSING", "domain": "graphrpc.dev"}},
        {"name": "unknown token", "call": "run", "token": "not-a-valid-token",
         "request": {"cypher": "RETURN 1 AS one"},
         "expect": {"code": "UNAUTHENTICATED", "reason": "CREDENTIALS_INVALID", "domain": "graphrpc.dev"}},
        # Last: ArcadeDB keeps running a stopped statement until it ends on its own, which
        # would slow the vectors after these.
        {"name": "statement timeout (the request's timeout)", "call": "run", "token": "writer",
         "request": {"cypher": SLOW, "timeout_ms": 300},
         "expect": {"code": "DEADLINE_EXCEEDED", "reason": "STATEMENT_TIMEOUT", "domain": "graphrpc.dev"}},
        {"name": "call deadline (the gRPC deadline)", "call": "run", "token": "writer",
         "deadline_ms": 500, "request": {"cypher": SLOW},
         "expect": {"code": "DEADLINE_EXCEEDED"}},
    ]


def files():
    return {
        "values.json": {"format": 1, "vectors": value_vectors()},
        "errors.json": {"format": 1, "vectors": error_vectors()},
    }


def render(document):
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name, document in files().items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(render(document))
    sys.exit(0)
