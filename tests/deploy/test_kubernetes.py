"""The Kubernetes manifests in deploy/k8s, checked offline.

- every file a kustomization names exists, and every manifest is reachable from one
  (except secret.example.yaml, which must stay out of every kustomization);
- every manifest, and every rendered overlay, validates strictly against the Kubernetes
  1.30 schemas (kubernetes-validate);
- each overlay is rendered by a small kustomize written here (resources, secretGenerator,
  strategic-merge and JSON 6902 patches with targets, images, namespace: the features the
  manifests use, and an error for any other), and the result is checked: hardening, probes,
  resources, labels, the Service/HPA/PDB of every web Deployment, the migration ordering,
  network policies, and that every environment variable is one the code reads;
- where kubectl is on PATH, `kubectl kustomize` renders each overlay, and its output must
  equal the rendering here, so the checks above hold for what kubectl would apply.
"""
from __future__ import annotations

import base64
import copy
import functools
import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from shared.events import SERVICES
from shared.settings import ENV_FIELDS
from tests.deploy.kustomize import (
    all_patch_files,
    containers_of,
    docs,
    find,
    kustomization_files,
    manifest_files,
    patch_paths,
    pod_labels,
    pod_spec,
    quantity,
    render,
    secrets_available,
    selects,
    service_selects,
    workloads,
)

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
KUBERNETES_VERSION = "1.30"
RENDERS = ("base", "dev", "production")
RENDER_DIRS = {"base": K8S / "base", "dev": K8S / "overlays" / "dev",
               "production": K8S / "overlays" / "production"}
NAMESPACES = {"dev": "circles-dev", "production": "circles"}
LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of")
COMPONENTS = ("web", "worker", "migrate")
CLUSTER_SCOPED = {"Namespace"}
# Ranges an egress rule "to the internet" must leave out: cluster networks and cloud metadata.
INTERNAL_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")


# --------------------------------------------------------------------------- (a) files exist

def test_there_is_a_base_and_two_overlays():
    for directory in RENDER_DIRS.values():
        assert (directory / "kustomization.yaml").is_file(), directory


@pytest.mark.parametrize("kustomization", kustomization_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_every_file_a_kustomization_names_exists(kustomization):
    data = docs(kustomization)[0]
    here = kustomization.parent
    for entry in data.get("resources", []) + data.get("components", []):
        target = here / entry
        assert target.is_file() or (target / "kustomization.yaml").is_file(), f"{kustomization}: {entry}"
    for path in patch_paths(kustomization):
        assert path.is_file(), f"{kustomization}: patch {path}"
    for generator in data.get("secretGenerator", []) + data.get("configMapGenerator", []):
        for name in generator.get("envs", []) + [f.split("=")[-1] for f in generator.get("files", [])]:
            assert (here / name).is_file(), f"{kustomization}: generator file {name}"
    # kustomize 5 deprecates these; the manifests use `patches` and explicit labels instead.
    assert not {"bases", "commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars"} & set(data)


def test_every_manifest_is_in_a_kustomization_and_the_secret_example_in_none():
    named = set()
    for kustomization in kustomization_files():
        for entry in docs(kustomization)[0].get("resources", []):
            named.add((kustomization.parent / entry).resolve())
    named |= all_patch_files()
    assert SECRET_EXAMPLE.resolve() not in named, "secret.example.yaml must not be applied by kustomize"
    orphans = [p for p in K8S.rglob("*.yaml")
               if p.name != "kustomization.yaml" and p.resolve() not in named and p != SECRET_EXAMPLE]
    assert not orphans, f"manifests no kustomization uses: {orphans}"


# --------------------------------------------------------------------------- (b) schemas

def validate(obj: dict, where: str) -> None:
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        path = ".".join(str(p) for p in exc.path)
        pytest.fail(f"{where}: {obj['kind']}/{obj['metadata']['name']}: {path}: {exc.message}")


def test_the_validator_rejects_a_misspelt_field():
    """A control: strict validation is really on (an unknown field fails)."""
    deployment = copy.deepcopy(next(o for o in render("base") if o["kind"] == "Deployment"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_every_manifest_validates_against_the_kubernetes_schemas(path):
    objects = docs(path)
    assert objects, path
    for obj in objects:
        validate(obj, str(path.relative_to(K8S)))


@pytest.mark.parametrize("name", RENDERS)
def test_every_rendered_object_validates(name):
    objects = render(name)
    assert objects
    for obj in objects:
        validate(obj, f"rendered {name}")


# --------------------------------------------------------------------------- what the code reads

def _read(relative: str) -> str:
    return (ROOT / relative).read_text()


@functools.cache
def process_env_vars() -> frozenset[str]:
    """Variables gunicorn's config, the web metrics and the worker read from os.environ."""
    names = set()
    for relative in ("shared/web/gunicorn_conf.py", "shared/web/metrics.py", "shared/worker.py"):
        names |= set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', _read(relative)))
    return frozenset(names)


@functools.cache
def notifications_env_vars() -> frozenset[str]:
    channels = _read("services/notifications/channels/config.py")
    prefix = re.search(r'PREFIX = "([A-Z_]+)"', channels).group(1)
    names = {prefix + n for n in re.findall(r'env\.(?:text|number|flag)\("([A-Z_]+)"', channels)}
    names |= set(re.findall(r'"(NOTIFICATIONS_[A-Z_]+)"', _read("services/notifications/links.py")))
    return frozenset(names)


def test_the_code_reads_the_variables_this_test_expects():
    """Guards the regular expressions above against a refactor that would make them vacuous."""
    assert {"GUNICORN_WORKERS", "GUNICORN_BIND", "PROMETHEUS_MULTIPROC_DIR",
            "WORKER_METRICS_PORT", "WORKER_METRICS_ADDR"} <= process_env_vars()
    assert {"NOTIFICATIONS_SMTP_HOST", "NOTIFICATIONS_SMS_AUTH_TOKEN",
            "NOTIFICATIONS_PEOPLE_URL"} <= notifications_env_vars()


def allowed_env_vars(service: str, component: str) -> set[str]:
    names = set(ENV_FIELDS) | {f"{service.upper()}_{n}" for n in ENV_FIELDS}
    if component == "web":
        names |= {n for n in process_env_vars() if n.startswith("GUNICORN_")}
        # In a worker this would switch prometheus_client to multiprocess files.
        names.add("PROMETHEUS_MULTIPROC_DIR")
    if component == "worker":
        names |= {n for n in process_env_vars() if n.startswith("WORKER_METRICS_")}
    if service == "notifications" and component in ("web", "worker"):
        names |= notifications_env_vars()
    return names


def container_env(container: dict, objects, secrets: dict[str, set[str]]) -> set[str]:
    """Every variable the container gets, with envFrom expanded; every reference must resolve."""
    config_maps = {o["metadata"]["name"]: o.get("data", {}) for o in objects if o["kind"] == "ConfigMap"}
    names = set()
    for source in container.get("envFrom", []):
        assert "prefix" not in source
        if "configMapRef" in source:
            name = source["configMapRef"]["name"]
            assert name in config_maps, f"ConfigMap {name} is not in the rendering"
            names |= set(config_maps[name])
        else:
            name = source["secretRef"]["name"]
            assert name in secrets, f"Secret {name} is neither generated nor in secret.example.yaml"
            names |= secrets[name]
    for variable in container.get("env", []):
        names.add(variable["name"])
        ref = variable.get("valueFrom", {})
        if "secretKeyRef" in ref:
            name, key = ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"]
            assert key in secrets.get(name, set()) or ref["secretKeyRef"].get("optional"), \
                f"{variable['name']}: Secret {name} has no key {key} (secret.example.yaml / secretGenerator)"
        elif "configMapKeyRef" in ref:
            name, key = ref["configMapKeyRef"]["name"], ref["configMapKeyRef"]["key"]
            assert key in config_maps.get(name, {}), f"{variable['name']}: ConfigMap {name} has no {key}"
        else:
            assert "value" in variable, variable
    return names


# --------------------------------------------------------------------------- checks per render

@pytest.mark.parametrize("name", RENDERS)
def test_each_service_has_a_web_a_worker_and_a_migration(name):
    objects = render(name)
    found = {(pod_labels(o)["app.kubernetes.io/name"], pod_labels(o)["app.kubernetes.io/component"], o["kind"])
             for o in workloads(objects)}
    expected = {(s, c, "Job" if c == "migrate" else "Deployment") for s in SERVICES for c in COMPONENTS}
    assert found == expected
    assert len(workloads(objects)) == len(expected)


@pytest.mark.parametrize("name", RENDERS)
def test_labels(name):
    for obj in render(name):
        labels = obj["metadata"].get("labels", {})
        assert labels.get("app.kubernetes.io/part-of") == "circles", f"{obj['kind']}/{obj['metadata']['name']}"
        if "app.kubernetes.io/component" in labels:
            assert labels["app.kubernetes.io/component"] in COMPONENTS
    for obj in workloads(render(name)):
        for label in LABELS:
            assert label in obj["metadata"]["labels"] and label in pod_labels(obj), (obj["metadata"]["name"], label)
        assert {k: pod_labels(obj)[k] for k in LABELS} == {k: obj["metadata"]["labels"][k] for k in LABELS}
        if obj["kind"] == "Deployment":
            assert selects(obj["spec"]["selector"], pod_labels(obj))
            assert set(obj["spec"]["selector"]["matchLabels"]) == set(LABELS[:2])


@pytest.mark.parametrize("name", RENDERS)
def test_every_container_is_hardened_and_bounded(name):
    for obj in workloads(render(name)):
        spec = pod_spec(obj)
        where = obj["metadata"]["name"]
        assert spec["automountServiceAccountToken"] is False, where
        assert spec["enableServiceLinks"] is False, where  # no stray <SERVICE>_PORT variables
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        tmp_volumes = [v["name"] for v in spec["volumes"] if "emptyDir" in v]
        for container in containers_of(obj):
            where = f"{obj['metadata']['name']}/{container['name']}"
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, where
            assert context["runAsUser"] == 10001, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: /tmp must be an emptyDir"
            resources = container["resources"]
            for kind in ("cpu", "memory"):
                request, limit = resources["requests"][kind], resources["limits"][kind]
                assert quantity(request) <= quantity(limit), f"{where}: {kind} request above limit"
            image = container["image"]
            assert "@sha256:" in image or ":" in image.rsplit("/", 1)[-1], f"{where}: {image} has no tag"
            assert not image.endswith(":latest"), where


@pytest.mark.parametrize("name", RENDERS)
def test_long_running_containers_have_probes(name):
    for obj in render(name):
        if obj["kind"] != "Deployment":
            continue
        component = pod_labels(obj)["app.kubernetes.io/component"]
        [container] = pod_spec(obj)["containers"]
        where = obj["metadata"]["name"]
        ready, live = container["readinessProbe"], container["livenessProbe"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        if component == "web":
            assert ports == {"http": 8000}
            assert ready["httpGet"] == {"path": "/readyz", "port": "http"}, where
            assert live["httpGet"] == {"path": "/healthz", "port": "http"}, where
        else:
            assert ports == {"metrics": 9100}
            for probe in (ready, live):
                port = probe.get("httpGet", probe.get("tcpSocket", {})).get("port")
                assert port == "metrics", where
        for probe in (ready, live):
            assert probe.get("timeoutSeconds", 1) >= 2, f"{where}: a 1 s probe fails a busy pod"


@pytest.mark.parametrize("name", RENDERS)
def test_commands_and_the_migration_ordering(name):
    objects = render(name)
    for service in SERVICES:
        migrate = ["python", "-m", f"services.{service}", "migrate"]
        job = find(objects, "Job", f"{service}-migrate")
        [job_container] = job["spec"]["template"]["spec"]["containers"]
        assert job_container["command"] == migrate
        assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
        assert job["spec"]["backoffLimit"] >= 1 and job["spec"].get("ttlSecondsAfterFinished")
        for component, command in (
                ("web", ["gunicorn", "-c", "python:shared.web.gunicorn_conf", f"services.{service}.app:create_app()"]),
                ("worker", ["python", "-m", f"services.{service}", "worker"])):
            deployment = find(objects, "Deployment", f"{service}-{component}")
            spec = pod_spec(deployment)
            assert spec["containers"][0]["command"] == command
            # The pods wait for their schema themselves: the same idempotent migrate runs first.
            [init] = spec["initContainers"]
            assert init["command"] == migrate
            assert init["image"] == spec["containers"][0]["image"] == job_container["image"]
            assert init["env"] == job_container["env"]


@pytest.mark.parametrize("name", RENDERS)
def test_every_web_deployment_has_its_service_autoscaler_and_disruption_budget(name):
    objects = render(name)
    for service in SERVICES:
        web = find(objects, "Deployment", f"{service}-web")
        worker = find(objects, "Deployment", f"{service}-worker")
        # The autoscaler owns the replica count; a `replicas` here would fight it on every apply.
        assert "replicas" not in web["spec"]
        svc = find(objects, "Service", service)
        assert service_selects(svc["spec"]["selector"], pod_labels(web))
        assert not service_selects(svc["spec"]["selector"], pod_labels(worker))
        assert svc["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
        annotations = web["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": "8000",
                               "prometheus.io/path": "/metrics"}
        hpas = [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"
                and o["spec"]["scaleTargetRef"]["name"] == f"{service}-web"]
        assert len(hpas) == 1
        [hpa] = hpas
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": f"{service}-web"}
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        [metric] = hpa["spec"]["metrics"]
        assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"]["type"] == "Utilization"
        pdbs = [o for o in objects if o["kind"] == "PodDisruptionBudget"
                and selects(o["spec"]["selector"], pod_labels(web))]
        assert len(pdbs) == 1
        [pdb] = pdbs
        assert not selects(pdb["spec"]["selector"], pod_labels(worker))
        assert ("minAvailable" in pdb["spec"]) != ("maxUnavailable" in pdb["spec"])
        if "minAvailable" in pdb["spec"]:
            # A budget that needs every pod up would block every node drain.
            assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]


@pytest.mark.parametrize("name", RENDERS)
def test_every_worker_exposes_metrics_for_prometheus(name):
    objects = render(name)
    for service in SERVICES:
        worker = find(objects, "Deployment", f"{service}-worker")
        annotations = worker["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": "9100",
                               "prometheus.io/path": "/metrics"}
        metrics = find(objects, "Service", f"{service}-worker-metrics")
        assert service_selects(metrics["spec"]["selector"], pod_labels(worker))
        assert metrics["spec"]["ports"] == [{"name": "metrics", "port": 9100, "targetPort": "metrics",
                                             "protocol": "TCP"}]
        [container] = pod_spec(worker)["containers"]
        env = container_env(container, objects, secrets_available(name))
        assert {"WORKER_METRICS_PORT", "WORKER_METRICS_ADDR"} <= env
        config = find(objects, "ConfigMap", "circles-worker")["data"]
        assert config["WORKER_METRICS_PORT"] == "9100" and config["WORKER_METRICS_ADDR"] == "0.0.0.0"


@pytest.mark.parametrize("name", RENDERS)
def test_every_environment_variable_is_one_the_code_reads(name):
    objects = render(name)
    secrets = secrets_available(name)
    for obj in workloads(objects):
        service = pod_labels(obj)["app.kubernetes.io/name"]
        for container in containers_of(obj):
            component = "migrate" if container["name"] == "migrate" else pod_labels(obj)["app.kubernetes.io/component"]
            env = container_env(container, objects, secrets)
            unknown = env - allowed_env_vars(service, component)
            assert not unknown, f"{obj['metadata']['name']}/{container['name']}: nothing reads {sorted(unknown)}"
            assert "DATABASE_URL" in env or f"{service.upper()}_DATABASE_URL" in env
            if component in ("web", "worker"):
                assert {"JWT_SECRET", "KAFKA_BOOTSTRAP_SERVERS"} <= env
            if component == "web":
                assert {"GUNICORN_BIND", "PROMETHEUS_MULTIPROC_DIR"} <= env
    web_config = find(objects, "ConfigMap", "circles-web")["data"]
    assert web_config["GUNICORN_BIND"] == "0.0.0.0:8000"
    assert web_config["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")


@pytest.mark.parametrize("name", RENDERS)
def test_secrets_are_referenced_never_written(name):
    objects = render(name)
    generated = [o for o in objects if o["kind"] == "Secret"]
    if name == "dev":
        for secret in generated:
            for value in secret["data"].values():
                text = base64.b64decode(value).decode()
                assert text == "" or "dev" in text, f"{secret['metadata']['name']}: not obviously fake"
    else:
        assert not generated, "Secrets are created by the operator, not kept in the repository"
    for secret in docs(SECRET_EXAMPLE):
        assert secret["kind"] == "Secret"
        for value in secret["stringData"].values():
            assert "REPLACE-ME" in value, f"{secret['metadata']['name']}: a real-looking value"
    # Every secret a pod refers to has a placeholder in the example, with the same keys.
    example = secrets_available("production")
    for obj in workloads(objects):
        for container in containers_of(obj):
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in example.get(ref["name"], set()), (ref, "missing from secret.example.yaml")


# --------------------------------------------------------------------------- network policies

def policies_for(objects, labels: dict) -> list[dict]:
    return [o for o in objects if o["kind"] == "NetworkPolicy" and selects(o["spec"]["podSelector"], labels)]


def peer_class(peer: dict, ports: set, service: str) -> str:
    pods = peer.get("podSelector", {}).get("matchLabels", {})
    namespaces = peer.get("namespaceSelector")
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        assert block["cidr"] == "0.0.0.0/0", block
        excepted = [ipaddress.ip_network(c) for c in block.get("except", [])]
        for internal in map(ipaddress.ip_network, INTERNAL_RANGES):
            assert any(internal.subnet_of(e) for e in excepted), f"{internal} must be excluded"
        if ports <= {("TCP", 25), ("TCP", 465), ("TCP", 587), ("TCP", 443)}:
            return "providers"
        if ports <= {("TCP", 80), ("TCP", 443)}:
            return "web-fetch"
    elif pods == {"app.kubernetes.io/name": "kafka"} and ports == {("TCP", 9092)}:
        return "kafka"
    elif pods == {f"circles.io/database-{service}": "true"} and ports == {("TCP", 5432)}:
        return "database"
    elif (pods == {"k8s-app": "kube-dns"} and ports == {("UDP", 53), ("TCP", 53)}
          and namespaces == {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}):
        return "dns"
    elif pods == {"app.kubernetes.io/name": "mailpit"} and ports == {("TCP", 1025)} and namespaces is None:
        return "mail-catcher"
    return f"unexpected: {peer} on {sorted(ports)}"


def egress_classes(objects, labels: dict, service: str) -> set[str]:
    classes = set()
    for policy in policies_for(objects, labels):
        for rule in policy["spec"].get("egress", []):
            # An empty `to` or `ports` would mean "anywhere" or "any port".
            assert rule.get("to") and rule.get("ports"), f"{policy['metadata']['name']}: open egress rule"
            ports = {(p.get("protocol", "TCP"), p["port"]) for p in rule["ports"]}
            classes |= {peer_class(peer, ports, service) for peer in rule["to"]}
    return classes


@pytest.mark.parametrize("name", RENDERS)
def test_every_circles_pod_starts_from_default_deny(name):
    objects = render(name)
    deny = find(objects, "NetworkPolicy", "circles-default-deny")
    assert deny["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "circles"}}
    assert sorted(deny["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny["spec"] and "egress" not in deny["spec"]
    for obj in workloads(objects):
        assert deny in policies_for(objects, pod_labels(obj))
        for policy in policies_for(objects, pod_labels(obj)):
            assert "Egress" in policy["spec"]["policyTypes"] or "egress" not in policy["spec"]
            assert "Ingress" in policy["spec"]["policyTypes"] or "ingress" not in policy["spec"]


@pytest.mark.parametrize("name", RENDERS)
def test_egress_is_only_kafka_the_own_database_and_dns(name):
    objects = render(name)
    for obj in workloads(objects):
        service = pod_labels(obj)["app.kubernetes.io/name"]
        component = pod_labels(obj)["app.kubernetes.io/component"]
        classes = egress_classes(objects, pod_labels(obj), service)
        expected = {"migrate": {"database", "dns"}, "web": {"kafka", "database", "dns"},
                    "worker": {"kafka", "database", "dns"}}[component]
        if service == "notifications" and component == "worker":
            expected = expected | {"providers"} | ({"mail-catcher"} if name == "dev" else set())
        if service == "resources" and component == "web":
            expected = expected | {"web-fetch"}  # Meeting Guide feed imports by URL
        assert classes == expected, f"{obj['metadata']['name']}: {classes}"


@pytest.mark.parametrize("name", RENDERS)
def test_ingress_is_only_http_to_web_and_metrics_from_prometheus(name):
    objects = render(name)
    prometheus = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                  "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}
    for obj in workloads(objects):
        component = pod_labels(obj)["app.kubernetes.io/component"]
        rules = [rule for policy in policies_for(objects, pod_labels(obj))
                 for rule in policy["spec"].get("ingress", [])]
        if component == "migrate":
            assert rules == []
            continue
        port = "http" if component == "web" else "metrics"
        assert rules, obj["metadata"]["name"]
        for rule in rules:
            assert rule["ports"] == [{"port": port, "protocol": "TCP"}]
            assert rule["from"], "an empty `from` admits anyone"
            assert prometheus in rule["from"]
            if component == "worker":
                assert rule["from"] == [prometheus]


# --------------------------------------------------------------------------- overlays

@pytest.mark.parametrize("name", ["dev", "production"])
def test_overlays_set_a_restricted_namespace(name):
    objects = render(name)
    [namespace] = [o for o in objects if o["kind"] == "Namespace"]
    assert namespace["metadata"]["name"] == NAMESPACES[name]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == NAMESPACES[name]
    assert all("namespace" not in o["metadata"] for o in render("base")), "the overlays pick the namespace"


def _sizes(name: str, component: str) -> tuple[float, float]:
    [container] = pod_spec(find(render(name), "Deployment", f"people-{component}"))["containers"]
    return quantity(container["resources"]["limits"]["memory"]), quantity(container["resources"]["limits"]["cpu"])


def test_dev_overlay_is_one_small_replica_of_the_dev_image():
    objects = render("dev")
    for obj in workloads(objects):
        for container in containers_of(obj):
            assert container["image"] == "circles:dev"
        if obj["kind"] == "Deployment" and "replicas" in obj["spec"]:
            assert obj["spec"]["replicas"] == 1
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        assert hpa["spec"]["minReplicas"] == 1
    assert _sizes("dev", "web") < _sizes("production", "web")
    assert _sizes("dev", "worker") < _sizes("production", "worker")


def test_production_overlay_pins_the_image_and_runs_more_replicas():
    objects = render("production")
    images = {c["image"] for o in workloads(objects) for c in containers_of(o)}
    [image] = images
    assert "@sha256:" in image or re.search(r":\d+\.\d+\.\d+$", image), f"{image} is not pinned"
    for obj in objects:
        if obj["kind"] == "HorizontalPodAutoscaler":
            assert obj["spec"]["minReplicas"] >= 2 and obj["spec"]["maxReplicas"] > obj["spec"]["minReplicas"]
        if obj["kind"] == "Deployment" and pod_labels(obj)["app.kubernetes.io/component"] == "worker":
            assert obj["spec"]["replicas"] >= 2
        if obj["kind"] == "PodDisruptionBudget" and obj["metadata"]["labels"]["app.kubernetes.io/component"] == "web":
            assert obj["spec"]["minAvailable"] >= 1


# --------------------------------------------------------------------------- (d) kubectl

def kubectl_render(directory: Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH: the pure-Python rendering stands in for kustomize")
    result = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _canonical(objects: list[dict]) -> dict:
    out = {}
    for obj in objects:
        obj = copy.deepcopy(obj)
        if obj["kind"] == "Secret":  # kustomize folds long base64 values over lines
            obj["data"] = {k: re.sub(r"\s", "", v) for k, v in obj.get("data", {}).items()}
        out[(obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])] = obj
    assert len(out) == len(objects), "duplicate objects"
    return out


@pytest.mark.parametrize("name", RENDERS)
def test_kubectl_kustomize_renders_what_these_tests_check(name):
    rendered = kubectl_render(RENDER_DIRS[name])
    for obj in rendered:
        validate(obj, f"kubectl kustomize {name}")
    ours, theirs = _canonical(render(name)), _canonical(rendered)
    assert set(ours) == set(theirs)
    for key in ours:
        assert ours[key] == theirs[key], f"{key} differs between kubectl kustomize and the rendering here"
