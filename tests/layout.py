#!/usr/bin/env python3
"""Layout check for src/ (run by `make test`; exits 1 on a finding).

1. No import circle between the top-level modules of src/ (`src/foo.rs` or `src/foo/` is the
   module `foo`). An edge `a -> b` is any path `crate::b…` written in a file of `a`: in a
   `use crate::…` line (grouped imports `use crate::{b::X, c}` give one edge per group member)
   or inline (`crate::b::f()`). Comments are ignored; `src/main.rs` and `src/lib.rs` are the
   crate roots, not modules, and are left out.
2. No source file over 700 lines of non-test code. Counted: every line of the file except
   blank lines, `//` comment lines (doc comments included) and the lines of `#[cfg(test)]`
   items (a `#[cfg(test)] mod tests { … }` block, from the attribute to its closing brace).
   Files that are only tests (declared as `#[cfg(test)] mod name;`) count 0.

Usage: python3 tests/layout.py [--max-lines N] [--verbose]
"""

import argparse
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
ROOTS = {"main", "lib"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_comments(text: str) -> str:
    """Drop `//` comments and `/* */` blocks, keeping line breaks (string literals are rare
    enough in `crate::` positions not to matter)."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def top_module(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".rs")


def group_members(text: str, start: int) -> list[str]:
    """The first identifier of each member of the `{ … }` group opening at `start`."""
    depth, expect, members = 0, True, []
    i = start
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
            expect = depth == 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        elif c == "," and depth == 1:
            expect = True
        elif expect and depth == 1 and not c.isspace():
            m = IDENT.match(text, i)
            if m:
                members.append(m.group(0))
                i = m.end()
            expect = False
            continue
        i += 1
    return members


def imports(text: str) -> set[str]:
    found = set()
    for m in re.finditer(r"\bcrate\s*::\s*", text):
        rest = m.end()
        if rest < len(text) and text[rest] == "{":
            found.update(group_members(text, rest))
        else:
            ident = IDENT.match(text, rest)
            if ident:
                found.add(ident.group(0))
    return found


def graph() -> dict[str, set[str]]:
    modules = {top_module(p) for p in SRC.rglob("*.rs")} - ROOTS
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for path in SRC.rglob("*.rs"):
        here = top_module(path)
        if here in ROOTS:
            continue
        for target in imports(strip_comments(path.read_text())):
            if target in modules and target != here:
                edges[here].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def one_cycle(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """A concrete circle inside a component, for the message (breadth-first back to start)."""
    start, inside = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & inside):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return component


def test_only_files() -> set[pathlib.Path]:
    """Files declared as `#[cfg(test)] mod name;` (their whole content is tests)."""
    out = set()
    decl = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;")
    for path in SRC.rglob("*.rs"):
        text = path.read_text()
        for m in decl.finditer(text):
            name = m.group(1)
            base = path.parent if path.name in ("mod.rs", "lib.rs", "main.rs") else path.with_suffix("")
            for candidate in (base / f"{name}.rs", base / name / "mod.rs"):
                if candidate.exists():
                    out.add(candidate)
    return out


def non_test_lines(text: str) -> int:
    lines = text.split("\n")
    count, i = 0, 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("#[cfg(test)]"):
            # Skip the item: to the end of its brace block, or of its `;` declaration.
            depth, opened = 0, False
            while i < len(lines):
                code = re.sub(r"//.*", "", lines[i])
                depth += code.count("{") - code.count("}")
                opened = opened or "{" in code
                if (opened and depth <= 0) or (not opened and code.rstrip().endswith(";")):
                    break
                i += 1
            i += 1
            continue
        if stripped and not stripped.startswith("//"):
            count += 1
        i += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-lines", type=int, default=700)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    failures = []

    edges = graph()
    for component in cycles(edges):
        circle = " -> ".join(one_cycle(edges, component))
        failures.append(f"import circle between top-level modules of src/: {circle}")

    tests_only = test_only_files()
    sizes = []
    for path in sorted(SRC.rglob("*.rs")):
        n = 0 if path in tests_only else non_test_lines(path.read_text())
        sizes.append((n, path.relative_to(SRC.parent)))
        if n > args.max_lines:
            failures.append(
                f"{path.relative_to(SRC.parent)}: {n} lines of non-test code (limit {args.max_lines}); "
                "split it by concern"
            )

    if args.verbose:
        for module in sorted(edges):
            print(f"{module} -> {', '.join(sorted(edges[module])) or '-'}")
    largest = max(sizes)
    print(
        f"layout: {len(edges)} top-level modules, {sum(len(e) for e in edges.values())} edges, "
        f"{len(sizes)} files; largest non-test code: {largest[1]} ({largest[0]} lines)"
    )
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
