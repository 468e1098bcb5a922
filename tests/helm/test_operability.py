"""What a platform team adopting the chart as it is relies on (issue 21): secure defaults,
deploying by digest, the values that extend the pod, the refusals of settings that cannot work,
and the docs (README, values.yaml, NOTES.txt) saying what the templates render."""

import hashlib
import re

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from chart import CHART, PASSWORD, RELEASE, render, with_password
from test_chart import KUBERNETES_VERSIONS, VALUE_SETS

DIGEST = "sha256:" + "0123456789abcdef" * 4
# Kubernetes' label value syntax (apimachinery's validation.IsValidLabelValue).
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def annotations(rendered):
    return rendered.deployment()["spec"]["template"]["metadata"]["annotations"]


def grpc_service(rendered):
    (service,) = [s for s in rendered.of_kind("Service") if s["metadata"]["name"] == f"{RELEASE}-graphrpc"]
    return service


def validate(rendered):
    for obj in rendered.objects:
        for version in KUBERNETES_VERSIONS:
            kubernetes_validate.validate(obj, version, strict=True)


# --- secure defaults -------------------------------------------------------------------------


def test_the_network_policy_is_on_by_default_and_lets_graphrpc_reach_its_database():
    policy = render(with_password()).one("NetworkPolicy")["spec"]
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    database = policy["egress"][0]
    assert {"port": 7687, "protocol": "TCP"} in database["ports"]


@pytest.mark.parametrize(
    "uri, ports, expected",
    [
        ("bolt://neo4j.db.svc:7000", [7687], [7000, 7687]),
        ("neo4j+s://neo4j.example.com:7443", [], [7443]),
        # No port in the URI: Bolt's 7687.
        ("neo4j://neo4j.db.svc", [], [7687]),
        ("bolt://neo4j:7687", [7687, 7688], [7687, 7688]),
    ],
)
def test_the_database_rule_always_allows_the_port_of_the_uri(uri, ports, expected):
    rendered = render(with_password(neo4j={"uri": uri}, networkPolicy={"neo4j": {"ports": ports}}))
    database = rendered.one("NetworkPolicy")["spec"]["egress"][0]
    assert [p["port"] for p in database["ports"]] == expected
    assert {p["protocol"] for p in database["ports"]} == {"TCP"}


def test_the_network_policy_can_still_be_turned_off():
    assert render(with_password(networkPolicy={"enabled": False})).of_kind("NetworkPolicy") == []


@pytest.mark.parametrize("service_type", ["LoadBalancer", "NodePort"])
def test_exposing_a_plaintext_listener_outside_the_cluster_is_refused(service_type):
    with pytest.raises(helm.HelmRenderError, match=f"service.type {service_type} .* tls.enabled is false"):
        render(with_password(service={"type": service_type}))
    # With TLS on the listener, or when explicitly allowed (TLS ends in front), it renders.
    tls = with_password(service={"type": service_type}, tls={"enabled": True, "existingSecret": "t"})
    assert grpc_service(render(tls))["spec"]["type"] == service_type
    allowed = with_password(service={"type": service_type, "allowPlaintextExposure": True})
    assert grpc_service(render(allowed))["spec"]["type"] == service_type


# --- the image ----------------------------------------------------------------------------------


def test_a_digest_pins_the_image_and_keeps_the_version_label_valid():
    rendered = render(with_password(image={"repository": "registry.example.com/graphrpc", "tag": "0.1.0", "digest": DIGEST}))
    assert rendered.container()["image"] == f"registry.example.com/graphrpc:0.1.0@{DIGEST}"
    assert rendered.deployment()["metadata"]["labels"]["app.kubernetes.io/version"] == "0.1.0"
    validate(rendered)
    # Without a digest: by tag, as before.
    assert render(with_password()).container()["image"] == "graphrpc:0.1.0"


@pytest.mark.parametrize(
    "tag, label",
    [
        ("0.1.0", "0.1.0"),
        ("_nightly-", "nightly"),
        ("v1.2.3-rc.1", "v1.2.3-rc.1"),
        ("x" * 128, "x" * 63),
    ],
)
def test_every_valid_tag_gives_a_valid_version_label(tag, label):
    rendered = render(with_password(image={"tag": tag}))
    for obj in rendered.objects:
        value = obj["metadata"]["labels"]["app.kubernetes.io/version"]
        assert value == label and LABEL_VALUE.match(value), obj["kind"]
    assert rendered.container()["image"] == f"graphrpc:{tag}"


@pytest.mark.parametrize(
    "values, protocol",
    [
        ({}, "grpc"),
        ({"tls": {"enabled": True, "existingSecret": "t"}}, "https"),
        ({"tls": {"enabled": True, "existingSecret": "t"}, "service": {"appProtocol": "kubernetes.io/h2c"}}, "kubernetes.io/h2c"),
    ],
)
def test_app_protocol_says_tls_when_the_listener_speaks_tls(values, protocol):
    rendered = render(with_password(headlessService={"enabled": True}, **values))
    grpc_services = [s for s in rendered.of_kind("Service") if s["spec"]["ports"][0]["name"] == "grpc"]
    assert len(grpc_services) == 2
    for service in grpc_services:
        assert service["spec"]["ports"][0]["appProtocol"] == protocol


# --- replicas and autoscaling ---------------------------------------------------------------------


def test_zero_replicas_is_allowed():
    rendered = render(with_password(replicaCount=0))
    assert rendered.deployment()["spec"]["replicas"] == 0
    validate(rendered)


def test_an_autoscaler_with_min_above_max_is_refused():
    with pytest.raises(helm.HelmRenderError, match=r"minReplicas \(5\) exceeds autoscaling.maxReplicas \(3\)"):
        render(with_password(autoscaling={"enabled": True, "minReplicas": 5, "maxReplicas": 3}))
    hpa = render(with_password(autoscaling={"enabled": True, "minReplicas": 4, "maxReplicas": 4}))
    assert hpa.one("HorizontalPodAutoscaler")["spec"]["minReplicas"] == 4


# --- extending the pod ---------------------------------------------------------------------------

EXTRAS = with_password(
    extraEnv=[
        {"name": "RUST_BACKTRACE", "value": "1"},
        {
            "name": "OTEL_EXPORTER_OTLP_HEADERS",
            "valueFrom": {"secretKeyRef": {"name": "otlp-auth", "key": "headers"}},
        },
    ],
    extraVolumes=[{"name": "spiffe", "csi": {"driver": "csi.spiffe.io", "readOnly": True}}],
    extraVolumeMounts=[{"name": "spiffe", "mountPath": "/spiffe", "readOnly": True}],
)


def test_extra_env_and_volumes_reach_the_pod():
    rendered = render(EXTRAS)
    env = rendered.container()["env"]
    assert env[-2:] == EXTRAS["extraEnv"]
    assert env[0]["name"] == "NEO4J_PASSWORD_FILE", "the chart's own variables come first"
    assert rendered.pod()["volumes"][-1] == EXTRAS["extraVolumes"][0]
    assert rendered.container()["volumeMounts"][-1] == EXTRAS["extraVolumeMounts"][0]
    validate(rendered)


@pytest.mark.parametrize(
    "name, complaint",
    [
        ("GRAPHRPC_POOL_SIZE", "extraEnv sets GRAPHRPC_POOL_SIZE, which the chart already sets"),
        ("NEO4J_PASSWORD_FILE", "extraEnv sets NEO4J_PASSWORD_FILE"),
        ("NEO4J_URI", "extraEnv sets NEO4J_URI"),
        ("NEO4J_PASSWORD", "the password reaches graphrpc as a file only"),
    ],
)
def test_extra_env_may_not_override_what_the_chart_sets(name, complaint):
    with pytest.raises(helm.HelmRenderError, match=complaint):
        render(with_password(extraEnv=[{"name": name, "value": "x"}]))


def test_extra_env_may_not_override_the_otel_variables_the_chart_renders():
    values = with_password(otel={"endpoint": "http://collector:4317"})
    with pytest.raises(helm.HelmRenderError, match="OTEL_SERVICE_NAME"):
        render({**values, "extraEnv": [{"name": "OTEL_SERVICE_NAME", "value": "x"}]})
    # Without an endpoint the chart sets no OTEL_* variable, so the name is free.
    render(with_password(extraEnv=[{"name": "OTEL_SERVICE_NAME", "value": "x"}]))


# --- the password ---------------------------------------------------------------------------------


def password_checksum(**neo4j):
    return annotations(render(with_password(neo4j=neo4j))).get("checksum/neo4j-password")


def test_a_changed_chart_owned_password_rolls_the_pods():
    base = password_checksum()
    assert base and base == password_checksum()
    assert password_checksum(password="another-password") != base
    # The checksum/config annotation does not move: only the password's does.
    one = annotations(render(with_password()))
    other = annotations(render(with_password(neo4j={"password": "another-password"})))
    assert one["checksum/config"] == other["checksum/config"]


def test_the_password_checksum_is_not_a_plain_hash_of_the_password_or_the_secret():
    rendered = render(with_password())
    value = annotations(rendered)["checksum/neo4j-password"]
    secret = rendered.files["graphrpc/templates/secret.yaml"]
    plain = {
        hashlib.sha256(candidate.encode()).hexdigest()
        for candidate in (PASSWORD, secret, secret.strip(), rendered.one("Secret")["data"]["password"])
    }
    assert value not in plain
    assert PASSWORD not in value


def test_an_existing_secret_gets_no_checksum_and_the_notes_say_how_to_roll():
    rendered = render(VALUE_SETS["existing-secret"])
    assert "checksum/neo4j-password" not in annotations(rendered)
    notes = rendered.notes()
    assert "after changing Secret neo4j-credentials, the pods pick it up" in notes
    assert "restart the pods:" in notes
    assert f"rollout restart deploy/{RELEASE}-graphrpc" in notes
    assert "rolls the pods (checksum/neo4j-password)" in render(with_password()).notes()


# --- the docs against the templates ------------------------------------------------------------

README = (CHART / "README.md").read_text()
VALUES_TEXT = (CHART / "values.yaml").read_text()


def test_the_readme_and_values_say_liveness_is_livez_and_the_templates_agree():
    # The claim in both documents, and the rendered probe for each probe mode and TLS.
    assert "Liveness" in README and "/livez" in README
    assert re.search(r"Liveness .*always an HTTP GET of /livez", VALUES_TEXT)
    for values in (with_password(), with_password(probes={"mode": "http"}), VALUE_SETS["tls-on"]):
        liveness = render(values).container()["livenessProbe"]
        assert liveness["httpGet"]["path"] == "/livez" and liveness["httpGet"]["port"] == "admin"


def test_no_document_claims_a_raised_threshold_or_a_checked_pass_through_key():
    for text in (README, VALUES_TEXT):
        assert "checks every key below" not in text
        assert "failureThreshold covers" not in text
    deployment = (CHART / "templates" / "deployment.yaml").read_text()
    assert "livenessFailureThreshold" not in deployment


def test_the_values_header_names_every_pass_through_value():
    # values.yaml's header lists the values the schema does not check key by key.
    from test_chart import PASS_THROUGH

    header = VALUES_TEXT.split("\n\n", 1)[0]
    for path in PASS_THROUGH:
        top = path.split(".")[0].rstrip("[]")
        leaf = path.rstrip("[]")
        assert top in header or leaf in header or "annotations" in leaf or "NetworkPolicy" in header, path


def test_the_notes_do_not_promise_credential_free_health_under_required_mtls():
    required = render(VALUE_SETS["tls-on"] | {"access": {"tokens": [{"principal": "a", "sha256": "a" * 64, "role": "reader"}]}})
    notes = required.notes()
    assert "need no credentials" not in notes
    assert "health and reflection need a client certificate" in notes
    token_only = render(VALUE_SETS["catalog-and-access"]).notes()
    assert "Health and reflection need no token" in token_only


def test_the_notes_describe_the_readiness_the_templates_render():
    default = render(with_password())
    assert default.container()["readinessProbe"]["grpc"]["service"] == "liveness"
    assert "stays\nready through a database outage" in default.notes()
    following = render(with_password(probes={"readiness": {"followDatabase": True}}))
    assert following.container()["readinessProbe"]["grpc"]["service"] == "graphrpc.v1.GraphQueryService"
    assert "a\ndatabase outage takes every pod out of the Service" in following.notes()


def test_the_readme_says_what_a_password_change_does():
    assert "rolls the pods" in README and "checksum/neo4j-password" in README
    assert "rollout restart" in README


def test_every_value_documented_in_the_chart_values_is_described_in_the_deployment_doc():
    doc = (CHART.parents[2] / "docs" / "deployment.md").read_text()
    for value in (
        "image.digest", "service.allowPlaintextExposure", "service.appProtocol",
        "probes.readiness.followDatabase", "probes.startup", "extraEnv", "extraVolumes",
        "extraVolumeMounts", "networkPolicy.enabled",
    ):
        assert f"`{value}" in doc, value


def test_values_yaml_parses_to_the_documented_defaults():
    values = yaml.safe_load(VALUES_TEXT)
    assert values["networkPolicy"]["enabled"] is True
    assert values["service"]["allowPlaintextExposure"] is False
    assert values["probes"]["readiness"]["followDatabase"] is False
    assert values["image"]["digest"] == ""
    assert values["extraEnv"] == values["extraVolumes"] == values["extraVolumeMounts"] == []
