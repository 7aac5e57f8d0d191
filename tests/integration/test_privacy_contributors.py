"""How check-ins and reporting answer the people service's requests: a subject-access
part, an erasure with its confirmation, and later events about an erased person."""
from __future__ import annotations

import json
import uuid

from shared.events import build_event, load_data
from tests.support.db_search import occurrences
from tests.support.reporting_history import SITE_NORTH, History, apply_live, utc
from tests.support.tokens import ORG_A, bearer

ALL_YEARS = "/kpis?from=2025-01&to=2027-12&granularity=year"


def handlers_of(runtime, subscription: str) -> dict:
    [found] = [s for s in runtime.spec.subscriptions(runtime) if s.name == subscription]
    return found.handlers


def deliver(runtime, subscription: str, type_name: str, subject: str, **data) -> None:
    event = build_event(type_name, data, source="/circles/people", subject=subject, time=runtime.clock.now())
    with runtime.uow() as uow:
        handlers_of(runtime, subscription)[type_name](uow, event, load_data(event))
        uow.commit()


def erase(runtime, service: str, person: str, contacts=()) -> str:
    erasure = str(uuid.uuid4())
    deliver(runtime, f"{service}.privacy", "circles.people.person.erased.v1", erasure, erasure_id=erasure,
            person_id=person, organisation_id=ORG_A, contact_ids=list(contacts), erased_at=runtime.clock.now())
    return erasure


def publish_all(runtime) -> None:
    """What the relay does: unpublished outbox rows would still be on their way."""
    with runtime.engine.begin() as conn:
        conn.execute(runtime.spec.outbox.update().values(published_at=runtime.clock.now()))


def outbox(runtime, event_type: str) -> list[dict]:
    table = runtime.spec.outbox
    with runtime.engine.connect() as conn:
        rows = conn.execute(table.select().where(table.c.event_type == event_type).order_by(table.c.id)).all()
    return [json.loads(r.payload) for r in rows]


def test_check_ins_sends_its_part_then_erases_the_person_and_ignores_them_afterwards(checkins_world):
    world, runtime = checkins_world, checkins_world.runtime
    person, other = world.person(), world.person()
    for who in (person, other):
        response = world.client.post("/checkins", headers=world.as_staff(who.peer_worker), json={
            "person_id": who.id, "wellbeing": 6, "wins": "Walked to the group"})
        assert response.status_code == 201, response.json
    request = str(uuid.uuid4())
    deliver(runtime, "checkins.privacy", "circles.people.subject_access.requested.v1", request, request_id=request,
            person_id=person.id, organisation_id=ORG_A, requested_at=runtime.clock.now())
    [part] = outbox(runtime, "circles.checkins.subject_access.part.v1")
    assert part["request_id"] == request and part["service"] == "checkins"
    assert [r["person_id"] for r in part["sections"]["checkin_records"]] == [person.id]
    assert [r["contact_id"] for r in part["sections"]["known_contacts"]] == [person.contact_id]

    publish_all(runtime)
    erasure = erase(runtime, "checkins", person.id, [person.contact_id])
    assert occurrences(runtime.engine, [person.id, person.contact_id]) == {}
    assert occurrences(runtime.engine, [other.id])  # only the erased person went
    [confirmed] = outbox(runtime, "circles.checkins.erasure.confirmed.v1")
    assert confirmed["erasure_id"] == erasure and confirmed["rows"]["checkin_records"] == 1

    deliver(runtime, "checkins.people-read-model", "circles.people.person.registered.v1", person.id,
            person_id=person.id, organisation_id=ORG_A, site_id=None, status="active", timezone="Europe/London",
            region="GB", registered_at=runtime.clock.now())
    assert occurrences(runtime.engine, [person.id]) == {}


def test_reporting_keeps_an_erased_persons_facts_under_pseudonyms_and_the_kpis_exact(client_for):
    client, app = client_for("reporting")
    runtime = app.extensions["circles"]
    h = History()
    persons = [h.person(utc(2026, 1, 2), SITE_NORTH, peer_worker="pw-1") for _ in range(6)]
    contact = h.contact(persons[0], utc(2026, 1, 2))
    for day in (5, 12, 19):
        for person in persons:
            h.checkin(person, utc(2026, 1, day), days_abstinent=day)
    apply_live(runtime, h.events)
    admin = bearer(runtime.settings, role="admin")
    before = client.get(ALL_YEARS, headers=admin).json

    publish_all(runtime)
    erase(runtime, "reporting", persons[0], [contact])
    assert occurrences(runtime.engine, [persons[0], contact]) == {}
    assert client.get(ALL_YEARS, headers=admin).json == before

    late = History()
    late.sites[persons[0]] = SITE_NORTH
    late.checkin(persons[0], utc(2026, 1, 26))  # a late check-in event about the erased person
    apply_live(runtime, late.events)
    assert occurrences(runtime.engine, [persons[0]]) == {}
    after = client.get(ALL_YEARS, headers=admin).json
    completed = [sum(p["kpis"]["checkins_completed"]["value"] for p in body["periods"]) for body in (before, after)]
    assert completed == [18, 19]  # counted, under the pseudonym
