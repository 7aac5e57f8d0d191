"""from_kafka refuses records that are not well-formed Circles CloudEvents."""
import datetime as dt

import pytest

from shared.events.envelope import REQUIRED_HEADERS, CloudEvent, EnvelopeError, from_kafka

GOOD_BODY = b'{"ok":true}'


@pytest.fixture
def headers():
    event = CloudEvent(
        type="circles.people.person.registered.v1", source="/circles/people", data={},
        subject="p-1", id="evt-1", time=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc),
    )
    return event.headers()


def replace(headers, name, value):
    return [(k, value if k == name else v) for k, v in headers]


def without(headers, name):
    return [(k, v) for k, v in headers if k != name]


def test_the_fixture_itself_is_accepted(headers):
    assert from_kafka(headers, GOOD_BODY).data == {"ok": True}


@pytest.mark.parametrize("no_headers", [None, []])
def test_no_headers(no_headers):
    with pytest.raises(EnvelopeError, match="missing header"):
        from_kafka(no_headers, GOOD_BODY)


@pytest.mark.parametrize("name", REQUIRED_HEADERS)
def test_each_missing_required_header_is_named(headers, name):
    with pytest.raises(EnvelopeError, match=name):
        from_kafka(without(headers, name), GOOD_BODY)


@pytest.mark.parametrize("name", REQUIRED_HEADERS)
def test_empty_required_header_counts_as_missing(headers, name):
    with pytest.raises(EnvelopeError, match=name):
        from_kafka(replace(headers, name, b""), GOOD_BODY)


def test_none_header_value_counts_as_missing(headers):
    with pytest.raises(EnvelopeError, match="ce_id"):
        from_kafka(replace(headers, "ce_id", None), GOOD_BODY)


def test_missing_ce_time(headers):
    with pytest.raises(EnvelopeError, match="ce_time"):
        from_kafka(without(headers, "ce_time"), GOOD_BODY)


@pytest.mark.parametrize("version", [b"0.3", b"1", b"2.0"])
def test_wrong_specversion(headers, version):
    with pytest.raises(EnvelopeError, match="specversion"):
        from_kafka(replace(headers, "ce_specversion", version), GOOD_BODY)


@pytest.mark.parametrize("body", [b"not json", b"", None, b"{\"a\":", b"\xff\xfe\x00"])
def test_body_that_is_not_json(headers, body):
    with pytest.raises(EnvelopeError, match="not JSON"):
        from_kafka(headers, body)


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_body_that_is_json_but_not_an_object(headers, body):
    with pytest.raises(EnvelopeError, match="JSON object"):
        from_kafka(headers, body)


def test_non_utf8_header(headers):
    with pytest.raises(EnvelopeError, match="ce_type is not UTF-8"):
        from_kafka(replace(headers, "ce_type", b"\xff\xfe"), GOOD_BODY)


@pytest.mark.parametrize("raw", [b"yesterday", b"2026-13-40T99:00:00Z", b"09:30"])
def test_bad_ce_time(headers, raw):
    with pytest.raises(EnvelopeError, match="RFC 3339"):
        from_kafka(replace(headers, "ce_time", raw), GOOD_BODY)


@pytest.mark.parametrize("content_type", [b"application/avro", b"text/plain", b"application/cloudevents+json"])
def test_wrong_content_type(headers, content_type):
    with pytest.raises(EnvelopeError, match="content-type"):
        from_kafka(replace(headers, "content-type", content_type), GOOD_BODY)


def test_envelope_error_is_a_value_error():
    assert issubclass(EnvelopeError, ValueError)


def test_ce_time_without_offset_is_rejected(headers):
    with pytest.raises(EnvelopeError):
        from_kafka(replace(headers, "ce_time", b"2026-03-02T09:30:00"), GOOD_BODY)


def test_content_type_that_only_starts_like_json_is_rejected(headers):
    with pytest.raises(EnvelopeError):
        from_kafka(replace(headers, "content-type", b"application/json-seq"), GOOD_BODY)
