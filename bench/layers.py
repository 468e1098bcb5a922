"""Per-layer cost of graphrpc over the floor from callgrind dumps (bench/profile.sh): writes
OUT/layers.md and OUT/layers.json and prints the table.

    python3 bench/layers.py OUT_DIR CALLS

Each row sums the inclusive instruction counts of a few functions (callgrind_annotate
--inclusive=yes) that do that layer's work and do not call one another, divided by the
calls profiled. Release builds inline small functions into their callers, so a row holds
what its named functions reach; "the rest" is graphrpc's total over the floor's minus the
rows: tower and tonic plumbing of the layers (boxed futures, body wrappers, header work) and
whatever was inlined into them. Instruction counts are stable from run to run on a busy
machine; converting them to time assumes graphrpc's average cost per instruction.
"""

import glob
import json
import os
import re
import subprocess
import sys

# (layer, [function name substrings]); first match wins for a function. Only functions that
# do not poll the layers inside them: a tower layer's future contains the whole call, so its
# inclusive count says nothing about the layer itself. Within a row, counts are summed.
LAYERS = [
    ("per-call log line (formatting, buffered write)",
     ["<tracing_subscriber::fmt::fmt_layer::Layer<S,N,E,W> as tracing_subscriber::layer::Layer<S>>::on_event",
      "graphrpc::call_line::write"]),
    ("spans (build, record, enter and exit, close)",
     ["tracing::span::Span::new", "tracing::span::Span::record_all",
      "<tracing_subscriber::registry::sharded::CloseGuard as core::ops::drop::Drop>::drop",
      # The subscriber's side, where the span's own code is inlined into its callers.
      "as tracing_core::subscriber::Subscriber>::new_span",
      "as tracing_core::subscriber::Subscriber>::record",
      "as tracing_core::subscriber::Subscriber>::enter",
      "as tracing_core::subscriber::Subscriber>::exit",
      "as tracing_core::subscriber::Subscriber>::try_close"]),
    ("moving large futures (memcpy)", ["__memcpy_avx_unaligned_erms", "__memmove_avx_unaligned_erms"]),
    ("request id and trace context",
     ["graphrpc::transport::call::new_request_id",
      "opentelemetry::global::propagation::get_text_map_propagator"]),
    ("metrics", ["metrics_exporter_prometheus::", "metrics_util::"]),
    ("statement classifier (and its cache)",
     ["graphrpc::cypher::cache::ClassificationCache::classify", "graphrpc::cypher::classify"]),
    ("request plan (limits, parameters, deadline)", ["graphrpc::conversions::request::run_plan"]),
    ("authentication and rate limit", ["graphrpc::transport::auth::AuthLayer::authenticate",
                                       "graphrpc::transport::auth::AuthLayer::admit"]),
    ("one-message check of the request body (gate)",
     ["<graphrpc::transport::gate::OneMessage as http_body::Body>::poll_frame"]),
]

LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(.*)$")


def functions(dump):
    """Inclusive Ir by function name, and the total Ir, of one callgrind dump."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                          "--show-percs=no", dump], capture_output=True, text=True)
    if out.returncode != 0:  # older callgrind_annotate: no --show-percs
        out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dump],
                             capture_output=True, text=True)
    total, funcs = None, {}
    for line in out.stdout.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ir, rest = int(m.group(1).replace(",", "")), m.group(2).strip()
        if "PROGRAM TOTALS" in rest:
            total = ir
            continue
        # A function is listed once as a whole and once per source file of the code inlined
        # into it (the pieces sum to the whole); the whole is the largest. (Which entry names
        # the object file depends on the directory callgrind_annotate runs in.)
        if rest.startswith(("=>", "<=")):  # a call in an annotated source listing
            continue
        name = rest.split(":", 1)[1] if ":" in rest else rest
        name = re.sub(r" \[[^\]]*\]$", "", name).strip()
        funcs[name] = max(funcs.get(name, 0), ir)
    return total, funcs


def dump_of(out_dir, server, workload):
    found = sorted(glob.glob(os.path.join(out_dir, f"callgrind.{server}.{workload}.*")))
    found = [f for f in found if re.search(r"\.\d+$", f)] or found
    return found[-1] if found else None


def attribute(funcs):
    rows = {}
    for name, ir in funcs.items():
        for layer, patterns in LAYERS:
            if any(p in name for p in patterns):
                rows.setdefault(layer, {})[name] = ir
                break
    return rows


def main():
    out_dir, calls = sys.argv[1], int(sys.argv[2])
    report = {"calls": calls, "workloads": {}}
    lines = ["## Per-layer cost (callgrind)", "",
             f"Instructions per call (thousands) of graphrpc (default configuration) and of the "
             f"floor, {calls} calls one at a time after a warm-up, from `bench/profile.sh`. "
             "A row sums the inclusive counts of the functions that do that work and poll no "
             "layer inside them (bench/layers.py lists them), graphrpc's minus the floor's; "
             "*the rest* is the layers' own plumbing (tower services, boxed futures, body "
             "wrappers, header work) and code inlined into it.", ""]
    for workload in ("return1", "point"):
        g, f = dump_of(out_dir, "graphrpc", workload), dump_of(out_dir, "floor", workload)
        if not g or not f:
            continue
        g_total, g_funcs = functions(g)
        f_total, f_funcs = functions(f)
        if not g_total or not f_total:
            continue
        rows = attribute(g_funcs)
        floor_rows = attribute(f_funcs)
        per = {}
        for layer, _ in LAYERS:
            # Keep the outermost functions only: drop one whose count another in the same row
            # already holds (a callee is never larger than its caller).
            g_ir = sum(rows.get(layer, {}).values())
            f_ir = sum(floor_rows.get(layer, {}).values())
            per[layer] = (g_ir - f_ir) / calls
        over = (g_total - f_total) / calls
        rest = over - sum(per.values())
        report["workloads"][workload] = {
            "graphrpc_ir_per_call": g_total / calls, "floor_ir_per_call": f_total / calls,
            "layers": per, "rest": rest}
        lines += [f"### {'RETURN 1' if workload == 'return1' else 'point lookup by id'}", "",
                  "| layer | k instructions / call | share of graphrpc's extra |",
                  "|---|---:|---:|"]
        for layer, ir in sorted(per.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {layer} | {ir / 1000:.1f} | {ir / over:.0%} |")
        lines.append(f"| the rest (the layers' plumbing, inlined code) | "
                     f"{rest / 1000:.1f} | {rest / over:.0%} |")
        lines.append(f"| **graphrpc over the floor** | **{over / 1000:.1f}** | 100% |")
        lines.append(f"| graphrpc total / floor total | {g_total / calls / 1000:.1f} / "
                     f"{f_total / calls / 1000:.1f} | {g_total / f_total:.2f}× |")
        lines.append("")
    text = "\n".join(lines)
    with open(os.path.join(out_dir, "layers.md"), "w") as fh:
        fh.write(text + "\n")
    with open(os.path.join(out_dir, "layers.json"), "w") as fh:
        json.dump(report, fh, indent=1)
    print(text)


if __name__ == "__main__":
    main()
