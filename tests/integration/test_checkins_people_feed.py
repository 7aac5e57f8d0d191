"""The check-ins read model of people, built from people.events through the real loop."""
import uuid

import pytest

from services.checkins.models import KnownContact, KnownPerson, KnownStaff
from services.checkins.people_feed import subscriptions
from shared.events import build_event
from shared.messaging.consumer import ConsumerLoop
from shared.messaging.kafka import make_consumer, make_producer
from tests.support.kafka_read import produce, read_topic

ORG = "33333333-3333-4333-8333-333333333333"


@pytest.fixture
def feed(runtime_for, clock, broker):
    runtime = runtime_for("checkins")
    producer = make_producer(runtime.settings)
    loop = ConsumerLoop(subscriptions(runtime)[0], "checkins",
                        consumer_factory=lambda group: make_consumer(runtime.settings, group),
                        producer=producer, uow_factory=runtime.uow, processed=runtime.spec.processed)

    def deliver(*events, times: int = 1):
        key = events[0].key.encode()
        produce(broker.bootstrap, "people.events", [(e.key.encode(), e.body(), e.headers()) for e in events])
        records = [r for r in read_topic(broker.bootstrap, "people.events") if r.key == key]
        for _ in range(times):
            for record in records:
                assert loop.process(record)

    yield runtime, deliver
    producer.close()


def event(clock, kind, person, **data):
    return build_event(f"circles.people.{kind}.v1", {"person_id": person, "organisation_id": ORG, **data},
                       source="/circles/people", subject=person, time=clock.now())


def test_a_persons_story_builds_the_read_model_once_however_often_it_is_delivered(feed, clock):
    runtime, deliver = feed
    person, contact, worker = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    story = [
        event(clock, "person.registered", person, site_id=None, status="intake", timezone="Europe/London",
              region="GB", registered_at=clock.now()),
        event(clock, "person.peer_worker_assigned", person, staff_id=worker, assigned_at=clock.now()),
        event(clock, "contact.added", person, contact_id=contact, role="sponsor", circle="inner", label="helpful",
              is_backup=True, support_types=["mutual_help"], agreed_to_contact=True, name="Jo",
              preferred_method="text", phone="07700 900123", email=None, texts_ok=True, calls_ok=False,
              hours_start="09:00", hours_end="20:00", changed_at=clock.now()),
        event(clock, "person.status_changed", person, from_status="intake", to_status="active",
              changed_at=clock.now()),
        event(clock, "contact.removed", person, contact_id=contact, removed_at=clock.now()),
    ]
    deliver(*story, times=2)
    with runtime.uow() as uow:
        known = uow.session.get(KnownPerson, person)
        assert (known.status, known.peer_worker_id, known.timezone) == ("active", worker, "Europe/London")
        jo = uow.session.get(KnownContact, contact)
        assert (jo.name, jo.removed) == ("Jo", True)


def test_staff_are_known_by_role_and_sites(feed, clock):
    runtime, deliver = feed
    staff = str(uuid.uuid4())
    deliver(build_event("circles.people.staff.registered.v1", {
        "staff_id": staff, "organisation_id": ORG, "role": "peer_worker", "site_ids": [], "display_name": "Pat",
        "email": "pat@example.org", "registered_at": clock.now()}, source="/circles/people", subject=staff,
        time=clock.now()))
    with runtime.uow() as uow:
        assert uow.session.get(KnownStaff, staff).role == "peer_worker"


def test_a_change_for_an_unknown_person_is_skipped_not_invented(feed, clock):
    runtime, deliver = feed
    person = str(uuid.uuid4())
    deliver(event(clock, "person.status_changed", person, from_status="intake", to_status="active",
                  changed_at=clock.now()))
    with runtime.uow() as uow:
        assert uow.session.get(KnownPerson, person) is None
