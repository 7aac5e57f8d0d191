"""Read a topic with a plain Kafka client: partitions assigned by hand, no group, so no
group-join wait and nothing committed."""
from __future__ import annotations

import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition


def read_topic(bootstrap: str, topic: str, timeout: float = 30.0, idle: float = 0.6) -> list:
    """Every record on the topic, read until no new record arrives for `idle` seconds.

    Not bounded by end_offsets(): Tansu answers ListOffsets(latest) with the base offset
    of the last batch plus one, which is short of the true end after a batched send.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100)
    try:
        partitions = _partitions(consumer, topic, timeout)
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records = []
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=100)
            for part in batch.values():
                records.extend(part)
            if batch:
                quiet_since = time.monotonic()
        return records
    finally:
        consumer.close()


def _partitions(consumer: KafkaConsumer, topic: str, timeout: float) -> list[TopicPartition]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = consumer.partitions_for_topic(topic)
        if found:
            return [TopicPartition(topic, p) for p in sorted(found)]
        time.sleep(0.2)
    raise AssertionError(f"topic {topic} not found")


def produce(bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes | None, list]]) -> None:
    """records: (key, value, headers) triples, sent in order and flushed."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_in_flight_requests_per_connection=1)
    try:
        for key, value, headers in records:
            producer.send(topic, key=key, value=value, headers=headers)
        producer.flush(timeout=30)
    finally:
        producer.close()


def header(record, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            return value.decode()
    return None
