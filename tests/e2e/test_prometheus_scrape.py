"""A real Prometheus (Debian's /usr/bin/prometheus) scrapes the running platform with the
project's own scrape config and rules.

The config is deploy/prometheus/prometheus.local.yml (what `make dev` is scraped with) with
its jobs, labels, relabelling and rule files kept: only the target addresses are rewritten
to the ports this test started the services on (and Prometheus' own), the rule file paths
made absolute, and the scrape and evaluation intervals shortened to 2s; the result is
written to a temp dir. All five web apps and five workers run as real processes, each
worker serving /metrics on its own WORKER_METRICS_PORT, with JOBS_EVERY_SECONDS small so
the reporting worker's KPI gauges refresh fast. Five persons registered through the people
API become `circles_kpi{kpi="active_persons"} 5` on the reporting worker, read back through
PromQL. Skipped when Prometheus is not installed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from services.people.spec import SPEC as PEOPLE
from services.people.usecases.organisations import create_organisation
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.support import processes
from tests.support.all_services import SERVICES, AllServices, answers
from tests.support.infra import free_port, make_broker
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e

ROOT = processes.ROOT
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
PROMETHEUS = "/usr/bin/prometheus" if os.path.exists("/usr/bin/prometheus") else shutil.which("prometheus")
CONSUMERS = {"checkins.people-read-model", "notifications.people", "notifications.checkins",
             "notifications.reporting", "reporting.kpi-projection"}

if PROMETHEUS is None:
    pytest.skip("Prometheus is not installed (Debian: apt-get install prometheus)", allow_module_level=True)


class Circles(AllServices):
    """All five services, with the reporting worker's jobs ticking fast."""

    def __init__(self, broker, databases, log_dir: Path):
        super().__init__(broker, databases, log_dir, {**os.environ, "JOBS_EVERY_SECONDS": "0.5",
                                                      "CONSUMER_BACKOFF_SECONDS": "0.05"}, "scrape")

    def register_persons(self, count: int) -> str:
        """A new organisation (as `make dev`'s bootstrap makes one) with `count` persons."""
        people = Runtime(PEOPLE, settings=load_settings("people", {}).with_overrides(
            database_url=self.env["PEOPLE_DATABASE_URL"]))
        with people.uow() as uow:
            admin = create_organisation(uow, "Scrape Recovery", f"admin-{uuid.uuid4().hex[:8]}@scrape.example",
                                        "Admin", "a scrape test password")
        people.dispose()
        headers = bearer(load_settings("people", {}), role="admin", org=admin.organisation_id)
        for n in range(count):
            response = requests.post(f"{self.url('people')}/persons", headers=headers, timeout=10,
                                     json={"display_name": f"Person {n}", "timezone": "Europe/London", "region": "GB"})
            assert response.status_code == 201, response.text
        return admin.organisation_id


class Prometheus:
    """/usr/bin/prometheus on a free port with a temp data dir, scraping `circles`."""

    def __init__(self, circles: Circles, work_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = work_dir / "prometheus.yml"
        config.write_text(yaml.safe_dump(local_config_for(circles, self.port)))
        self.log = open(work_dir / "prometheus.log", "ab")
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={work_dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def api(self, path: str, **params) -> dict:
        body = requests.get(f"{self.url}/api/v1/{path}", params=params, timeout=10).json()
        assert body["status"] == "success", body
        return body["data"]

    def query(self, promql: str) -> list[dict]:
        return self.api("query", query=promql)["result"]

    def wait_ready(self) -> None:
        processes.wait_until(lambda: answers(f"{self.url}/-/ready"), 60, message="Prometheus to be ready")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def local_config_for(circles: Circles, prometheus_port: int) -> dict:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.local.yml").read_text())
    config["global"].update(scrape_interval="2s", scrape_timeout="2s", evaluation_interval="2s")
    config["rule_files"] = [str(PROMETHEUS_DIR / path) for path in config["rule_files"]]
    for job in config["scrape_configs"]:
        for static in job["static_configs"]:
            labels = static.get("labels", {})
            port = circles.ports[labels["service"], labels["role"]] if labels else prometheus_port
            static["targets"] = [f"127.0.0.1:{port}"]
    return config


@pytest.fixture(scope="module")
def circles(databases, tmp_path_factory):
    # A broker of its own: on the session's broker, the reporting worker's group would first
    # work through every event the earlier tests left on the topics.
    broker = make_broker(tmp_path_factory.mktemp("scrape-broker"))
    try:
        instance = Circles(broker, databases, tmp_path_factory.mktemp("scrape-platform"))
        try:
            instance.wait_ready()
            instance.organisation = instance.register_persons(5)
            yield instance
        finally:
            instance.close()
    finally:
        broker.close()


@pytest.fixture(scope="module")
def prometheus(circles, tmp_path_factory):
    instance = Prometheus(circles, tmp_path_factory.mktemp("prometheus"))
    try:
        instance.wait_ready()
        yield instance
    finally:
        instance.close()


def test_every_target_is_up(prometheus):
    def all_up():
        targets = prometheus.api("targets", state="active")["activeTargets"]
        return targets if len(targets) == 11 and all(t["health"] == "up" for t in targets) else None
    targets = processes.wait_until(all_up, 60, interval=0.5, message="all 11 targets up")
    labelled = {(t["labels"]["job"], t["labels"].get("service"), t["labels"].get("role")) for t in targets}
    assert labelled == {("prometheus", None, None)} | {
        (f"circles-{role}", service, role) for service in SERVICES for role in ("web", "worker")}


def test_a_business_metric_reaches_promql(circles, prometheus):
    query = f'circles_kpi{{kpi="active_persons", organisation="{circles.organisation}", site="all"}}'
    (series,) = processes.wait_until(lambda: prometheus.query(query), 90, interval=0.5,
                                     message="the reporting worker's active_persons gauge in Prometheus")
    assert series["value"][1] == "5"
    assert series["metric"]["service"] == "reporting" and series["metric"]["role"] == "worker"
    assert series["metric"]["job"] == "circles-worker"


def test_consumer_lag_reaches_promql(prometheus):
    def lag():
        found = prometheus.query("circles_consumer_lag")
        return found if CONSUMERS <= {s["metric"]["consumer"] for s in found} else None
    series = processes.wait_until(lag, 60, interval=0.5, message="consumer lag for every consumer")
    reporting = {s["metric"]["topic"] for s in series if s["metric"]["consumer"] == "reporting.kpi-projection"}
    assert {"people.events", "checkins.events", "notifications.events", "resources.events"} <= reporting
    assert all(s["metric"]["role"] == "worker" for s in series)


def test_services_own_label_is_not_duplicated(prometheus):
    processes.wait_until(lambda: prometheus.query('circles_http_requests_total{service="people"}'), 30,
                         message="people's request counter")
    assert prometheus.query('{exported_service!=""}') == []


def test_the_rules_load_and_evaluate_against_the_real_series(prometheus):
    def evaluated():
        groups = prometheus.api("rules")["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return groups if rules and all(r["lastEvaluation"] > "0001-01-01T00:00:00Z" for r in rules) else None
    groups = processes.wait_until(evaluated, 30, interval=0.5, message="every rule evaluated once")
    assert {g["name"] for g in groups} == {"circles.recording", "circles.alerts"}
    for group in groups:
        for rule in group["rules"]:
            assert rule["health"] == "ok", rule
    alerts = {r["name"] for g in groups for r in g["rules"] if r["type"] == "alerting"}
    assert len(alerts) == 7
    processes.wait_until(lambda: prometheus.query("service_consumer_topic:circles_consumer_lag:max"), 30,
                         message="a recorded series")


def test_every_dashboard_query_runs(prometheus):
    """Each panel query as Grafana would send it (all services, organisations and sites)."""
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        panels = [p for p in dashboard["panels"] if p["type"] != "row"]
        for expr in [t["expr"] for p in panels for t in p["targets"]]:
            prometheus.query(grafana_expr(expr))  # raises on a query error
    request_rate = grafana_expr(
        'sum by (service) (rate(circles_http_requests_total{service=~"$service"}[$__rate_interval]))')
    processes.wait_until(lambda: len(prometheus.query(request_rate)) == len(SERVICES), 30, interval=0.5,
                         message="a request rate for every service")


def grafana_expr(expr: str) -> str:
    expr = re.sub(r"\$\{?__(?:rate_interval|interval|range)\}?", "1m", expr)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)
