"""A person's outcome timeline: only for staff who may see that person, always audited."""
import uuid

import pytest
from sqlalchemy import select

from services.reporting.db import audit_log
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, apply_live, utc
from tests.support.tokens import ORG_B, bearer

PEER = "peer-worker-1"


@pytest.fixture
def world(client_for):
    client, app = client_for("reporting")
    runtime = app.extensions["circles"]
    h = History()
    person = h.person(utc(2026, 1, 2), SITE_NORTH, peer_worker=PEER)
    h.assessment(person, utc(2026, 1, 3), barc10=38, mspss=4.2, housing="temporary", kind="intake")
    h.checkin(person, utc(2026, 1, 10), days_abstinent=12, wellbeing=5)
    h.miss(person, utc(2026, 1, 17))
    h.attendance(person, utc(2026, 1, 20), mode="online")
    h.review(person, utc(2026, 1, 31))
    h.assessment(person, utc(2026, 2, 28), barc10=47, mspss=5.5, housing="stable")
    apply_live(runtime, h.events)
    return client, runtime, person


def get(client, runtime, person, **token):
    return client.get(f"/persons/{person}/timeline", headers={
        **bearer(runtime.settings, **token), "X-Access-Purpose": "treatment"})


def test_the_peer_worker_sees_the_timeline_in_order_and_the_read_is_audited(world):
    client, runtime, person = world
    response = get(client, runtime, person, role="peer_worker", subject=PEER)
    assert response.status_code == 200
    entries = response.json["entries"]
    assert [e["kind"] for e in entries] == ["assessment", "checkin", "missed", "attendance", "review", "assessment"]
    assert entries[1]["details"] == {"wellbeing": 5, "days_abstinent": 12, "source": "staff"}
    assert entries[-1]["details"]["barc10_total"] == 47 and entries[-1]["details"]["housing_status"] == "stable"
    with runtime.engine.connect() as conn:
        audit = conn.execute(select(audit_log)).all()
    assert [(a.actor, a.person_id, a.purpose, a.action) for a in audit] == [(PEER, person, "treatment", "read")]


@pytest.mark.parametrize("token", [
    {"role": "peer_worker", "subject": "another-peer-worker"},
    {"role": "clinician"},
    {"role": "coordinator", "sites": [SITE_SOUTH]},
    {"role": "admin", "org": ORG_B},
])
def test_staff_outside_the_caseload_get_404_and_nothing_is_audited(world, token):
    client, runtime, person = world
    response = get(client, runtime, person, **token)
    assert response.status_code == 404 and response.content_type == "application/problem+json"
    with runtime.engine.connect() as conn:
        assert conn.execute(select(audit_log)).all() == []


def test_roles_without_a_caseload_are_refused(world):
    client, runtime, person = world
    for role in ("participant", "supporter", "operator"):
        assert get(client, runtime, person, role=role).status_code == 403
    assert client.get(f"/persons/{person}/timeline").status_code == 401
    admin = bearer(runtime.settings, role="admin")
    assert client.get(f"/persons/{uuid.uuid4()}/timeline", headers=admin).status_code == 404
    bad = client.get(f"/persons/{person}/timeline", headers={**admin, "X-Access-Purpose": "curiosity"})
    assert bad.status_code == 422
    assert get(client, runtime, person, role="coordinator", sites=[SITE_NORTH]).status_code == 200
