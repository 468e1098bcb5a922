"""The 1 000 000-row stream through graphrpc's client libraries, beside the direct driver and
the raw gRPC load program (bench/clients.sh runs it; see there for the environment).

Each system streams the same statement (the bench's `stream` workload) at concurrency 1 for
BENCH_CLIENT_RUNS whole streams; it reports rows/s of the best run, the client process's peak
RSS (VmHWM, sampled) and graphrpc's peak RSS sampled every 20 ms while the client ran.
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
SECONDS = float(os.environ.get("BENCH_CLIENT_SECONDS", "5"))
GRPC_ADDR = os.environ["GRPC_ADDR"]
BOLT_URI = os.environ["BOLT_URI"]
LOADGEN = os.environ["LOADGEN"]
RUST_BENCH = os.environ["RUST_STREAM_BENCH"]
PYLIB = os.environ["CLIENT_PYLIB"]
SERVER_PID = os.environ.get("GRAPHRPC_PID")
OUT = os.environ.get("BENCH_CLIENTS_OUT", os.path.join(HERE, "results"))


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Peaks:
    """While a client runs, every 20 ms: its peak RSS (VmHWM, which exec resets; wait4's
    ru_maxrss would keep the forking Python's own size) and graphrpc's RSS (VmRSS)."""

    def __init__(self, pid):
        self.pid = pid
        self.client = self.server = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.02):
            self.client = max(self.client, status_kib(self.pid, "VmHWM"))
            if SERVER_PID:
                self.server = max(self.server, status_kib(SERVER_PID, "VmRSS"))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(argv, env=None):
    """stdout of the child, its peak RSS and graphrpc's, in KiB."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    with Peaks(proc.pid) as peaks:
        out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"clients bench: {argv[0]} failed ({proc.returncode}):\n{err[-2000:]}")
    return out, peaks.client, peaks.server


def loadgen(mode):
    """The load program's own figure: streams back to back for BENCH_CLIENT_SECONDS, rows/s
    counting the rows of a stream cut off at the end (as make bench's stream workload)."""
    rates = []
    peak_client = peak_server = 0
    for _ in range(RUNS):
        argv = [LOADGEN, mode, "--workload", "stream", "--concurrency", "1", "--duration",
                f"{SECONDS}s", "--stream-rows", str(ROWS)]
        if mode == "grpc":
            argv += ["--addr", GRPC_ADDR]
        else:
            argv += ["--uri", BOLT_URI, "--user", "root", "--database", "graph"]
        out, maxrss, server = run(argv)
        result = json.loads(out.strip().splitlines()[-1])
        if result["errors"] or int(result["rows"]) == 0:
            sys.exit(f"clients bench: loadgen {mode}: {result}")
        rates.append(float(result["rows_per_s"]))
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
        f"One stream at a time, best of {RUNS} runs. The client libraries: rows/s of one whole "
        "stream, from the call to its last row, each row's integer read as an application would. "
        f"The load programs (direct driver, raw gRPC): streams back to back for {SECONDS:g} s, "
        "rows/s counting a stream cut off at the end, as make bench's stream workload. "
        "*Client peak RSS*: the client process's VmHWM; *graphrpc peak RSS*: sampled every 20 ms "
        "while the client ran (not applicable to the direct driver).",
        "",
        "| system | rows/s | vs direct | client peak RSS MiB | graphrpc peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        server = "" if r is results[0] else f"{r['server_peak_rss_mib']:.1f}"
        rate = f"{r['rows_per_s']:,.0f}".replace(",", " ")
        lines.append(f"| {r['system']} | {rate} | {r['rows_per_s'] / direct:.2f}× "
                     f"| {r['client_peak_rss_mib']:.1f} | {server} |")
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "clients.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "clients.json"), "w") as f:
        json.dump({"rows": ROWS, "runs": RUNS, "results": results}, f, indent=1)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
