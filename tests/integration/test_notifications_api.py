"""The notifications API: inbox, delivery log, rules and preferences, with their access rules."""
import json
import uuid

import pytest

from tests.support.tokens import ORG_B, bearer


@pytest.fixture
def world(notifications_world):
    return notifications_world


def test_staff_read_their_inbox_urgent_first_and_mark_messages_read(world):
    sam = world.person()
    world.missed(sam)
    world.dispatch()
    peer = world.headers(role="peer_worker", subject=sam.peer_worker)
    [item] = world.client.get("/inbox", headers=peer).json
    assert "Sam" in item["subject"] + item["body"] and item["read_at"] is None
    read = world.client.post(f"/inbox/{item['id']}/read", headers=peer)
    assert read.status_code == 200 and read.json["read_at"]
    assert world.client.get("/inbox?unread=true", headers=peer).json == []
    stranger = world.headers(role="peer_worker")
    assert world.client.post(f"/inbox/{item['id']}/read", headers=stranger).status_code == 404
    me = world.headers(role="participant", person_id=sam.id)
    assert len(world.client.get("/inbox", headers=me).json) == 1  # Sam's own gentle reminder
    assert world.client.get("/inbox", headers=world.headers(role="supporter")).status_code == 403


def test_an_offset_past_any_database_integer_is_a_problem_not_a_500(world):
    """Found by Schemathesis: GET /inbox?offset=682778849021673472000 overflowed the database."""
    sam = world.person()
    for path in ("/inbox", f"/persons/{sam.id}/deliveries"):
        response = world.client.get(path, query_string={"offset": 682778849021673472000},
                                    headers=world.headers(role="admin"))
        assert response.status_code == 422 and response.content_type == "application/problem+json"
        assert "offset" in response.json["errors"]["query"]


def test_the_delivery_log_shows_reasons_without_bodies_to_the_care_team_only(world):
    sam = world.person()
    world.missed(sam)
    world.dispatch()
    peer = world.headers(role="peer_worker", subject=sam.peer_worker)
    log = world.client.get(f"/persons/{sam.id}/deliveries", headers=peer)
    assert log.status_code == 200
    by_recipient = {(d["recipient_kind"], d["channel"]): d for d in log.json}
    assert by_recipient[("staff", "email")]["status"] == "sent"
    assert by_recipient[("staff", "email")]["attempt_log"][0]["outcome"] == "sent"
    assert {d["reason"] for d in log.json if d["status"] == "suppressed"} == {"no_active_consent"}
    assert all("body" not in d and "address" not in d for d in log.json)
    other_peer = world.headers(role="peer_worker")
    assert world.client.get(f"/persons/{sam.id}/deliveries", headers=other_peer).status_code == 404
    assert world.client.get(f"/persons/{sam.id}/deliveries",
                            headers=bearer(world.settings, role="admin", org=ORG_B)).status_code == 404


def test_rules_are_data_with_the_guides_defaults_and_admins_override_them(world):
    current = world.client.get("/rules", headers=world.headers()).json
    assert current["rules"]["checkin.missed"][2] == {"to": "clinical_lead", "template": "checkin.missed.staff",
                                                     "min_consecutive": 2}
    assert (current["quiet_start"], current["quiet_end"], current["overridden"]) == ("21:00", "08:00", [])
    change = {"rules": {"checkin.missed": [{"to": "peer_worker", "template": "checkin.missed.staff"}]},
              "quiet_start": "22:00"}
    assert world.client.put("/rules", json=change, headers=world.headers()).status_code == 403
    changed = world.client.put("/rules", json=change, headers=world.headers(role="admin"))
    assert changed.status_code == 200 and changed.json["overridden"] == ["checkin.missed"]
    bad = world.client.put("/rules", json={"rules": {"checkin.missed": [{"to": "everyone", "template": "x"}]}},
                           headers=world.headers(role="admin"))
    assert bad.status_code == 422
    no_consent = world.client.put("/rules", json={"rules": {"checkin.missed": [
        {"to": "consenting_contacts", "template": "checkin.missed.supporter"}]}}, headers=world.headers(role="admin"))
    assert no_consent.status_code == 422 and "consent" in no_consent.json["detail"]
    sam = world.person()
    world.missed(sam, consecutive=3)
    world.dispatch()
    assert {d.recipient_kind for d in world.deliveries()} == {"staff"}


def test_recipients_set_their_own_quiet_hours_and_coordinators_theirs(world):
    sam = world.person()
    mine = world.client.put(f"/recipients/staff/{sam.peer_worker}/preferences",
                            json={"quiet_start": "19:00", "quiet_end": "07:00", "timezone": "Europe/London"},
                            headers=world.headers(role="peer_worker", subject=sam.peer_worker))
    assert mine.status_code == 200 and mine.json["quiet_start"] == "19:00"
    assert world.client.put(f"/recipients/staff/{sam.clinician}/preferences", json={"quiet_start": "19:00"},
                            headers=world.headers(role="peer_worker", subject=sam.peer_worker)).status_code == 403
    assert world.client.put(f"/recipients/contact/{sam.sister}/preferences", json={"locale": "es"},
                            headers=world.headers()).status_code == 200
    assert world.client.put(f"/recipients/contact/{sam.sister}/preferences", json={"quiet_start": "25:00"},
                            headers=world.headers()).status_code == 422
    for bad in ({"quiet_start": "22:00\n"}, {"timezone": "Europe"}):  # Europe: IsADirectoryError was a 500
        refused = world.client.put(f"/recipients/contact/{sam.sister}/preferences", json=bad, headers=world.headers())
        assert refused.status_code == 422 and refused.content_type == "application/problem+json", bad
    assert world.client.put(f"/recipients/contact/{sam.sister}/preferences", json={"locale": "es"},
                            headers=bearer(world.settings, role="admin", org=ORG_B)).status_code == 404


def test_the_attempt_log_keeps_the_reason_but_not_the_address(world):
    sam = world.person()
    world.apply("person.updated", sam.id, person_id=sam.id, site_id=None, timezone="Europe/London", region="GB",
                preferred_method="text", display_name="Sam", phone="07700 900123", email=None,
                updated_at=world.clock.now())
    world.missed(sam)
    world.dispatch()
    peer = world.headers(role="peer_worker", subject=sam.peer_worker)
    log = world.client.get(f"/persons/{sam.id}/deliveries", headers=peer).json
    [text] = [d for d in log if d["recipient_kind"] == "person" and d["channel"] == "sms"]
    assert text["status"] == "failed" and text["reason"] == "rejected"
    assert "<address>" in text["attempt_log"][0]["detail"] and "07700" not in json.dumps(log)


def test_a_coordinator_sets_preferences_only_for_recipients_at_their_sites(world):
    """Found by the authorization matrix: a coordinator of another site could change a
    person's quiet hours. Outside your sites a recipient does not exist (404)."""
    hub, cafe = str(uuid.uuid4()), str(uuid.uuid4())
    sam = world.person()
    world.apply("person.updated", sam.id, person_id=sam.id, site_id=hub, timezone="Europe/London", region="GB",
                preferred_method="text", updated_at=world.clock.now())
    hub_staff = world.staff("peer_worker", site_ids=(hub,))
    at_cafe, at_hub = world.headers(sites=[cafe]), world.headers(sites=[hub])
    for kind, recipient in (("person", sam.id), ("contact", sam.sister), ("staff", hub_staff)):
        path = f"/recipients/{kind}/{recipient}/preferences"
        assert world.client.put(path, json={"locale": "es"}, headers=at_cafe).status_code == 404, kind
        assert world.client.put(path, json={"locale": "es"}, headers=at_hub).status_code == 200, kind
