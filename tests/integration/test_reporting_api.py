"""The reporting API on a real database: KPIs per period and site, suppression by role,
organisation scoping, validation as problem+json, CSV and the site comparison."""
import csv
import io

import pytest

from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, apply_live, utc
from tests.support.tokens import ORG_A, ORG_B, bearer


@pytest.fixture
def reporting(client_for):
    """(client, runtime, headers): the app on a fresh database, events already applied."""
    client, app = client_for("reporting")
    runtime = app.extensions["circles"]
    h = History()
    north = [h.person(utc(2026, 1, 2), SITE_NORTH, peer_worker="pw-1") for _ in range(3)]
    south = h.person(utc(2026, 1, 2), SITE_SOUTH)
    for day in (5, 12, 19):  # 3 persons x 3 weeks = 9 January check-ins at North
        for person in north:
            h.checkin(person, utc(2026, 1, day), days_abstinent=day)
    h.miss(north[0], utc(2026, 1, 26))
    h.checkin(south, utc(2026, 2, 3))
    apply_live(runtime, h.events)
    return client, runtime, lambda **kw: bearer(runtime.settings, **kw)


def kpi(body, period, key):
    return next(p for p in body["periods"] if p["period"] == period)["kpis"][key]


def test_admins_see_every_figure_by_month(reporting):
    client, _, headers = reporting
    body = client.get("/kpis?from=2026-01&to=2026-02", headers=headers(role="admin")).json
    assert [p["period"] for p in body["periods"]] == ["2026-01", "2026-02"]
    assert kpi(body, "2026-01", "checkins_completed")["value"] == 9
    assert kpi(body, "2026-01", "checkin_completion_rate") == {
        "value": 0.9, "withheld": False, "numerator": 9, "denominator": 10}
    assert kpi(body, "2026-02", "checkins_completed")["value"] == 1
    assert body["current"]["active_persons"]["value"] == 4
    assert body["suppressed_below"] is None


def test_coordinators_see_small_counts_suppressed_and_rates_withheld(reporting):
    client, _, headers = reporting
    body = client.get("/kpis?from=2026-01&to=2026-02", headers=headers(role="coordinator")).json
    assert kpi(body, "2026-01", "checkins_completed")["value"] == 9
    assert kpi(body, "2026-02", "checkins_completed") == {"value": "<5", "withheld": True}
    # 9 of 10: the 1 miss is a count under 5, so the rate is withheld, and so are its parts
    assert kpi(body, "2026-01", "checkin_completion_rate") == {"value": None, "withheld": True}
    assert body["current"]["active_persons"]["value"] == "<5"
    assert body["suppressed_below"] == 5


def test_quarters_sites_and_organisation_scope(reporting):
    client, _, headers = reporting
    admin = headers(role="admin")
    quarter = client.get("/kpis?from=2026-01-01&to=2026-03-31&granularity=quarter", headers=admin).json
    assert [(p["period"], p["kpis"]["checkins_completed"]["value"]) for p in quarter["periods"]] == [("2026-Q1", 10)]
    south = client.get(f"/kpis?from=2026-01&to=2026-02&site_id={SITE_SOUTH}", headers=admin).json
    assert [kpi(south, m, "checkins_completed")["value"] for m in ("2026-01", "2026-02")] == [0, 1]
    other = client.get("/kpis?from=2026-01&to=2026-02", headers=headers(role="admin", org=ORG_B)).json
    assert kpi(other, "2026-01", "checkins_completed")["value"] == 0
    mine = client.get("/kpis?from=2026-01&to=2026-01", headers=headers(sites=[SITE_SOUTH])).json
    assert kpi(mine, "2026-01", "checkins_completed")["value"] == "<5"  # a South coordinator: 0 of theirs
    refused = client.get(f"/kpis?site_id={SITE_NORTH}", headers=headers(sites=[SITE_SOUTH]))
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"


@pytest.mark.parametrize("query", ["from=2026-13", "granularity=week", "from=2026-03&to=2026-01",
                                   "from=2001-01&to=2026-12", "site_id=not-a-uuid", "to=2026-02-30"])
def test_bad_queries_are_problems_not_errors(reporting, query):
    client, _, headers = reporting
    response = client.get(f"/kpis?{query}", headers=headers(role="admin"))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"


# Found by Schemathesis: month=0000-01 matched the YYYY-MM pattern and failed in the view;
# the ends of the calendar (years 1 and 9999) failed in the period arithmetic.
@pytest.mark.parametrize("path", ["/kpis/sites?month=0000-01", "/kpis/sites?month=9999-12",
                                  "/kpis/sites?month=0001-01", "/kpis/sites?month=2026-01%0A",
                                  "/kpis?to=9999-12-31", "/kpis?from=0001-01&to=0001-02",
                                  "/kpis?to=0001-01-01&granularity=year", "/kpis/export.csv?to=9999-12-31"])
def test_dates_outside_any_report_are_problems_not_errors(reporting, path):
    client, _, headers = reporting
    response = client.get(path, headers=headers(role="admin"))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"


def test_roles_and_tokens(reporting):
    client, _, headers = reporting
    for path in ("/kpis", "/kpis/sites", "/kpis/export.csv", "/kpis/definitions"):
        assert client.get(path, headers=headers(role="peer_worker")).status_code == 403
        assert client.get(path, headers=headers(role="participant")).status_code == 403
        assert client.get(path).status_code == 401


def test_csv_export_matches_the_report(reporting):
    client, _, headers = reporting
    response = client.get("/kpis/export.csv?from=2026-01&to=2026-02", headers=headers(role="coordinator"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    completed = {r["period"]: r for r in rows if r["kpi"] == "checkins_completed"}
    assert completed["2026-01"]["value"] == "9" and completed["2026-02"]["value"] == "<5"
    assert completed["2026-02"]["withheld"] == "yes"
    assert {r["kpi"] for r in rows if r["period"] == "now"} >= {"crisis_plan_coverage", "checklist_coverage"}


def test_site_comparison_and_definitions(reporting):
    client, _, headers = reporting
    body = client.get("/kpis/sites?month=2026-01", headers=headers(role="admin")).json
    by_site = {row["site_id"]: row["kpis"] for row in body["sites"]}
    assert by_site[SITE_NORTH]["checkins_completed"]["value"] == 9
    assert by_site[SITE_SOUTH]["checkins_completed"]["value"] == 0
    definitions = client.get("/kpis/definitions", headers=headers(role="admin")).json
    keys = {d["key"] for d in definitions}
    assert {"retention_90", "barc10_remission", "caseload_per_peer_worker", "checklist_coverage"} <= keys
    assert all(d["definition"] for d in definitions)
    assert client.get("/kpis/sites?month=2026-1", headers=headers(role="admin")).status_code == 422


def test_the_api_docs_define_every_kpi(reporting):
    from services.reporting.domain.catalogue import KPIS
    client, _, _ = reporting
    spec = client.get("/openapi.json").json
    described = next(tag["description"] for tag in spec["tags"] if tag["name"] == "kpis")
    for kpi in KPIS:
        assert f"`{kpi.key}` ({kpi.name}, {kpi.unit}): {kpi.definition}" in described
