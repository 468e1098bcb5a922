"""The seed's pattern: a Flask app with ONE module-level Neo4j driver, created when the
module is imported and reused by every request (each gunicorn worker process has its own,
with its own connection pool). This is what a team would run without graphrpc.

    gunicorn --workers 2 --worker-class gthread --threads 8 app:app
"""

import json

from flask import Flask, Response, jsonify
from neo4j import READ_ACCESS, GraphDatabase

import queries as q

app = Flask(__name__)
# Module level: one driver per process, shared by its threads, living as long as the worker.
driver = GraphDatabase.driver(q.URI, auth=q.AUTH)


def rows(cypher, **params):
    with driver.session(database=q.DATABASE, default_access_mode=READ_ACCESS) as session:
        return session.run(cypher, params).data()


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
        with driver.session(database=q.DATABASE, default_access_mode=READ_ACCESS) as session:
            for record in session.run(q.STREAM):
                yield json.dumps(record.values()) + "\n"
    return Response(generate(), mimetype="application/x-ndjson")
