"""The problem the seed started from: a new driver (so a new TCP connection, Bolt
handshake and login) for every request, closed when the request ends. Same routes and
statements as app.py.

    gunicorn --workers 2 --worker-class gthread --threads 8 app_per_request:app
"""

import json

from flask import Flask, Response, jsonify
from neo4j import READ_ACCESS, GraphDatabase

import queries as q

app = Flask(__name__)


def rows(cypher, **params):
    with GraphDatabase.driver(q.URI, auth=q.AUTH) as driver:
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
    def generate():
        with GraphDatabase.driver(q.URI, auth=q.AUTH) as driver:
            with driver.session(database=q.DATABASE, default_access_mode=READ_ACCESS) as session:
                for record in session.run(q.STREAM):
                    yield json.dumps(record.values()) + "\n"
    return Response(generate(), mimetype="application/x-ndjson")
