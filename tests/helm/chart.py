"""Renders deploy/helm/graphrpc offline with Helm's Go SDK (helm-python-sdk) and hands the
tests parsed manifests. No cluster and no helm binary are involved."""

import pathlib
import re

import helm_python as helm
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "graphrpc"
RELEASE = "demo"
NAMESPACE = "graph"

# A password with characters YAML and shells care about, so quoting mistakes show.
PASSWORD = "pw-Zq7:never#in'a\"manifest"


def chart_kube_floor():
    """The oldest Kubernetes the chart declares (Chart.yaml kubeVersion, ">=X.Y.Z-0")."""
    text = (CHART / "Chart.yaml").read_text()
    match = re.search(r'^kubeVersion:\s*"?>=\s*(\d+\.\d+\.\d+)', text, re.M)
    assert match, "Chart.yaml must declare a kubeVersion floor"
    return match.group(1)


class Rendered:
    """One rendering: the raw text of every template and the Kubernetes objects in them."""

    def __init__(self, files):
        self.files = files
        self.objects = []
        for path, text in files.items():
            if path.endswith(".yaml"):
                self.objects += [doc for doc in yaml.safe_load_all(text) if doc]

    def all_text(self):
        return "\n".join(self.files.values())

    def notes(self):
        return self.files["graphrpc/templates/NOTES.txt"]

    def of_kind(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind):
        found = self.of_kind(kind)
        assert len(found) == 1, f"expected one {kind}, found {len(found)}"
        return found[0]

    def deployment(self):
        return self.one("Deployment")

    def pod(self):
        return self.deployment()["spec"]["template"]["spec"]

    def container(self):
        (container,) = self.pod()["containers"]
        return container

    def config(self):
        """The settings ConfigMap's data: the one the container takes its environment from
        (the catalog has a ConfigMap of its own)."""
        (source,) = self.container()["envFrom"]
        name = source["configMapRef"]["name"]
        (config_map,) = [c for c in self.of_kind("ConfigMap") if c["metadata"]["name"] == name]
        return config_map["data"]


def render(values):
    """Renders like `helm install`: the values are checked against values.schema.json first."""
    with helm.Chart.load(CHART) as chart:
        return Rendered(chart.render(values, name=RELEASE, namespace=NAMESPACE))


def with_password(**values):
    """Values with the chart-created Secret's password added (the chart requires one), and
    access.open when the values configure no access (the chart requires one or the other)."""
    neo4j = dict(values.pop("neo4j", {}))
    neo4j.setdefault("password", PASSWORD)
    values.setdefault("access", {"open": True})
    return {"neo4j": neo4j, **values}
