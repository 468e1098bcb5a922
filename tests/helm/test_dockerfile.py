"""The container image: no Docker engine runs here, so these tests check statically that
deploy/docker/Dockerfile builds the binary the tests test, from everything that build needs,
and runs it the way the chart expects."""

import json
import re
import tomllib

import yaml

from chart import CHART, ROOT

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
BUILD_COMMAND = "cargo build --release --locked"


def instructions():
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            logical.append(current.strip())
            current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return [tuple(text.split(None, 1)) for text in logical]


def args_of(instruction):
    return [args for name, args in instructions() if name.upper() == instruction]


def shell_commands():
    """Every command of every RUN, split at && and with RUN's --mount options removed."""
    commands = []
    for args in args_of("RUN"):
        args = re.sub(r"^(--\S+\s+)+", "", args)
        commands += [c.strip() for c in args.split("&&")]
    return commands


def test_the_build_command_is_the_one_the_tests_and_make_run_use():
    cargo = [c for c in shell_commands() if c.startswith("cargo")]
    assert cargo == [BUILD_COMMAND]
    assert BUILD_COMMAND in (ROOT / "Makefile").read_text()


def test_the_builder_copies_everything_the_build_reads():
    copied = set()
    for args in args_of("COPY"):
        if "--from=" in args:
            continue
        *sources, _destination = args.split()
        copied |= {s.rstrip("/") for s in sources}

    def is_copied(path):
        parts = path.strip("./").split("/")
        return any("/".join(parts[:n]) in copied for n in range(1, len(parts) + 1))

    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    needed = ["Cargo.toml", "Cargo.lock", manifest["package"].get("build", "build.rs")]
    needed += [target["path"] for target in manifest.get("bin", [])]
    # Path dependencies and [patch] entries (the vendored neo4rs).
    for table in [manifest.get("dependencies", {})] + list(manifest.get("patch", {}).values()):
        needed += [spec["path"] for spec in table.values() if isinstance(spec, dict) and "path" in spec]
    # What build.rs watches is what it reads (the .proto files).
    needed += re.findall(r"rerun-if-changed=([^\"\s]+)", (ROOT / "build.rs").read_text())
    assert "vendor/neo4rs" in needed
    assert [path for path in needed if not is_copied(path)] == []


def test_the_runtime_image_carries_the_graphrpc_binary_as_its_entrypoint():
    (copy,) = [a for a in args_of("COPY") if "--from=build" in a]
    assert copy.split()[1:] == ["/out/graphrpc", "/usr/local/bin/graphrpc"]
    assert any(c.startswith("install") and "target/release/graphrpc /out/graphrpc" in c for c in shell_commands())
    (entrypoint,) = args_of("ENTRYPOINT")
    assert json.loads(entrypoint) == ["/usr/local/bin/graphrpc", "serve"]


def test_the_image_runs_as_a_numeric_non_root_user_on_a_shell_less_base():
    (user,) = args_of("USER")
    uid, _, gid = user.partition(":")
    # Numeric, or Kubernetes' runAsNonRoot cannot verify it; the chart runs the same ids.
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit()
    pod = yaml.safe_load((CHART / "values.yaml").read_text())["podSecurityContext"]
    assert (pod["runAsUser"], pod["runAsGroup"]) == (int(uid), int(gid))
    runtime = args_of("FROM")[-1]
    assert runtime.startswith("gcr.io/distroless/cc-") and runtime.endswith(":nonroot")


def test_the_listeners_face_the_pod_network():
    env = " ".join(args_of("ENV"))
    assert "GRAPHRPC_LISTEN=0.0.0.0:50051" in env
    assert "GRAPHRPC_ADMIN_LISTEN=0.0.0.0:9464" in env
    assert "50051" in " ".join(args_of("EXPOSE")) and "9464" in " ".join(args_of("EXPOSE"))


def test_the_builder_meets_the_crates_minimum_rust():
    (builder,) = [a for a in args_of("FROM") if a.endswith(" AS build")]
    tag = re.search(r"rust:(\d+)\.(\d+)", builder)
    assert tag, builder
    wanted = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["rust-version"]
    major, minor = (int(n) for n in wanted.split(".")[:2])
    assert (int(tag.group(1)), int(tag.group(2))) >= (major, minor)
