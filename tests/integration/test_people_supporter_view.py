"""A supporter sees only what an active consent allows, and each view is a logged disclosure."""
import datetime as dt

import pytest

from tests.integration.people_support import PASSWORD, PeopleWorld


@pytest.fixture
def world(client_for, clock):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person(display_name="Sam", phone="07700 900999")
    world.base = f"/persons/{world.subject['id']}"
    world.kim = world.post(f"{world.base}/contacts", world.coordinator,
                           {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})["id"]
    world.post(f"{world.base}/crisis-plan", world.coordinator, {
        "warning_signs": ["Stops answering"], "call_first": [{"contact_id": world.kim, "when": "any"}]})
    world.post(f"{world.base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    world.post(f"{world.base}/invitations", world.coordinator, {"email": "kim@example.org", "contact_id": world.kim})
    [invitation] = world.events("circles.people.invitation.sent.v1")
    world.client.post("/invitations/accept", json={"token": invitation["token"], "password": PASSWORD})
    world.kim_login = world.login("kim@example.org")
    world.expires = (clock.now() + dt.timedelta(days=90)).isoformat()
    return world


def share(world, data_classes):
    consent = world.post(f"{world.base}/consents", world.coordinator, {
        "recipients": [world.kim], "data_classes": data_classes, "purposes": ["family_support"],
        "discloser": "Northside", "expires_at": world.expires})
    world.post(f"{world.base}/consents/{consent['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"},
               status=200)
    return consent["consent_id"]


def test_nothing_is_visible_without_consent(world):
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.kim_login).status_code == 404
    assert world.client.get(world.base, headers=world.kim_login).status_code == 404


def test_exactly_the_consented_classes_are_shown_and_logged(world):
    consent_id = share(world, ["crisis_plan", "network_map"])
    view = world.client.get(f"{world.base}/shared-with-me", headers=world.kim_login).json
    assert view["shared"] == ["crisis_plan", "network_map"]
    assert view["crisis_plan"]["call_first"] == [{"name": "Kim", "when": "any"}]
    assert "contact_details" not in view and "07700" not in str(view)
    assert "re-disclose" in view["notice"]
    logged = world.client.get(f"{world.base}/disclosures", headers=world.coordinator).json
    assert sorted((d["data_description"], d["consent_id"], d["channel"]) for d in logged) == [
        ("crisis plan viewed in the portal", consent_id, "portal"),
        ("network map viewed in the portal", consent_id, "portal")]


def test_revocation_takes_the_view_away(world):
    consent_id = share(world, ["crisis_plan"])
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.kim_login).status_code == 200
    world.post(f"{world.base}/consents/{consent_id}/revoke", world.coordinator, {"reason": "No longer"}, status=200)
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.kim_login).status_code == 404


def test_a_purpose_outside_the_consent_shows_nothing(world):
    share(world, ["crisis_plan"])
    response = world.client.get(f"{world.base}/shared-with-me",
                                headers={**world.kim_login, "X-Access-Purpose": "research"})
    assert response.status_code == 404


def test_a_supporter_of_one_person_sees_nothing_of_another(world):
    share(world, ["crisis_plan"])
    other = world.person(display_name="Other")
    assert world.client.get(f"/persons/{other['id']}/shared-with-me", headers=world.kim_login).status_code == 404


def test_an_unassigned_worker_named_in_a_consent_sees_only_what_it_allows(world):
    peer = world.staff_ids["peer_worker"]  # works at the hub, not assigned to Sam
    assert world.client.get(world.base, headers=world.peer_worker).status_code == 404
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.peer_worker).status_code == 404
    consent = world.post(f"{world.base}/consents", world.coordinator, {
        "recipients": [peer], "data_classes": ["crisis_plan"], "purposes": ["crisis_response"],
        "discloser": "Northside", "expires_at": world.expires})
    world.post(f"{world.base}/consents/{consent['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"},
               status=200)
    view = world.client.get(f"{world.base}/shared-with-me",
                            headers={**world.peer_worker, "X-Access-Purpose": "crisis_response"}).json
    assert view["shared"] == ["crisis_plan"]
    assert world.client.get(world.base, headers=world.peer_worker).status_code == 404  # not the whole record


def test_the_care_team_class_means_the_persons_own_named_workers(world):
    consent = world.post(f"{world.base}/consents", world.coordinator, {
        "recipients": ["care_team"], "data_classes": ["crisis_plan"], "purposes": ["family_support"],
        "discloser": "Northside", "expires_at": world.expires})
    world.post(f"{world.base}/consents/{consent['consent_id']}/sign", world.coordinator, {"typed_name": "Sam"},
               status=200)
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.peer_worker).status_code == 404
    world.client.put(f"{world.base}/peer-worker", json={"staff_id": world.staff_ids["peer_worker"]},
                     headers=world.coordinator)
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.peer_worker).status_code == 200
