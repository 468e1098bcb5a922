"""A/B: two or more servers (graphrpc builds, the floor) measured alternately on one database
with h2load, for the figures of one change (issue 19). Each round runs every server once, in
a rotated order; the table gives medians.

    python3 bench/ab.py --bolt bolt://127.0.0.1:7687 --password PW \
        base=target/release/graphrpc-base new=target/release/graphrpc floor=bench/loadgen/target/release/floor

A server named `floor` (or whose binary is named floor) is started as the floor; every other
as `graphrpc serve` with the default configuration (per-call log line to a file) and one
worker thread, like bench/run.sh. Extra graphrpc flags: NAME=BINARY:--flag=value,--other=x.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def micros(text):
    for unit, scale in (("us", 1), ("ms", 1000), ("s", 1_000_000)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return None


def h2load(port, frame, concurrency, seconds):
    argv = ["h2load", "-D", str(seconds), "-c", "1", "-m", str(concurrency), "-t", "1",
            "-d", frame, "-H", "content-type: application/grpc", "-H", "te: trailers",
            f"http://127.0.0.1:{port}/graphrpc.v1.GraphQueryService/Run"]
    out = subprocess.run(argv, capture_output=True, text=True).stdout
    m = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", out)
    r = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", out)
    t = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", out)
    return {"rps": float(m.group(2)) if m else 0.0, "ok": int(r.group(1)) if r else 0,
            "failed": int(r.group(2)) if r else -1, "mean_us": micros(t.group(3)) if t else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bolt", required=True)
    ap.add_argument("--password", default=os.environ.get("GRAPHDB_PASSWORD", ""))
    ap.add_argument("--database", default="graph")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--workloads", default="return1 point")
    ap.add_argument("--concurrencies", default="1 32")
    ap.add_argument("--loadgen", default=os.path.join(HERE, "loadgen/target/release/loadgen"))
    ap.add_argument("--logs", default="/tmp")
    ap.add_argument("--json", help="append the medians here, one JSON object per line")
    ap.add_argument("servers", nargs="+", help="NAME=BINARY[:--flag=value,...]")
    args = ap.parse_args()

    procs = {}
    ports = {}
    env = {**os.environ, "NEO4J_PASSWORD": args.password}
    try:
        for spec in args.servers:
            name, rest = spec.split("=", 1)
            binary, _, flags = rest.partition(":")
            port = free_port()
            log = open(os.path.join(args.logs, f"ab-{name}.log"), "w")
            if name == "floor" or os.path.basename(binary) == "floor":
                argv = [binary, "--listen", f"127.0.0.1:{port}", "--neo4j-uri", args.bolt,
                        "--neo4j-username", "root", "--neo4j-database", args.database,
                        "--worker-threads", "1"]
            else:
                argv = [binary, "serve", "--admin-listen", "127.0.0.1:0", "--listen",
                        f"127.0.0.1:{port}", "--neo4j-uri", args.bolt, "--neo4j-username",
                        "root", "--neo4j-database", args.database, "--worker-threads", "1"]
            argv += [f for f in flags.split(",") if f]
            procs[name] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
            ports[name] = port
        frames = {}
        for w in args.workloads.split():
            frames[w] = os.path.join(args.logs, f"ab-{w}.bin")
            with open(frames[w], "wb") as f:
                subprocess.run([args.loadgen, "frame", "--workload", w, "--id", "4242"],
                               stdout=f, check=True)
        for name, port in ports.items():
            for _ in range(100):
                if h2load(port, frames[args.workloads.split()[0]], 1, 1)["ok"]:
                    break
                time.sleep(0.2)
            else:
                sys.exit(f"ab: {name} did not answer")
        names = list(ports)
        results = {}
        for w in args.workloads.split():
            for c in [int(x) for x in args.concurrencies.split()]:
                for name in names:  # warm-up
                    h2load(ports[name], frames[w], c, 1)
                for i in range(args.rounds):
                    order = names[i % len(names):] + names[: i % len(names)]
                    for name in order:
                        pid = procs[name].pid
                        before = cpu_seconds(pid)
                        r = h2load(ports[name], frames[w], c, args.seconds)
                        r["cpu_us"] = (cpu_seconds(pid) - before) / max(1, r["ok"]) * 1e6
                        results.setdefault((w, c, name), []).append(r)
                        print(f"ab: {w:8} c={c:<3} {name:10} {r['rps']:9.0f} req/s  mean "
                              f"{r['mean_us']} us  cpu {r['cpu_us']:.1f} us/call  failed "
                              f"{r['failed']}", file=sys.stderr)
                        time.sleep(0.5)
        print()
        base = names[0]
        print(f"| workload | conc. | server | req/s | vs {base} | mean µs | CPU µs/call |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for w in args.workloads.split():
            for c in [int(x) for x in args.concurrencies.split()]:
                ref = statistics.median(r["rps"] for r in results[(w, c, base)])
                for name in names:
                    rs = results[(w, c, name)]
                    rps = statistics.median(r["rps"] for r in rs)
                    mean = statistics.median(r["mean_us"] or 0 for r in rs)
                    cpu = statistics.median(r["cpu_us"] for r in rs)
                    print(f"| {w} | {c} | {name} | {rps:.0f} | {rps / ref:.3f}× | {mean:.0f} | "
                          f"{cpu:.1f} |")
                    if args.json:
                        with open(args.json, "a") as f:
                            f.write(json.dumps({"workload": w, "concurrency": c, "server": name,
                                                "rps": rps, "mean_us": mean, "cpu_us": cpu,
                                                "runs": rs}) + "\n")
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
