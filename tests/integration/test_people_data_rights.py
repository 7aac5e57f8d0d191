"""Subject access and erasure at the people service: access, the legal-basis check, the
bundle as the other services' answers arrive, the retention job on the clock."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from services.people import privacy_feed
from services.people.domain import erasure as rules
from services.people.models import AuditEntry
from services.people.usecases import erasure
from shared.events import PRIVACY_CONTRIBUTORS
from shared.privacy import subjects
from tests.integration.people_support import PASSWORD, PeopleWorld
from tests.support.db_search import occurrences

NONE_APPLIES = dict.fromkeys(rules.EXEMPTIONS, False)


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person(display_name="Sam Quill", email="sam.quill@example.org", phone="+447700900123")
    base = f"/persons/{world.subject['id']}"
    world.sister = world.post(f"{base}/contacts", world.coordinator, {
        "name": "Kim Quill", "role": "family", "circle": "inner", "label": "helpful",
        "phone": "+447700900456"})["id"]
    world.post(f"{base}/invitations", world.coordinator, {"email": "sam.quill@example.org"})
    [invitation] = world.events("circles.people.invitation.sent.v1")
    world.client.post("/invitations/accept", json={"token": invitation["token"], "password": PASSWORD})
    world.sam = world.login("sam.quill@example.org")
    return world


def runtime(world):
    return world.app.extensions["circles"]


def feed(world, handler, event_type, data):
    with runtime(world).uow() as uow:
        handler(uow, None, data)
        uow.commit()


def answer(world, request_id, service, sections, chunk=0, chunks=1):
    feed(world, privacy_feed.part, "part", {"request_id": request_id, "service": service, "sections": sections,
                                            "chunk": chunk, "chunks": chunks})


def answer_every_service(world, request_id):
    for service in PRIVACY_CONTRIBUTORS:
        answer(world, request_id, service, {f"{service}_rows": [{"note": f"from {service}"}]})


def test_the_person_asks_for_their_data_and_gets_one_bundle_when_every_service_answered(world):
    person_id = world.subject["id"]
    asked = world.client.post(f"/persons/{person_id}/subject-access", headers=world.sam)
    assert asked.status_code == 202, asked.json
    request_id = asked.json["id"]
    assert asked.json["services"]["people"] is not None and asked.json["services"]["checkins"] is None
    [event] = world.events("circles.people.subject_access.requested.v1")
    assert event["person_id"] == person_id and event["request_id"] == request_id
    assert world.client.get(f"/subject-access/{request_id}/bundle", headers=world.sam).status_code == 409

    answer_every_service(world, request_id)
    bundle = world.client.get(f"/subject-access/{request_id}/bundle", headers=world.sam)
    assert bundle.status_code == 200
    services = bundle.json["services"]
    assert set(services) == {"people", *PRIVACY_CONTRIBUTORS}
    assert services["people"]["persons"][0]["display_name"] == "Sam Quill"
    assert services["people"]["contacts"][0]["name"] == "Kim Quill"
    assert services["checkins"] == {"checkins_rows": [{"note": "from checkins"}]}
    page = world.client.get(f"/subject-access/{request_id}/bundle.html", headers=world.admin)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Sam Quill" in page.get_data(as_text=True) and "from reporting" in page.get_data(as_text=True)

    with runtime(world).uow() as uow:
        actions = [(a.action, a.actor_role) for a in uow.session.scalars(
            select(AuditEntry).where(AuditEntry.resource == "subject_access").order_by(AuditEntry.at))]
    assert actions == [("subject_access_requested", "participant"), ("subject_access_downloaded", "participant"),
                       ("subject_access_downloaded", "admin")]


def test_a_part_in_several_pieces_counts_once_all_have_arrived_and_redeliveries_change_nothing(world):
    request_id = world.client.post(f"/persons/{world.subject['id']}/subject-access", headers=world.admin).json["id"]
    for service in ("notifications", "resources", "reporting"):
        answer(world, request_id, service, {})
    answer(world, request_id, "checkins", {"checkin_records": [{"n": 1}], "sessions": [{"n": 2}]}, 0, 2)
    answer(world, request_id, "checkins", {"checkin_records": [{"n": 1}]}, 0, 2)  # a redelivery
    status = world.client.get(f"/subject-access/{request_id}", headers=world.admin).json
    assert status["completed_at"] is None and status["services"]["checkins"] is None
    answer(world, request_id, "checkins", {"checkin_records": [{"n": 3}]}, 1, 2)
    bundle = world.client.get(f"/subject-access/{request_id}/bundle", headers=world.admin).json
    assert bundle["services"]["checkins"] == {"checkin_records": [{"n": 1}, {"n": 3}], "sessions": [{"n": 2}]}


def test_the_person_asks_from_their_own_page_and_reads_the_bundle_there(world):
    world.client.post("/login", data={"email": "sam.quill@example.org", "password": PASSWORD})
    assert "Ask for a copy of my data" in world.client.get("/my-plan").get_data(as_text=True)
    asked = world.client.post("/my-plan/data-requests")
    assert asked.status_code == 303 and asked.headers["Location"].endswith("#your-data")
    assert "being gathered" in world.client.get("/my-plan").get_data(as_text=True)
    [event] = world.events("circles.people.subject_access.requested.v1")
    answer_every_service(world, event["request_id"])
    page = world.client.get("/my-plan").get_data(as_text=True)
    assert f'href="/subject-access/{event["request_id"]}/bundle.html"' in page
    bundle = world.client.get(f"/subject-access/{event['request_id']}/bundle.html").get_data(as_text=True)
    assert "Sam Quill" in bundle
    refused = world.client.post("/my-plan/data-requests", headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403


def test_only_the_person_or_an_admin_of_their_organisation_may_ask(world, client_for):
    person_id = world.subject["id"]
    assert world.client.post(f"/persons/{person_id}/subject-access", headers=world.coordinator).status_code == 403
    other = world.person(display_name="Other")
    assert world.client.post(f"/persons/{other['id']}/subject-access", headers=world.sam).status_code == 404
    request_id = world.client.post(f"/persons/{person_id}/subject-access", headers=world.admin).json["id"]
    assert world.client.get(f"/subject-access/{request_id}", headers=world.coordinator).status_code == 404
    stranger = PeopleWorld(world.client, world.app, name="Elsewhere Recovery")
    assert world.client.post(f"/persons/{person_id}/subject-access", headers=stranger.admin).status_code == 404
    assert world.client.get(f"/subject-access/{request_id}", headers=stranger.admin).status_code == 404


def test_an_erasure_needs_a_ground_and_every_exemption_considered(world):
    url = f"/persons/{world.subject['id']}/erasure"
    for body in ({"ground": "because", "exemptions": NONE_APPLIES},
                 {"ground": "consent_withdrawn", "exemptions": {"legal_claims": False}},
                 {"ground": "consent_withdrawn", "exemptions": {**NONE_APPLIES, "whim": False}},
                 {"ground": "consent_withdrawn"}):
        response = world.client.post(url, json=body, headers=world.admin)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
    assert world.client.post(url, json={"ground": "consent_withdrawn", "exemptions": NONE_APPLIES},
                             headers=world.coordinator).status_code == 403
    assert world.client.get(f"/persons/{world.subject['id']}", headers=world.admin).status_code == 200


def test_an_exemption_that_applies_refuses_the_erasure_and_records_why(world):
    response = world.client.post(f"/persons/{world.subject['id']}/erasure", headers=world.admin, json={
        "ground": "consent_withdrawn", "exemptions": {**NONE_APPLIES, "legal_claims": True}})
    assert response.status_code == 201
    assert response.json["decision"] == "refused" and "legal claims" in response.json["note"]
    assert world.client.get(f"/persons/{world.subject['id']}", headers=world.admin).status_code == 200
    assert world.events("circles.people.person.erased.v1") == []


def erase(world, person_id):
    response = world.client.post(f"/persons/{person_id}/erasure", headers=world.admin, json={
        "ground": "consent_withdrawn", "exemptions": NONE_APPLIES, "note": "Asked in writing on 1 Nov"})
    assert response.status_code == 201, response.json
    return response.json


def test_erasure_removes_the_person_here_announces_it_and_completes_when_every_service_confirms(world):
    person_id = world.subject["id"]
    world.client.post(f"/persons/{person_id}/subject-access", headers=world.sam)
    world.client.get(f"/persons/{person_id}", headers=world.coordinator)  # an audited read
    done = erase(world, person_id)
    assert done["decision"] == "erased" and done["confirmations"]["people"]["persons"] == 1
    assert world.client.get(f"/persons/{person_id}", headers=world.admin).status_code == 404
    [event] = world.events("circles.people.person.erased.v1")
    assert event["contact_ids"] == [world.sister]
    refused = world.client.post("/auth/token", json={"email": "sam.quill@example.org", "password": PASSWORD})
    assert refused.status_code in (401, 403)

    with runtime(world).engine.begin() as conn:  # the relay has published everything
        conn.execute(update(runtime(world).spec.outbox).values(published_at=dt.datetime.now(dt.timezone.utc)))
    for service in PRIVACY_CONTRIBUTORS:
        assert world.client.get(f"/erasures/{done['id']}", headers=world.admin).json["completed_at"] is None
        feed(world, privacy_feed.confirmation, "confirmed", {"erasure_id": done["id"], "service": service,
                                                             "rows": {"things": 2}})
    status = world.client.get(f"/erasures/{done['id']}", headers=world.admin).json
    assert status["completed_at"] is not None and status["confirmations"]["checkins"] == {"things": 2}
    identifiers = [person_id, world.sister, "Sam Quill", "sam.quill@example.org", "+447700900123", "Kim Quill",
                   "+447700900456"]
    assert occurrences(runtime(world).engine, identifiers) == {}
    with runtime(world).uow() as uow:  # the reads stay accounted for, under a pseudonym
        assert uow.session.scalars(select(AuditEntry.person_id).where(
            AuditEntry.person_id == subjects.pseudonym(person_id))).first()


def discharge(world, person_id):
    for status in ("active", "discharged"):
        response = world.client.post(f"/persons/{person_id}/status", headers=world.coordinator,
                                     json={"status": status, "reason": "journey"})
        assert response.status_code in (200, 201), response.json


def test_the_retention_job_erases_persons_discharged_longer_ago_than_the_period(world, clock):
    person_id = world.subject["id"]
    discharge(world, person_id)
    clock.advance(days=20)
    recent = world.person(display_name="Recent")
    discharge(world, recent["id"])
    with runtime(world).uow() as uow:
        assert erasure.erase_expired(uow, retention_days=30) == 0
    clock.advance(days=11)
    with runtime(world).uow() as uow:
        assert erasure.erase_expired(uow, retention_days=30) == 1
        assert erasure.erase_expired(uow, retention_days=0) == 0  # 0: retention off
    assert world.client.get(f"/persons/{person_id}", headers=world.admin).status_code == 404
    assert world.client.get(f"/persons/{recent['id']}", headers=world.admin).status_code == 200
    [event] = world.events("circles.people.person.erased.v1")
    assert event["person_id"] == person_id
