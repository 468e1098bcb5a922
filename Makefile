# graphrpc: the two commands the README promises, and a few helpers.
#   make run    local database up, demo graph loaded, graphrpc (release) serving
#   make test   everything the tests need, started here; then every suite
#   make docs   the docs/ book, built with a pinned mdBook into docs/book/

SHELL := /bin/bash
PYTHON ?= python3
LISTEN ?= 127.0.0.1:50051
GRAPHDB := deploy/local/graphdb.sh

.PHONY: run test docs lint db-start db-stop db-status db-seed clean bench

run:
	@$(GRAPHDB) start
	@$(GRAPHDB) seed
	@deploy/local/pydeps.sh
	cargo build --release --locked
	@echo
	@echo "graphrpc is starting on $(LISTEN), in front of the local database (demo graph loaded)."
	@echo "Call it with grpcurl:"
	@echo "  grpcurl -plaintext $(LISTEN) list"
	@echo "  grpcurl -plaintext -d '{\"cypher\": \"MATCH (p:Person)-[:ACTED_IN]->(m:Movie) RETURN m.title AS movie, count(p) AS cast ORDER BY cast DESC LIMIT 3\"}' $(LISTEN) graphrpc.v1.GraphQueryService/Run"
	@echo "or, without grpcurl (Python grpcio through server reflection, installed in .local/pylib):"
	@echo "  PYTHONPATH=.local/pylib $(PYTHON) deploy/local/grpcall.py $(LISTEN) list"
	@echo "  PYTHONPATH=.local/pylib $(PYTHON) deploy/local/grpcall.py $(LISTEN) graphrpc.v1.GraphQueryService/Run '{\"cypher\": \"MATCH (m:Movie) WHERE m.released > \$$year RETURN m.title AS title, m.released AS year ORDER BY year LIMIT 5\", \"json_params\": {\"year\": 2015}}'"
	@echo "Named queries from deploy/local/catalog.yaml:"
	@echo "  grpcurl -plaintext -d '{\"name\": \"movies.released_between\", \"json_params\": {\"from\": 2020, \"limit\": 3}}' $(LISTEN) graphrpc.v1.GraphQueryService/RunNamed"
	@echo "Metrics (readiness: /readyz, liveness: /livez):"
	@echo "  curl -s http://127.0.0.1:9464/metrics"
	@echo "Stop with Ctrl-C; stop the database with: $(GRAPHDB) stop"
	@echo
	@set -a && eval "$$($(GRAPHDB) env)" && set +a && exec target/release/graphrpc serve --listen $(LISTEN) \
	  --catalog-file $${GRAPHRPC_CATALOG_FILE:-deploy/local/catalog.yaml}

test:
	tests/run.sh

docs:
	deploy/local/mdbook.sh build docs
	@echo "the book: docs/book/index.html"

lint:
	$(PYTHON) tests/layout.py
	cargo fmt --all -- --check
	cargo clippy --all-targets --locked -- -D warnings

db-start:
	$(GRAPHDB) start
db-stop:
	$(GRAPHDB) stop
db-status:
	$(GRAPHDB) status
db-seed:
	$(GRAPHDB) seed

clean:
	-$(GRAPHDB) stop
	cargo clean
	rm -rf .local

# The benchmark (not part of make test): graphrpc vs the direct driver vs the seed's Flask
# pattern, side by side; writes bench/results/latest.md and chart.png. BENCH_DURATION=5s
# for a shorter run.
bench:
	bench/run.sh
