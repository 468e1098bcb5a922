"""Turns bench/bench.py's measurements into bench/results/latest.md (tables, ratios, the
targets) and bench/results/chart.png (throughput and p99 by system and concurrency), and
prints the markdown.

    python3 bench/report.py RAW_DIR OUT_DIR
"""

import json
import os
import sys

SYSTEM_NAMES = {
    "graphrpc": "graphrpc (gRPC)",
    "floor": "floor (bare gRPC over Bolt)",
    "direct": "direct neo4rs",
    "flask": "Flask, module-level driver",
    "flask-per-request": "Flask, driver per request",
}
WORKLOAD_NAMES = {
    "return1": "RETURN 1",
    "point": "point lookup by id",
    "twohop": "2-hop friends of friends",
    "stream": "1 000 000-row stream",
}


def ms(us):
    return "–" if us is None else f"{us / 1000:.2f}"


def num(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}".replace(",", " ")


def ratio(a, b):
    return None if not a or not b else a / b


def fmt_ratio(r, digits=2):
    return "–" if r is None else f"{r:.{digits}f}×"


def throughput(r):
    """Requests/s, or rows/s for the stream (cut-off streams count the rows they delivered)."""
    if r["workload"] == "stream":
        return r.get("rows_per_s")
    return r.get("requests_per_s")


def cpu_per_unit(r, cpu_key):
    cpu = r.get(cpu_key)
    if cpu is None:
        return None
    if r["workload"] == "stream":
        rows = r.get("rows") or 0
        return cpu / rows * 1_000_000 if rows else None  # per million rows (one full stream)
    reqs = r.get("requests") or 0
    return cpu / reqs * 1000 if reqs else None


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def load(raw):
    runs = [json.loads(line) for line in open(os.path.join(raw, "runs.jsonl")) if line.strip()]
    meta = json.load(open(os.path.join(raw, "meta.json")))
    return runs, meta


def main():
    raw, out = sys.argv[1], sys.argv[2]
    runs, meta = load(raw)
    main_runs = [r for r in runs if "tool" not in r]
    cross = [r for r in runs if r.get("tool") in ("h2load", "loadgen")]
    ab = [r for r in runs if r.get("tool") == "h2load-ab"]
    ab_stream = [r for r in runs if r.get("tool") == "loadgen-ab"]
    by = {(r["system"], r["workload"], r["concurrency"]): r for r in main_runs}
    workloads = [w for w in WORKLOAD_NAMES if any(k[1] == w for k in by)]
    concurrencies = sorted({k[2] for k in by})
    systems = [s for s in SYSTEM_NAMES if any(k[0] == s for k in by)]

    lines = []
    add = lines.append
    def threads(n):
        return "one worker thread per core" if n == "0" else (
            "1 worker thread" if n == "1" else f"{n} worker threads")

    add("# graphrpc benchmark: latest results")
    add("")
    add(f"Run {meta['started']} – {meta.get('finished', '?')} on {meta['cores']} cores "
        f"({meta['cpu_model']}), shared by the database, the server under test and the load "
        f"program. Each cell is one measured run of {meta['duration_s']:g} s after a "
        f"{meta['warmup_s']:g} s warm-up; all systems were measured in the same run, one after "
        f"the other for each workload. graphrpc and the direct driver use a pool of "
        f"{meta['pool_size']} Bolt connections and a fetch size of 1000; graphrpc runs "
        f"{threads(meta.get('graphrpc_threads', '0'))} and the load program (direct driver and "
        f"gRPC client alike) one per core; the Flask apps run on "
        f"gunicorn (2 gthread workers × 8 threads) with the official neo4j Python driver and "
        f"are loaded with wrk. Produced by `make bench` (bench/run.sh).")
    add("")
    add("Throughput is requests/s (rows/s for the stream: the load program's streams run to "
        "their end, over the time the last one took; wrk's Flask streams are cut off at the "
        "end of the run and count the rows they delivered). Latencies in ms. *Server CPU* is the CPU seconds of the "
        "process that talks Bolt (graphrpc; the gunicorn master and workers; for the direct "
        "driver, the load program itself) per 1000 requests (per 1M rows for the stream); "
        "*DB CPU* the same for the database. *Peak RSS* is the server's peak resident memory "
        "during the run (sampled every 20 ms; the direct driver: the load program's maxrss). "
        "*vs floor* is graphrpc's throughput over the floor's (bench/floor: tonic, the same "
        "vendored neo4rs and pool settings and graphrpc's value conversion, no features) in "
        "these sequential runs; the targets use the alternated runs below.")
    add("")
    for w in workloads:
        add(f"## {WORKLOAD_NAMES[w]}")
        add("")
        unit = "rows/s" if w == "stream" else "req/s"
        add(f"| system | conc. | {unit} | p50 | p99 | p99.9 | server CPU s | DB CPU s | "
            f"peak RSS MiB | errors | vs floor | vs direct | vs Flask |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in concurrencies:
            for s in systems:
                r = by.get((s, w, c))
                if r is None:
                    continue
                # No completed request (a stream cut off by the end of the run): no latency.
                lat = (r.get("latency_us") or {}) if r.get("requests") else {}
                t = throughput(r)
                vs_direct = vs_flask = vs_floor = None
                if s in ("graphrpc", "floor"):
                    vs_direct = ratio(t, throughput(by.get(("direct", w, c), {"workload": w})))
                if s == "graphrpc":
                    vs_floor = ratio(t, throughput(by.get(("floor", w, c), {"workload": w})))
                    vs_direct = ratio(t, throughput(by.get(("direct", w, c), {"workload": w})))
                    vs_flask = ratio(t, throughput(by.get(("flask", w, c), {"workload": w})))
                peak = r.get("server_rss_peak_kb")
                add(f"| {SYSTEM_NAMES[s]} | {c} | {num(t)} | {ms(lat.get('p50'))} | "
                    f"{ms(lat.get('p99'))} | {ms(lat.get('p999'))} | "
                    f"{num(cpu_per_unit(r, 'server_cpu_s'), 3)} | "
                    f"{num(cpu_per_unit(r, 'db_cpu_s'), 3)} | "
                    f"{num(peak / 1024 if peak else None, 1)} | {r.get('errors', 0)} | "
                    f"{fmt_ratio(vs_floor)} | {fmt_ratio(vs_direct)} | {fmt_ratio(vs_flask, 1)} |")
        add("")

    # ---- targets --------------------------------------------------------------------
    def get(s, w, c):
        return by.get((s, w, c))

    def p(s, w, c, q):
        r = get(s, w, c)
        return (r.get("latency_us") or {}).get(q) if r and r.get("requests") else None

    targets = []

    def target(name, measured, ok):
        targets.append((name, measured, "met" if ok else ("missed" if ok is not None else "n/a")))

    hi = max(concurrencies) if concurrencies else 32
    lo = min(concurrencies) if concurrencies else 1
    g, d = get("graphrpc", "point", hi), get("direct", "point", hi)
    if g and d:
        rr = ratio(throughput(g), throughput(d))
        target(f"point lookup, c={hi}: graphrpc throughput ≥ 0.90 × direct",
               f"{fmt_ratio(rr)} ({num(throughput(g))} vs {num(throughput(d))} req/s)",
               rr is not None and rr >= 0.90)
    for w in ("return1", "point", "twohop"):
        gp, dp = p("graphrpc", w, lo, "p50"), p("direct", w, lo, "p50")
        if gp is not None and dp is not None:
            target(f"{WORKLOAD_NAMES[w]}, c={lo}: graphrpc p50 − direct p50 ≤ 100 µs",
                   f"{gp - dp} µs ({gp} vs {dp} µs)", gp - dp <= 100)
    for w in ("point", "twohop"):
        for c in concurrencies:
            g, f = get("graphrpc", w, c), get("flask", w, c)
            if g and f:
                rr = ratio(throughput(g), throughput(f))
                target(f"{WORKLOAD_NAMES[w]}, c={c}: graphrpc ≥ 15 × Flask throughput",
                       f"{fmt_ratio(rr, 1)} ({num(throughput(g))} vs {num(throughput(f))} req/s)",
                       rr is not None and rr >= 15)
                gp, fp = p("graphrpc", w, c, "p99"), p("flask", w, c, "p99")
                if gp and fp:
                    target(f"{WORKLOAD_NAMES[w]}, c={c}: graphrpc p99 ≤ 1/5 of Flask p99",
                           f"{gp / fp:.3f} ({ms(gp)} vs {ms(fp)} ms)", gp / fp <= 0.2)
    for c in concurrencies:
        g, d = get("graphrpc", "stream", c), get("direct", "stream", c)
        if g and g.get("server_rss_before_kb") is not None:
            grow = (g["server_rss_peak_kb"] - g["server_rss_before_kb"]) / 1024
            target(f"stream, c={c}: graphrpc RSS growth while streaming ≤ 32 MB",
                   f"{grow:.1f} MiB ({g['server_rss_before_kb'] / 1024:.1f} → "
                   f"{g['server_rss_peak_kb'] / 1024:.1f} MiB)", grow <= 32 * 1e6 / 2**20)

    # Issue 19: graphrpc against the floor, from the alternated h2load runs (medians).
    floor_rows = []
    for w in ("return1", "point"):
        for c in concurrencies:
            pair = {}
            for system in ("graphrpc", "floor"):
                rs = [r for r in ab if r["system"] == system and r["workload"] == w
                      and r["concurrency"] == c and r.get("requests")]
                if rs:
                    pair[system] = {
                        "rps": median([r["requests_per_s"] for r in rs]),
                        "mean": median([(r.get("latency_us") or {}).get("mean") or 0 for r in rs]),
                        "cpu_us": median([r["server_cpu_s"] / r["requests"] * 1e6 for r in rs]),
                        "n": len(rs), "errors": sum(r.get("errors", 0) for r in rs),
                    }
            if len(pair) == 2:
                floor_rows.append((w, c, pair))
                g, f = pair["graphrpc"], pair["floor"]
                if c == hi:
                    rr = ratio(g["rps"], f["rps"])
                    target(f"{WORKLOAD_NAMES[w]}, c={c}: graphrpc ≥ 0.90 × floor (alternated)",
                           f"{fmt_ratio(rr)} ({num(g['rps'])} vs {num(f['rps'])} req/s)",
                           rr is not None and rr >= 0.90)
                if c == lo:
                    extra = g["mean"] - f["mean"]
                    target(f"{WORKLOAD_NAMES[w]}, c={c}: graphrpc mean − floor mean ≤ 20 µs "
                           f"(alternated)", f"{extra:+.0f} µs ({g['mean']:.0f} vs "
                           f"{f['mean']:.0f} µs)", extra <= 20)
    stream_rows = []
    for c in concurrencies:
        need = 0.95 if c == lo else 0.90
        medians = {}
        for system in ("graphrpc", "floor", "direct"):
            rs = [r for r in ab_stream if r["system"] == system and r["concurrency"] == c]
            if rs:
                medians[system] = {
                    "rows_s": median([r.get("rows_per_s") or 0 for r in rs]),
                    "cpu_us": median([r["server_cpu_s"] / r["rows"] * 1e6 if r.get("rows")
                                      else 0 for r in rs]),
                    "n": len(rs), "errors": sum(r.get("errors") or 0 for r in rs),
                }
        if "graphrpc" in medians and "direct" in medians:
            stream_rows.append((c, medians))
            g, d = medians["graphrpc"]["rows_s"], medians["direct"]["rows_s"]
            rr = ratio(g, d)
            target(f"stream, c={c}: graphrpc rows/s ≥ {need:.2f} × direct (alternated)",
                   f"{fmt_ratio(rr)} ({num(g)} vs {num(d)} rows/s)",
                   rr is not None and rr >= need)
            continue
        g, d = get("graphrpc", "stream", c), get("direct", "stream", c)
        if g and d:
            rr = ratio(throughput(g), throughput(d))
            target(f"stream, c={c}: graphrpc rows/s ≥ {need:.2f} × direct",
                   f"{fmt_ratio(rr)} ({num(throughput(g))} vs {num(throughput(d))} rows/s)",
                   rr is not None and rr >= need)
    idle_mem = meta.get("idle_rss_kb", {}).get("graphrpc")
    if idle_mem:
        target("graphrpc idle RSS ≤ 20 MiB", f"{idle_mem / 1024:.1f} MiB", idle_mem / 1024 <= 20)
    streams = meta.get("idle_streams")
    if streams:
        target(f"graphrpc RSS with {streams['count']} concurrent idle streams ≤ 64 MiB",
               f"{streams['rss_kb'] / 1024:.1f} MiB ({streams['open']} open, "
               f"{streams['refused']} refused; idle before {streams['before_kb'] / 1024:.1f} MiB)",
               streams["rss_kb"] / 1024 <= 64 and streams["open"] == streams["count"])

    add("## Targets")
    add("")
    add("| target | measured | |")
    add("|---|---|---|")
    for name, measured, verdict in targets:
        add(f"| {name} | {measured} | **{verdict}** |")
    add("")
    idle_all = meta.get("idle_rss_kb", {})
    if idle_all:
        add("Idle RSS after start-up: " + ", ".join(
            f"{SYSTEM_NAMES.get(k, k)} {v / 1024:.1f} MiB" for k, v in idle_all.items()) + ".")
        add("")

    if floor_rows:
        add("## graphrpc against the floor, alternated")
        add("")
        add(f"h2load (one HTTP/2 connection, that many concurrent streams, one fixed framed "
            f"request) against graphrpc and the floor in turn, A B B A …, on the same database; "
            f"medians of {floor_rows[0][2]['graphrpc']['n']} runs each. Server CPU is µs of "
            f"the server process per call.")
        add("")
        add("| workload | conc. | graphrpc req/s | floor req/s | ratio | graphrpc mean µs | "
            "floor mean µs | + µs | graphrpc CPU µs/call | floor CPU µs/call | errors |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for w, c, pair in floor_rows:
            g, f = pair["graphrpc"], pair["floor"]
            add(f"| {WORKLOAD_NAMES[w]} | {c} | {num(g['rps'])} | {num(f['rps'])} | "
                f"{fmt_ratio(ratio(g['rps'], f['rps']))} | {g['mean']:.0f} | {f['mean']:.0f} | "
                f"{g['mean'] - f['mean']:+.0f} | {g['cpu_us']:.0f} | {f['cpu_us']:.0f} | "
                f"{g['errors'] + f['errors']} |")
        add("")
    if stream_rows:
        add("## The 1M-row stream, alternated")
        add("")
        add(f"The load program streaming through graphrpc, the floor and the direct driver in "
            f"turn (rotated order), the database idle before each run; medians of "
            f"{stream_rows[0][1]['graphrpc']['n']} runs each. Every stream runs to its end "
            f"(rows/s over the time the last one took; the floor only up to the pool size). "
            f"CPU is µs of the process that talks Bolt per 1 000 rows.")
        add("")
        add("| conc. | system | rows/s | vs direct | CPU µs / 1 000 rows | errors |")
        add("|---:|---|---:|---:|---:|---:|")
        for c, medians in stream_rows:
            d = medians["direct"]["rows_s"]
            for system, m in medians.items():
                add(f"| {c} | {SYSTEM_NAMES.get(system, system)} | {num(m['rows_s'])} | "
                    f"{fmt_ratio(ratio(m['rows_s'], d))} | {m['cpu_us'] * 1000:.0f} | "
                    f"{m['errors']} |")
        add("")
    layers_path = os.path.join(raw, "layers.md")
    if os.path.exists(layers_path):
        add(open(layers_path).read().rstrip())
        add("")

    if cross:
        add("## Cross-check: h2load against the load program")
        add("")
        add("The same fixed request (point lookup of id 4242) sent by the Rust load program and "
            "by h2load (nghttp2) over one HTTP/2 connection with that many concurrent streams. "
            "h2load sends a gRPC frame of a serialized RunRequest built by `loadgen frame`.")
        add("")
        add("| tool | conc. | req/s | mean latency ms | p99 ms | graphrpc CPU s / 1000 req | "
            "client CPU s / 1000 req | errors |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in sorted((r for r in cross if r["system"] == "graphrpc"),
                        key=lambda r: (r["concurrency"], r["tool"])):
            lat = r.get("latency_us") or {}
            reqs = r.get("requests") or 0
            add(f"| {r['tool']} | {r['concurrency']} | {num(r.get('requests_per_s'))} | "
                f"{ms(lat.get('mean'))} | {ms(lat.get('p99'))} | "
                f"{num(r['server_cpu_s'] / reqs * 1000 if reqs else None, 3)} | "
                f"{num(r['client_cpu_s'] / reqs * 1000 if reqs else None, 3)} | "
                f"{r.get('errors', 0)} |")
        add("")
    add("![throughput and p99 by system and concurrency](chart.png)")
    add("")
    text = "\n".join(lines)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "latest.md"), "w") as f:
        f.write(text)
    print(text)
    try:
        chart(by, workloads, concurrencies, systems, os.path.join(out, "chart.png"))
    except ImportError as e:
        print(f"report: no chart ({e})", file=sys.stderr)


def chart(by, workloads, concurrencies, systems, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [(w, c) for w in workloads for c in concurrencies]
    fig, axes = plt.subplots(2, 1, figsize=(13, 8.5))
    width = 0.8 / max(1, len(systems))
    colors = {"graphrpc": "#2b6cb0", "floor": "#805ad5", "direct": "#38a169", "flask": "#dd6b20",
              "flask-per-request": "#c53030"}
    for ax, metric, label in ((axes[0], "tput", "throughput (req/s; stream: rows/s ÷ 1000)"),
                              (axes[1], "p99", "p99 latency (ms)")):
        for i, s in enumerate(systems):
            xs, ys = [], []
            for gi, (w, c) in enumerate(groups):
                r = by.get((s, w, c))
                if r is None:
                    continue
                if metric == "tput":
                    v = throughput(r)
                    if v is not None and w == "stream":
                        v /= 1000
                elif r.get("requests"):
                    v = (r.get("latency_us") or {}).get("p99")
                    v = v / 1000 if v is not None else None
                else:
                    v = None
                if v:
                    xs.append(gi + (i - (len(systems) - 1) / 2) * width)
                    ys.append(v)
            ax.bar(xs, ys, width, label=SYSTEM_NAMES[s], color=colors.get(s))
        ax.set_yscale("log")
        ax.set_ylabel(label)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{WORKLOAD_NAMES[w]}\nc={c}" for w, c in groups], fontsize=8)
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, 1.13))
    axes[0].set_title("graphrpc vs the floor vs the direct driver vs Flask (log scale)", pad=34)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"report: wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
