"""B1 part (a): the ceiling. A bare kafka-python producer and consumer move the same
records (keys, headers, body size) through the same broker, with no database at all.

The producer uses the same delivery settings as shared.messaging.kafka.make_producer
(acks=all, one request in flight, linger 5 ms, 64 KiB batches), so the ratio measures
what Circles adds on top of Kafka, not a weaker acknowledgement level.
"""
from __future__ import annotations

import time
import uuid

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from shared.messaging.kafka import bootstrap_list, ensure_topics

PARTITIONS = 3
PRODUCER_CONFIG = dict(acks="all", max_in_flight_requests_per_connection=1, linger_ms=5, batch_size=64 * 1024)
CONSUMER_CONFIG = dict(enable_auto_commit=False, max_poll_records=500, fetch_max_wait_ms=200)


def run(bootstrap: str, records: list[tuple[bytes, bytes, list]], timeout: float) -> dict[str, float]:
    topic = f"bench.baseline.{uuid.uuid4().hex[:12]}"
    ensure_topics(bootstrap, [topic], PARTITIONS)
    return {
        "produce_s": produce(bootstrap, topic, records, timeout),
        "consume_s": consume(bootstrap, topic, len(records), timeout),
    }


def produce(bootstrap: str, topic: str, records, timeout: float) -> float:
    producer = KafkaProducer(bootstrap_servers=bootstrap_list(bootstrap), client_id="bench-baseline",
                             **PRODUCER_CONFIG)
    try:
        started = time.perf_counter()
        futures = [producer.send(topic, key=key, value=value, headers=headers) for key, value, headers in records]
        producer.flush(timeout=timeout)
        elapsed = time.perf_counter() - started
    finally:
        producer.close(timeout=5)
    failed = sum(1 for future in futures if not future.succeeded())
    if failed:
        raise RuntimeError(f"baseline: {failed} of {len(records)} sends failed")
    return elapsed


def consume(bootstrap: str, topic: str, expected: int, timeout: float) -> float:
    """Read the topic from the start with assign() (no group, no join) until all arrived."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_list(bootstrap), client_id="bench-baseline",
                             group_id=None, **CONSUMER_CONFIG)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if len(partitions) != PARTITIONS:
            raise RuntimeError(f"baseline: topic {topic} has partitions {partitions}")
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        _read(consumer, expected, started + timeout)
        return time.perf_counter() - started
    finally:
        consumer.close()


def _read(consumer: KafkaConsumer, expected: int, deadline: float) -> None:
    seen = 0
    while seen < expected:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"baseline: read {seen} of {expected} records")
        seen += sum(len(batch) for batch in consumer.poll(timeout_ms=500).values())
