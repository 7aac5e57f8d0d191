"""The access rules as a matrix: each role against each person, plus the audit trail."""
import pytest
from sqlalchemy import select

from services.people.models import Account, AuditEntry
from shared.auth import mint_token
from tests.integration.people_support import PeopleWorld


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.at_hub = world.person(display_name="Hub person")
    world.at_cafe = world.person(world.admin, display_name="Café person", site_id=world.cafe)
    world.client.put(f"/persons/{world.at_hub['id']}/peer-worker", json={"staff_id": world.staff_ids["peer_worker"]},
                     headers=world.coordinator)
    world.client.put(f"/persons/{world.at_cafe['id']}/clinical-lead", json={"staff_id": world.staff_ids["clinician"]},
                     headers=world.admin)
    settings = world.app.extensions["circles"].settings
    world.participant = _bearer(settings, "participant", world.org_id, person_id=world.at_hub["id"])
    world.supporter = _bearer(settings, "supporter", world.org_id, contact_id="c-1")
    world.stranger = _bearer(settings, "admin", "99999999-9999-4999-8999-999999999999")
    return world


def _bearer(settings, role, org, **claims):
    return {"Authorization": "Bearer " + mint_token(settings, subject=f"{role}-1", role=role,
                                                      organisation_id=org, **claims)}


# Every read of a person's record, each under the same rules.
READS = ("/persons/{}", "/persons/{}/contacts", "/persons/{}/network-health", "/persons/{}/network-map.svg",
         "/persons/{}/consents", "/persons/{}/crisis-plan", "/persons/{}/crisis-plan/versions",
         "/persons/{}/assessments", "/persons/{}/disclosures", "/persons/{}/status")

# role -> which of (hub person, café person) it may see
MATRIX = {
    "admin": (True, True),
    "coordinator": (True, False),      # their site only
    "peer_worker": (True, False),      # assigned to the hub person
    "clinician": (False, True),        # clinical lead of the café person
    "participant": (True, False),      # their own record
    "supporter": (False, False),       # only through consent-gated views
    "operator": (False, False),        # no personal data
    "stranger": (False, False),        # another organisation: 404
}


@pytest.mark.parametrize("role", MATRIX)
def test_who_sees_which_person(world, role):
    headers = getattr(world, role)
    expected = dict(zip((world.at_hub["id"], world.at_cafe["id"]), MATRIX[role], strict=True))
    listed = {p["id"] for p in world.client.get("/persons", headers=headers).json}
    assert listed == {pid for pid, visible in expected.items() if visible}
    for person_id, visible in expected.items():
        for path in READS:
            path = path.format(person_id)
            assert world.client.get(path, headers=headers).status_code == (200 if visible else 404), (role, path)


def test_reads_by_others_are_audited_with_their_purpose(world):
    person = world.at_hub["id"]
    world.client.get(f"/persons/{person}", headers={**world.peer_worker, "X-Access-Purpose": "crisis_response"})
    world.client.get(f"/persons/{person}", headers=world.participant)  # the person's own read
    world.client.get(f"/persons/{person}/contacts", headers=world.coordinator)
    runtime = world.app.extensions["circles"]
    with runtime.uow() as uow:
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.person_id == person)
                                      .order_by(AuditEntry.at, AuditEntry.resource)).all()
        peer = uow.session.get(Account, world.staff_ids["peer_worker"])
    reads = [(e.actor_role, e.action, e.resource, e.purpose) for e in entries if e.action == "read"]
    assert ("peer_worker", "read", "person", "crisis_response") in reads
    assert ("coordinator", "read", "contacts", "care_coordination") in reads
    assert not [e for e in entries if e.actor_role == "participant"]
    assert any(e.actor == peer.id for e in entries)


def test_an_unknown_purpose_is_refused(world):
    response = world.client.get(f"/persons/{world.at_hub['id']}", headers={**world.admin, "X-Access-Purpose": "curiosity"})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
