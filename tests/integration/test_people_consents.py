"""Consent over time: propose, sign, decide, revoke, supersede, expire, disclose."""
import datetime as dt
import json

import pytest

from services.people.usecases import consents
from tests.integration.people_support import PeopleWorld


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person()
    base = f"/persons/{world.subject['id']}"
    world.base = base
    world.sponsor = world.post(f"{base}/contacts", world.coordinator, {
        "name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful"})["id"]
    world.sister = world.post(f"{base}/contacts", world.coordinator, {
        "name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})["id"]
    return world


def terms(world, clock, **changes):
    return {"recipients": [world.sponsor], "data_classes": ["missed_session_alerts", "attendance"],
            "purposes": ["care_coordination"], "discloser": "Northside Recovery",
            "expires_at": (clock.now() + dt.timedelta(days=30)).isoformat(), **changes}


def decide(world, recipient, data_class="missed_session_alerts", purpose="care_coordination"):
    return world.client.get(f"{world.base}/consent-decision", query_string={
        "recipient": recipient, "data_class": data_class, "purpose": purpose}, headers=world.coordinator).json


def test_nothing_is_shared_until_the_person_signs(world, clock):
    draft = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    assert draft["status"] == "draft" and draft["version"] == 1
    assert decide(world, world.sponsor)["allowed"] is False
    signed = world.post(f"{world.base}/consents/{draft['consent_id']}/sign", world.coordinator,
                        {"typed_name": "Sam R."}, status=200)
    assert signed["status"] == "active" and signed["signed_by"] == "Sam R."
    verdict = decide(world, world.sponsor)
    assert verdict["allowed"] is True and verdict["consent_id"] == draft["consent_id"]
    [granted] = world.events("circles.people.consent.granted.v1")
    assert granted["recipients"] == [world.sponsor]


def test_decisions_say_what_is_missing(world, clock):
    draft = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    world.post(f"{world.base}/consents/{draft['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    assert not decide(world, world.sister)["allowed"]
    assert "recipient" in decide(world, world.sister)["reason"].lower()
    assert "data" in decide(world, world.sponsor, data_class="crisis_plan")["reason"].lower()
    assert "purpose" in decide(world, world.sponsor, purpose="research")["reason"].lower()


def test_revocation_applies_from_then_on_and_keeps_history(world, clock):
    draft = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    path = f"{world.base}/consents/{draft['consent_id']}"
    world.post(f"{path}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    clock.advance(days=3)
    revoked = world.post(f"{path}/revoke", world.coordinator, {"reason": "Changed my mind"}, status=200)
    assert revoked["status"] == "revoked"
    assert decide(world, world.sponsor)["allowed"] is False
    listed = world.client.get(f"{world.base}/consents", headers=world.coordinator).json
    assert [(c["version"], c["status"], c["signed_by"]) for c in listed] == [(1, "revoked", "Sam")]
    assert world.client.post(f"{path}/revoke", json={"reason": "again"}, headers=world.coordinator).status_code == 422
    assert len(world.events("circles.people.consent.revoked.v1")) == 1


def test_a_signed_new_version_supersedes_the_old(world, clock):
    first = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    path = f"{world.base}/consents/{first['consent_id']}"
    world.post(f"{path}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    second = world.post(f"{path}/versions", world.coordinator, terms(world, clock, recipients=[world.sister]))
    assert second["version"] == 2
    assert decide(world, world.sponsor)["allowed"] is True  # v1 holds until v2 is signed
    world.post(f"{path}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    assert decide(world, world.sponsor)["allowed"] is False
    assert decide(world, world.sister)["allowed"] is True
    statuses = {c["version"]: c["status"] for c in world.client.get(f"{world.base}/consents", headers=world.coordinator).json}
    assert statuses == {1: "revoked", 2: "active"}


def test_expiry_by_the_clock_is_announced_once(world, clock):
    draft = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    world.post(f"{world.base}/consents/{draft['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    runtime = world.app.extensions["circles"]
    clock.advance(days=29, hours=23)
    assert decide(world, world.sponsor)["allowed"] is True
    with runtime.uow() as uow:
        assert consents.announce_expired(uow) == 0
    clock.advance(hours=1)
    assert decide(world, world.sponsor)["allowed"] is False
    with runtime.uow() as uow:
        assert consents.announce_expired(uow) == 1
    with runtime.uow() as uow:
        assert consents.announce_expired(uow) == 0
    assert len(world.events("circles.people.consent.expired.v1")) == 1


def test_discharge_ends_consents_given_until_the_end_of_treatment(world, clock):
    draft = world.post(f"{world.base}/consents", world.coordinator,
                       terms(world, clock, expires_at=None, expiry_event="end_of_treatment"))
    world.post(f"{world.base}/consents/{draft['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    world.post(f"{world.base}/status", world.coordinator, {"status": "discharged", "reason": "Completed"}, status=200)
    assert decide(world, world.sponsor)["allowed"] is False
    assert len(world.events("circles.people.consent.expired.v1")) == 1


@pytest.mark.parametrize("bad", [{"expires_at": None}, {"data_classes": ["diary"]}, {"purposes": []},
                                 {"recipients": []}])
def test_incomplete_consents_are_refused(world, clock, bad):
    response = world.client.post(f"{world.base}/consents", json=terms(world, clock, **bad), headers=world.coordinator)
    assert response.status_code == 422
    assert world.client.get(f"{world.base}/consents", headers=world.coordinator).json == []


def test_disclosures_need_consent_and_are_accounted_for(world, clock):
    disclosure = {"recipient": world.sponsor, "data_class": "attendance", "purpose": "care_coordination",
                  "data_description": "Attended 3 of 4 check-ins in March", "channel": "email"}
    refused = world.client.post(f"{world.base}/disclosures", json=disclosure, headers=world.coordinator)
    assert refused.status_code == 403
    draft = world.post(f"{world.base}/consents", world.coordinator, terms(world, clock))
    world.post(f"{world.base}/consents/{draft['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    made = world.post(f"{world.base}/disclosures", world.coordinator, disclosure)
    assert made["consent_id"] == draft["consent_id"] and made["consent_version"] == 1
    assert "re-disclos" in made["notice"].lower() or "redisclos" in made["notice"].lower()
    [logged] = world.client.get(f"{world.base}/disclosures", headers=world.coordinator).json
    assert (logged["recipient"], logged["channel"]) == (world.sponsor, "email")


def test_an_expiry_at_the_ends_of_the_calendar_is_refused(world, clock):
    body = terms(world, clock, expires_at="9999-12-31T23:59:00-00:02")  # a 500 once moved to UTC
    response = world.client.post(f"{world.base}/consents", json=body, headers=world.coordinator)
    assert response.status_code == 422 and "expires_at" in response.json["errors"]["json"]


@pytest.mark.parametrize("discloser, message", [
    ("Northside\x00Recovery", "NUL characters"),  # PostgreSQL cannot store NUL in text: it was a 500
    ("Northside \ud800Recovery", "lone surrogates"),  # not encodable as UTF-8 on either database
])
def test_text_no_database_can_store_is_refused_with_a_problem(world, clock, discloser, message):
    """Found by the Schemathesis run (tests/security/test_fuzz_openapi.py)."""
    body = json.dumps(terms(world, clock, discloser=discloser))  # json escapes both as \u0000 / \ud800
    response = world.client.post(f"{world.base}/consents", data=body, content_type="application/json",
                                 headers=world.coordinator)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert message in response.json["errors"]["json"]["discloser"][0]
    assert world.client.get(f"{world.base}/consents", headers=world.coordinator).json == []
