"""Dead-lettered records keep their headers and say why, where from, and who gave up."""
import collections

import pytest

from shared.messaging.dead_letter import dead_letter_headers, send_to_dead_letter

Record = collections.namedtuple("Record", "topic partition offset key value headers")


@pytest.fixture
def record():
    return Record(
        topic="people.events", partition=3, offset=1234, key=b"p-1", value=b'{"a":1}',
        headers=[("ce_id", b"evt-1"), ("dlq_reason", b"old"), ("ce_type", b"t"), ("dlq_error", b"old error")],
    )


def test_original_headers_are_kept_in_order_without_old_dlq_headers(record):
    headers = dead_letter_headers(record, "checkins.projection", "bad_envelope", "boom")
    assert headers[:2] == [("ce_id", b"evt-1"), ("ce_type", b"t")]


def test_dlq_headers_describe_the_failure(record):
    headers = dead_letter_headers(record, "checkins.projection", "bad_envelope", "boom")
    assert headers[2:] == [
        ("dlq_reason", b"bad_envelope"),
        ("dlq_error", b"boom"),
        ("dlq_consumer", b"checkins.projection"),
        ("dlq_topic", b"people.events"),
        ("dlq_partition", b"3"),
        ("dlq_offset", b"1234"),
    ]


def test_each_dlq_header_appears_once(record):
    names = [name for name, _ in dead_letter_headers(record, "c", "r", "e")]
    assert len(names) == len(set(names))


def test_long_errors_are_truncated_to_2000_characters(record):
    headers = dict(dead_letter_headers(record, "c", "handler_failed", "x" * 5000))
    assert headers["dlq_error"] == b"x" * 2000


def test_record_without_headers(record):
    headers = dead_letter_headers(record._replace(headers=None), "c", "unknown_type", "e")
    assert [name for name, _ in headers] == [
        "dlq_reason", "dlq_error", "dlq_consumer", "dlq_topic", "dlq_partition", "dlq_offset",
    ]
    assert all(isinstance(value, bytes) for _, value in headers)


class FakeFuture:
    def get(self, timeout):
        return None


class FakeProducer:
    def __init__(self):
        self.sent, self.flushed = [], False

    def send(self, topic, **kwargs):
        self.sent.append((topic, kwargs))
        return FakeFuture()

    def flush(self, timeout):
        self.flushed = True


def test_send_publishes_the_record_unchanged_to_the_dlq_topic(record):
    producer = FakeProducer()
    send_to_dead_letter(producer, record, "c", "bad_envelope", "boom")
    [(topic, kwargs)] = producer.sent
    assert topic == "people.events.dlq"
    assert (kwargs["key"], kwargs["value"]) == (b"p-1", b'{"a":1}')
    assert dict(kwargs["headers"])["dlq_reason"] == b"bad_envelope"
    assert producer.flushed
