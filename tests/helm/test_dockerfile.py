"""The container image: no Docker engine runs here, so these tests check statically that
deploy/docker/Dockerfile builds the binary the tests test, from everything that build needs,
and runs it the way the chart expects."""

import json
import os
import re
import subprocess
import tomllib

import yaml

from chart import CHART, ROOT

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
PINS = ROOT / "deploy" / "docker" / "pins.env"
BUILD_SCRIPT = ROOT / "deploy" / "docker" / "build.sh"
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
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
    (install,) = [c for c in shell_commands() if c.startswith("install")]
    assert "target/release/graphrpc /out/graphrpc" in install
    # Stripped: symbols are most of an unstripped binary's size.
    assert " -s " in f" {install} ", install
    (entrypoint,) = args_of("ENTRYPOINT")
    assert json.loads(entrypoint) == ["/usr/local/bin/graphrpc", "serve"]


def test_the_image_runs_as_a_numeric_non_root_user_on_a_shell_less_base():
    (user,) = args_of("USER")
    uid, _, gid = user.partition(":")
    # Numeric, or Kubernetes' runAsNonRoot cannot verify it; the chart runs the same ids.
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit()
    pod = yaml.safe_load((CHART / "values.yaml").read_text())["podSecurityContext"]
    assert (pod["runAsUser"], pod["runAsGroup"]) == (int(uid), int(gid))
    runtime = resolve(args_of("FROM")[-1]).split("@")[0]
    assert runtime.startswith("gcr.io/distroless/cc-") and runtime.endswith(":nonroot")


def test_the_listeners_face_the_pod_network():
    env = " ".join(args_of("ENV"))
    assert "GRAPHRPC_LISTEN=0.0.0.0:50051" in env
    assert "GRAPHRPC_ADMIN_LISTEN=0.0.0.0:9464" in env
    assert "50051" in " ".join(args_of("EXPOSE")) and "9464" in " ".join(args_of("EXPOSE"))


def test_the_builder_meets_the_crates_minimum_rust():
    (builder,) = [resolve(a) for a in args_of("FROM") if a.endswith(" AS build")]
    tag = re.search(r"rust:(\d+)\.(\d+)", builder)
    assert tag, builder
    wanted = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["rust-version"]
    major, minor = (int(n) for n in wanted.split(".")[:2])
    assert (int(tag.group(1)), int(tag.group(2))) >= (major, minor)


def pins():
    values = {}
    for line in PINS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def resolve(text):
    """A FROM argument with the ${ARG}s pins.env sets replaced by their values there."""
    values = pins()
    return re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def test_every_base_image_is_pulled_by_a_digest_from_the_pins():
    froms = args_of("FROM")
    assert len(froms) == 2
    for args in froms:
        image = args.split()[0]
        # repository@digest, both from pins.env; never a tag alone.
        match = re.fullmatch(r"\$\{(\w+)\}@\$\{(\w+)_DIGEST\}", image)
        assert match and match.group(2) == match.group(1), image
        assert set(match.groups()) | {f"{match.group(1)}_DIGEST"} <= set(pins())
    # The frontend is pinned through BUILDKIT_SYNTAX, so no unpinned "# syntax=" line.
    assert not re.search(r"^#\s*syntax\s*=", DOCKERFILE.read_text(), re.M | re.I)


def test_the_pins_are_digests_or_empty_never_placeholders():
    # Empty means "not pinned yet" (nobody here can reach a registry to read a digest), and
    # build.sh then refuses to build; anything else must be a real digest's form.
    values = pins()
    assert {"FRONTEND_IMAGE", "BUILD_IMAGE", "RUNTIME_IMAGE"} <= set(values)
    for key, value in values.items():
        if key.endswith("_DIGEST") and value:
            assert DIGEST.match(value), (key, value)
    assert values["BUILD_IMAGE"].split(":")[-1] in DOCKERFILE.read_text()


def run_build_script(pins_text, tmp_path):
    pins_file = tmp_path / "pins.env"
    pins_file.write_text(pins_text)
    env = {**os.environ, "GRAPHRPC_PINS": str(pins_file), "DOCKER": "echo"}
    return subprocess.run([str(BUILD_SCRIPT), "registry.example.com/graphrpc:test"], env=env,
                          capture_output=True, text=True, timeout=30)


def test_the_build_script_refuses_unpinned_images(tmp_path):
    result = run_build_script(PINS.read_text().replace("RUNTIME_IMAGE_DIGEST=", "RUNTIME_IMAGE_DIGEST=sha256:latest"), tmp_path)
    assert result.returncode == 1
    assert "refusing to build with unpinned images" in result.stderr
    assert "RUNTIME_IMAGE_DIGEST" in result.stderr and "sha256:latest" in result.stderr
    assert result.stdout == "", "docker must not run"


def test_the_build_script_passes_the_pins_and_the_oci_label_values(tmp_path):
    # Made-up digests of the right form: this checks the plumbing, not any image.
    fake = {name: "sha256:" + f"{n:x}" * 64 for n, name in enumerate(("FRONTEND", "BUILD", "RUNTIME"), 1)}
    text = PINS.read_text()
    for name, digest in fake.items():
        text = text.replace(f"{name}_IMAGE_DIGEST=\n", f"{name}_IMAGE_DIGEST={digest}\n")
    result = run_build_script(text, tmp_path)
    assert result.returncode == 0, result.stderr
    args = result.stdout.split()
    values = pins()
    for expected in (
        f"BUILDKIT_SYNTAX={values['FRONTEND_IMAGE']}@{fake['FRONTEND']}",
        f"BUILD_IMAGE_DIGEST={fake['BUILD']}",
        f"RUNTIME_IMAGE_DIGEST={fake['RUNTIME']}",
        f"RUNTIME_IMAGE={values['RUNTIME_IMAGE']}",
        "VERSION=" + tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"],
    ):
        assert expected in args, expected
    assert any(re.fullmatch(r"REVISION=[0-9a-f]{40}|REVISION=unknown", a) for a in args)
    assert any(re.fullmatch(r"CREATED=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a) for a in args)


def test_the_image_carries_the_oci_labels():
    labels = " ".join(args_of("LABEL"))
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]
    found = dict(re.findall(r'(org\.opencontainers\.image\.[a-z.]+)="([^"]*)"', labels))
    assert found["org.opencontainers.image.title"] == manifest["name"]
    assert found["org.opencontainers.image.licenses"] == manifest["license"]
    for key, arg in [("version", "VERSION"), ("revision", "REVISION"), ("created", "CREATED"),
                     ("base.name", "RUNTIME_IMAGE"), ("base.digest", "RUNTIME_IMAGE_DIGEST")]:
        assert found[f"org.opencontainers.image.{key}"] == "${" + arg + "}", key
        # Declared in the runtime stage, or the label would be empty.
        runtime_stage = DOCKERFILE.read_text().split("\nFROM ")[-1]
        assert re.search(rf"^ARG {arg}$", runtime_stage, re.M), arg


def test_a_root_dockerignore_keeps_the_large_folders_out_of_every_builders_context():
    root = (ROOT / ".dockerignore").read_text()
    assert root == (ROOT / "deploy" / "docker" / "Dockerfile.dockerignore").read_text()
    entries = {line.strip() for line in root.splitlines() if line.strip() and not line.startswith("#")}
    assert {"target/", ".local/", ".git/"} <= entries
