"""The problem the seed started from: a new driver (so a new TCP connection, Bolt
handshake and login) for every request, closed when the request ends. Same routes and
statements as app.py.

    gunicorn --workers 2 --worker-class gthread --threads 8 app_per_request:app
"""

from contextlib import contextmanager

from flask import Flask
from neo4j import READ_ACCESS, GraphDatabase

import queries as q
import routes

app = Flask(__name__)


@contextmanager
def session_with_its_own_driver():
    with GraphDatabase.driver(q.URI, auth=q.AUTH) as driver:
        with driver.session(database=q.DATABASE, default_access_mode=READ_ACCESS) as session:
            yield session


routes.register(app, session_with_its_own_driver)
