"""Prometheus: the scrape configs, the alert and recording rules, and the rules' unit tests.

The promtool checks run when `promtool` is on PATH (Debian: `apt-get install prometheus`)
and are skipped otherwise; the structural checks always run. That every metric the rules
use really exists is checked against a live scrape in test_grafana.py.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
# Where docker-compose (and the Kubernetes example) mount deploy/prometheus/rules.
MOUNTED_RULES = "/etc/prometheus/rules/"

SERVICES = {"people", "checkins", "notifications", "resources", "reporting"}
ROLES = {"web", "worker"}
SEVERITIES = {"critical", "warning"}
ANNOTATIONS = {"summary", "description", "runbook", "runbook_url"}

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not on PATH (Debian: apt-get install prometheus)")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def promtool(*args) -> tuple[int, str]:
    result = subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def alerts() -> list[dict]:
    return [rule for path in RULE_FILES for group in load(path)["groups"] for rule in group["rules"]
            if "alert" in rule]


def with_rules_resolved(config: Path, tmp_path: Path) -> Path:
    """A copy of `config` whose rule_files point where the mounts put them: the files in
    deploy/prometheus/rules instead of /etc/prometheus/rules."""
    text = config.read_text()
    assert MOUNTED_RULES in text, f"{config.name} should load its rules from {MOUNTED_RULES}"
    copy = tmp_path / config.name
    copy.write_text(text.replace(MOUNTED_RULES, f"{PROMETHEUS / 'rules'}/"))
    return copy


def check_config(path: Path) -> str:
    code, output = promtool("check", "config", path)
    assert code == 0, output
    assert "WARNING" not in output, output  # e.g. a rule_files glob that matches nothing
    found = re.search(r"SUCCESS: (\d+) rule files found", output)
    assert found and int(found.group(1)) >= 1, f"no rule files resolved:\n{output}"
    return output


def circles_targets(config: dict) -> dict[tuple[str, str, str], str]:
    """(job, service, role) -> target address, for the Circles jobs of a static config."""
    found = {}
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            labels = static.get("labels", {})
            if "service" in labels:
                (address,) = static["targets"]
                found[(job["job_name"], labels["service"], labels["role"])] = address
    return found


# --- promtool ---------------------------------------------------------------------------

@needs_promtool
def test_compose_config_is_valid_with_its_rules_mounted(tmp_path):
    output = check_config(with_rules_resolved(PROMETHEUS / "prometheus.yml", tmp_path))
    assert "circles.rules.yml" in output


@needs_promtool
def test_local_config_is_valid_and_finds_its_rules():
    output = check_config(PROMETHEUS / "prometheus.local.yml")
    assert "circles.rules.yml" in output


@needs_promtool
def test_kubernetes_example_is_valid(tmp_path):
    code, output = promtool("check", "config", with_rules_resolved(PROMETHEUS / "prometheus.kubernetes.yml",
                                                                   tmp_path))
    if "kubernetes_sd_configs not found" in output:
        pytest.skip("this promtool is built without Kubernetes service discovery (Debian's is)")
    assert code == 0, output


@needs_promtool
def test_rules_are_valid():
    code, output = promtool("check", "rules", *RULE_FILES)
    assert code == 0, output
    assert "WARNING" not in output, output


@needs_promtool
def test_rule_unit_tests_pass():
    code, output = promtool("test", "rules", *RULE_TESTS)
    assert code == 0, output
    assert output.count("SUCCESS") == len(RULE_TESTS), output


# --- structure (no promtool needed) -----------------------------------------------------

def test_compose_and_local_configs_have_the_same_jobs_and_labels():
    compose, local = load(PROMETHEUS / "prometheus.yml"), load(PROMETHEUS / "prometheus.local.yml")
    assert [j["job_name"] for j in compose["scrape_configs"]] == [j["job_name"] for j in local["scrape_configs"]]
    assert circles_targets(compose).keys() == circles_targets(local).keys()
    expected = {(f"circles-{role}", service, role) for service in SERVICES for role in ROLES}
    assert set(circles_targets(compose)) == expected
    for config in (compose, local):
        assert config["global"]["scrape_interval"] == "15s"
        for job in config["scrape_configs"]:
            if job["job_name"].startswith("circles-"):
                assert {"action": "labeldrop", "regex": "exported_service"} in job["metric_relabel_configs"]


def test_kubernetes_example_gives_the_same_labels_and_rules():
    """Pods found by their prometheus.io annotations get service, role and job as the
    static configs set them, and the same labeldrop."""
    compose, kubernetes = load(PROMETHEUS / "prometheus.yml"), load(PROMETHEUS / "prometheus.kubernetes.yml")
    assert kubernetes["rule_files"] == compose["rule_files"]
    (pods,) = [job for job in kubernetes["scrape_configs"] if "kubernetes_sd_configs" in job]
    relabel = pods["relabel_configs"]
    kept = {r["source_labels"][0]: r["regex"] for r in relabel if r.get("action") == "keep"}
    assert kept["__meta_kubernetes_pod_annotation_prometheus_io_scrape"] == "true"
    written = {r["target_label"]: r for r in relabel if "target_label" in r}
    assert written["service"]["source_labels"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    assert written["role"]["source_labels"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_component"]
    assert written["job"]["replacement"] == "circles-$1"
    assert written["__address__"]["source_labels"][1] == "__meta_kubernetes_pod_annotation_prometheus_io_port"
    assert {"action": "labeldrop", "regex": "exported_service"} in pods["metric_relabel_configs"]


def test_compose_targets_are_the_compose_services():
    for (_, service, role), address in circles_targets(load(PROMETHEUS / "prometheus.yml")).items():
        assert address == (f"{service}:8000" if role == "web" else f"{service}-worker:9100")


def test_local_targets_are_make_devs_ports():
    """The ports of make dev's process table (deploy/local/run.py) with no PEOPLE_PORT etc. set:
    each service's process serves its web app on --port and its worker's metrics on
    WORKER_METRICS_PORT."""
    from deploy.local.run import programs

    expected = {}
    for program in programs({}):
        if program.name in SERVICES:
            assert program.argv[1:4] == ("-m", "deploy.local.service", program.name)
            web_port = program.argv[program.argv.index("--port") + 1]
            assert program.url == f"http://127.0.0.1:{web_port}"
            expected[(program.name, "web")] = f"127.0.0.1:{web_port}"
            expected[(program.name, "worker")] = f"127.0.0.1:{program.env['WORKER_METRICS_PORT']}"
    assert len(expected) == 2 * len(SERVICES) and len(set(expected.values())) == len(expected)
    local = circles_targets(load(PROMETHEUS / "prometheus.local.yml"))
    assert {(service, role): address for (_, service, role), address in local.items()} == expected


def test_make_devs_two_targets_per_process_never_serve_a_family_twice():
    """make dev's one process per service serves the web target (HTTP families, as a gunicorn
    web app does) and the worker target (all the rest) from its one registry: together all of
    it, each family once (deploy/local/service.py)."""
    from prometheus_client import REGISTRY

    from deploy.local.service import metric_views

    web, worker = ({family.name for family in view.collect()} for view in metric_views())
    assert web == {"circles_http_requests", "circles_http_request_duration_seconds"}
    assert not web & worker
    assert web | worker == {family.name for family in REGISTRY.collect()}
    assert {"circles_outbox_backlog", "circles_consumer_lag", "process_resident_memory_bytes"} <= worker


def test_every_alert_has_a_severity_and_a_runbook():
    runbook = (PROMETHEUS / "RUNBOOK.md").read_text()
    anchors = {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
               for heading in re.findall(r"^#+ (.+)$", runbook, flags=re.M)}
    assert alerts()
    for rule in alerts():
        name = rule["alert"]
        assert rule["labels"]["severity"] in SEVERITIES, name
        assert set(rule["annotations"]) == ANNOTATIONS, name
        path, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        assert (ROOT / path).resolve() == (PROMETHEUS / "RUNBOOK.md").resolve(), name
        assert anchor == name.lower() and anchor in anchors, f"{name}: no section #{anchor} in RUNBOOK.md"


def test_every_alert_is_tested_firing_and_not_firing():
    cases: dict[str, set[bool]] = {}
    for path in RULE_TESTS:
        test_file = load(path)
        assert test_file["rule_files"] == [f"../rules/{p.name}" for p in RULE_FILES], path.name
        for group in test_file["tests"]:
            for case in group.get("alert_rule_test", []):
                cases.setdefault(case["alertname"], set()).add(bool(case["exp_alerts"]))
    for rule in alerts():
        assert cases.get(rule["alert"]) == {True, False}, f"{rule['alert']}: needs a firing and a quiet case"
