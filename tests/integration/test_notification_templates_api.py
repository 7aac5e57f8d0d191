"""The notifications service's template list and preview over HTTP: auth, roles, problems."""
import pytest

from tests.support.tokens import bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def api(client_for):
    client, app = client_for("notifications")
    return client, app.extensions["circles"].settings


def preview(api, role="peer_worker", **body):
    client, settings = api
    return client.post("/templates/preview", json=body, headers=bearer(settings, role=role))


def test_staff_list_every_kind_with_its_fields_and_locales(api):
    client, settings = api
    response = client.get("/templates", headers=bearer(settings, role="coordinator"))
    assert response.status_code == 200
    kinds = {entry["kind"]: entry for entry in response.json}
    assert {"checkin.missed.supporter", "risk.flagged.crisis", "digest", "script.invite_to_network"} <= set(kinds)
    supporter = kinds["checkin.missed.supporter"]
    assert supporter["fields"] == ["person_name"]
    assert supporter["channels"] == {"email": ["en", "es"], "sms": ["en", "es"], "inbox": ["en"]}
    assert kinds["invitation.sent"]["channels"] == {"email": ["en"]}
    assert kinds["risk.flagged.crisis"]["optional_fields"]["for_staff"] is False


def test_a_preview_uses_the_sample_data_under_the_given_context(api):
    response = preview(api, kind="checkin.missed.staff", channel="email",
                       context={"person_name": "Jo", "consecutive_misses": 3})
    assert response.status_code == 200
    assert response.json["locale_used"] == "en"
    assert response.json["subject"] == "Missed weekly check-in: Jo (P-1042)"
    assert "Missed in a row: 3." in response.json["body"]


def test_a_preview_without_context_renders_the_sample(api):
    response = preview(api, role="clinician", kind="risk.flagged.crisis", channel="sms")
    assert response.status_code == 200
    assert response.json["subject"] == ""
    assert response.json["body"].startswith("URGENT: Sam may need support now; please call them.")
    assert "Samaritans: 116 123" in response.json["body"]


def test_a_spanish_preview_falls_back_from_the_region(api):
    response = preview(api, kind="session.upcoming", channel="email", locale="es-US",
                       context={"title": "Sesión semanal", "start_time": "martes 3 de marzo, 10:00"})
    assert response.status_code == 200
    assert response.json == {"subject": "Mañana: Sesión semanal", "locale_used": "es",
                             "body": "Un recordatorio: Sesión semanal es mañana (martes 3 de marzo, 10:00).\n\n"
                                     "Si no puedes venir, avísanos y buscamos otro momento."}


def test_a_missing_field_is_a_422_problem_naming_it(api):
    response = preview(api, kind="checkin.missed.person", channel="sms", context={"peer_worker_name": None})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert list(response.json["errors"]) == ["peer_worker_name"]
    assert "peer_worker_name" in response.json["detail"]


def test_a_too_long_sms_is_a_422_problem(api):
    response = preview(api, kind="checkin.missed.supporter", channel="sms", context={"person_name": "S" * 400})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "320" in response.json["detail"]


def test_a_body_without_kind_is_a_422_validation_problem(api):
    response = preview(api, channel="sms")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "kind" in str(response.json["errors"])


@pytest.mark.parametrize("kind, channel", [("no.such.kind", "email"), ("checkin.missed.person", "fax"),
                                           ("invitation.sent", "sms")])
def test_an_unknown_kind_or_channel_is_a_404_problem(api, kind, channel):
    response = preview(api, kind=kind, channel=channel)
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_without_a_token_it_is_401(api):
    client, _ = api
    assert client.get("/templates").status_code == 401
    response = client.post("/templates/preview", json={"kind": "digest", "channel": "sms"})
    assert response.status_code == 401 and response.mimetype == PROBLEM


@pytest.mark.parametrize("role", ["supporter", "participant"])
def test_people_outside_staff_get_403(api, role):
    client, settings = api
    assert client.get("/templates", headers=bearer(settings, role=role)).status_code == 403
    assert preview(api, role=role, kind="digest", channel="sms").status_code == 403


def test_the_endpoints_are_in_the_api_description(api):
    client, _ = api
    paths = client.get("/openapi.json").json["paths"]
    assert {"/templates", "/templates/preview"} <= set(paths)
