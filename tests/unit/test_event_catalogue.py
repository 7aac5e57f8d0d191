"""The event catalogue: versioned type names, topics, and validated payloads."""
import datetime as dt
import json
import uuid

import marshmallow as ma
import pytest

from shared.events import TOPICS, catalogue
from shared.events.catalogue import (
    InvalidEventData,
    UnknownEventType,
    build_event,
    dlq_topic_for,
    dump_data,
    load_data,
    register,
)
from shared.events.envelope import CloudEvent, from_kafka

PERSON_REGISTERED = "circles.people.person.registered.v1"
CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def person():
    return {
        "person_id": uuid.UUID(int=1), "organisation_id": uuid.UUID(int=2), "site_id": None,
        "status": "intake", "timezone": "Europe/London", "region": "north", "registered_at": WHEN,
        "preferred_method": "text", "display_name": "Sam", "phone": "+447700900123", "email": None,
        "clinical_lead_named": False, "practical_support_planned": True,
    }


@pytest.fixture
def checkin():
    return {
        "checkin_id": uuid.UUID(int=10), "person_id": uuid.UUID(int=1), "organisation_id": uuid.UUID(int=2),
        "site_id": uuid.UUID(int=3), "session_id": None, "completed_at": WHEN, "wellbeing": 7,
        "days_abstinent_last_30": 21, "medication_adherence": "full", "risk_flags": ["relapse"], "source": "staff",
    }


@pytest.fixture
def throwaway_type():
    name = "circles.unittest.widget.created.v1"
    yield name
    catalogue._CATALOGUE.pop(name, None)


class WidgetSchema(ma.Schema):
    widget_id = ma.fields.String(required=True)


def test_dump_data_is_json_safe(person):
    payload = dump_data(PERSON_REGISTERED, person)
    assert payload["person_id"] == str(uuid.UUID(int=1))
    assert payload["registered_at"] == "2026-03-02T09:30:00+00:00"
    assert json.loads(json.dumps(payload)) == payload


@pytest.mark.parametrize("type_name, fixture", [(PERSON_REGISTERED, "person"), (CHECKIN_COMPLETED, "checkin")])
def test_build_event_then_kafka_then_load_gives_back_the_data(request, type_name, fixture):
    data = request.getfixturevalue(fixture)
    event = build_event(type_name, data, source="/circles/x", subject="s-1", time=WHEN, correlation_id="c-1")
    received = from_kafka(event.headers(), event.body())
    assert load_data(received) == data


def test_build_event_sets_envelope_attributes(checkin):
    event = build_event(CHECKIN_COMPLETED, checkin, source="/circles/checkins", subject="p-1",
                        time=WHEN, correlation_id="c-1", partition_key="pk")
    assert (event.type, event.source, event.subject, event.time) == (CHECKIN_COMPLETED, "/circles/checkins", "p-1", WHEN)
    assert (event.correlation_id, event.key) == ("c-1", "pk")
    assert event.data["wellbeing"] == 7


@pytest.mark.parametrize("wellbeing", [0, 11])
def test_wellbeing_out_of_range_is_invalid(checkin, wellbeing):
    with pytest.raises(InvalidEventData) as caught:
        build_event(CHECKIN_COMPLETED, {**checkin, "wellbeing": wellbeing}, source="/s", subject=None, time=WHEN)
    assert "wellbeing" in caught.value.errors


def test_missing_field_is_invalid(person):
    del person["region"]
    with pytest.raises(InvalidEventData) as caught:
        dump_data(PERSON_REGISTERED, person)
    assert "region" in caught.value.errors


def test_unknown_status_is_invalid(person):
    with pytest.raises(InvalidEventData, match="status"):
        dump_data(PERSON_REGISTERED, {**person, "status": "deceased"})


def test_naive_datetime_is_invalid(checkin):
    with pytest.raises(InvalidEventData, match="completed_at"):
        dump_data(CHECKIN_COMPLETED, {**checkin, "completed_at": WHEN.replace(tzinfo=None)})


def test_load_data_rejects_bad_received_data(checkin):
    payload = dump_data(CHECKIN_COMPLETED, checkin)
    event = CloudEvent(type=CHECKIN_COMPLETED, source="/s", data={**payload, "person_id": "not-a-uuid"})
    with pytest.raises(InvalidEventData) as caught:
        load_data(event)
    assert "person_id" in caught.value.errors


def test_load_data_ignores_unknown_fields(person):
    payload = {**dump_data(PERSON_REGISTERED, person), "added_in_a_later_release": 1}
    loaded = load_data(CloudEvent(type=PERSON_REGISTERED, source="/s", data=payload))
    assert "added_in_a_later_release" not in loaded


@pytest.mark.parametrize("name", ["circles.people.person.exploded.v1", "circles.people.person.registered.v9"])
def test_unknown_type_or_version(name, person):
    with pytest.raises(UnknownEventType):
        catalogue.get(name)
    with pytest.raises(UnknownEventType):
        dump_data(name, person)
    with pytest.raises(UnknownEventType):
        load_data(CloudEvent(type=name, source="/s", data={}))


@pytest.mark.parametrize("name", [
    "circles.people.person.registered",       # no version
    "people.person.registered.v1",            # no prefix
    "circles.people.registered.v1",           # no aggregate
    "circles.People.person.registered.v1",    # upper case service
    "circles.people.person.registered.V1",    # upper case version
    "circles.people.person.registered.v1.extra",
])
def test_register_rejects_badly_formed_names(name):
    with pytest.raises(ValueError, match="does not follow"):
        register(name, WidgetSchema, "bad")
    assert name not in catalogue._CATALOGUE


def test_register_adds_a_type_that_get_finds(throwaway_type):
    registered = register(throwaway_type, WidgetSchema, "test only")
    assert catalogue.get(throwaway_type) is registered
    assert (registered.service, registered.topic, registered.version) == ("unittest", "unittest.events", 1)


def test_register_rejects_duplicates(throwaway_type):
    first = register(throwaway_type, WidgetSchema, "first")
    with pytest.raises(ValueError, match="registered twice"):
        register(throwaway_type, WidgetSchema, "second")
    assert catalogue.get(throwaway_type) is first


def test_register_rejects_an_already_shipped_type():
    with pytest.raises(ValueError, match="registered twice"):
        register(CHECKIN_COMPLETED, WidgetSchema, "redefined")


def test_topic_and_version_derive_from_the_name():
    checkins = catalogue.get(CHECKIN_COMPLETED)
    assert (checkins.service, checkins.topic, checkins.version) == ("checkins", "checkins.events", 1)
    assert catalogue.get(PERSON_REGISTERED).topic == "people.events"


def test_both_shipped_types_are_registered():
    names = [t.name for t in catalogue.all_types()]
    assert {PERSON_REGISTERED, CHECKIN_COMPLETED} <= set(names)
    assert names == sorted(names)


def test_every_type_publishes_on_a_known_topic():
    for event_type in catalogue.all_types():
        assert event_type.topic in TOPICS, event_type.name


def test_dlq_topic_for():
    assert dlq_topic_for("checkins.events") == "checkins.events.dlq"
    assert catalogue.topic_for("people") == "people.events"


@pytest.mark.parametrize("field, value", [("completed_at", "2026-03-02T09:30:00Z"), ("wellbeing", "seven")])
def test_wrongly_typed_values_raise_invalid_event_data(checkin, field, value):
    with pytest.raises(InvalidEventData):
        dump_data(CHECKIN_COMPLETED, {**checkin, field: value})


def test_an_older_checkin_completed_without_the_agenda_numbers_still_loads(checkin):
    # Events written before the agenda fields existed stay readable on the topic.
    for field in ("days_abstinent_last_30", "medication_adherence", "risk_flags", "source"):
        del checkin[field]
    event = build_event(CHECKIN_COMPLETED, checkin, source="/s", subject=None, time=WHEN)
    loaded = load_data(from_kafka(event.headers(), event.body()))
    assert (loaded["risk_flags"], loaded["source"], loaded["days_abstinent_last_30"]) == ([], "staff", None)


MISSED = "circles.checkins.checkin.missed.v1"


@pytest.fixture
def missed():
    return {"session_id": uuid.UUID(int=20), "rhythm_id": uuid.UUID(int=21), "person_id": uuid.UUID(int=1),
            "organisation_id": uuid.UUID(int=2), "site_id": None, "kind": "weekly_checkin", "starts_at": WHEN,
            "consecutive_misses": 2}


def _errors(type_name, data):
    try:
        dump_data(type_name, data)
    except InvalidEventData as exc:
        return exc.errors
    return {}


@pytest.mark.parametrize("change", [
    {}, {"site_id": uuid.UUID(int=3)}, {"session_id": "not-a-uuid"}, {"person_id": None}, {"site_id": "x"},
    {"kind": "daily"}, {"kind": None}, {"consecutive_misses": 0}, {"consecutive_misses": None},
    {"consecutive_misses": "2"}, {"starts_at": None}, {"added_later": 1}, {"session_id": "x", "kind": "daily"},
])
@pytest.mark.parametrize("removed", [None, "rhythm_id", "site_id"])
def test_dump_data_finds_exactly_the_errors_schema_validate_finds(missed, change, removed):
    # dump_data checks a payload field by field and asks schema.validate only when that
    # finds something; the outcome must be schema.validate's own, errors and all.
    data = {**missed, **change}
    if removed:
        del data[removed]
    schema = catalogue._schema(MISSED)
    try:
        expected = schema.validate(schema.dump(data))
    except (TypeError, ValueError, AttributeError, ma.ValidationError) as exc:
        with pytest.raises(type(exc) if isinstance(exc, ma.ValidationError) else InvalidEventData):
            dump_data(MISSED, data)
        return
    assert _errors(MISSED, data) == expected


def test_a_payload_with_a_field_the_schema_does_not_know_goes_to_schema_validate(missed):
    payload = dump_data(MISSED, missed)
    assert catalogue._valid_by_fields(MISSED, payload)
    assert not catalogue._valid_by_fields(MISSED, {**payload, "added_later": 1})
    assert not catalogue._valid_by_fields(MISSED, {key: value for key, value in payload.items() if key != "kind"})


def test_a_schema_with_its_own_validation_hooks_is_validated_by_marshmallow(throwaway_type):
    class Checked(ma.Schema):
        widget_id = ma.fields.String(required=True)

        @ma.validates_schema
        def no_reserved_ids(self, data, **kwargs):
            if data.get("widget_id") == "reserved":
                raise ma.ValidationError("reserved", "widget_id")

    register(throwaway_type, Checked, "test only")
    try:
        assert catalogue._field_checks(throwaway_type) is None
        assert dump_data(throwaway_type, {"widget_id": "w-1"}) == {"widget_id": "w-1"}
        with pytest.raises(InvalidEventData) as caught:
            dump_data(throwaway_type, {"widget_id": "reserved"})
        assert caught.value.errors == {"widget_id": ["reserved"]}
    finally:  # the throwaway name goes again: so do the schemas cached for it
        catalogue._schema.cache_clear()
        catalogue._field_checks.cache_clear()


def test_the_outbox_row_holds_the_kafka_headers_and_body_as_text(checkin):
    from shared.db.uow import outbox_row
    event = build_event(CHECKIN_COMPLETED, checkin, source="/circles/checkins", subject="p-1", time=WHEN,
                        correlation_id="c-1")
    row = outbox_row(event, WHEN)
    assert row["headers"] == json.dumps([[name, value.decode()] for name, value in event.headers()])
    assert row["payload"] == event.body().decode()
    assert (row["topic"], row["partition_key"], row["event_type"]) == ("checkins.events", "p-1", CHECKIN_COMPLETED)
