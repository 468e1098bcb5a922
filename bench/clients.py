"""The 1 000 000-row stream through graphrpc's client libraries, beside the direct driver and
the raw gRPC load program (bench/clients.sh runs it; see there for the environment).

Each system streams the same statement (the bench's `stream` workload) at concurrency 1 for
BENCH_CLIENT_RUNS whole streams; it reports rows/s of the best run, the client process's peak
RSS (ru_maxrss, from wait4) and graphrpc's peak RSS sampled every 20 ms while the client ran.
Writes bench/results/clients.md (and .json) and prints the table.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
ROWS = int(os.environ.get("BENCH_STREAM_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_CLIENT_RUNS", "2"))
GRPC_ADDR = os.environ["GRPC_ADDR"]
BOLT_URI = os.environ["BOLT_URI"]
LOADGEN = os.environ["LOADGEN"]
RUST_BENCH = os.environ["RUST_STREAM_BENCH"]
PYLIB = os.environ["CLIENT_PYLIB"]
SERVER_PID = os.environ.get("GRAPHRPC_PID")
OUT = os.environ.get("BENCH_CLIENTS_OUT", os.path.join(HERE, "results"))


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class ServerPeak:
    """graphrpc's peak RSS while a client runs (0 when its pid is not given)."""

    def __init__(self):
        self.kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.02):
            if SERVER_PID:
                self.kib = max(self.kib, rss_kib(SERVER_PID))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(argv, env=None):
    """stdout of the child and its peak RSS in KiB (ru_maxrss of wait4)."""
    with ServerPeak() as server:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, **(env or {})})
        out, err = [], []
        readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(p, b))
                   for p, b in ((proc.stdout, out), (proc.stderr, err))]
        for r in readers:
            r.start()
        _, status, usage = os.wait4(proc.pid, 0)
        for r in readers:
            r.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"clients bench: {argv[0]} failed ({code}):\n{''.join(err)[-2000:]}")
    return "".join(out), usage.ru_maxrss, server.kib


def loadgen(mode):
    rates = []
    peak_client = peak_server = 0
    for _ in range(RUNS):
        # One stream per run: the duration is a floor, the load program finishes the stream.
        argv = [LOADGEN, mode, "--workload", "stream", "--concurrency", "1", "--duration",
                "1ms", "--stream-rows", str(ROWS)]
        if mode == "grpc":
            argv += ["--addr", GRPC_ADDR]
        else:
            argv += ["--uri", BOLT_URI, "--user", "root", "--database", "graph"]
        started = time.perf_counter()
        out, maxrss, server = run(argv)
        seconds = time.perf_counter() - started
        result = json.loads(out.strip().splitlines()[-1])
        rows = int(result["rows"])
        if rows < ROWS:
            sys.exit(f"clients bench: loadgen {mode} delivered {rows} of {ROWS} rows")
        rates.append(rows / seconds)
        peak_client, peak_server = max(peak_client, maxrss), max(peak_server, server)
    return max(rates), peak_client, peak_server


def rust_client():
    out, maxrss, server = run([RUST_BENCH, GRPC_ADDR, str(ROWS), str(RUNS)])
    runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(runs) == RUNS and all(r["rows"] == ROWS for r in runs), out
    return max(r["rows_per_s"] for r in runs), maxrss, server


def python_client(aio):
    argv = [sys.executable, os.path.join(PROJECT, "clients", "python", "bench", "stream.py"),
            GRPC_ADDR, "--rows", str(ROWS), "--runs", str(RUNS)] + (["--aio"] if aio else [])
    pythonpath = os.pathsep.join([os.path.join(PROJECT, "clients", "python", "src"), PYLIB])
    out, maxrss, server = run(argv, {"PYTHONPATH": pythonpath})
    rates = [float(m.replace(",", "")) for m in re.findall(r"= ([\d,]+) rows/s", out)]
    assert len(rates) == RUNS, out
    return max(rates), maxrss, server


def main():
    systems = [
        ("direct driver (neo4rs, the limit)", lambda: loadgen("direct")),
        ("graphrpc, raw gRPC (tonic load program)", lambda: loadgen("grpc")),
        ("graphrpc, Rust client (graphrpc-client)", rust_client),
        ("graphrpc, Python client (sync)", lambda: python_client(False)),
        ("graphrpc, Python client (asyncio)", lambda: python_client(True)),
    ]
    results = []
    for name, measure in systems:
        print(f"clients bench: {name} ...", file=sys.stderr, flush=True)
        rate, client_kib, server_kib = measure()
        results.append({"system": name, "rows_per_s": rate, "client_peak_rss_mib": client_kib / 1024,
                        "server_peak_rss_mib": server_kib / 1024})
    direct = results[0]["rows_per_s"]
    lines = [
        f"# {ROWS:,}-row stream through the client libraries".replace(",", " "),
        "",
        f"One stream at a time, best of {RUNS} runs; rows/s from the client's first call to its "
        "last row (the Rust and Python clients read every row's integer as an application would). "
        "*Client peak RSS*: the client process's maxrss; *graphrpc peak RSS*: sampled every 20 ms "
        "while the client ran (not applicable to the direct driver).",
        "",
        "| system | rows/s | vs direct | client peak RSS MiB | graphrpc peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        server = "" if r is results[0] else f"{r['server_peak_rss_mib']:.1f}"
        lines.append(f"| {r['system']} | {r['rows_per_s']:,.0f} | {r['rows_per_s'] / direct:.2f}× "
                     f"| {r['client_peak_rss_mib']:.1f} | {server} |".replace(",", " "))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "clients.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "clients.json"), "w") as f:
        json.dump({"rows": ROWS, "runs": RUNS, "results": results}, f, indent=1)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
