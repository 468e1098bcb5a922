"""The seed's pattern: a Flask app with ONE module-level Neo4j driver, created when the
module is imported and reused by every request (each gunicorn worker process has its own,
with its own connection pool). This is what a team would run without graphrpc.

    gunicorn --workers 2 --worker-class gthread --threads 8 app:app
"""

from flask import Flask
from neo4j import READ_ACCESS, GraphDatabase

import queries as q
import routes

app = Flask(__name__)
# Module level: one driver per process, shared by its threads, living as long as the worker.
driver = GraphDatabase.driver(q.URI, auth=q.AUTH)

routes.register(
    app, lambda: driver.session(database=q.DATABASE, default_access_mode=READ_ACCESS))
