"""Loads the demo graph into the local database through its HTTP API.

A small film world a reader understands at once: 60 movies, 240 people who acted in,
directed or reviewed them, and 10 genres (310 nodes, about 900 relationships). It is
generated from a fixed seed, so every load is the same graph; an earlier copy is replaced.
"""

import base64
import json
import os
import random
import sys
import urllib.error
import urllib.request

PORT = os.environ.get("GRAPHDB_HTTP_PORT", "2480")
PASSWORD = os.environ.get("GRAPHDB_PASSWORD", "graphrpc-local")
DB = os.environ.get("GRAPHDB_NAME", "graph")

FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Kira", "Luca", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara"]
LAST = ["Adler", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hale",
        "Ito", "Jensen", "Kowalski", "Lindqvist"]
ADJ = ["Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Distant", "Electric",
       "Frozen", "Wild", "Midnight", "Paper"]
NOUN = ["River", "Harbor", "Garden", "Signal", "Empire", "Summer", "Orchard", "Machine",
        "Lighthouse", "Station", "Letter", "Mountain"]
GENRES = ["Drama", "Comedy", "Thriller", "Science Fiction", "Romance", "Documentary",
          "Animation", "Adventure", "Crime", "Musical"]
ROLES = ["Captain", "Detective", "Teacher", "Pilot", "Doctor", "Stranger", "Mayor",
         "Inventor", "Singer", "Smuggler"]


def command(cypher, params=None):
    body = json.dumps({"language": "opencypher", "command": cypher, "params": params or {}})
    req = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1/command/{DB}", data=body.encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization",
                   "Basic " + base64.b64encode(f"root:{PASSWORD}".encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        sys.exit(f"seed: the database refused a statement: HTTP {e.code} {e.read()[:300]!r}")


def main():
    rnd = random.Random(20190404)
    people = [{"name": f"{FIRST[i % 20]} {LAST[(i // 20) % 12]}", "born": rnd.randint(1940, 2004)}
              for i in range(240)]
    titles = set()
    movies = []
    while len(movies) < 60:
        title = f"The {rnd.choice(ADJ)} {rnd.choice(NOUN)}"
        if title in titles:
            continue
        titles.add(title)
        movies.append({"title": title, "released": rnd.randint(1975, 2025),
                       "genre": rnd.choice(GENRES), "runtime": rnd.randint(80, 170)})
    acted, directed, reviewed = [], [], []
    for m in movies:
        cast = rnd.sample(range(240), rnd.randint(5, 9))
        for p in cast:
            acted.append({"person": people[p]["name"], "title": m["title"],
                          "roles": [rnd.choice(ROLES)]})
        directed.append({"person": people[rnd.randrange(240)]["name"], "title": m["title"]})
        for p in rnd.sample(range(240), rnd.randint(2, 6)):
            reviewed.append({"person": people[p]["name"], "title": m["title"],
                             "rating": rnd.randint(1, 100)})

    for label in ("Person", "Movie", "Genre"):
        command(f"MATCH (n:{label}) DETACH DELETE n")
    command("UNWIND $rows AS r CREATE (:Genre {name: r})", {"rows": GENRES})
    command("UNWIND $rows AS r CREATE (:Person {name: r.name, born: r.born})", {"rows": people})
    command("UNWIND $rows AS r MATCH (g:Genre {name: r.genre}) "
            "CREATE (:Movie {title: r.title, released: r.released, runtime: r.runtime})"
            "-[:IN_GENRE]->(g)", {"rows": movies})
    command("UNWIND $rows AS r MATCH (p:Person {name: r.person}), (m:Movie {title: r.title}) "
            "CREATE (p)-[:ACTED_IN {roles: r.roles}]->(m)", {"rows": acted})
    command("UNWIND $rows AS r MATCH (p:Person {name: r.person}), (m:Movie {title: r.title}) "
            "CREATE (p)-[:DIRECTED]->(m)", {"rows": directed})
    command("UNWIND $rows AS r MATCH (p:Person {name: r.person}), (m:Movie {title: r.title}) "
            "CREATE (p)-[:REVIEWED {rating: r.rating}]->(m)", {"rows": reviewed})

    counts = command("MATCH (n) WHERE n:Person OR n:Movie OR n:Genre RETURN count(n) AS nodes")
    rels = command("MATCH (:Person)-[r]->(:Movie) RETURN count(r) AS rels")
    print(f"seed: demo graph loaded into '{DB}': {counts['result'][0]['nodes']} nodes, "
          f"{rels['result'][0]['rels'] + len(movies)} relationships", file=sys.stderr)


if __name__ == "__main__":
    main()
