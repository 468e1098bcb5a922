"""The doc-test runner: every shell block in README.md, docs/**/*.md, the chart README and the
chart's NOTES.txt (rendered) is either run against a real graphrpc or marked with the reason it
cannot be. The marker convention is in docs/contributing-docs.md.

    doctest.py links                 relative links, anchors and SUMMARY.md (no server needed)
    doctest.py run [FILE...]         run the marked blocks (tests/docs/run.sh sets up the server)
    doctest.py self-test             shows that a wrong expected output, a failing command and an
                                     unmarked block each fail the run

Stdlib only. The environment comes from tests/docs/run.sh: DOCTEST_PORTS (documented port ->
real port), GRAPHRPC_BIN, and the database's GRAPHDB_* settings.
"""

import os
import pathlib
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHELL_LANGS = {"sh", "bash", "shell", "console"}
COMMAND_TIMEOUT = int(os.environ.get("DOCTEST_TIMEOUT", "90"))  # seconds; documented commands take a few
# Variables bash owns; the rest of a block's variables carry over to the page's next block.
BASH_OWN = re.compile(
    r"^(BASH.*|SHELLOPTS|BASHOPTS|EUID|UID|PPID|SHLVL|PWD|OLDPWD|_|FUNCNAME|GROUPS|DIRSTACK|"
    r"PIPESTATUS|RANDOM|SRANDOM|SECONDS|LINENO|HISTCMD|EPOCHSECONDS|EPOCHREALTIME|COLUMNS|"
    r"LINES|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|IFS|PS[0-9]|OPTIND|OPTERR|OPTARG|COMP_.*|"
    r"DOCTEST_.*)$"
)


class Block:
    def __init__(self, path, line, lang, attrs, text):
        self.path, self.line, self.lang, self.attrs, self.text = path, line, lang, attrs, text

    def where(self):
        return f"{self.path}:{self.line}"


def parse_info(info):
    """```sh run fails``` -> ("sh", {"run", "fails"}); ```sh norun: why``` -> reason kept."""
    lang, _, rest = info.strip().partition(" ")
    attrs, reason = set(), None
    rest = rest.strip()
    if rest.startswith("norun"):
        reason = rest[len("norun") :].lstrip(":").strip()
        attrs.add("norun")
    else:
        attrs.update(w for w in re.split(r"[\s,]+", rest) if w)
    return lang.strip().lower(), attrs, reason


def blocks_of(path, text):
    """The fenced code blocks of a Markdown text (``` and ~~~ fences, any indentation)."""
    found, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = re.match(r"^(\s*)(`{3,}|~{3,})(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.groups()
        body, j = [], i + 1
        while j < len(lines) and not re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[j]):
            body.append(lines[j].removeprefix(indent))
            j += 1
        lang, attrs, reason = parse_info(info)
        # A marker may instead be an HTML comment on the line before the fence, for blocks
        # whose info string another test reads (docs/clients/cli.md's ```sh, say).
        before = next((l.strip() for l in reversed(lines[:i]) if l.strip()), "")
        comment = re.match(r"^<!--\s*doctest:\s*(.*?)\s*-->$", before)
        if comment and lang in SHELL_LANGS:
            _, attrs, reason = parse_info(f"{lang} {comment.group(1)}")
        block = Block(path, i + 1, lang, attrs, "\n".join(body) + "\n")
        block.reason = reason
        found.append(block)
        i = j + 1
    return found


def doc_files():
    files = [ROOT / "README.md", ROOT / "deploy/helm/graphrpc/README.md"]
    files += sorted(docs_pages())
    return [f for f in files if f.exists()]


def docs_pages():
    """The pages of docs/, less SUMMARY.md and the built book."""
    book = ROOT / "docs" / "book"
    return [p for p in (ROOT / "docs").rglob("*.md") if p.name != "SUMMARY.md" and book not in p.parents]


# ---------------------------------------------------------------------------------------------
# links


def slug(heading):
    """GitHub's (and mdBook's) anchor for a heading."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*)$", text, re.MULTILINE)}


def check_links():
    problems = []
    files = doc_files() + [ROOT / "docs/SUMMARY.md"]
    for path in files:
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing")
            continue
        text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
        text = re.sub(r"`[^`\n]*`", "", text)
        for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)\)", text):
            target = m.group(1)
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not checked offline
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            rel = path.relative_to(ROOT)
            if not dest.exists():
                problems.append(f"{rel}: link to {target}: no such file")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{rel}: link to {target}: no heading with that anchor")
    summary = ROOT / "docs/SUMMARY.md"
    if summary.exists():
        listed = {
            (summary.parent / m.group(1)).resolve()
            for m in re.finditer(r"\]\(([^)#]+\.md)\)", summary.read_text())
        }
        for page in sorted(docs_pages()):
            if page.resolve() not in listed:
                problems.append(f"docs/SUMMARY.md: does not list {page.relative_to(ROOT)}")
    for p in problems:
        print(f"doclinks: {p}")
    pages = len([f for f in files if f.exists()])
    print(f"doclinks: {pages} pages checked, {len(problems)} problems")
    return not problems


# ---------------------------------------------------------------------------------------------
# running


def rewrite(text, ports):
    """Documented ports (127.0.0.1:50051, :9464, ...) become the ports this run uses, and the
    release binary the one under test. The reader's page says what `make run` gives them."""
    for documented, real in ports.items():
        text = re.sub(rf"(?<=:){documented}\b", str(real), text)
    return text.replace("target/release/graphrpc", os.environ.get("GRAPHRPC_BIN", "target/release/graphrpc"))


def complete(command):
    try:
        shlex.split(command, comments=True)
        return True
    except ValueError:
        return False


def console_steps(text):
    """`$ command` lines (with `\\` continuations) and the output expected under each."""
    steps, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        cmd = [lines[i][2:]]
        # a command goes on after a trailing backslash and while a quote is open
        while (cmd[-1].endswith("\\") or not complete("\n".join(cmd))) and i + 1 < len(lines):
            i += 1
            cmd.append(lines[i])
        # a heredoc's body belongs to the command
        heredoc = re.search(r"<<-?\s*'?\"?(\w+)", cmd[0])
        if heredoc:
            while i + 1 < len(lines):
                i += 1
                cmd.append(lines[i])
                if lines[i].strip() == heredoc.group(1):
                    break
        expected = []
        while i + 1 < len(lines) and not lines[i + 1].startswith("$ "):
            i += 1
            expected.append(lines[i])
        steps.append(("\n".join(cmd), expected))
        i += 1
    return steps


def matches(expected, actual):
    """Line-by-line, trailing spaces ignored; a line `...` stands for any lines, and `...`
    inside a line for any text."""
    exp = [e.rstrip() for e in expected]
    act = [a.rstrip() for a in actual]
    while exp and not exp[-1]:
        exp.pop()
    while act and not act[-1]:
        act.pop()
    pattern = ""
    for e in exp:
        if e == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*".join(re.escape(part) for part in e.split("...")) + r"\n"
    return re.fullmatch(pattern, "\n".join(act) + "\n" if act else "") is not None


class Page:
    """One page's session: a scratch folder that looks like the repository, variables carried
    from block to block, background servers stopped at the end."""

    def __init__(self, ports):
        self.ports = ports
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="doctest-"))
        for entry in ROOT.iterdir():
            if entry.name not in (".git",):
                (self.dir / entry.name).symlink_to(entry)
        self.state = self.dir / ".doctest-state"
        self.cwd = self.dir / ".doctest-cwd"
        self.state.write_text("")
        self.cwd.write_text(str(self.dir))
        self.background = []
        self.logs = []

    def script(self, body):
        keep = (
            "for v in $(compgen -v); do [[ $v =~ " + BASH_OWN.pattern + ' ]] || declare -p "$v"; done'
            f" >{shlex.quote(str(self.state))} 2>/dev/null; pwd >{shlex.quote(str(self.cwd))}"
        )
        return (
            f"source {shlex.quote(str(self.state))} 2>/dev/null\n"
            f'cd "$(cat {shlex.quote(str(self.cwd))})"\n'
            f"trap '{keep}' EXIT\n"
            "set -eo pipefail\n"
            f"{body}\n"
        )

    def run(self, body):
        proc = subprocess.Popen(
            ["bash", "-c", self.script(body)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=COMMAND_TIMEOUT)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            # the whole process group: a hung grpcurl under bash too
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            return 124, f"{out}\n[timed out after {COMMAND_TIMEOUT}s]"

    def start(self, body):
        m = re.search(r"(?:--listen[ =]|GRAPHRPC_LISTEN=)(\S+):(\d+)", body)
        if not m:
            return 1, "a background block must name its --listen address, away from 127.0.0.1:50051"
        host, port = m.group(1).replace("0.0.0.0", "127.0.0.1"), int(m.group(2))
        # An earlier page's server may still be letting go of the port: wait for it, so the
        # check below cannot be answered by the old one.
        for _ in range(100):
            try:
                socket.create_connection((host, port), 0.2).close()
                time.sleep(0.1)
            except OSError:
                break
        # open until the page ends: the server writes to it while later blocks run
        log = open(self.dir / f".doctest-bg-{len(self.background)}.log", "w+")  # noqa: SIM115
        self.logs.append(log)
        proc = subprocess.Popen(
            ["bash", "-c", self.script(body)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.background.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                return 1, f"the server exited ({proc.returncode}) before it listened:\n{log.read()[-2000:]}"
            try:
                socket.create_connection((host, port), 0.5).close()
                return 0, ""
            except OSError:
                time.sleep(0.2)
        return 1, f"nothing listened on {host}:{port} within 60 s"

    def close(self):
        for log in self.logs:
            log.close()
        for proc in self.background:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def run_blocks(name, blocks, ports, tally):
    """Runs one page's shell blocks in order; returns the failures as text."""
    failures = []
    shell = [b for b in blocks if b.lang in SHELL_LANGS]
    if not shell:
        return failures
    page = Page(ports)
    try:
        for b in shell:
            if "norun" in b.attrs:
                if not b.reason:
                    failures.append(f"{b.where()}: `norun` needs a reason: ```{b.lang} norun: WHY")
                    continue
                tally["norun"] += 1
                tally["reasons"].setdefault(b.reason, 0)
                tally["reasons"][b.reason] += 1
                continue
            if "run" not in b.attrs:
                failures.append(
                    f"{b.where()}: unmarked shell block: mark it ```{b.lang} run or ```{b.lang} norun: WHY"
                )
                continue
            text = rewrite(b.text, ports)
            started = time.monotonic()
            if "background" in b.attrs:
                tally["run"] += 1
                code, out = page.start(text)
                ok = code == 0
                why = out
            elif b.lang == "console":
                ok, why = True, ""
                steps = console_steps(text)
                if not steps:
                    ok, why = False, "a console block with no `$ ` command"
                for cmd, expected in steps:
                    tally["run"] += 1
                    code, out = page.run(cmd)
                    fails = "fails" in b.attrs
                    if (code != 0) != fails:
                        ok, why = (
                            False,
                            f"`{cmd}` exited {code}{' (expected a failure)' if fails else ''}:\n{out}",
                        )
                        break
                    if expected and not matches(expected, out.splitlines()):
                        ok = False
                        why = (
                            f"`{cmd}`: output differs.\n--- expected\n"
                            + "\n".join(expected)
                            + f"\n--- got\n{out}"
                        )
                        break
            else:
                tally["run"] += 1
                code, out = page.run(text)
                fails = "fails" in b.attrs
                ok = (code != 0) == fails
                why = f"exited {code}:\n{out}"
            took = time.monotonic() - started
            print(f"doctest: {'ok  ' if ok else 'FAIL'} {b.where()} ({took:.1f}s)", flush=True)
            if not ok:
                failures.append(f"{b.where()}: {why.rstrip()}")
    finally:
        page.close()
    return failures


def notes_page(text, setup="", elsewhere=False):
    """The chart's NOTES.txt, rendered, as a page: each command it prints (indented lines
    starting with kubectl, grpcurl or curl, with continuations) becomes a block. Through the
    port-forwards NOTES describe, 127.0.0.1:50051 and :9464 are graphrpc: here a graphrpc the
    runner started stands in, `make run`'s or (elsewhere) one that the setup starts on
    50052/9465 with the access file or TLS the values describe."""
    out, lines, i = [setup], text.splitlines(), 0
    while i < len(lines):
        line = lines[i].strip()
        if re.match(r"^(kubectl|grpcurl|curl) ", line):
            cmd = [line]
            while cmd[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd.append(lines[i].strip())
            if line.startswith("kubectl"):
                out.append(
                    "```sh norun: needs a Kubernetes cluster (a local graphrpc stands in for the port-forward)"
                )
            else:
                out.append("```sh run")
            body = "\n".join(cmd)
            if elsewhere:
                body = body.replace("127.0.0.1:50051", "127.0.0.1:50052").replace(
                    "127.0.0.1:9464", "127.0.0.1:9465"
                )
            out += [body, "```"]
        i += 1
    return "\n".join(out) + "\n"


DB_ENV = 'set -a; eval "$(deploy/local/graphdb.sh env)"; set +a\n'
SERVE = "target/release/graphrpc serve --listen 127.0.0.1:50052 --admin-listen 127.0.0.1:9465 "

# The NOTES variants tests/docs/run.sh renders, and what each needs set up first: the same
# token whose hash the values list; the certificates the Secrets would hold.
NOTES_SETUP = {
    "open": "",
    "token": (
        "```sh run\n"
        "export TOKEN=$DOCTEST_NOTES_TOKEN\n"
        "printf 'tokens:\\n  - principal: notes\\n    sha256: %s\\n    role: reader\\n    raw_cypher: true\\n' "
        '"$(printf %s "$TOKEN" | sha256sum | cut -d" " -f1)" > access.yaml\n'
        "```\n"
        "```sh run background\n" + DB_ENV + SERVE + "--access-file access.yaml\n```\n"
    ),
    "mtls": (
        "```sh run\n"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 -subj /CN=ca "
        "-keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE 2>/dev/null\n"
        "for who in server client; do\n"
        "  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj /CN=$who -keyout $who.key -out $who.csr 2>/dev/null\n"
        "done\n"
        "printf 'subjectAltName=DNS:demo-graphrpc.graph.svc\\n' > server.ext\n"
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
        "for who in server client; do\n"
        "  openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $who.ext -out $who.crt 2>/dev/null\n"
        "done\n"
        "```\n"
        "```sh run background\n"
        + DB_ENV
        + "GRAPHRPC_TLS_CERT_FILE=server.crt GRAPHRPC_TLS_KEY_FILE=server.key GRAPHRPC_TLS_CLIENT_CA_FILE=ca.crt \\\n"
        + SERVE
        + "\n```\n"
    ),
}


def make_run_page():
    """The text `make run` prints, from the Makefile's echo lines (make -n prints them without
    running anything), as a page of its commands: the indented lines under each heading."""
    recipe = subprocess.run(
        ["make", "-s", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    echoes = "\n".join(l for l in recipe.splitlines() if l.startswith("echo "))
    printed = subprocess.run(["bash", "-c", echoes], capture_output=True, text=True, check=False).stdout
    out = []
    for line in printed.splitlines():
        if line.startswith("  ") and line.strip():
            out += ["```sh run", line.strip(), "```"]
    return "\n".join(out) + "\n"


def main_run(files, extra_pages=()):
    ports = {}
    for pair in os.environ.get("DOCTEST_PORTS", "").split(","):
        if "=" in pair:
            k, v = pair.split("=")
            ports[k] = int(v)
    tally = {"run": 0, "norun": 0, "reasons": {}}
    failures, pages = [], 0
    sources = [(str(f.relative_to(ROOT)), f.read_text()) for f in files] + list(extra_pages)
    for name, text in sources:
        pages += 1
        failures += run_blocks(name, blocks_of(name, text), ports, tally)
    for f in failures:
        print(f"\ndoctest: FAILED {f}")
    passed = tally["run"] - len(failures)
    print(
        f"\ndoctest: {pages} pages; {tally['run']} commands run, {max(passed, 0)} passed, "
        f"{len(failures)} failed; {tally['norun']} blocks marked not runnable:"
    )
    for reason, n in sorted(tally["reasons"].items(), key=lambda x: -x[1]):
        print(f"  {n:3} {reason}")
    return not failures


def self_test():
    """The runner must be able to fail: a wrong expected output, a command that fails, an
    unmarked block and a norun without a reason are each a failure; a right one passes."""
    good = "```console run\n$ echo hello; echo world\nhello\n...\n```\n"
    cases = {
        "passes": (good, True),
        "wrong expected output": (good.replace("hello\n...", "hullo\n..."), False),
        "failing command": ("```sh run\nfalse\n```\n", False),
        "unmarked block": ("```sh\necho hi\n```\n", False),
        "norun without reason": ("```sh norun\necho hi\n```\n", False),
        "variables carry over": ("```sh run\nX=41\n```\n```console run\n$ echo $((X+1))\n42\n```\n", True),
        "expected failure": ("```console run fails\n$ exit 3\n```\n", True),
        "multi-line quote": ("```console run\n$ echo 'a\nb'\na\nb\n```\n", True),
        "marker in a comment": ("<!-- doctest: run fails -->\n```sh\nfalse\n```\n", True),
    }
    ok = True
    for name, (text, should_pass) in cases.items():
        tally = {"run": 0, "norun": 0, "reasons": {}}
        failures = run_blocks(f"<self-test: {name}>", blocks_of(name, text), {}, tally)
        passed = not failures
        verdict = "as expected" if passed == should_pass else "WRONG"
        print(f"doctest self-test: {name}: {'passed' if passed else 'failed'} ({verdict})")
        if failures and not should_pass:
            print("    " + failures[0].splitlines()[0])
        ok &= passed == should_pass
    return ok


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode == "links":
        sys.exit(0 if check_links() else 1)
    if mode == "self-test":
        sys.exit(0 if self_test() else 1)
    if mode == "run":
        wanted = [pathlib.Path(a).resolve() for a in sys.argv[2:]] or doc_files()
        notes = [("Makefile: the text `make run` prints", make_run_page())] if not sys.argv[2:] else []
        notes_dir = os.environ.get("DOCTEST_NOTES_DIR")
        if notes_dir and not sys.argv[2:]:
            for variant, setup in NOTES_SETUP.items():
                rendered = (pathlib.Path(notes_dir) / f"NOTES-{variant}.txt").read_text()
                page = notes_page(rendered, setup, elsewhere=bool(setup))
                notes.append((f"deploy/helm/graphrpc/templates/NOTES.txt (rendered, {variant})", page))
        sys.exit(0 if main_run(wanted, notes) else 1)
    sys.exit(__doc__)
