"""Runs the benchmark's workloads against every system, side by side, and records the
measurements as JSON lines in bench/results/raw/runs.jsonl. Started by bench/run.sh, which
has already started the database, graphrpc and the two Flask baselines and passes their
addresses and process ids in the environment.

For each workload and concurrency, each system gets a short warm-up run and then a measured
run of BENCH_DURATION. Around the measured run it reads, from /proc:
  - the server's CPU seconds (utime + stime of the process and its children: graphrpc; the
    gunicorn master and workers). For the direct driver the "server" is the load program
    itself, since the driver runs in it: its CPU comes from wait4's rusage;
  - the server's RSS, sampled every 20 ms (peak, and the value just before the run);
  - the database's CPU seconds.
Then it cross-checks the gRPC load program against h2load on a fixed point lookup.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.environ.get("BENCH_RAW", os.path.join(HERE, "results", "raw"))
TICK = os.sysconf("SC_CLK_TCK")


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"bench.py: {name} is not set (run bench/run.sh)")
    return value


def seconds(text):
    text = text.strip()
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    if text.endswith("s"):
        return float(text[:-1])
    if text.endswith("m"):
        return float(text[:-1]) * 60
    return float(text)


DURATION = seconds(env("BENCH_DURATION", "10s"))
WARMUP = seconds(env("BENCH_WARMUP", "2s"))
SETTLE = seconds(env("BENCH_SETTLE", "1s"))
CONCURRENCIES = [int(c) for c in env("BENCH_CONCURRENCIES", "1 32").split()]
WORKLOADS = env("BENCH_WORKLOADS", "return1 point twohop stream").split()
SYSTEMS = env("BENCH_SYSTEMS", "graphrpc floor direct flask flask-per-request").split()
STREAM_ROWS = int(env("BENCH_STREAM_ROWS", "1000000"))
POOL_SIZE = env("BENCH_POOL_SIZE", "16")
LOADGEN = env("LOADGEN")
GRPC_ADDR = env("GRPC_ADDR")
# The floor (bench/floor): the same service with no features, the limit graphrpc is held to.
FLOOR_ADDR = env("FLOOR_ADDR")
BOLT_URI = env("BOLT_URI")
DB_PASSWORD = env("GRAPHDB_PASSWORD")
DB_NAME = env("GRAPHDB_NAME", "graph")
FLASK_URL = env("FLASK_URL")
FLASK_PR_URL = env("FLASK_PR_URL")
PIDS = {
    "graphrpc": int(env("GRAPHRPC_PID")),
    "floor": int(env("FLOOR_PID")),
    "flask": int(env("FLASK_PID")),
    "flask-per-request": int(env("FLASK_PR_PID")),
}
DB_PID = int(env("DB_PID"))
FIXED_ID = 4242


# ---- /proc readings -------------------------------------------------------------------

def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


def cpu_seconds(pid):
    total = 0.0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        except OSError:
            pass
    return total


def rss_kb(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(self.interval)

    def finish(self):
        self.stop.set()
        self.join()
        self.peak = max(self.peak, rss_kb(self.pid))
        return self.peak


def run_child(argv, extra_env=None):
    """Runs a command; returns (exit code, stdout, stderr, CPU seconds, max RSS in KiB)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(extra_env or {})})
    # Read the pipes on threads, then reap with wait4 for the child's rusage.
    out, err = [], []
    readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(proc.stdout, out)),
               threading.Thread(target=lambda s, b: b.append(s.read()), args=(proc.stderr, err))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, "".join(out), "".join(err), usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss)


# ---- the load programs ----------------------------------------------------------------

def loadgen_argv(system, workload, concurrency, duration, fixed_id=None):
    common = ["--workload", workload, "--concurrency", str(concurrency),
              "--duration", f"{duration}s", "--stream-rows", str(STREAM_ROWS)]
    if fixed_id is not None:
        common += ["--fixed-id", str(fixed_id)]
    if workload == "stream":
        # No stream cut off at the end of a run: the database would go on with it into the
        # next system's run (see the load program's --complete).
        common += ["--complete"]
    if system == "graphrpc":
        return [LOADGEN, "grpc", "--addr", GRPC_ADDR] + common
    if system == "floor":
        return [LOADGEN, "grpc", "--addr", FLOOR_ADDR] + common
    return [LOADGEN, "direct", "--uri", BOLT_URI, "--user", "root", "--database", DB_NAME,
            "--pool-size", POOL_SIZE] + common


def wrk_argv(url, concurrency, duration):
    threads = min(2, concurrency)
    return ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--timeout", "300s",
            "-s", os.path.join(HERE, "flask", "wrk.lua"), url]


_stream_body_bytes = None


def stream_body_bytes():
    """Bytes of one complete Flask /stream response body (one JSON array per line)."""
    global _stream_body_bytes
    if _stream_body_bytes is None:
        _stream_body_bytes = sum(len(json.dumps([i, f"row-{i}"])) + 1
                                 for i in range(1, STREAM_ROWS + 1))
    return _stream_body_bytes


def load(system, workload, concurrency, duration, out_json=None, fixed_id=None):
    """Runs one load program; returns its JSON result plus its own CPU and RSS."""
    secret = {"LOADGEN_NEO4J_PASSWORD": DB_PASSWORD}
    if system in ("graphrpc", "floor", "direct"):
        code, out, err, cpu, maxrss = run_child(
            loadgen_argv(system, workload, concurrency, duration, fixed_id), secret)
        try:
            result = json.loads(out.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {"requests": 0, "errors": 1, "first_error": err.strip()[-500:] or
                      f"loadgen exited {code}"}
    else:
        url = FLASK_URL if system == "flask" else FLASK_PR_URL
        tmp = os.path.join(RAW, "wrk.json.tmp")
        extra = {"WRK_WORKLOAD": workload, "WRK_JSON": tmp, "WRK_SEED": "20240909"}
        if fixed_id is not None:
            extra["WRK_FIXED_ID"] = str(fixed_id)
        code, out, err, cpu, maxrss = run_child(wrk_argv(url, concurrency, duration), extra)
        try:
            with open(tmp) as f:
                result = json.load(f)
            os.unlink(tmp)
        except (OSError, json.JSONDecodeError):
            result = {"requests": 0, "errors": 1, "first_error": (out + err).strip()[-500:]}
        elapsed = result.get("duration_s") or duration
        result["duration_s"] = elapsed
        result["requests_per_s"] = result["requests"] / elapsed
        if workload == "stream":
            # wrk counts every byte read, cut-off responses included: rows from bytes.
            result["rows"] = int(result.get("bytes", 0) / stream_body_bytes() * STREAM_ROWS)
        else:
            result["rows"] = None
        result["rows_per_s"] = (result["rows"] / elapsed) if result["rows"] is not None else None
        if result.get("errors"):
            result["first_error"] = f"wrk errors: {result.get('errors_detail')}"
        if not result.get("requests"):
            result["latency_us"] = {}  # wrk reports 0s when nothing completed
    result["load_exit_code"] = code
    result["client_cpu_s"] = cpu
    result["client_maxrss_kb"] = maxrss
    return result


def settle_db(most=30.0):
    """Waits until the database is idle (under a tenth of a core for half a second), at most
    `most` seconds: a 1M-row statement cut off at the end of a cell can keep the database
    busy into the next cell, which then measures the previous system's leftovers."""
    end = time.monotonic() + most
    while time.monotonic() < end:
        before = cpu_seconds(DB_PID)
        time.sleep(0.5)
        if cpu_seconds(DB_PID) - before < 0.05:
            return


def measure(system, workload, concurrency):
    settle_db()
    if WARMUP > 0:
        load(system, workload, concurrency, WARMUP)
        time.sleep(SETTLE)
        settle_db()
    server_pid = PIDS.get(system)
    sampler = None
    if server_pid:
        rss_before = rss_kb(server_pid)
        cpu_before = cpu_seconds(server_pid)
        sampler = RssSampler(server_pid)
        sampler.start()
    db_before = cpu_seconds(DB_PID)
    result = load(system, workload, concurrency, DURATION)
    db_cpu = cpu_seconds(DB_PID) - db_before
    if sampler:
        result["server_cpu_s"] = cpu_seconds(server_pid) - cpu_before
        result["server_rss_before_kb"] = rss_before
        result["server_rss_peak_kb"] = sampler.finish()
        result["server"] = {"graphrpc": "graphrpc", "floor": "floor (bench/floor)"}.get(
            system, "gunicorn (master + 2 workers)")
    else:
        # The direct driver runs inside the load program: it is the "server" here.
        result["server_cpu_s"] = result["client_cpu_s"]
        result["server_rss_before_kb"] = None
        result["server_rss_peak_kb"] = result["client_maxrss_kb"]
        result["server"] = "load program (neo4rs in-process)"
    result["db_cpu_s"] = db_cpu
    result.update(system=system, workload=workload, concurrency=concurrency)
    time.sleep(SETTLE)
    return result


# ---- h2load cross-check ---------------------------------------------------------------

def h2load(concurrency, duration, system="graphrpc", workload="point"):
    """h2load driving Run with one fixed framed RunRequest (built by `loadgen frame`)."""
    frame = os.path.join(RAW, f"{workload}-request.bin")
    with open(frame, "wb") as f:
        subprocess.run([LOADGEN, "frame", "--workload", workload, "--id", str(FIXED_ID)],
                       stdout=f, check=True)
    addr = FLOOR_ADDR if system == "floor" else GRPC_ADDR
    url = addr.rstrip("/") + "/graphrpc.v1.GraphQueryService/Run"
    argv = ["h2load", "-D", str(int(max(1, round(duration)))), "-c", "1", "-m", str(concurrency),
            "-t", "1", "-d", frame, "-H", "content-type: application/grpc",
            "-H", "te: trailers", url]
    pid = PIDS[system]
    cpu_before = cpu_seconds(pid)
    db_before = cpu_seconds(DB_PID)
    code, out, err, cpu, maxrss = run_child(argv)
    server_cpu = cpu_seconds(pid) - cpu_before
    m = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", out)
    r = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    t = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", out)

    def micros(text):
        for unit, scale in (("us", 1), ("ms", 1000), ("s", 1_000_000)):
            if text.endswith(unit):
                return float(text[:-len(unit)]) * scale
        return None
    result = {
        "system": system, "tool": "h2load", "workload": workload, "concurrency": concurrency,
        "fixed_id": FIXED_ID, "command": " ".join(shlex.quote(a) for a in argv),
        "load_exit_code": code,
        "duration_s": float(m.group(1)) if m else None,
        "requests_per_s": float(m.group(2)) if m else 0.0,
        "requests": int(r.group(4)) if r else 0,
        "errors": (int(r.group(5)) + int(r.group(6)) + int(r.group(7))) if r else 1,
        "latency_us": {"mean": micros(t.group(3)) if t else None,
                       "max": micros(t.group(2)) if t else None},
        "server_cpu_s": server_cpu, "db_cpu_s": cpu_seconds(DB_PID) - db_before,
        "client_cpu_s": cpu, "raw": out[-1500:],
    }
    return result


AB_ROUNDS = int(env("BENCH_AB_ROUNDS", "3"))
AB_DURATION = seconds(env("BENCH_AB_DURATION", "5s"))
AB_STREAM_DURATION = seconds(env("BENCH_AB_STREAM_DURATION", "10s"))


def alternated():
    """graphrpc against the floor, alternated (A B A B ...) on the same database with h2load
    (whose own CPU is a fraction of the load program's, so the servers, not the client,
    share the two cores): the ratios of the issue-19 targets come from these runs."""
    out = []
    for workload in ("return1", "point"):
        for concurrency in CONCURRENCIES:
            settle_db()
            h2load(concurrency, 1, "graphrpc", workload)  # warm-up
            h2load(concurrency, 1, "floor", workload)
            for i in range(AB_ROUNDS):
                order = ("graphrpc", "floor") if i % 2 == 0 else ("floor", "graphrpc")
                for system in order:
                    r = h2load(concurrency, AB_DURATION, system, workload)
                    r.update(tool="h2load-ab", round=i)
                    out.append(r)
                    print(f"bench: A/B {workload:8} c={concurrency:<3} {system:9} round {i}: "
                          f"{r['requests_per_s']:10.1f} req/s, mean "
                          f"{r['latency_us']['mean']} us, server CPU {r['server_cpu_s']:.2f} s "
                          f"(errors {r['errors']})", file=sys.stderr)
                    time.sleep(SETTLE / 2)
    return out


def floor_cannot_stream(system, concurrency):
    """More 1M-row streams than pool connections through the floor wedge ArcadeDB. Seen: the
    floor's runs at c=32 got "connection timed out" on 19 and 28 of 32 streams (its pool opens
    connections under load with a 5 s connect timeout and no retry), and afterwards the
    database served no new connection: the direct driver got 0 rows and 32 errors in 594 s,
    9 connections sat with their handshake unread by the database, and database sockets held
    16-23 KB unsent to clients not reading them. Without the floor, graphrpc and the direct
    driver alternated at c=32 all completed. So the floor streams only up to the pool size."""
    return system == "floor" and concurrency > int(POOL_SIZE)


def alternated_stream():
    """The 1M-row stream through graphrpc, the floor and the direct driver in turn (rotated
    order each round), the database idle before each run: the stream targets of issue 19 come
    from the medians of these runs. Every stream runs to its end (--complete)."""
    out = []
    for concurrency in CONCURRENCIES:
        systems = [s for s in ("graphrpc", "floor", "direct") if s in SYSTEMS
                   and not floor_cannot_stream(s, concurrency)]
        for i in range(AB_ROUNDS):
            order = systems[i % len(systems):] + systems[:i % len(systems)]
            for system in order:
                settle_db()
                pid = PIDS.get(system)
                cpu_before = cpu_seconds(pid) if pid else None
                r = load(system, "stream", concurrency, AB_STREAM_DURATION)
                r["server_cpu_s"] = (cpu_seconds(pid) - cpu_before) if pid else r["client_cpu_s"]
                r.update(system=system, workload="stream", concurrency=concurrency,
                         tool="loadgen-ab", round=i)
                out.append(r)
                print(f"bench: A/B stream   c={concurrency:<3} {system:9} round {i}: "
                      f"{r.get('rows_per_s') or 0:12.0f} rows/s (errors {r.get('errors')})",
                      file=sys.stderr)
    return out


IDLE_STREAMS = int(env("BENCH_IDLE_STREAMS", "1000"))


def idle_streams_memory():
    """graphrpc's RSS while IDLE_STREAMS Transaction calls are open and silent. Measured on
    a second graphrpc (MEM_ADDR) whose only change is a call limit above IDLE_STREAMS: the
    default (512) would refuse the rest."""
    pid = int(env("MEM_PID"))
    before = rss_kb(pid)
    proc = subprocess.Popen([LOADGEN, "idle-streams", "--addr", env("MEM_ADDR"), "--count",
                             str(IDLE_STREAMS), "--hold", "4s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    peak = 0
    for _ in range(30):
        peak = max(peak, rss_kb(pid))
        time.sleep(0.1)
    out, err = proc.communicate()
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"count": IDLE_STREAMS, "open": 0, "refused": IDLE_STREAMS,
                  "first_error": (first + err).strip()[-300:]}
    result.update(rss_kb=peak, before_kb=before)
    print(f"bench: {result['open']} idle streams open ({result['refused']} refused): graphrpc "
          f"RSS {before / 1024:.1f} → {peak / 1024:.1f} MiB", file=sys.stderr)
    return result


def main():
    os.makedirs(RAW, exist_ok=True)
    runs_path = os.path.join(RAW, "runs.jsonl")
    meta = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration_s": DURATION, "warmup_s": WARMUP, "pool_size": int(POOL_SIZE),
        "graphrpc_threads": os.environ.get("BENCH_GRAPHRPC_THREADS", "1"),
        "stream_rows": STREAM_ROWS, "cores": os.cpu_count(),
        "idle_rss_kb": {name: rss_kb(pid) for name, pid in PIDS.items()},
        "cpu_model": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                           if line.startswith("model name")), "?"),
    }
    with open(os.path.join(RAW, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"bench: idle RSS (KiB): {meta['idle_rss_kb']}", file=sys.stderr)
    with open(runs_path, "w") as runs:
        for workload in WORKLOADS:
            for concurrency in CONCURRENCIES:
                for system in SYSTEMS:
                    if system == "flask-per-request" and workload == "stream":
                        continue  # one extra connection per 1M-row stream: nothing to learn
                    if workload == "stream" and floor_cannot_stream(system, concurrency):
                        continue
                    r = measure(system, workload, concurrency)
                    runs.write(json.dumps(r) + "\n")
                    runs.flush()
                    lat = r.get("latency_us") or {}
                    print(f"bench: {workload:8} c={concurrency:<3} {system:18} "
                          f"{r.get('requests_per_s', 0):10.1f} req/s  "
                          f"p50 {lat.get('p50')} us  p99 {lat.get('p99')} us  "
                          f"errors {r.get('errors')}"
                          + (f"  ({r.get('first_error')})" if r.get("errors") else ""),
                          file=sys.stderr)
        if "graphrpc" in SYSTEMS and "floor" in SYSTEMS and AB_ROUNDS > 0:
            for r in alternated():
                runs.write(json.dumps(r) + "\n")
        if "stream" in WORKLOADS and "graphrpc" in SYSTEMS and "direct" in SYSTEMS \
                and AB_ROUNDS > 0:
            for r in alternated_stream():
                runs.write(json.dumps(r) + "\n")
        if "graphrpc" in SYSTEMS and os.environ.get("BENCH_H2LOAD", "1") == "1":
            for concurrency in CONCURRENCIES:
                same = measure_fixed(concurrency)
                h2 = h2load(concurrency, DURATION)
                time.sleep(SETTLE)
                for r in (same, h2):
                    runs.write(json.dumps(r) + "\n")
                print(f"bench: cross-check point(id {FIXED_ID}) c={concurrency}: loadgen "
                      f"{same['requests_per_s']:.1f} req/s, h2load "
                      f"{h2['requests_per_s']:.1f} req/s (errors {h2['errors']})",
                      file=sys.stderr)
    if os.environ.get("MEM_PID") and IDLE_STREAMS > 0:
        meta["idle_streams"] = idle_streams_memory()
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    meta["peak_rss_lifetime_kb"] = {}
    for name, pid in PIDS.items():
        try:
            with open(f"/proc/{pid}/status") as f:
                meta["peak_rss_lifetime_kb"][name] = next(
                    int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            pass
    with open(os.path.join(RAW, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def measure_fixed(concurrency):
    """The load program on the same fixed request h2load sends."""
    load("graphrpc", "point", concurrency, WARMUP, fixed_id=FIXED_ID)
    pid = PIDS["graphrpc"]
    cpu_before, db_before = cpu_seconds(pid), cpu_seconds(DB_PID)
    r = load("graphrpc", "point", concurrency, DURATION, fixed_id=FIXED_ID)
    r.update(system="graphrpc", tool="loadgen", workload="point", concurrency=concurrency,
             fixed_id=FIXED_ID, server_cpu_s=cpu_seconds(pid) - cpu_before,
             db_cpu_s=cpu_seconds(DB_PID) - db_before)
    time.sleep(SETTLE)
    return r


if __name__ == "__main__":
    main()
