"""CloudEvent -> Kafka headers and body -> CloudEvent, in binary content mode."""
import datetime as dt
import json

import pytest

from shared.events.envelope import CloudEvent, from_kafka

WHEN = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.timezone.utc)
TYPE = "circles.people.person.registered.v1"


@pytest.fixture
def event():
    return CloudEvent(
        type=TYPE,
        source="/circles/people",
        data={"person_id": "p-1", "region": "north"},
        subject="p-1",
        id="evt-1",
        time=WHEN,
        correlation_id="corr-1",
        partition_key="pk-1",
    )


def test_headers_carry_every_attribute_as_utf8_bytes(event):
    assert dict(event.headers()) == {
        "ce_specversion": b"1.0",
        "ce_id": b"evt-1",
        "ce_type": TYPE.encode(),
        "ce_source": b"/circles/people",
        "ce_time": b"2026-03-02T09:30:15Z",
        "content-type": b"application/json",
        "ce_subject": b"p-1",
        "ce_correlationid": b"corr-1",
        "ce_partitionkey": b"pk-1",
    }


def test_header_names_are_unique(event):
    names = [name for name, _ in event.headers()]
    assert len(names) == len(set(names))


def test_optional_headers_are_left_out_when_unset():
    bare = CloudEvent(type=TYPE, source="/s", data={}, id="evt-2", time=WHEN)
    names = {name for name, _ in bare.headers()}
    assert "ce_subject" not in names
    assert "ce_correlationid" not in names
    assert dict(bare.headers())["ce_partitionkey"] == b"evt-2"


def test_ce_time_is_converted_to_utc_with_z_suffix():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    moment = dt.datetime(2026, 3, 2, 11, 30, tzinfo=plus_two)
    headers = dict(CloudEvent(type=TYPE, source="/s", data={}, time=moment).headers())
    assert headers["ce_time"] == b"2026-03-02T09:30:00Z"


def test_naive_time_is_treated_as_utc():
    headers = dict(CloudEvent(type=TYPE, source="/s", data={}, time=dt.datetime(2026, 3, 2, 9, 30)).headers())
    assert headers["ce_time"] == b"2026-03-02T09:30:00Z"


def test_body_is_compact_sorted_json(event):
    assert event.body() == b'{"person_id":"p-1","region":"north"}'
    assert json.loads(event.body()) == event.data


def test_round_trip_preserves_every_attribute(event):
    assert from_kafka(event.headers(), event.body()) == event


def test_round_trip_time_is_aware_utc(event):
    parsed = from_kafka(event.headers(), event.body())
    assert parsed.time == WHEN
    assert parsed.time.utcoffset() == dt.timedelta(0)


def test_round_trip_without_optionals_keeps_them_none():
    bare = CloudEvent(type=TYPE, source="/s", data={"a": 1}, id="evt-3", time=WHEN)
    parsed = from_kafka(bare.headers(), bare.body())
    assert parsed.subject is None
    assert parsed.correlation_id is None
    assert parsed.partition_key == "evt-3"  # the key that was written travels explicitly
    assert parsed.data == {"a": 1}


def test_key_prefers_partition_key():
    assert CloudEvent(type=TYPE, source="/s", data={}, subject="sub", id="i", partition_key="pk").key == "pk"


def test_key_falls_back_to_subject():
    assert CloudEvent(type=TYPE, source="/s", data={}, subject="sub", id="i").key == "sub"


def test_key_falls_back_to_id_without_subject():
    assert CloudEvent(type=TYPE, source="/s", data={}, id="i").key == "i"


def test_default_id_and_time_are_fresh_and_aware():
    first = CloudEvent(type=TYPE, source="/s", data={})
    second = CloudEvent(type=TYPE, source="/s", data={})
    assert first.id != second.id
    assert first.time.tzinfo is not None


def test_from_kafka_accepts_headers_in_any_order(event):
    shuffled = list(reversed(event.headers()))
    assert from_kafka(shuffled, event.body()) == event


def test_from_kafka_accepts_content_type_with_charset(event):
    headers = [(k, v) for k, v in event.headers() if k != "content-type"]
    headers.append(("content-type", b"application/json; charset=utf-8"))
    assert from_kafka(headers, event.body()).data == event.data
