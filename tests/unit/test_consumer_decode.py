"""The pure parts of the consumer loop: topics, record classification, error kinds."""
import collections
import datetime as dt
import uuid

import pytest
from kafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared.events import UnknownEventType, build_event
from shared.events.envelope import CloudEvent
from shared.messaging.consumer import ConsumerLoop, Poison, Subscription, _is_infrastructure

Record = collections.namedtuple("Record", "topic partition offset key value headers")
PERSON_REGISTERED = "circles.people.person.registered.v1"
CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)
PERSON = {
    "person_id": uuid.UUID(int=1), "organisation_id": uuid.UUID(int=2), "site_id": None,
    "status": "active", "timezone": "UTC", "region": "north", "registered_at": WHEN,
    "preferred_method": "phone", "display_name": None, "phone": None, "email": None,
}


def on_person_registered(uow, event, data):
    raise AssertionError("_decode must not call the handler")


@pytest.fixture
def loop():
    subscription = Subscription("checkins.people-projection", {PERSON_REGISTERED: on_person_registered})
    return ConsumerLoop(subscription, "checkins", None, None, None, None)


def record_of(event: CloudEvent, topic="people.events") -> Record:
    return Record(topic, 0, 42, event.key.encode(), event.body(), event.headers())


def raw_event(type_name, data):
    return CloudEvent(type=type_name, source="/circles/people", data=data, subject="p-1", time=WHEN)


def test_topics_come_from_handled_types():
    subscription = Subscription("x", {CHECKIN_COMPLETED: None, PERSON_REGISTERED: None})
    assert subscription.topics == ["checkins.events", "people.events"]


def test_topics_are_deduplicated():
    assert Subscription("x", {PERSON_REGISTERED: None}).topics == ["people.events"]


def test_topics_of_an_unknown_type_fail_loudly():
    with pytest.raises(UnknownEventType):
        Subscription("x", {"circles.people.person.registered.v9": None}).topics


def test_loop_name_is_the_subscription_name(loop):
    assert loop.name == "checkins.people-projection"


def test_good_record_is_loaded_for_its_handler(loop):
    event = build_event(PERSON_REGISTERED, PERSON, source="/circles/people", subject="p-1", time=WHEN,
                        partition_key="p-1")
    decoded, data, handler = loop._decode(record_of(event))
    assert decoded == event
    assert data == {**PERSON, "clinical_lead_named": None, "practical_support_planned": None}  # optional, absent
    assert handler is on_person_registered


def test_type_without_a_handler_is_ignored_without_validating(loop):
    event = raw_event(CHECKIN_COMPLETED, {"not": "even valid"})
    decoded, data, handler = loop._decode(record_of(event, topic="checkins.events"))
    assert decoded.type == CHECKIN_COMPLETED
    assert (data, handler) == (None, None)


@pytest.mark.parametrize("headers, value", [
    ([], b"{}"),
    (None, b"{}"),
    ([("ce_specversion", b"1.0")], b"{}"),
    (raw_event(PERSON_REGISTERED, {}).headers(), b"[1]"),
    (raw_event(PERSON_REGISTERED, {}).headers(), b"\x00garbage"),
])
def test_malformed_envelope_is_poison(loop, headers, value):
    with pytest.raises(Poison) as caught:
        loop._decode(Record("people.events", 0, 1, None, value, headers))
    assert caught.value.reason == "bad_envelope"


@pytest.mark.parametrize("type_name", ["circles.people.person.registered.v9", "circles.people.person.vanished.v1"])
def test_unknown_type_or_version_is_poison(loop, type_name):
    with pytest.raises(Poison) as caught:
        loop._decode(record_of(raw_event(type_name, {})))
    assert caught.value.reason == "unknown_type"
    assert type_name in caught.value.error


def test_invalid_data_for_a_handled_type_is_poison(loop):
    payload = build_event(PERSON_REGISTERED, PERSON, source="/s", subject="p", time=WHEN).data
    event = raw_event(PERSON_REGISTERED, {**payload, "status": "unknown-status"})
    with pytest.raises(Poison) as caught:
        loop._decode(record_of(event))
    assert caught.value.reason == "invalid_data"
    assert "status" in caught.value.error


def test_poison_message_carries_reason_and_error():
    assert str(Poison("bad_envelope", "no headers")) == "bad_envelope: no headers"


def test_operational_error_is_infrastructure():
    assert _is_infrastructure(OperationalError("SELECT 1", {}, Exception("connection refused")))


def test_kafka_error_is_infrastructure():
    assert _is_infrastructure(KafkaConnectionError())
    assert _is_infrastructure(KafkaTimeoutError())
    assert _is_infrastructure(KafkaError())


def test_invalidated_connection_is_infrastructure():
    assert _is_infrastructure(DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True))


@pytest.mark.parametrize("exc", [
    ValueError("bad"),
    KeyError("x"),
    IntegrityError("INSERT", {}, Exception("duplicate key")),
    DBAPIError("SELECT 1", {}, Exception("syntax"), connection_invalidated=False),
])
def test_handler_bugs_and_data_errors_are_not_infrastructure(exc):
    assert not _is_infrastructure(exc)
