import uuid

from services.reporting.db import checkins_monthly
from tests.support.tokens import ORG_A, ORG_B, bearer

SITE = str(uuid.uuid4())


def seed(app, rows):
    runtime = app.extensions["circles"]
    with runtime.engine.begin() as conn:
        conn.execute(checkins_monthly.insert(), rows)


def test_completed_checkins_by_month_scoped_to_the_organisation(client_for):
    client, app = client_for("reporting")
    settings = app.extensions["circles"].settings
    seed(app, [
        {"organisation_id": ORG_A, "site_id": SITE, "month": "2026-01", "completed": 7},
        {"organisation_id": ORG_A, "site_id": "", "month": "2026-02", "completed": 3},
        {"organisation_id": ORG_B, "site_id": SITE, "month": "2026-01", "completed": 50},
    ])
    body = client.get("/kpis/checkins-completed", headers=bearer(settings)).json
    assert body["total"] == 10
    assert body["months"] == [{"month": "2026-01", "site_id": SITE, "completed": 7},
                              {"month": "2026-02", "site_id": None, "completed": 3}]
    february = client.get("/kpis/checkins-completed?from=2026-02&to=2026-12", headers=bearer(settings)).json
    assert february["total"] == 3
    assert client.get("/kpis/checkins-completed", headers=bearer(settings, org=ORG_B)).json["total"] == 50


def test_kpi_query_validation_and_roles(client_for):
    client, app = client_for("reporting")
    settings = app.extensions["circles"].settings
    bad = client.get("/kpis/checkins-completed?from=2026-13", headers=bearer(settings))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert client.get("/kpis/checkins-completed", headers=bearer(settings, role="peer_worker")).status_code == 403
    assert client.get("/kpis/checkins-completed").status_code == 401
