"""The Helm chart: it lints, renders for every supported values set, validates against
Kubernetes' own schemas, and has the properties operating graphrpc depends on."""

import base64
import hashlib
import json
import posixpath
import re

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from chart import CHART, NAMESPACE, PASSWORD, RELEASE, ROOT, chart_kube_floor, render, with_password

# The chart's floor and the newest Kubernetes the pinned kubernetes-validate ships.
KUBERNETES_VERSIONS = [chart_kube_floor(), "1.37.0"]

# Bearer tokens of the access-file values sets; only their SHA-256 hashes go into values.
TOKENS = {"reports": "tok-reports-9f2c", "billing": "tok-billing-41aa"}


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


# The demo catalog graphrpc itself loads in `make run` and its tests: comments and all,
# verbatim into the ConfigMap.
CATALOG = (ROOT / "deploy" / "local" / "catalog.yaml").read_text()

ACCESS_TOKENS = [
    {"principal": "reports", "sha256": sha256_hex(TOKENS["reports"]), "role": "reader", "raw_cypher": False},
    {"principal": "billing", "sha256": sha256_hex(TOKENS["billing"]), "role": "writer"},
]

VALUE_SETS = {
    "defaults": with_password(),
    "hpa-and-pdb": with_password(
        autoscaling={"enabled": True, "minReplicas": 3, "maxReplicas": 12},
        podDisruptionBudget={"enabled": True},
    ),
    "existing-secret": {
        "neo4j": {"existingSecret": "neo4j-credentials", "existingSecretKey": "graphrpc"},
        "access": {"open": True},
    },
    "network-policy": with_password(
        networkPolicy={
            "enabled": True,
            "ingressFrom": [{"podSelector": {"matchLabels": {"role": "api"}}}],
            "neo4j": {
                "ports": [7687],
                "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "neo4j"}}}],
            },
        }
    ),
    "headless-service": with_password(headlessService={"enabled": True}),
    # Metrics scraped by the Prometheus Operator, readiness through the admin port's /readyz,
    # traces exported to a collector that the NetworkPolicy lets the pods reach.
    "observability": with_password(
        probes={"mode": "http"},
        serviceMonitor={"enabled": True, "labels": {"release": "kube-prometheus-stack"}, "interval": "15s"},
        otel={
            "endpoint": "http://otel-collector.monitoring.svc.cluster.local:4317",
            "sampler": "parentbased_traceidratio",
            "samplerArg": 0.25,
            "resourceAttributes": {"deployment.environment.name": "staging", "team": "graph"},
        },
        networkPolicy={
            "enabled": True,
            "otlp": {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]},
        },
        config={"traceStatementText": True},
    ),
    "neo4j-cluster": with_password(
        neo4j={"uri": "neo4j+s://neo4j.neo4j.svc.cluster.local:7687", "database": "movies"},
        replicaCount=4,
        shutdown={"preStopSleepSeconds": 10, "graceSeconds": 90, "marginSeconds": 5},
    ),
    # TLS on the listener from a cert-manager Secret, mutual TLS against a client CA Secret,
    # and the database's certificate verified against a CA of its own.
    "tls-on": with_password(
        neo4j={"uri": "neo4j+s://neo4j.neo4j.svc.cluster.local:7687", "tls": {"caSecret": "neo4j-ca"}},
        tls={
            "enabled": True,
            "existingSecret": "graphrpc-tls",
            "clientAuth": {"enabled": True, "existingSecret": "graphrpc-client-ca", "mode": "required"},
        },
        headlessService={"enabled": True},
    ),
    # The catalog and the access file written in the values, with a per-principal rate.
    "catalog-and-access": with_password(
        catalog={"queries": CATALOG},
        access={"tokens": ACCESS_TOKENS},
        config={"rateLimit": 200, "rateBurst": 50, "reloadInterval": "10s"},
    ),
    # Everything from objects the user manages: nothing sensitive passes through the values.
    "existing-secrets": {
        "neo4j": {
            "uri": "bolt+s://neo4j.example.com:7687",
            "existingSecret": "neo4j-credentials",
            "tls": {"caConfigMap": "corporate-ca"},
        },
        "tls": {
            "enabled": True,
            "existingSecret": "graphrpc-tls",
            "clientAuth": {"enabled": True, "configMap": "client-ca-bundle", "mode": "optional"},
        },
        "catalog": {"existingConfigMap": "graphrpc-catalog"},
        "access": {"existingSecret": "graphrpc-access"},
    },
}


@pytest.fixture(scope="module", params=sorted(VALUE_SETS))
def rendered(request):
    rendered = render(VALUE_SETS[request.param])
    rendered.values = VALUE_SETS[request.param]
    return rendered


def grace_seconds(config):
    match = re.fullmatch(r"(\d+)s", config["GRAPHRPC_SHUTDOWN_GRACE"])
    assert match, config["GRAPHRPC_SHUTDOWN_GRACE"]
    return int(match.group(1))


# --- lint and Kubernetes schemas -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VALUE_SETS))
def test_lint_is_clean_in_strict_mode(name):
    report = helm.lint(CHART, VALUE_SETS[name], strict=True)
    assert report["errors"] == []
    # Severity 1 is informational ("icon is recommended"); warnings and errors fail.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def check_service_monitor(monitor, rendered):
    """A hand-written check of the ServiceMonitor fields the Prometheus Operator needs and
    graphrpc's scraping depends on: kubernetes-validate ships no schema for this CRD."""
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["kind"] == "ServiceMonitor"
    assert monitor["metadata"]["name"] and monitor["metadata"]["namespace"] == NAMESPACE
    assert set(monitor) == {"apiVersion", "kind", "metadata", "spec"}
    spec = monitor["spec"]
    selector = spec["selector"]["matchLabels"]
    # It selects the admin Service, and only that one of the chart's Services.
    selected = [
        s for s in rendered.of_kind("Service") if selector.items() <= s["metadata"]["labels"].items()
    ]
    assert [s["metadata"]["name"] for s in selected] == [f"{RELEASE}-graphrpc-admin"]
    assert selector == {
        k: v for k, v in selected[0]["metadata"]["labels"].items()
        if k in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component")
    }
    assert spec["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    assert spec["endpoints"], "a ServiceMonitor without endpoints scrapes nothing"
    admin_ports = [p["name"] for p in selected[0]["spec"]["ports"]]
    for endpoint in spec["endpoints"]:
        assert endpoint["port"] == "admin" and endpoint["port"] in admin_ports
        assert endpoint["path"] == "/metrics"
        assert endpoint.get("scheme", "http") == "http"
        for key in ("interval", "scrapeTimeout"):
            assert re.fullmatch(r"[0-9]+(ms|s|m|h)", endpoint[key]), (key, endpoint[key])


# Kinds kubernetes-validate has no schema for (custom resources), each with its own check.
CUSTOM_RESOURCE_CHECKS = {("monitoring.coreos.com/v1", "ServiceMonitor"): check_service_monitor}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("name", sorted(VALUE_SETS))
def test_every_manifest_validates_against_kubernetes(name, version):
    rendered = render(VALUE_SETS[name])
    assert rendered.objects
    for obj in rendered.objects:
        custom_check = CUSTOM_RESOURCE_CHECKS.get((obj["apiVersion"], obj["kind"]))
        if custom_check:
            # The one explicit exception to the Kubernetes-schema step.
            custom_check(obj, rendered)
            continue
        # Strict: an unknown or misplaced field fails, as it would with the API server's
        # strict field validation. A kind without a schema raises SchemaNotFoundError.
        kubernetes_validate.validate(obj, version, strict=True)


def test_custom_resources_are_checked_by_hand_because_kubernetes_has_no_schema_for_them():
    monitor = render(VALUE_SETS["observability"]).one("ServiceMonitor")
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(monitor, KUBERNETES_VERSIONS[-1], strict=True)


def test_each_values_set_renders_what_it_turns_on():
    kinds = {name: sorted(o["kind"] for o in render(v).objects) for name, v in VALUE_SETS.items()}
    # Two Services always: gRPC and admin.
    # And the NetworkPolicy, on by default.
    base = ["ConfigMap", "Deployment", "NetworkPolicy", "Secret", "Service", "Service", "ServiceAccount"]
    assert kinds["defaults"] == base
    assert kinds["hpa-and-pdb"] == sorted(base + ["HorizontalPodAutoscaler", "PodDisruptionBudget"])
    assert kinds["existing-secret"] == ["ConfigMap", "Deployment", "NetworkPolicy", "Service", "Service", "ServiceAccount"]
    assert kinds["network-policy"] == base
    assert kinds["headless-service"] == sorted(base + ["Service"])
    assert kinds["observability"] == sorted(base + ["ServiceMonitor"])
    # The TLS Secrets are the user's (e.g. cert-manager's): the chart renders none.
    assert kinds["tls-on"] == sorted(base + ["Service"])
    # The catalog's ConfigMap and the access file's Secret.
    assert kinds["catalog-and-access"] == sorted(base + ["ConfigMap", "Secret"])
    assert kinds["existing-secrets"] == kinds["existing-secret"]


# --- the password ----------------------------------------------------------------------------


def test_the_password_never_appears_in_plain_text(rendered):
    assert PASSWORD not in rendered.all_text()
    encoded = base64.b64encode(PASSWORD.encode()).decode()
    for obj in rendered.objects:
        if obj["kind"] != "Secret":
            assert encoded not in json.dumps(obj)


def test_no_token_or_token_hash_appears_outside_a_secret(rendered):
    hashes = [t["sha256"] for t in rendered.values.get("access", {}).get("tokens", [])]
    for token in TOKENS.values():
        assert token not in rendered.all_text()
    for digest in hashes:
        # Only base64-encoded, inside the access file's Secret: in no ConfigMap, no env, no
        # annotation, nowhere in plain text.
        assert digest not in rendered.all_text()
        for obj in rendered.objects:
            if obj["kind"] != "Secret":
                assert digest not in json.dumps(obj)
    if hashes:
        assert all(digest in access_file_text(rendered) for digest in hashes)


def test_the_chart_created_secret_holds_the_password_base64():
    secret = render(with_password()).one("Secret")
    assert base64.b64decode(secret["data"]["password"]).decode() == PASSWORD
    assert "stringData" not in secret


def test_the_password_reaches_graphrpc_as_a_file_only(rendered):
    container = rendered.container()
    env = {e["name"]: e for e in container.get("env", [])}
    assert "NEO4J_PASSWORD" not in env
    assert "NEO4J_PASSWORD" not in rendered.config()
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "neo4j-password"]
    (volume,) = [v for v in rendered.pod()["volumes"] if v["name"] == "neo4j-password"]
    (item,) = volume["secret"]["items"]
    assert env["NEO4J_PASSWORD_FILE"]["value"] == f"{mount['mountPath']}/{item['path']}"
    assert mount["readOnly"] is True
    assert volume["secret"]["defaultMode"] & 0o222 == 0, "nobody may write the password file"


def test_existing_secret_is_mounted_and_no_secret_is_rendered():
    rendered = render(VALUE_SETS["existing-secret"])
    assert rendered.of_kind("Secret") == []
    (volume,) = [v for v in rendered.pod()["volumes"] if v["name"] == "neo4j-password"]
    assert volume["secret"]["secretName"] == "neo4j-credentials"
    assert volume["secret"]["items"][0]["key"] == "graphrpc"


def test_the_chart_created_secret_is_the_one_mounted():
    rendered = render(with_password())
    (volume,) = [v for v in rendered.pod()["volumes"] if v["name"] == "neo4j-password"]
    secret = rendered.one("Secret")
    assert volume["secret"]["secretName"] == secret["metadata"]["name"]
    assert volume["secret"]["items"][0]["key"] in secret["data"]


def test_no_password_and_no_existing_secret_fails_with_a_clear_message():
    with pytest.raises(helm.HelmRenderError, match="neo4j.password or neo4j.existingSecret"):
        render({"access": {"open": True}})


# --- values.schema.json ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, complaint",
    [
        ({"replicaCont": 3}, "replicaCont"),
        ({"neo4j": {"pasword": "x"}}, "pasword"),
        ({"config": {"poolsize": 8}}, "poolsize"),
        ({"autoscaling": {"enabled": True, "maxReplica": 5}}, "maxReplica"),
        ({"replicaCount": "three"}, "replicaCount"),
        ({"headlessService": {"enabled": "yes"}}, "enabled"),
        ({"config": {"maxTimeout": "ten minutes"}}, "maxTimeout"),
        ({"config": {"logFormat": "xml"}}, "logFormat"),
        ({"shutdown": {"graceSeconds": 0}}, "graceSeconds"),
        ({"probes": {"mode": "tcp"}}, "mode"),
        ({"adminPort": 70000}, "adminPort"),
        ({"config": {"maxConcurrentCalls": 0}}, "maxConcurrentCalls"),
        ({"config": {"traceStatementText": "yes"}}, "traceStatementText"),
        ({"config": {"http2KeepaliveInterval": "0s"}}, "http2KeepaliveInterval"),
        ({"serviceMonitor": {"enabled": True, "intervall": "15s"}}, "intervall"),
        ({"serviceMonitor": {"interval": "often"}}, "interval"),
        # The OTLP/gRPC exporter needs a URL with its scheme.
        ({"otel": {"endpoint": "otel-collector:4317"}}, "endpoint"),
        ({"otel": {"sampler": "sometimes"}}, "sampler"),
        ({"otel": {"samplerArg": 1.5}}, "samplerArg"),
        # OTEL_RESOURCE_ATTRIBUTES is key=value,key=value: neither may hold "," or "=".
        ({"otel": {"resourceAttributes": {"team": "graph,ops"}}}, "resourceAttributes"),
        ({"otel": {"resourceAttributes": {"team=ops": "graph"}}}, "team=ops"),
        ({"otel": {"endpont": "http://collector:4317"}}, "endpont"),
        ({"networkPolicy": {"otlp": {"ports": []}}}, "ports"),
        # A digest belongs in image.digest: in the tag it made an invalid version label.
        ({"image": {"tag": "0.1.0@sha256:" + "a" * 64}}, "tag"),
        ({"image": {"digest": "sha256:" + "A" * 64}}, "digest"),
        ({"image": {"digest": "a" * 64}}, "digest"),
        ({"replicaCount": -1}, "replicaCount"),
        ({"probes": {"readiness": {"followDatabase": "no"}}}, "followDatabase"),
        ({"probes": {"startup": {"failureThreshold": 0}}}, "failureThreshold"),
        ({"service": {"allowPlaintextExposure": "yes"}}, "allowPlaintextExposure"),
        ({"extraEnv": [{"value": "1"}]}, "name"),
        ({"extraVolumeMounts": [{"name": "x"}]}, "mountPath"),
        # Credentials in the URI would put the password into the ConfigMap.
        ({"neo4j": {"uri": "neo4j://graphrpc:secret@neo4j:7687"}}, "uri"),
        ({"neo4j": {"uri": "http://neo4j:7474"}}, "uri"),
        # A database CA needs a scheme that verifies with it: +s, not plaintext or +ssc.
        ({"neo4j": {"uri": "bolt://neo4j:7687", "tls": {"caSecret": "ca"}}}, "uri"),
        ({"neo4j": {"uri": "neo4j+ssc://neo4j:7687", "tls": {"caConfigMap": "ca"}}}, "uri"),
        ({"neo4j": {"tls": {"caFile": "/ca.crt"}}}, "caFile"),
        ({"tls": {"enabled": "true"}}, "enabled"),
        ({"tls": {"secretName": "graphrpc-tls"}}, "secretName"),
        ({"tls": {"clientAuth": {"mode": "request"}}}, "mode"),
        ({"catalog": {"queries": ["person_by_name"]}}, "queries"),
        ({"catalog": {"configMap": "x"}}, "configMap"),
        # sha256 is 64 lowercase hex digits: not the token, not uppercase, not truncated.
        ({"access": {"tokens": [{"principal": "a", "sha256": "tok-reports-9f2c", "role": "reader"}]}}, "sha256"),
        ({"access": {"tokens": [{"principal": "a", "sha256": "A" * 64, "role": "reader"}]}}, "sha256"),
        ({"access": {"tokens": [{"principal": "a", "sha256": "a" * 63, "role": "reader"}]}}, "sha256"),
        ({"access": {"tokens": [{"principal": "a", "sha256": "a" * 64, "role": "root"}]}}, "role"),
        ({"access": {"tokens": [{"principal": "a", "sha256": "a" * 64}]}}, "role"),
        ({"access": {"tokens": [{"principal": "a", "sha256": "a" * 64, "role": "reader", "raw_cypher": "no"}]}}, "raw_cypher"),
        ({"access": {"tokens": [{"principal": "a", "token": "x", "sha256": "a" * 64, "role": "reader"}]}}, "token"),
        ({"access": {"certificates": [{"subject": "CN=a", "principal": "a", "role": "superuser"}]}}, "role"),
        # Principal names as graphrpc accepts them: letters, digits and - _ . @ :
        ({"access": {"tokens": [{"principal": "team reports", "sha256": "a" * 64, "role": "reader"}]}}, "principal"),
        ({"access": {"tokens": [{"principal": "", "sha256": "a" * 64, "role": "reader"}]}}, "principal"),
        ({"access": {"certificates": [{"principal": "a", "role": "reader"}]}}, "subject"),
        # A database user as graphrpc accepts it: letters, digits and - _ . @
        ({"access": {"tokens": [{"principal": "a", "sha256": "a" * 64, "role": "reader", "database_user": "al ice"}]}},
         "database_user"),
        ({"config": {"reloadInterval": "0s"}}, "reloadInterval"),
        ({"config": {"rateLimit": -1}}, "rateLimit"),
        ({"config": {"rateBurst": 1.5}}, "rateBurst"),
    ],
)
def test_the_schema_rejects_misspelled_and_mistyped_values(values, complaint):
    with pytest.raises(helm.HelmValuesError, match=complaint):
        render(with_password(**values))


# Objects handed to Kubernetes as written: their content is Kubernetes' to check.
PASS_THROUGH = {
    "podAnnotations", "podLabels", "nodeSelector", "affinity", "tolerations[]",
    "podSecurityContext", "securityContext",
    "serviceAccount.annotations", "service.annotations", "headlessService.annotations",
    "adminService.annotations", "serviceMonitor.labels", "otel.resourceAttributes",
    "networkPolicy.ingressFrom[]", "networkPolicy.adminFrom[]", "networkPolicy.neo4j.to[]",
    "networkPolicy.dns.to[]", "networkPolicy.otlp.to[]",
    "extraEnv[]", "extraVolumes[]", "extraVolumeMounts[]",
}


def test_every_chart_owned_object_in_the_schema_refuses_unknown_keys():
    schema = json.loads((CHART / "values.schema.json").read_text())
    open_objects = []

    def walk(node, path):
        if node.get("type") == "object":
            if node.get("additionalProperties") is not False and path not in PASS_THROUGH:
                open_objects.append(path)
            for key, child in node.get("properties", {}).items():
                walk(child, f"{path}.{key}" if path else key)
        if node.get("type") == "array" and "items" in node:
            walk(node["items"], f"{path}[]")

    walk(schema, "")
    assert open_objects == []


def test_every_top_level_value_is_documented():
    lines = (CHART / "values.yaml").read_text().splitlines()
    undocumented = [
        line.split(":")[0]
        for i, line in enumerate(lines)
        if re.match(r"^[A-Za-z]\w*:", line) and not lines[i - 1].startswith("#")
    ]
    assert undocumented == []


# --- probes, ports and shutdown --------------------------------------------------------------


def container_port(container, name):
    (port,) = [p for p in container["ports"] if p["name"] == name]
    assert port["protocol"] == "TCP"
    return port["containerPort"]


def test_the_grpc_and_admin_ports_are_named_container_ports_on_the_pod_network(rendered):
    container = rendered.container()
    assert sorted(p["name"] for p in container["ports"]) == ["admin", "grpc"]
    grpc, admin = container_port(container, "grpc"), container_port(container, "admin")
    assert grpc != admin
    assert rendered.config()["GRAPHRPC_LISTEN"] == f"0.0.0.0:{grpc}"
    # graphrpc's own default, 127.0.0.1, would hide the admin port from probes and Prometheus.
    assert rendered.config()["GRAPHRPC_ADMIN_LISTEN"] == f"0.0.0.0:{admin}"


def targets_admin_port(probe, container):
    return probe["port"] in ("admin", container_port(container, "admin"))


def probe_mode(rendered):
    if rendered.values.get("tls", {}).get("enabled"):
        # The kubelet's gRPC probe cannot do TLS.
        return "http"
    return rendered.values.get("probes", {}).get("mode", "grpc")


def test_liveness_is_livez_on_the_admin_port_in_every_mode(rendered):
    # Liveness must not follow the database (restarting graphrpc cannot bring Neo4j back),
    # and must not go through the gRPC listener, which the drain closes.
    container = rendered.container()
    liveness = container["livenessProbe"]
    assert set(liveness) & {"grpc", "tcpSocket", "exec"} == set()
    assert liveness["httpGet"]["path"] == "/livez"
    assert liveness["httpGet"].get("scheme", "HTTP") == "HTTP"
    assert targets_admin_port(liveness["httpGet"], container)


@pytest.mark.parametrize("grace", [20, 30, 95])
@pytest.mark.parametrize("mode", ["grpc", "http"])
def test_liveness_uses_the_configured_threshold_whatever_the_drain(grace, mode):
    # The admin listener outlives the drain: nothing needs raising, and nothing is raised
    # behind the user's back.
    rendered = render(with_password(shutdown={"graceSeconds": grace}, probes={"mode": mode}))
    assert rendered.container()["livenessProbe"]["failureThreshold"] == 3
    assert render(with_password(probes={"mode": mode, "liveness": {"failureThreshold": 1}})).container()[
        "livenessProbe"
    ]["failureThreshold"] == 1


def test_the_startup_probe_checks_the_database_and_readiness_the_serving_state(rendered):
    container = rendered.container()
    startup, readiness = container["startupProbe"], container["readinessProbe"]
    if probe_mode(rendered) == "grpc":
        assert set(startup) & {"httpGet", "tcpSocket", "exec"} == set()
        grpc = container_port(container, "grpc")
        assert startup["grpc"] == {"port": grpc, "service": "graphrpc.v1.GraphQueryService"}
        assert readiness["grpc"] == {"port": grpc, "service": "liveness"}
    else:
        assert set(startup) & {"grpc", "tcpSocket", "exec"} == set()
        assert startup["httpGet"]["path"] == "/readyz"
        assert readiness["httpGet"]["path"] == "/livez"
        for probe in (startup, readiness):
            assert probe["httpGet"].get("scheme", "HTTP") == "HTTP"
            assert targets_admin_port(probe["httpGet"], container)


@pytest.mark.parametrize("mode", ["grpc", "http"])
def test_readiness_follows_the_database_when_asked(mode):
    container = render(with_password(probes={"mode": mode, "readiness": {"followDatabase": True}})).container()
    assert container["readinessProbe"] == {**container["startupProbe"], **{
        k: container["readinessProbe"][k] for k in ("periodSeconds", "timeoutSeconds", "failureThreshold")
    }}
    if mode == "grpc":
        assert container["readinessProbe"]["grpc"]["service"] == "graphrpc.v1.GraphQueryService"
    else:
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_the_default_probe_mode_is_grpc():
    startup = render(with_password()).container()["startupProbe"]
    assert startup["grpc"]["service"] == "graphrpc.v1.GraphQueryService"
    assert "httpGet" in render(with_password(probes={"mode": "http"})).container()["startupProbe"]


def test_a_custom_container_port_moves_listener_probes_and_services_together():
    rendered = render(with_password(containerPort=6000, headlessService={"enabled": True}))
    assert rendered.config()["GRAPHRPC_LISTEN"] == "0.0.0.0:6000"
    container = rendered.container()
    assert container_port(container, "grpc") == 6000
    assert container["readinessProbe"]["grpc"]["port"] == 6000
    for service in grpc_services(rendered):
        assert [p["targetPort"] for p in service["spec"]["ports"]] == ["grpc"]


def test_a_custom_admin_port_moves_listener_probes_and_the_admin_service_together():
    rendered = render(with_password(adminPort=9100, probes={"mode": "http"}))
    assert rendered.config()["GRAPHRPC_ADMIN_LISTEN"] == "0.0.0.0:9100"
    container = rendered.container()
    assert container_port(container, "admin") == 9100
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert targets_admin_port(container[probe]["httpGet"], container)
    (port,) = admin_service(rendered)["spec"]["ports"]
    assert (port["port"], port["targetPort"]) == (9100, "admin")


def test_the_admin_port_may_not_be_the_grpc_port():
    with pytest.raises(helm.HelmRenderError, match="adminPort must differ from containerPort"):
        render(with_password(adminPort=50051))


@pytest.mark.parametrize(
    "shutdown",
    [
        {},
        {"graceSeconds": 120},
        {"preStopSleepSeconds": 15, "graceSeconds": 45, "marginSeconds": 1},
        {"preStopSleepSeconds": 0},
    ],
)
def test_the_grace_period_outlasts_the_pause_and_the_drain(shutdown):
    rendered = render(with_password(shutdown=shutdown))
    pod = rendered.pod()
    pause = rendered.container().get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    drain = grace_seconds(rendered.config())
    if "graceSeconds" in shutdown:
        assert drain == shutdown["graceSeconds"]
    if "preStopSleepSeconds" in shutdown:
        assert pause == shutdown["preStopSleepSeconds"]
    assert pod["terminationGracePeriodSeconds"] > pause + drain


def test_defaults_pause_before_draining():
    lifecycle = render(with_password()).container()["lifecycle"]
    assert lifecycle["preStop"]["sleep"]["seconds"] > 0


# --- Services and load balancing ---------------------------------------------------------------


def admin_service(rendered):
    (service,) = [s for s in rendered.of_kind("Service") if s["metadata"]["name"].endswith("-admin")]
    return service


def grpc_services(rendered):
    return [s for s in rendered.of_kind("Service") if s is not admin_service(rendered)]


def test_services_declare_grpc_and_select_the_pods(rendered):
    pod_labels = rendered.deployment()["spec"]["template"]["metadata"]["labels"]
    # Cleartext gRPC is "grpc"; a TLS listener must not be announced as that to a mesh.
    protocol = "https" if rendered.values.get("tls", {}).get("enabled") else "grpc"
    for service in grpc_services(rendered):
        assert [(p["name"], p["appProtocol"]) for p in service["spec"]["ports"]] == [("grpc", protocol)]
        assert service["spec"]["selector"].items() <= pod_labels.items()
    admin = admin_service(rendered)
    assert admin["metadata"]["name"] == f"{RELEASE}-graphrpc-admin"
    assert [(p["name"], p["targetPort"], p["appProtocol"]) for p in admin["spec"]["ports"]] == [
        ("admin", "admin", "http")
    ]
    assert admin["spec"]["selector"].items() <= pod_labels.items()


def test_the_admin_port_stays_inside_the_cluster_whatever_the_service_type():
    rendered = render(with_password(service={"type": "LoadBalancer", "allowPlaintextExposure": True}))
    (grpc,) = grpc_services(rendered)
    assert grpc["spec"]["type"] == "LoadBalancer"
    assert [p["name"] for p in grpc["spec"]["ports"]] == ["grpc"]
    assert admin_service(rendered)["spec"]["type"] == "ClusterIP"


def test_the_headless_service_resolves_to_ready_pods_only():
    services = render(VALUE_SETS["headless-service"]).of_kind("Service")
    (headless,) = [s for s in services if s["spec"].get("clusterIP") == "None"]
    assert headless["metadata"]["name"] == f"{RELEASE}-graphrpc-headless"
    assert headless["spec"].get("publishNotReadyAddresses", False) is False


def test_notes_show_grpcurl_and_explain_connection_pinning():
    notes = render(with_password()).notes()
    assert "grpcurl -plaintext" in notes and "graphrpc.v1.GraphQueryService/Run" in notes
    assert f"port-forward svc/{RELEASE}-graphrpc" in notes
    assert "one HTTP/2" in notes
    assert f"port-forward svc/{RELEASE}-graphrpc-admin 9464:9464" in notes
    assert "/metrics" in notes
    headless_notes = render(VALUE_SETS["headless-service"]).notes()
    assert f"dns:///{RELEASE}-graphrpc-headless.{NAMESPACE}.svc.cluster.local:50051" in headless_notes
    assert "round_robin" in headless_notes


# --- labels, security, scheduling ------------------------------------------------------------

STANDARD_LABELS = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "helm.sh/chart",
]


def test_every_object_and_the_pods_carry_the_standard_labels(rendered):
    labelled = rendered.objects + [rendered.deployment()["spec"]["template"]]
    for obj in labelled:
        labels = obj["metadata"]["labels"]
        assert all(labels.get(name) for name in STANDARD_LABELS), obj["metadata"]
        assert labels["app.kubernetes.io/instance"] == RELEASE


def test_pods_run_hardened(rendered):
    pod = rendered.pod()
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    container = rendered.container()["securityContext"]
    assert container["allowPrivilegeEscalation"] is False
    assert container["readOnlyRootFilesystem"] is True
    assert container["capabilities"]["drop"] == ["ALL"]
    assert container.get("privileged", False) is False


def test_pods_have_resources_and_spread_over_zones_and_nodes(rendered):
    assert rendered.container()["resources"]["requests"]["cpu"]
    assert rendered.container()["resources"]["limits"]["memory"]
    spread = rendered.pod()["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in spread] == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
    selector = rendered.deployment()["spec"]["selector"]["matchLabels"]
    assert all(c["labelSelector"]["matchLabels"] == selector for c in spread)


# --- configuration -----------------------------------------------------------------------------


# The standard OpenTelemetry variables the chart sets. graphrpc's OTel SDK reads them (the
# resource, the sampler, the OTLP exporter), not src/configuration.rs.
OTEL_VARIABLES = {
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG", "OTEL_RESOURCE_ATTRIBUTES",
}

OTEL_FULL = {
    "endpoint": "http://otel-collector.monitoring:4317",
    "serviceName": "graph-api",
    "sampler": "traceidratio",
    "samplerArg": "0.1",
    "resourceAttributes": {"team": "graph", "deployment.environment.name": "production"},
}


def variables_graphrpc_reads():
    source = (ROOT / "src" / "configuration.rs").read_text()
    known = set(re.findall(r'env = "([A-Z0-9_]+)"', source))
    assert known, "no env names found in src/configuration.rs"
    # The export is switched on by this variable; the SDK reads the others.
    assert '"OTEL_EXPORTER_OTLP_ENDPOINT"' in (ROOT / "src" / "telemetry.rs").read_text()
    return known | OTEL_VARIABLES


def test_the_configmap_sets_only_variables_graphrpc_reads(rendered):
    known = variables_graphrpc_reads()
    config = rendered.config()
    assert set(config) <= known, set(config) - known
    env = {e["name"] for e in rendered.container().get("env", [])}
    assert env <= known, env - known


def test_every_setting_graphrpc_reads_can_be_set_through_the_chart():
    known = variables_graphrpc_reads()
    rendered = render(
        with_password(
            neo4j={"database": "movies", "uri": "neo4j+s://db:7687", "tls": {"caSecret": "neo4j-ca"}},
            otel=OTEL_FULL,
            tls={"enabled": True, "existingSecret": "tls", "clientAuth": {"enabled": True, "configMap": "ca"}},
            catalog={"queries": CATALOG},
            access={"tokens": ACCESS_TOKENS},
        )
    )
    settable = set(rendered.config()) | {e["name"] for e in rendered.container()["env"]}
    # The access settings that apply only without an access file, or when lists are given.
    settable |= set(env_of(render(with_password(access={"open": True}))))
    settable |= set(env_of(render(with_password(
        access={"tokens": ACCESS_TOKENS, "readProcedures": ["db.ping"], "writeProcedures": ["x.y"]}))))
    # NEO4J_PASSWORD stays out on purpose: the password travels as a file only.
    missing = known - settable - {"NEO4J_PASSWORD"}
    assert missing == set(), f"add {sorted(missing)} to the chart's config values and ConfigMap"


def test_configuration_values_reach_graphrpc_verbatim():
    config = render(
        with_password(
            neo4j={"uri": "neo4j://core.neo4j:7687", "username": "svc", "database": "movies"},
            config={"maxRows": 2000000, "maxTimeout": "30m", "logFormat": "human"},
        )
    ).config()
    assert config["NEO4J_URI"] == "neo4j://core.neo4j:7687"
    assert config["NEO4J_USERNAME"] == "svc"
    assert config["NEO4J_DATABASE"] == "movies"
    # Helm holds numbers as floats; a large one must not come out as 2e+06.
    assert config["GRAPHRPC_MAX_ROWS"] == "2000000"
    assert config["GRAPHRPC_MAX_TIMEOUT"] == "30m"
    assert config["GRAPHRPC_LOG_FORMAT"] == "human"


def test_traffic_and_http2_values_reach_graphrpc_verbatim():
    config = render(
        with_password(
            config={
                "maxConcurrentCalls": 2048, "retryPushback": "1s", "defaultCallDeadline": "30s",
                "maxCallDeadline": "2h", "http2KeepaliveInterval": "20s",
                "http2KeepaliveTimeout": "5s", "http2MaxConcurrentStreams": 1000000,
                "tcpKeepalive": "2m", "traceStatementText": True,
            }
        )
    ).config()
    assert config["GRAPHRPC_MAX_CONCURRENT_CALLS"] == "2048"
    assert config["GRAPHRPC_RETRY_PUSHBACK"] == "1s"
    assert config["GRAPHRPC_DEFAULT_CALL_DEADLINE"] == "30s"
    assert config["GRAPHRPC_MAX_CALL_DEADLINE"] == "2h"
    assert config["GRAPHRPC_HTTP2_KEEPALIVE_INTERVAL"] == "20s"
    assert config["GRAPHRPC_HTTP2_KEEPALIVE_TIMEOUT"] == "5s"
    assert config["GRAPHRPC_HTTP2_MAX_CONCURRENT_STREAMS"] == "1000000"
    assert config["GRAPHRPC_TCP_KEEPALIVE"] == "2m"
    # clap's boolean parser takes "true" and "false" only.
    assert config["GRAPHRPC_TRACE_STATEMENT_TEXT"] == "true"
    assert render(with_password()).config()["GRAPHRPC_TRACE_STATEMENT_TEXT"] == "false"


def otel_env(rendered):
    env = {**rendered.config(), **{e["name"]: e.get("value") for e in rendered.container()["env"]}}
    return {k: v for k, v in env.items() if k.startswith("OTEL_")}


def test_otel_variables_appear_only_when_an_endpoint_is_configured(rendered):
    expected = bool(rendered.values.get("otel", {}).get("endpoint"))
    assert bool(otel_env(rendered)) == expected


def test_no_endpoint_means_no_otel_variables_even_with_other_otel_values():
    otel = {**OTEL_FULL, "endpoint": ""}
    assert otel_env(render(with_password(otel=otel))) == {}
    assert otel_env(render(with_password())) == {}


def test_an_endpoint_alone_names_the_service_after_the_release():
    env = otel_env(render(with_password(otel={"endpoint": "https://collector.example:4317"})))
    assert env == {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example:4317",
        "OTEL_SERVICE_NAME": f"{RELEASE}-graphrpc",
    }


def test_otel_values_reach_graphrpc_verbatim():
    assert otel_env(render(with_password(otel=OTEL_FULL))) == {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.monitoring:4317",
        "OTEL_SERVICE_NAME": "graph-api",
        "OTEL_TRACES_SAMPLER": "traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.1",
        # key=value pairs, comma-separated, in key order.
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=production,team=graph",
    }
    # A ratio given as a number (--set otel.samplerArg=0.25) is written as a plain decimal.
    assert otel_env(render(VALUE_SETS["observability"]))["OTEL_TRACES_SAMPLER_ARG"] == "0.25"


def test_an_empty_database_is_left_to_the_server():
    assert "NEO4J_DATABASE" not in render(with_password()).config()


def checksum(values):
    return render(values).deployment()["spec"]["template"]["metadata"]["annotations"]["checksum/config"]


def test_a_config_change_rolls_the_pods():
    base = checksum(with_password())
    assert checksum(with_password()) == base
    assert checksum(with_password(config={"poolSize": 32})) != base
    assert checksum(with_password(neo4j={"uri": "neo4j://elsewhere:7687"})) != base
    assert checksum(with_password(shutdown={"graceSeconds": 40})) != base
    assert checksum(with_password(adminPort=9100)) != base
    assert checksum(with_password(otel={"endpoint": "http://collector:4317"})) != base


def test_the_checksum_does_not_reveal_the_password():
    # It covers the ConfigMap only, so a password change cannot be recovered from it.
    assert checksum(with_password()) == checksum(with_password(neo4j={"password": "other"}))
    config = render(with_password()).files["graphrpc/templates/configmap.yaml"]
    assert checksum(with_password()) == hashlib.sha256(config.encode()).hexdigest()


# --- autoscaling, disruption budget, network policy --------------------------------------------


def test_the_autoscaler_owns_the_replica_count():
    rendered = render(VALUE_SETS["hpa-and-pdb"])
    deployment = rendered.deployment()
    assert "replicas" not in deployment["spec"]
    hpa = rendered.one("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]["name"]
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    assert render(with_password(replicaCount=5)).deployment()["spec"]["replicas"] == 5


def test_autoscaling_without_a_cpu_request_is_refused():
    with pytest.raises(helm.HelmRenderError, match="resources.requests.cpu"):
        # null deletes the chart's default, as `--set resources.requests.cpu=null` does.
        render(with_password(autoscaling={"enabled": True}, resources={"requests": {"cpu": None}}))


def test_the_disruption_budget_covers_the_pods():
    rendered = render(VALUE_SETS["hpa-and-pdb"])
    pdb = rendered.one("PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1
    assert pdb["spec"]["selector"] == rendered.deployment()["spec"]["selector"]


def test_the_network_policy_allows_grpc_and_admin_in_and_only_neo4j_and_dns_out():
    rendered = render(VALUE_SETS["network-policy"])
    policy = rendered.one("NetworkPolicy")["spec"]
    assert policy["podSelector"] == rendered.deployment()["spec"]["selector"]
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    grpc, admin = policy["ingress"]
    assert grpc["ports"] == [{"port": "grpc", "protocol": "TCP"}]
    assert grpc["from"] == [{"podSelector": {"matchLabels": {"role": "api"}}}]
    # Scrapes are admitted on the admin port, by default from the monitoring namespace.
    assert admin["ports"] == [{"port": "admin", "protocol": "TCP"}]
    assert admin["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]
    container_ports = {p["name"] for p in rendered.container()["ports"]}
    assert {p["port"] for rule in policy["ingress"] for p in rule["ports"]} <= container_ports
    # No traces exported: no rule for a collector.
    neo4j, dns = policy["egress"]
    assert neo4j["ports"] == [{"port": 7687, "protocol": "TCP"}]
    assert neo4j["to"] == VALUE_SETS["network-policy"]["networkPolicy"]["neo4j"]["to"]
    assert sorted((p["port"], p["protocol"]) for p in dns["ports"]) == [(53, "TCP"), (53, "UDP")]
    assert dns["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}


def test_an_empty_admin_from_admits_any_source_on_the_admin_port_only():
    policy = render(with_password(networkPolicy={"adminFrom": []})).one("NetworkPolicy")
    (admin,) = [r for r in policy["spec"]["ingress"] if r["ports"][0]["port"] == "admin"]
    assert "from" not in admin
    assert admin["ports"] == [{"port": "admin", "protocol": "TCP"}]


def test_the_network_policy_lets_traces_reach_the_collector_when_they_are_exported():
    rendered = render(VALUE_SETS["observability"])
    policy = rendered.one("NetworkPolicy")["spec"]
    neo4j, dns, otlp = policy["egress"]
    assert otlp["ports"] == [{"port": 4317, "protocol": "TCP"}]
    assert otlp["to"] == VALUE_SETS["observability"]["networkPolicy"]["otlp"]["to"]
    custom = render(
        with_password(
            otel={"endpoint": "http://collector:4317"},
            networkPolicy={"enabled": True, "otlp": {"ports": [4317, 55680]}},
        )
    ).one("NetworkPolicy")["spec"]["egress"][2]
    assert [p["port"] for p in custom["ports"]] == [4317, 55680]
    assert "to" not in custom


# --- ServiceMonitor ------------------------------------------------------------------------------


def test_the_service_monitor_is_off_by_default():
    assert render(with_password()).of_kind("ServiceMonitor") == []


def test_the_service_monitor_scrapes_metrics_on_the_admin_port_of_the_admin_service():
    rendered = render(VALUE_SETS["observability"])
    monitor = rendered.one("ServiceMonitor")
    check_service_monitor(monitor, rendered)
    (endpoint,) = monitor["spec"]["endpoints"]
    assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("15s", "10s")
    # Its labels carry what the Prometheus resource's serviceMonitorSelector looks for.
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


@pytest.mark.parametrize(
    "interval, timeout, accepted",
    [("30s", "10s", True), ("1m", "60s", True), ("500ms", "500ms", True), ("1h", "2m", True),
     ("5s", "10s", False), ("1m", "61s", False), ("1s", "1001ms", False)],
)
def test_a_scrape_timeout_longer_than_the_interval_is_refused(interval, timeout, accepted):
    values = with_password(serviceMonitor={"enabled": True, "interval": interval, "scrapeTimeout": timeout})
    if accepted:
        (endpoint,) = render(values).one("ServiceMonitor")["spec"]["endpoints"]
        assert (endpoint["interval"], endpoint["scrapeTimeout"]) == (interval, timeout)
    else:
        with pytest.raises(helm.HelmRenderError, match="scrapeTimeout must not be longer than"):
            render(values)


@pytest.mark.parametrize(
    "broken",
    [
        lambda m: m["spec"]["endpoints"][0].update(port="grpc"),
        lambda m: m["spec"]["endpoints"][0].update(path="/"),
        lambda m: m["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/component": "server"}),
        lambda m: m["spec"]["selector"]["matchLabels"].pop("app.kubernetes.io/component"),
        lambda m: m.update(apiVersion="monitoring.coreos.com/v1alpha1"),
        lambda m: m["spec"].update(endpoints=[]),
    ],
    ids=["grpc-port", "wrong-path", "selects-grpc-service", "selects-every-service", "api-version", "no-endpoints"],
)
def test_the_service_monitor_check_catches_what_would_break_scraping(broken):
    rendered = render(VALUE_SETS["observability"])
    monitor = rendered.one("ServiceMonitor")
    broken(monitor)
    with pytest.raises(AssertionError):
        check_service_monitor(monitor, rendered)


# --- TLS, the catalog and the access file ------------------------------------------------------


def access_secret(rendered):
    (secret,) = [o for o in rendered.of_kind("Secret") if "access.yaml" in o.get("data", {})]
    return secret


def access_file_text(rendered):
    return base64.b64decode(access_secret(rendered)["data"]["access.yaml"]).decode()


def catalog_configmap(rendered):
    (config_map,) = [o for o in rendered.of_kind("ConfigMap") if o["metadata"]["name"].endswith("-catalog")]
    return config_map


def env_of(rendered):
    return {**rendered.config(), **{e["name"]: e["value"] for e in rendered.container()["env"]}}


def volume_of(rendered, name):
    (volume,) = [v for v in rendered.pod()["volumes"] if v["name"] == name]
    return volume


def mount_of(rendered, name):
    (mount,) = [m for m in rendered.container()["volumeMounts"] if m["name"] == name]
    return mount


# Every file setting, with the volume that provides it and the key it reads there.
FILE_SETTINGS = {
    "NEO4J_PASSWORD_FILE": "neo4j-password",
    "GRAPHRPC_TLS_CERT_FILE": "tls",
    "GRAPHRPC_TLS_KEY_FILE": "tls",
    "GRAPHRPC_TLS_CLIENT_CA_FILE": "tls-client-ca",
    "NEO4J_TLS_CA_FILE": "neo4j-ca",
    "GRAPHRPC_CATALOG_FILE": "catalog",
    "GRAPHRPC_ACCESS_FILE": "access",
}


def test_every_file_setting_names_a_file_in_a_read_only_directory_mount(rendered):
    env = env_of(rendered)
    mounts = {m["name"]: m for m in rendered.container()["volumeMounts"]}
    for setting, volume_name in FILE_SETTINGS.items():
        if setting not in env:
            assert volume_name not in mounts or volume_name == "tls", (setting, volume_name)
            continue
        mount = mounts[volume_name]
        # A whole directory: a subPath mount never sees a Secret or ConfigMap update.
        assert "subPath" not in mount and "subPathExpr" not in mount
        assert mount["readOnly"] is True
        directory, key = posixpath.split(env[setting])
        assert directory == mount["mountPath"], (setting, env[setting], mount)
        source = volume_of(rendered, volume_name)
        items = (source.get("secret") or source.get("configMap")).get("items")
        if items:
            assert key in [i["path"] for i in items]
    for mount in rendered.container()["volumeMounts"]:
        assert "subPath" not in mount and mount["readOnly"] is True
    # No two mounts share a directory, or one would hide the other.
    paths = [m["mountPath"] for m in rendered.container()["volumeMounts"]]
    assert len(paths) == len(set(paths))


def test_secret_volumes_are_readable_by_graphrpc_and_writable_by_nobody(rendered):
    for volume in rendered.pod()["volumes"]:
        if "secret" in volume:
            assert volume["secret"]["defaultMode"] & 0o222 == 0, volume["name"]
            assert volume["secret"]["defaultMode"] & 0o040, "fsGroup must be able to read it"


def test_tls_on_mounts_the_certificate_secret_as_a_directory():
    rendered = render(VALUE_SETS["tls-on"])
    env = env_of(rendered)
    mount = mount_of(rendered, "tls")
    assert "subPath" not in mount and mount["readOnly"] is True
    assert volume_of(rendered, "tls")["secret"]["secretName"] == "graphrpc-tls"
    # The whole kubernetes.io/tls Secret, by its standard keys, no items projection.
    assert "items" not in volume_of(rendered, "tls")["secret"]
    assert env["GRAPHRPC_TLS_CERT_FILE"] == f"{mount['mountPath']}/tls.crt"
    assert env["GRAPHRPC_TLS_KEY_FILE"] == f"{mount['mountPath']}/tls.key"
    ca = mount_of(rendered, "tls-client-ca")
    assert volume_of(rendered, "tls-client-ca")["secret"]["secretName"] == "graphrpc-client-ca"
    assert env["GRAPHRPC_TLS_CLIENT_CA_FILE"] == f"{ca['mountPath']}/ca.crt"
    assert env["GRAPHRPC_TLS_CLIENT_AUTH"] == "required"
    db_ca = mount_of(rendered, "neo4j-ca")
    assert volume_of(rendered, "neo4j-ca")["secret"]["secretName"] == "neo4j-ca"
    assert env["NEO4J_TLS_CA_FILE"] == f"{db_ca['mountPath']}/ca.crt"


def test_without_tls_no_tls_setting_or_mount_is_rendered():
    rendered = render(with_password())
    env = env_of(rendered)
    assert not {k for k in env if "TLS" in k}
    assert [m["name"] for m in rendered.container()["volumeMounts"]] == ["neo4j-password"]


def test_with_tls_every_probe_is_http_whatever_the_probe_mode():
    for probes in ({}, {"mode": "grpc"}, {"mode": "http"}):
        values = {**VALUE_SETS["tls-on"], "probes": probes}
        container = render(values).container()
        # The kubelet's native gRPC probe speaks plaintext only: against a TLS listener it
        # would fail forever and no pod would become ready.
        for name in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert "grpc" not in container[name], name
        assert container["startupProbe"]["httpGet"] == {"path": "/readyz", "port": "admin", "scheme": "HTTP"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/livez", "port": "admin", "scheme": "HTTP"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "admin", "scheme": "HTTP"}


def test_the_client_auth_mode_and_ca_source_reach_graphrpc():
    rendered = render(VALUE_SETS["existing-secrets"])
    assert env_of(rendered)["GRAPHRPC_TLS_CLIENT_AUTH"] == "optional"
    assert volume_of(rendered, "tls-client-ca")["configMap"]["name"] == "client-ca-bundle"
    assert volume_of(rendered, "neo4j-ca")["configMap"]["name"] == "corporate-ca"
    # TLS alone, without client certificates: no client CA, no mode.
    env = env_of(render(with_password(tls={"enabled": True, "existingSecret": "graphrpc-tls"})))
    assert "GRAPHRPC_TLS_CERT_FILE" in env
    assert "GRAPHRPC_TLS_CLIENT_CA_FILE" not in env and "GRAPHRPC_TLS_CLIENT_AUTH" not in env


def test_the_catalog_configmap_holds_the_values_yaml_verbatim():
    rendered = render(VALUE_SETS["catalog-and-access"])
    config_map = catalog_configmap(rendered)
    assert config_map["metadata"]["name"] == f"{RELEASE}-graphrpc-catalog"
    assert config_map["data"] == {"catalog.yaml": CATALOG}
    assert yaml.safe_load(config_map["data"]["catalog.yaml"]) == yaml.safe_load(CATALOG)
    assert volume_of(rendered, "catalog")["configMap"] == {"name": config_map["metadata"]["name"]}
    assert env_of(rendered)["GRAPHRPC_CATALOG_FILE"] == f"{mount_of(rendered, 'catalog')['mountPath']}/catalog.yaml"


def test_an_existing_catalog_configmap_is_mounted_and_none_is_rendered():
    rendered = render(VALUE_SETS["existing-secrets"])
    assert [c["metadata"]["name"] for c in rendered.of_kind("ConfigMap")] == [f"{RELEASE}-graphrpc"]
    assert volume_of(rendered, "catalog")["configMap"]["name"] == "graphrpc-catalog"
    assert volume_of(rendered, "access")["secret"]["secretName"] == "graphrpc-access"
    assert env_of(rendered)["GRAPHRPC_ACCESS_FILE"] == "/etc/graphrpc/access/access.yaml"


def test_a_catalog_or_access_change_rolls_nothing_while_a_config_change_does():
    base = with_password(catalog={"queries": CATALOG}, access={"tokens": ACCESS_TOKENS})
    edited = with_password(
        catalog={"queries": CATALOG.replace("max_rows: 10\n", "max_rows: 20\n", 1)},
        access={"tokens": ACCESS_TOKENS[:1]},
    )
    rendered, after = render(base), render(edited)
    assert catalog_configmap(rendered)["data"] != catalog_configmap(after)["data"]
    assert access_file_text(rendered) != access_file_text(after)
    # The pod template is untouched: graphrpc reloads the files from their volumes, and a
    # rollout would only drop in-flight calls.
    assert rendered.deployment() == after.deployment()
    annotations = rendered.deployment()["spec"]["template"]["metadata"]["annotations"]
    assert set(annotations) == {"checksum/config", "checksum/neo4j-password"}
    # The checksum covers the settings ConfigMap, and only it.
    assert annotations["checksum/config"] == hashlib.sha256(
        rendered.files["graphrpc/templates/configmap.yaml"].encode()
    ).hexdigest()
    assert checksum(with_password(config={"rateLimit": 10})) != checksum(with_password())
    assert checksum(with_password(config={"reloadInterval": "30s"})) != checksum(with_password())
    assert checksum(with_password(tls={"enabled": True, "existingSecret": "t"})) == checksum(with_password())


def test_the_access_secret_holds_the_access_file():
    rendered = render(
        with_password(
            tls={"enabled": True, "existingSecret": "t", "clientAuth": {"enabled": True, "configMap": "ca"}},
            access={
                "tokens": ACCESS_TOKENS,
                "certificates": [
                    {"subject": "CN=billing,O=Acme", "principal": "billing-svc", "role": "writer", "raw_cypher": True,
                     "load_csv": True, "database_user": "billing_db"},
                    # Characters YAML cares about stay in the string.
                    {"subject": 'CN=ops: "night", O=Acme #2', "principal": "ops", "role": "admin"},
                ],
            },
        )
    )
    secret = access_secret(rendered)
    assert secret["metadata"]["name"] == f"{RELEASE}-graphrpc-access"
    assert set(secret["data"]) == {"access.yaml"} and "stringData" not in secret
    assert yaml.safe_load(access_file_text(rendered)) == {
        "tokens": [
            {"principal": "reports", "sha256": sha256_hex(TOKENS["reports"]), "role": "reader", "raw_cypher": False,
             "load_csv": False},
            # raw_cypher defaults to false: named queries only; load_csv too.
            {"principal": "billing", "sha256": sha256_hex(TOKENS["billing"]), "role": "writer", "raw_cypher": False,
             "load_csv": False},
        ],
        "certificates": [
            # database_user only where it is set: the statements run as that database user.
            {"subject": "CN=billing,O=Acme", "principal": "billing-svc", "role": "writer", "raw_cypher": True,
             "load_csv": True, "database_user": "billing_db"},
            {"subject": 'CN=ops: "night", O=Acme #2', "principal": "ops", "role": "admin", "raw_cypher": False,
             "load_csv": False},
        ],
    }
    assert volume_of(rendered, "access")["secret"]["secretName"] == secret["metadata"]["name"]
    assert env_of(rendered)["GRAPHRPC_ACCESS_FILE"] == f"{mount_of(rendered, 'access')['mountPath']}/access.yaml"


def test_no_access_file_is_refused_unless_access_open_says_so_and_then_notes_warn():
    # Secure by default: the chart's own defaults do not render.
    for access in [{}, {"tokens": [], "certificates": []}, {"open": False}]:
        with pytest.raises(helm.HelmRenderError, match=re.escape("no access file: set access.tokens")):
            render(with_password(access=access))
    rendered = render(with_password(access={"open": True}))
    assert "GRAPHRPC_ACCESS_FILE" not in env_of(rendered)
    assert env_of(rendered)["GRAPHRPC_ALLOW_OPEN"] == "true"
    assert [s["metadata"]["name"] for s in rendered.of_kind("Secret")] == [f"{RELEASE}-graphrpc-neo4j"]
    assert "WARNING: graphrpc runs OPEN" in rendered.notes()
    # With an access file: no opt-out variable and no warning.
    secured = render(VALUE_SETS["catalog-and-access"])
    assert "GRAPHRPC_ALLOW_OPEN" not in env_of(secured)
    assert "WARNING" not in secured.notes()


def test_procedure_allow_lists_reach_graphrpc():
    rendered = render(
        with_password(access={"tokens": ACCESS_TOKENS, "readProcedures": ["apoc.meta.*", "db.ping"],
                              "writeProcedures": ["apoc.create.node"]})
    )
    assert env_of(rendered)["GRAPHRPC_READ_PROCEDURES"] == "apoc.meta.*,db.ping"
    assert env_of(rendered)["GRAPHRPC_WRITE_PROCEDURES"] == "apoc.create.node"
    with pytest.raises(helm.HelmValuesError, match="readProcedures"):
        render(with_password(access={"tokens": ACCESS_TOKENS, "readProcedures": ["apoc..x"]}))


def test_rate_limit_and_reload_interval_reach_graphrpc_verbatim():
    config = render(VALUE_SETS["catalog-and-access"]).config()
    assert (config["GRAPHRPC_RATE_LIMIT"], config["GRAPHRPC_RATE_BURST"]) == ("200", "50")
    assert config["GRAPHRPC_RELOAD_INTERVAL"] == "10s"
    defaults = render(with_password()).config()
    assert (defaults["GRAPHRPC_RATE_LIMIT"], defaults["GRAPHRPC_RATE_BURST"]) == ("0", "0")
    assert defaults["GRAPHRPC_RELOAD_INTERVAL"] == "5s"
    # A large rate is written as an integer, not 1e+06.
    assert render(with_password(config={"rateLimit": 1000000})).config()["GRAPHRPC_RATE_LIMIT"] == "1000000"


def test_notes_use_tls_in_the_grpcurl_example_when_tls_is_on():
    notes = render(VALUE_SETS["tls-on"]).notes()
    assert "-plaintext" not in notes
    grpcurl = [line for line in notes.splitlines() if line.lstrip().startswith("grpcurl ")]
    assert len(grpcurl) == 3
    assert all("-cacert ca.crt" in line for line in grpcurl)
    assert all(f"-authority {RELEASE}-graphrpc.{NAMESPACE}.svc" in line for line in grpcurl)
    # Mutual TLS required: the example presents a client certificate.
    assert all("-cert client.crt -key client.key" in line for line in grpcurl)
    assert "get secret graphrpc-tls" in notes and "ca\\.crt" in notes
    assert "graphrpc.v1.GraphQueryService/Run" in notes
    # Client certificates optional: the example authenticates with a token instead.
    optional = render(VALUE_SETS["existing-secrets"]).notes()
    assert "-plaintext" not in optional and "-cacert ca.crt" in optional
    assert 'authorization: Bearer $TOKEN' in optional
    assert "-cert client.crt" in optional and "client-ca-bundle" in optional
    plain = render(VALUE_SETS["catalog-and-access"]).notes()
    assert "grpcurl -plaintext" in plain and "-cacert" not in plain
    # With an access file the call carries a bearer token.
    assert 'authorization: Bearer $TOKEN' in plain


@pytest.mark.parametrize(
    "values, complaint",
    [
        ({"tls": {"enabled": True}}, "tls.enabled needs tls.existingSecret"),
        ({"tls": {"clientAuth": {"enabled": True, "configMap": "ca"}}}, "tls.clientAuth.enabled needs tls.enabled"),
        ({"tls": {"enabled": True, "existingSecret": "t", "clientAuth": {"enabled": True}}}, "exactly one of"),
        (
            {"tls": {"enabled": True, "existingSecret": "t",
                     "clientAuth": {"enabled": True, "configMap": "ca", "existingSecret": "ca"}}},
            "exactly one of",
        ),
        ({"neo4j": {"uri": "bolt+s://db:7687", "tls": {"caSecret": "a", "caConfigMap": "b"}}}, "not both"),
        ({"catalog": {"queries": CATALOG, "existingConfigMap": "c"}}, "not both"),
        ({"access": {"existingSecret": "a", "tokens": ACCESS_TOKENS}}, "leave access.tokens"),
        ({"access": {"open": True, "tokens": ACCESS_TOKENS}}, "choose one"),
        ({"access": {"tokens": ACCESS_TOKENS + [{**ACCESS_TOKENS[0], "principal": "copy"}]}}, "twice"),
        (
            {"access": {"certificates": [{"subject": "CN=a", "principal": "a", "role": "reader"}]}},
            "access.certificates needs tls.clientAuth.enabled",
        ),
    ],
)
def test_security_values_that_cannot_work_together_are_refused(values, complaint):
    with pytest.raises(helm.HelmRenderError, match=re.escape(complaint)):
        render(with_password(**values))
