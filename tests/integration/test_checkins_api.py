"""The check-ins API against a real database: writes, validation, auth and scoping."""
import json
import uuid

from sqlalchemy import func, select

from tests.support.tokens import ORG_A, ORG_B, bearer

SITE_1 = "aaaaaaaa-0000-4000-8000-000000000001"
SITE_2 = "aaaaaaaa-0000-4000-8000-000000000002"


def outbox_rows(app):
    runtime = app.extensions["circles"]
    with runtime.engine.connect() as conn:
        return conn.execute(select(runtime.spec.outbox)).all()


def record_count(app):
    runtime = app.extensions["circles"]
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runtime.spec.metadata.tables["checkin_records"])).scalar_one()


def post(client, settings, body, **token):
    return client.post("/checkins", json=body, headers=bearer(settings, **token))


def test_checkin_and_its_event_are_written_together(client_for):
    client, app = client_for("checkins")
    settings = app.extensions["circles"].settings
    person = str(uuid.uuid4())
    response = client.post("/checkins", json={
        "person_id": person, "wellbeing": 7, "wins": "Called my sponsor", "site_id": SITE_1,
    }, headers={**bearer(settings), "X-Correlation-ID": "corr-12345678"})
    assert response.status_code == 201
    assert response.json["organisation_id"] == ORG_A
    [row] = outbox_rows(app)
    assert row.event_type == "circles.checkins.checkin.completed.v1"
    assert row.partition_key == person and row.published_at is None
    payload = json.loads(row.payload)
    assert payload["checkin_id"] == response.json["id"]
    assert "wins" not in payload  # what the person said stays in this service
    assert ["ce_correlationid", "corr-12345678"] in json.loads(row.headers)


def test_invalid_input_is_a_problem_and_writes_nothing(client_for):
    client, app = client_for("checkins")
    settings = app.extensions["circles"].settings
    response = post(client, settings, {"person_id": "not-a-uuid", "wellbeing": 11})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]["json"]) == {"person_id", "wellbeing"}
    bad_json = client.post("/checkins", data="{oops", content_type="application/json", headers=bearer(settings))
    assert bad_json.status_code == 400 and bad_json.content_type == "application/problem+json"
    assert record_count(app) == 0 and outbox_rows(app) == []


def test_requests_without_a_valid_token_are_refused(client_for):
    client, app = client_for("checkins")
    settings = app.extensions["circles"].settings
    assert client.get("/checkins").status_code == 401
    forged = bearer(settings.with_overrides(jwt_secret="someone-elses-secret-0123456789abcdef"))
    response = client.get("/checkins", headers=forged)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert post(client, settings, {"person_id": str(uuid.uuid4()), "wellbeing": 5}, role="participant").status_code == 403


def test_other_organisations_and_sites_see_nothing(client_for):
    client, app = client_for("checkins")
    settings = app.extensions["circles"].settings
    created = post(client, settings, {"person_id": str(uuid.uuid4()), "wellbeing": 5, "site_id": SITE_1}).json
    post(client, settings, {"person_id": str(uuid.uuid4()), "wellbeing": 5, "site_id": SITE_2})

    other_org = bearer(settings, org=ORG_B)
    assert client.get("/checkins", headers=other_org).json == []
    assert client.get(f"/checkins/{created['id']}", headers=other_org).status_code == 404

    site_2_only = bearer(settings, role="peer_worker", sites=[SITE_2])
    listed = client.get("/checkins", headers=site_2_only).json
    assert [c["site_id"] for c in listed] == [SITE_2]
    assert client.get(f"/checkins/{created['id']}", headers=site_2_only).status_code == 404
    assert len(client.get("/checkins", headers=bearer(settings)).json) == 2
