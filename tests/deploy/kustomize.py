"""A small kustomize for the tests of deploy/k8s: read the manifests, render the base and
each overlay (resources, secretGenerator, strategic-merge and JSON 6902 patches with
targets, images, namespace: the features the manifests use, and an error for any other),
and the helpers the checks read the rendered objects with."""
from __future__ import annotations

import base64
import copy
import functools
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
CLUSTER_SCOPED = {"Namespace"}
RENDER_DIRS = {"base": K8S / "base", "dev": K8S / "overlays" / "dev",
               "production": K8S / "overlays" / "production"}


# --------------------------------------------------------------------------- YAML files

def docs(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization_files() -> list[Path]:
    return sorted(K8S.rglob("kustomization.yaml"))


def patch_paths(kustomization: Path) -> list[Path]:
    data = docs(kustomization)[0]
    paths = [entry["path"] for entry in data.get("patches", []) if "path" in entry]
    paths += data.get("patchesStrategicMerge", [])
    paths += [entry["path"] for entry in data.get("patchesJson6902", [])]
    return [kustomization.parent / p for p in paths]


def all_patch_files() -> set[Path]:
    return {p.resolve() for k in kustomization_files() for p in patch_paths(k)}


def manifest_files() -> list[Path]:
    """Every YAML file that holds whole Kubernetes objects (not kustomizations, not patches)."""
    patches = all_patch_files()
    return sorted(p for p in K8S.rglob("*.yaml")
                  if p.name != "kustomization.yaml" and p.resolve() not in patches)


# --------------------------------------------------------------------------- (c) rendering

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches",
                    "secretGenerator", "generatorOptions"}
# Strategic merge: lists merged by a key (as the Kubernetes types declare); other lists replace.
MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
              "volumeMounts": "mountPath", "topologySpreadConstraints": "topologyKey"}


def strategic_merge(base, patch, field: str | None = None):
    if isinstance(patch, dict) and isinstance(base, dict):
        assert not any(k.startswith("$") for k in patch), "patch directives are not supported here"
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, key)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(patch, list) and isinstance(base, list) and field in MERGE_KEYS:
        key = MERGE_KEYS[field]
        merged = [copy.deepcopy(item) for item in base]
        for item in patch:
            index = next((i for i, old in enumerate(merged) if old.get(key) == item.get(key)), None)
            if index is None:
                merged.append(copy.deepcopy(item))
            else:
                merged[index] = strategic_merge(merged[index], item, None)
        return merged
    return copy.deepcopy(patch)


def _pointer(path: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]


def json6902(obj: dict, operations: list[dict]) -> dict:
    obj = copy.deepcopy(obj)
    for operation in operations:
        *parents, last = _pointer(operation["path"])
        node = obj
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        op = operation["op"]
        if isinstance(node, list):
            index = len(node) if last == "-" else int(last)
            if op == "add":
                node.insert(index, copy.deepcopy(operation["value"]))
            elif op == "remove":
                del node[index]
            elif op == "replace":
                node[index] = copy.deepcopy(operation["value"])
            else:
                raise AssertionError(f"JSON patch op {op} is not supported here")
        elif op in ("add", "replace"):
            assert op == "add" or last in node, f"replace of a missing {operation['path']}"
            node[last] = copy.deepcopy(operation["value"])
        elif op == "remove":
            del node[last]
        else:
            raise AssertionError(f"JSON patch op {op} is not supported here")
    return obj


def label_selector_matches(selector: str, labels: dict) -> bool:
    for term in selector.split(","):
        key, _, value = term.partition("=")
        if labels.get(key.strip()) != value.strip():
            return False
    return True


def target_matches(obj: dict, target: dict) -> bool:
    assert set(target) <= {"kind", "name", "labelSelector", "group", "version"}, target
    group, _, version = obj["apiVersion"].rpartition("/")
    checks = [target.get("kind", obj["kind"]) == obj["kind"],
              re.fullmatch(target.get("name", ".*"), obj["metadata"]["name"]) is not None,
              target.get("group", group) == group, target.get("version", version) == version]
    if "labelSelector" in target:
        checks.append(label_selector_matches(target["labelSelector"], obj["metadata"].get("labels", {})))
    return all(checks)


def apply_patch(objects: list[dict], entry: dict, here: Path) -> list[dict]:
    text = (here / entry["path"]).read_text() if "path" in entry else entry["patch"]
    loaded = [doc for doc in yaml.safe_load_all(text) if doc]
    result = objects
    for patch in loaded:
        if isinstance(patch, list):  # JSON 6902: needs a target
            targets = [o for o in result if target_matches(o, entry["target"])]
            assert targets, f"JSON patch {entry} matches nothing"
            result = [json6902(o, patch) if o in targets else o for o in result]
            continue
        if "target" in entry:  # the patch's own name is ignored
            selected = lambda o: target_matches(o, entry["target"])  # noqa: E731
        else:
            selected = lambda o: (o["kind"], o["metadata"]["name"]) == (  # noqa: E731
                patch["kind"], patch["metadata"]["name"])
        hits = [o for o in result if selected(o)]
        assert hits, f"patch {entry} matches nothing"
        merged = []
        for obj in result:
            if obj in hits:
                body = copy.deepcopy(patch)
                body["metadata"] = {k: v for k, v in body["metadata"].items() if k != "name"}
                obj = strategic_merge(obj, body)
            merged.append(obj)
        result = merged
    return result


def set_image(image: str, rules: list[dict]) -> str:
    name, digest = image.split("@", 1) if "@" in image else (image, None)
    tag = None
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    for rule in rules:
        if rule["name"] == name:
            name = rule.get("newName", name)
            if "digest" in rule:
                return f"{name}@{rule['digest']}"
            tag = rule.get("newTag", tag)
            return f"{name}:{tag}" if tag else name
    return image


def generated_secret(generator: dict, options: dict) -> dict:
    assert set(generator) <= {"name", "literals", "type"}, generator
    assert options.get("disableNameSuffixHash"), "name hashes are not supported here"
    data = {}
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = base64.b64encode(value.encode()).decode()
    metadata = {"name": generator["name"]}
    if options.get("labels"):
        metadata["labels"] = dict(options["labels"])
    return {"apiVersion": "v1", "kind": "Secret", "metadata": metadata,
            "type": generator.get("type", "Opaque"), "data": data}


def build(directory: Path) -> list[dict]:
    kustomization = docs(directory / "kustomization.yaml")[0]
    unknown = set(kustomization) - SUPPORTED_FIELDS
    assert not unknown, f"{directory}: the renderer here does not know {unknown}"
    objects: list[dict] = []
    for entry in kustomization.get("resources", []):
        target = directory / entry
        objects += build(target) if target.is_dir() else docs(target)
    options = kustomization.get("generatorOptions", {})
    objects += [generated_secret(g, options) for g in kustomization.get("secretGenerator", [])]
    for entry in kustomization.get("patches", []):
        objects = apply_patch(objects, entry, directory)
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    rules = kustomization.get("images", [])
    for obj in objects:
        for container in containers_of(obj):
            container["image"] = set_image(container["image"], rules)
    return objects


@functools.cache
def _render(name: str) -> tuple:
    return tuple(build(RENDER_DIRS[name]))


def render(name: str) -> list[dict]:
    return copy.deepcopy(list(_render(name)))


# --------------------------------------------------------------------------- object helpers

def pod_spec(obj: dict) -> dict | None:
    if obj["kind"] in ("Deployment", "Job"):
        return obj["spec"]["template"]["spec"]
    return None


def containers_of(obj: dict) -> list[dict]:
    spec = pod_spec(obj)
    return [] if spec is None else spec.get("initContainers", []) + spec["containers"]


def workloads(objects) -> list[dict]:
    return [o for o in objects if o["kind"] in ("Deployment", "Job")]


def pod_labels(obj: dict) -> dict:
    return obj["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict, labels: dict) -> bool:
    """A LabelSelector (Deployment, PDB, NetworkPolicy); {} selects every pod."""
    assert set(selector) <= {"matchLabels"}, "matchExpressions are not used here"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def service_selects(selector: dict, labels: dict) -> bool:
    assert selector, "a Service without a selector"
    return all(labels.get(k) == v for k, v in selector.items())


def find(objects, kind: str, name: str) -> dict:
    hits = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(hits) == 1, f"{kind}/{name}: {len(hits)} found"
    return hits[0]


def quantity(value) -> float:
    text = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix, factor in sorted(units.items(), key=lambda kv: -len(kv[0])):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def secrets_available(name: str) -> dict[str, set[str]]:
    """Secret name -> keys: generated in dev; for the others, what the operator creates."""
    source = render(name) if name == "dev" else docs(SECRET_EXAMPLE)
    return {o["metadata"]["name"]: set(o.get("data", {})) | set(o.get("stringData", {}))
            for o in source if o["kind"] == "Secret"}
