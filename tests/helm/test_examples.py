"""The values sets shipped in deploy/helm/graphrpc/examples/: each one renders as written
(after values.schema.json accepted it) and every manifest validates against Kubernetes."""

import kubernetes_validate
import pytest
import yaml

from chart import CHART, render
from test_chart import KUBERNETES_VERSIONS

EXAMPLES = sorted((CHART / "examples").glob("*.yaml"))


def load(path):
    return yaml.safe_load(path.read_text())


def test_there_are_examples():
    assert [p.name for p in EXAMPLES] == ["neo4j-aura.yaml"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_renders_and_validates(path, version):
    rendered = render(load(path))
    assert rendered.objects
    for obj in rendered.objects:
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_aura_example_routes_over_verified_tls_with_secrets_it_does_not_hold():
    values = load(CHART / "examples" / "neo4j-aura.yaml")
    rendered = render(values)
    config = rendered.config()
    # neo4j+s://: routed (reads to readers, writes to the leader), TLS verified against the
    # image's public CAs; Aura's one database named.
    assert config["NEO4J_URI"].startswith("neo4j+s://")
    assert config["NEO4J_URI"].endswith(".databases.neo4j.io")
    assert config["NEO4J_DATABASE"] == "neo4j"
    assert "NEO4J_TLS_CA_FILE" not in config
    # The password and the access file come from the user's Secrets: the chart makes none.
    assert rendered.of_kind("Secret") == []
    env = {e["name"]: e for e in rendered.container().get("env", [])}
    assert "NEO4J_PASSWORD" not in env and "NEO4J_PASSWORD" not in config
    secret_volumes = {v["secret"]["secretName"] for v in rendered.pod()["volumes"] if "secret" in v}
    assert {"aura-credentials", "graphrpc-access"} <= secret_volumes
    # Egress to the members the routing table names: Bolt's port, any address.
    (policy,) = rendered.of_kind("NetworkPolicy")
    bolt = [r for r in policy["spec"]["egress"] if any(p.get("port") == 7687 for p in r.get("ports", []))]
    assert bolt and all("to" not in r for r in bolt), bolt
    assert rendered.deployment()["spec"]["replicas"] == 3
