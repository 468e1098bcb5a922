"""Checks the conformance vectors against the real server, through an independent client:
Python grpcio with the API learnt by server reflection (deploy/local/grpcall.py). It is
also the reference for the canonical encoding: `to_canonical` / `from_canonical` below are
what every client library does with its own native types.

Run by clients/conformance/test.sh (from tests/clients.sh), with the environment that
tests/clients.sh gives: GRAPHRPC_TEST_ADDR and GRAPHRPC_TEST_TOKEN_{WRITER,READER}.
"""

import base64
import json
import math
import os
import re
import sys
import uuid
from datetime import date, datetime, timedelta, timezone

import grpc
from google.protobuf import json_format, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "deploy", "local"))
sys.path.insert(0, HERE)
from grpcall import ReflectionClient  # noqa: E402
import generate  # noqa: E402

SERVICE = "graphrpc.v1.GraphQueryService"
EPOCH = date(1970, 1, 1)
NANOS_PER_DAY = 86_400 * 10**9


# ---- canonical <-> proto JSON (proto field names) ----------------------------------------

def float_canonical(f):
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0 and math.copysign(1, f) < 0:
        return "-0"
    return f


def float_proto(c):
    if isinstance(c, str):
        return {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity", "-0": -0.0}[c]
    return float(c)


def fraction(nanos):
    return f"{nanos:09d}"


def offset_text(seconds):
    sign = "+" if seconds >= 0 else "-"
    h, rest = divmod(abs(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def parse_offset(text):
    sign = -1 if text[0] == "-" else 1
    parts = [int(p) for p in text[1:].split(":")] + [0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def time_of_day(nanos):
    seconds, n = divmod(nanos, 10**9)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.{fraction(n)}"


def parse_time_of_day(text):
    hms, _, frac = text.partition(".")
    h, m, s = (int(x) for x in hms.split(":"))
    return ((h * 3600 + m * 60 + s) * 10**9) + int(frac.ljust(9, "0") or 0)


def local_seconds_text(seconds, nanos):
    days, secs = divmod(seconds, 86_400)
    return f"{(EPOCH + timedelta(days=days)).isoformat()}T{time_of_day(secs * 10**9 + nanos)}"


def parse_local(text):
    d, _, t = text.partition("T")
    days = (date.fromisoformat(d) - EPOCH).days
    n = parse_time_of_day(t)
    return days * 86_400 + n // 10**9, n % 10**9


TZ_SPLIT = re.compile(r"^(.*T[0-9:.]+)([+-][0-9:]+)$")


def to_canonical(v):
    """A proto Value as a dict (proto field names) -> the canonical JSON form."""
    (kind, x), = v.items() if v else (("null", None),)
    if kind == "null":
        return {"null": None}
    if kind == "boolean":
        return {"boolean": x}
    if kind == "integer":
        return {"integer": str(int(x))}
    if kind == "float":
        return {"float": float_canonical(float(x) if not isinstance(x, str) else float(x))}
    if kind == "string":
        return {"string": x}
    if kind == "bytes":
        return {"bytes": x}
    if kind == "list":
        return {"list": [to_canonical(e) for e in x.get("values", [])]}
    if kind == "map":
        return {"map": {k: to_canonical(e) for k, e in x.get("entries", {}).items()}}
    if kind == "node":
        return {"node": node_canonical(x)}
    if kind == "relationship":
        return {"relationship": {"type": x["type"],
                                 "properties": {k: to_canonical(e) for k, e in x.get("properties", {}).items()}}}
    if kind == "path":
        nodes = x.get("nodes", [])
        index = {n.get("element_id"): i for i, n in enumerate(nodes)}
        rels = []
        for r in x.get("relationships", []):
            rels.append({"type": r["type"],
                         "properties": {k: to_canonical(e) for k, e in r.get("properties", {}).items()},
                         "start": index[r.get("start_node_element_id")],
                         "end": index[r.get("end_node_element_id")]})
        return {"path": {"nodes": [{"node": node_canonical(n)} for n in nodes], "relationships": rels}}
    if kind == "date":
        return {"date": (EPOCH + timedelta(days=int(x.get("days", 0)))).isoformat()}
    if kind == "local_time":
        return {"local_time": time_of_day(int(x.get("nanos_of_day", 0)))}
    if kind == "time":
        return {"time": time_of_day(int(x.get("nanos_of_day", 0))) + offset_text(x.get("offset_seconds", 0))}
    if kind == "local_date_time":
        return {"local_date_time": local_seconds_text(int(x.get("epoch_seconds", 0)), x.get("nanos", 0))}
    if kind == "date_time":
        offset = x.get("offset_seconds", 0)
        local = int(x.get("epoch_seconds", 0)) + offset
        return {"date_time": local_seconds_text(local, x.get("nanos", 0)) + offset_text(offset)}
    if kind == "date_time_zone_id":
        return {"date_time_zone_id": local_seconds_text(int(x.get("local_seconds", 0)), x.get("nanos", 0))
                + f"[{x['zone_id']}]"}
    if kind == "duration":
        return {"duration": {"months": str(int(x.get("months", 0))), "days": str(int(x.get("days", 0))),
                             "seconds": str(int(x.get("seconds", 0))), "nanos": x.get("nanos", 0)}}
    if kind == "point":
        p = {"srid": x["srid"], "x": float_canonical(float(x.get("x", 0))), "y": float_canonical(float(x.get("y", 0)))}
        if "z" in x:
            p["z"] = float_canonical(float(x["z"]))
        return {"point": p}
    raise ValueError(f"unknown kind {kind}")


def node_canonical(n):
    return {"labels": sorted(n.get("labels", [])),
            "properties": {k: to_canonical(e) for k, e in n.get("properties", {}).items()}}


def from_canonical(c):
    """The canonical JSON form -> a proto Value as a dict for json_format.ParseDict."""
    (kind, x), = c.items()
    if kind == "null":
        return {"null": None}
    if kind in ("boolean", "string", "bytes"):
        return {kind: x}
    if kind == "integer":
        return {"integer": x}
    if kind == "float":
        return {"float": float_proto(x)}
    if kind == "list":
        return {"list": {"values": [from_canonical(e) for e in x]}}
    if kind == "map":
        return {"map": {"entries": {k: from_canonical(e) for k, e in x.items()}}}
    if kind == "date":
        return {"date": {"days": str((date.fromisoformat(x) - EPOCH).days)}}
    if kind == "local_time":
        return {"local_time": {"nanos_of_day": str(parse_time_of_day(x))}}
    if kind == "time":
        t, off = x[:18], x[18:]
        return {"time": {"nanos_of_day": str(parse_time_of_day(t)), "offset_seconds": parse_offset(off)}}
    if kind == "local_date_time":
        s, n = parse_local(x)
        return {"local_date_time": {"epoch_seconds": str(s), "nanos": n}}
    if kind == "date_time":
        local, off = TZ_SPLIT.match(x).groups()
        s, n = parse_local(local)
        o = parse_offset(off)
        return {"date_time": {"epoch_seconds": str(s - o), "nanos": n, "offset_seconds": o}}
    if kind == "date_time_zone_id":
        local, zone = x[:-1].split("[")
        s, n = parse_local(local)
        return {"date_time_zone_id": {"local_seconds": str(s), "nanos": n, "zone_id": zone}}
    if kind == "duration":
        return {"duration": dict(x)}
    if kind == "point":
        p = {"srid": x["srid"], "x": float_proto(x["x"]), "y": float_proto(x["y"])}
        if "z" in x:
            p["z"] = float_proto(x["z"])
        return {"point": p}
    raise ValueError(f"{kind} cannot be a parameter")


def same(a, b):
    """Canonical equality: floats by value (NaN equals NaN), everything else exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


# ---- calls ---------------------------------------------------------------------------------

class Caller:
    def __init__(self, channel):
        self.client = ReflectionClient(channel)

    def call(self, method, body, token=None, timeout=30):
        _, m = self.client.method(f"{SERVICE}/{method}")
        req_cls = message_factory.GetMessageClass(m.input_type)
        resp_cls = message_factory.GetMessageClass(m.output_type)
        request = json_format.ParseDict(body, req_cls())
        fn = self.client.channel.unary_unary(f"/{SERVICE}/{method}", req_cls.SerializeToString, resp_cls.FromString)
        metadata = [("authorization", f"Bearer {token}")] if token else None
        response = fn(request, timeout=timeout, metadata=metadata)
        return json_format.MessageToDict(response, preserving_proto_field_name=True)

    def single(self, cypher, params, token):
        body = {"cypher": cypher, "params": {k: from_canonical(v) for k, v in params.items()}}
        response = self.call("Run", body, token)
        assert response.get("keys") == ["v"], response.get("keys")
        rows = response.get("rows", [])
        assert len(rows) == 1, f"{len(rows)} rows"
        values = rows[0].get("values", [])
        return to_canonical(values[0])


def unique_text(value, unique):
    if isinstance(value, str):
        return value.replace("{unique}", unique)
    if isinstance(value, list):
        return [unique_text(v, unique) for v in value]
    if isinstance(value, dict):
        return {k: unique_text(v, unique) for k, v in value.items()}
    return value


def error_request(vector):
    r = dict(vector["request"])
    if "params" in r:
        r["params"] = {k: from_canonical(v) for k, v in r["params"].items()}
    if "timeout_ms" in r:
        r["timeout"] = f"{r.pop('timeout_ms') / 1000}s"
    return r


def run_error_vector(caller, vector, tokens):
    unique = "Conformance_" + uuid.uuid4().hex[:12]
    vector = unique_text(vector, unique)
    token = tokens.get(vector["token"], vector["token"]) if vector["token"] else None
    for cypher in vector.get("setup", []):
        caller.call("Run", {"cypher": cypher}, tokens["writer"])
    method = {"run": "Run", "run_named": "RunNamed", "run_batch": "RunBatch"}[vector["call"]]
    timeout = vector.get("deadline_ms", 30_000) / 1000
    try:
        caller.call(method, error_request(vector), token, timeout=timeout)
    except grpc.RpcError as e:
        error = e
    else:
        return "succeeded"
    expect = vector["expect"]
    problems = []
    if error.code().name != expect["code"]:
        problems.append(f"code {error.code().name} != {expect['code']} ({error.details()})")
    details = caller.client.error_details(error) or {}
    infos = [d for d in details.get("details", []) if d["@type"].endswith("google.rpc.ErrorInfo")]
    info = infos[0] if infos else {}
    if "reason" in expect:
        if (info.get("reason") or None) != expect["reason"]:
            problems.append(f"reason {info.get('reason')!r} != {expect['reason']!r}")
    if "domain" in expect and info.get("domain") != expect["domain"]:
        problems.append(f"domain {info.get('domain')!r} != {expect['domain']!r}")
    for key, value in expect.get("metadata", {}).items():
        if info.get("metadata", {}).get(key) != value:
            problems.append(f"metadata {key}: {info.get('metadata', {}).get(key)!r} != {value!r}")
    if "field" in expect:
        bad = [d for d in details.get("details", []) if d["@type"].endswith("google.rpc.BadRequest")]
        fields = [v["field"] for b in bad for v in b.get("fieldViolations", [])]
        if expect["field"] not in fields:
            problems.append(f"BadRequest fields {fields} lack {expect['field']}")
    if "after" in vector:
        got = caller.single(vector["after"]["cypher"], {}, tokens["writer"])
        if not same(got, vector["after"]["expect"]):
            problems.append(f"after: {got} != {vector['after']['expect']}")
    return "; ".join(problems) or None


def main():
    for name, document in generate.files().items():
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            if f.read() != generate.render(document):
                sys.exit(f"conformance: {name} is not what generate.py writes; run it")
    tokens = {"writer": os.environ["GRAPHRPC_TEST_TOKEN_WRITER"],
              "reader": os.environ["GRAPHRPC_TEST_TOKEN_READER"]}
    failures = []
    with grpc.insecure_channel(os.environ["GRAPHRPC_TEST_ADDR"]) as channel:
        caller = Caller(channel)
        values = json.load(open(os.path.join(HERE, "values.json"), encoding="utf-8"))["vectors"]
        for vector in values:
            try:
                got = caller.single(vector["cypher"], vector["params"], tokens["writer"])
            except Exception as e:  # noqa: BLE001 (report every vector, then fail)
                failures.append(f"value {vector['name']}: {e!r}")
                continue
            if not same(got, vector["expect"]):
                failures.append(f"value {vector['name']}: got {json.dumps(got)}, expected {json.dumps(vector['expect'])}")
        errors = json.load(open(os.path.join(HERE, "errors.json"), encoding="utf-8"))["vectors"]
        for vector in errors:
            problem = run_error_vector(caller, vector, tokens)
            if problem:
                failures.append(f"error {vector['name']}: {problem}")
    for failure in failures:
        print("FAIL", failure[:400])
    print(f"conformance: {len(values)} value vectors, {len(errors)} error vectors, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
