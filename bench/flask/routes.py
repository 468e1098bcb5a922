"""The routes both Flask baselines serve. They differ only in where a session's driver comes
from (one per process, or one per request), so the routes live here once and the comparison
measures nothing else."""

import json

from flask import Response, jsonify

import queries as q


def register(app, session):
    """Adds the benchmark's routes to `app`; `session()` is a context manager yielding a
    read session of the benchmark database."""

    def rows(cypher, **params):
        with session() as s:
            return s.run(cypher, params).data()

    @app.get("/return1")
    def return1():
        return jsonify(rows(q.RETURN1))

    @app.get("/point/<int:pid>")
    def point(pid):
        return jsonify(rows(q.POINT, id=pid))

    @app.get("/twohop/<int:pid>")
    def twohop(pid):
        return jsonify(rows(q.TWOHOP, id=pid))

    @app.get("/stream")
    def stream():
        # One JSON array per line, written as the driver fetches (its default fetch size, 1000).
        def generate():
            with session() as s:
                for record in s.run(q.STREAM):
                    yield json.dumps(record.values()) + "\n"
        return Response(generate(), mimetype="application/x-ndjson")
