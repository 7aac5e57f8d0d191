"""Grafana: the provisioning files and the dashboards, and every metric the dashboards and
the alert rules use checked against a live scrape of the real services.

There is no Grafana to load the dashboards into here, so their structure is checked as
Grafana needs it (uid, title, panels with targets, the provisioned data source's uid). The
live scrape starts all five web apps (gunicorn) and all five workers (each serving
/metrics on its own WORKER_METRICS_PORT), makes a few requests, and reads every metric
name from the expositions: from the samples, and from the # HELP / # TYPE lines, which a
worker lists even for a labelled metric that has no sample yet.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from tests.support.all_services import SERVICES, AllServices

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
RULE_FILES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
DATASOURCE_UID = "circles-prometheus"

# Series Prometheus makes itself rather than scraping.
SYNTHETIC = {"up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped"}
GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s"}
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
                "offset", "bool", "inf", "nan"}
SAMPLE_SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created"),
                   "summary": ("_sum", "_count", "_created")}


# --- reading PromQL and expositions --------------------------------------------------------

def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (Grafana variables allowed)."""
    label_values = re.fullmatch(r"\s*label_values\((.*?)(?:,\s*\w+)?\)\s*", expr, flags=re.S)
    if label_values:
        expr = label_values.group(1)
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)  # label matchers, ranges
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)  # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.])[A-Za-z_:][\w:]*", expr):
        followed_by_call = expr[match.end():].lstrip().startswith("(")
        if not followed_by_call and match.group() not in PROMQL_WORDS:
            names.add(match.group())
    return names


def test_metric_names_reads_promql():
    assert metric_names('histogram_quantile(0.95, sum by (service, le) (rate(x_bucket{a=~"b|c"}[$__rate_interval])))'
                        ) == {"x_bucket"}
    assert metric_names("a:b:max > 100 and on (topic) max by (topic) (c offset 1w) > 0 or vector(0)") == {"a:b:max", "c"}
    assert metric_names('label_values(circles_kpi{organisation=~"$organisation"}, site)') == {"circles_kpi"}
    assert metric_names("label_values(circles_kpi, organisation)") == {"circles_kpi"}


def exposed_names(exposition: str) -> set[str]:
    names = set()
    for line in exposition.splitlines():
        if line.startswith(("# HELP ", "# TYPE ")):
            _, kind_of_line, name, *rest = line.split(" ", 3)
            names.add(name)
            if kind_of_line == "TYPE":
                base = name.removesuffix("_total")
                names.update(base + suffix for suffix in SAMPLE_SUFFIXES.get(rest[0].strip(), ()))
        elif line and not line.startswith("#"):
            names.add(re.match(r"[A-Za-z_:][\w:]*", line).group())
    return names


def test_exposed_names_reads_help_type_and_samples():
    text = ("# HELP a_total A\n# TYPE a_total counter\n# HELP h H\n# TYPE h histogram\n"
            'h_bucket{le="1.0"} 2.0\n# HELP g G\n# TYPE g gauge\ng{x="y"} 1.0\n')
    assert {"a_total", "h_bucket", "h_sum", "h_count", "g"} <= exposed_names(text)


# --- the files ------------------------------------------------------------------------------

def load_dashboard(path: Path) -> dict:
    return json.loads(path.read_text())


def query_panels(dashboard: dict) -> list[dict]:
    """Every panel that queries, rows' nested panels included (rows themselves do not)."""
    found = []
    for panel in dashboard["panels"]:
        found += [panel] if panel["type"] != "row" else panel.get("panels", [])
    return found


def dashboard_queries(dashboard: dict) -> list[str]:
    exprs = [t["expr"] for panel in query_panels(dashboard) for t in panel["targets"]]
    return exprs + [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]


def rule_exprs() -> tuple[list[str], set[str]]:
    exprs, recorded = [], set()
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                exprs.append(rule["expr"])
                if "record" in rule:
                    recorded.add(rule["record"])
    return exprs, recorded


def test_datasource_is_provisioned_with_the_uid_the_dashboards_use():
    config = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert config["apiVersion"] == 1
    (source,) = config["datasources"]
    assert source["uid"] == DATASOURCE_UID
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert source["access"] == "proxy"


def test_dashboards_are_provisioned_from_the_mounted_folder():
    config = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "circles.yml").read_text())
    assert config["apiVersion"] == 1
    (provider,) = config["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"


def test_there_are_the_operator_and_kpi_dashboards():
    assert {path.name for path in DASHBOARDS} == {"operator.json", "kpis.json"}
    uids = [load_dashboard(path)["uid"] for path in DASHBOARDS]
    assert len(set(uids)) == len(uids)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_has_the_structure_grafana_needs(path):
    dashboard = load_dashboard(path)
    assert re.fullmatch(r"[\w-]{1,40}", dashboard["uid"])
    assert dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    assert dashboard["panels"]
    ids = [p["id"] for p in dashboard["panels"]] + [p["id"] for p in query_panels(dashboard)
                                                    if p not in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24 and grid["h"] > 0, panel["title"]
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    for panel in query_panels(dashboard):
        assert panel["title"] and panel["type"] in {"timeseries", "stat", "table", "bargauge", "gauge"}
        assert panel["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, panel["title"]
        assert panel["targets"], f"{panel['title']} has no queries"
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
            assert target["expr"].strip(), panel["title"]
    for variable in dashboard["templating"]["list"]:
        assert variable["datasource"]["uid"] == DATASOURCE_UID
    for expr in dashboard_queries(dashboard):
        used = set(re.findall(r"\$\{?(\w+)", expr))
        assert used <= variables | GRAFANA_BUILTINS, f"undefined variable in {expr}"


def test_kpi_dashboard_filters_by_organisation_and_site():
    dashboard = load_dashboard(GRAFANA / "dashboards" / "kpis.json")
    assert {"organisation", "site"} <= {v["name"] for v in dashboard["templating"]["list"]}
    for panel in query_panels(dashboard):
        for target in panel["targets"]:
            assert 'organisation=~"$organisation"' in target["expr"], panel["title"]
            assert 'site=~"$site"' in target["expr"] or 'site="all"' in target["expr"], panel["title"]


def kpis_used() -> set[str]:
    dashboard = load_dashboard(GRAFANA / "dashboards" / "kpis.json")
    used = set()
    for expr in dashboard_queries(dashboard):
        for value in re.findall(r'\bkpi=~?"([^"]+)"', expr):
            used.update(value.split("|"))
    return used


def test_kpi_dashboard_uses_kpis_the_reporting_worker_exports():
    from services.reporting.metrics import GAUGED
    assert {"checkin_completion_rate", "crisis_plan_coverage", "retention_90"} <= kpis_used()
    missing = kpis_used() - set(GAUGED)
    assert not missing, f"not in services/reporting/metrics.py GAUGED: {missing}"


PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not on PATH (Debian: apt-get install prometheus)")
def test_every_dashboard_query_is_valid_promql(tmp_path):
    """promtool parses each query as a recording rule, with Grafana's variables filled in."""
    rules = [{"record": f"dashboard:query_{n}", "expr": substitute_variables(expr)}
             for n, expr in enumerate(q for path in DASHBOARDS for q in dashboard_queries(load_dashboard(path))
                                      if not q.startswith("label_values"))]
    (tmp_path / "queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([PROMTOOL, "check", "rules", tmp_path / "queries.yml"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def substitute_variables(expr: str) -> str:
    """What Grafana sends for a query: durations for its interval variables, `.*` for the
    others (All)."""
    expr = re.sub(r"\$\{?__(?:rate_interval|interval|range)\}?", "5m", expr)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


# --- the live scrape ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scraped(broker, databases, tmp_path_factory) -> set[str]:
    """Every metric name the ten processes expose after a little traffic."""
    circles = AllServices(broker, databases, tmp_path_factory.mktemp("grafana-scrape"), dict(os.environ), "grafana")
    try:
        circles.wait_ready()
        for service in SERVICES:
            for path in ("/healthz", "/openapi.json", "/persons", "/no-such-page"):
                requests.get(f"{circles.url(service)}{path}", timeout=10)
        return set().union(*(exposed_names(requests.get(url, timeout=10).text) for url in circles.metrics_urls()))
    finally:
        circles.close()


def assert_scraped(exprs: list[str], scraped: set[str], recorded: set[str], what: str) -> None:
    used = set().union(*map(metric_names, exprs))
    missing = {name for name in used if name not in scraped and name not in SYNTHETIC and name not in recorded}
    assert not missing, f"{what} use metrics no service exposes: {sorted(missing)}"


@pytest.mark.e2e
def test_the_scrape_has_every_service_metric(scraped):
    assert {"circles_http_requests_total", "circles_http_request_duration_seconds_bucket", "circles_consumer_lag",
            "circles_outbox_backlog", "circles_notifications_total", "circles_sessions_missed_total",
            "circles_kpi", "circles_projection_freshness_seconds"} <= scraped


@pytest.mark.e2e
@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_dashboard_metric_is_in_a_live_scrape(scraped, path):
    _, recorded = rule_exprs()
    assert_scraped(dashboard_queries(load_dashboard(path)), scraped, recorded, path.name)


@pytest.mark.e2e
def test_every_alert_rule_metric_is_in_a_live_scrape(scraped):
    exprs, recorded = rule_exprs()
    assert_scraped(exprs, scraped, recorded, "the alert and recording rules")
