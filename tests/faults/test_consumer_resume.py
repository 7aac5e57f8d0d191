"""Regression: after the embedded broker restarts (its log gone), a consumer group that
rejoins reads the new log from the start instead of waiting at its old position and
skipping everything below it (shared/messaging/resume.py)."""
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from shared.messaging.resume import ResumeFromCommitted
from tests.support.processes import wait_until
from tests.support.restartable_broker import RestartableBroker

TOPIC = "checkins.events"


@pytest.fixture
def broker(tmp_path):
    instance = RestartableBroker(tmp_path / "broker.log")
    yield instance
    instance.close()


def produce(bootstrap: str, count: int, value: bytes, partitions: int | None = None) -> None:
    """Sent and acknowledged, each one (a send right after a restart may need a retry);
    spread over the first `partitions` partitions if given, else by key."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=10, max_in_flight_requests_per_connection=1)
    try:
        futures = [producer.send(TOPIC, key=f"k{i}".encode(), value=value,
                                 partition=i % partitions if partitions else None) for i in range(count)]
        producer.flush(30)
        for future in futures:
            future.get(timeout=10)
    finally:
        producer.close()


def consume(consumer, resume, wanted: int, timeout: float) -> int:
    """Poll as the consumer loop does, committing after each batch, until `wanted` arrive."""
    got, deadline = 0, time.monotonic() + timeout
    while got < wanted and time.monotonic() < deadline:
        batch = resume.apply(consumer, consumer.poll(timeout_ms=300))
        got += sum(len(records) for records in batch.values())
        if batch:
            consumer.commit()
    return got


def test_a_group_rejoining_a_restarted_broker_reads_the_new_log_from_the_start(broker):
    resume = ResumeFromCommitted()
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id="resume-test", enable_auto_commit=False,
                             auto_offset_reset="earliest", session_timeout_ms=6000, heartbeat_interval_ms=1000)
    consumer.subscribe([TOPIC], listener=resume)
    try:
        produce(broker.bootstrap, 60, b"before")
        assert consume(consumer, resume, 60, 30) == 60
        broker.restart()  # every partition starts again at offset 0, below the old positions
        produce(broker.bootstrap, 20, b"after")
        assert consume(consumer, resume, 20, 120) == 20  # a loaded machine rejoins slowly
    finally:
        consumer.close(autocommit=False)


def test_a_member_that_never_rejoins_still_reads_the_new_log_from_the_start(broker):
    """Partitions assigned by hand never rebalance: only the position being past the new
    log's end shows that the log was lost."""
    resume = ResumeFromCommitted()
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id="resume-manual", enable_auto_commit=False,
                             auto_offset_reset="earliest", fetch_max_wait_ms=100)
    assigned = [TopicPartition(TOPIC, p) for p in sorted(consumer.partitions_for_topic(TOPIC))]
    consumer.assign(assigned)
    try:
        produce(broker.bootstrap, 60, b"before")
        assert consume(consumer, resume, 60, 30) == 60
        broker.restart()
        # Polls see the new, empty log first (as the fault suite's barrier arranges): a
        # position past a log that has already grown beyond it cannot be told from a valid one.
        wait_until(lambda: consume(consumer, resume, 1, 0.5) == 0 and all(
            consumer.position(tp) == 0 for tp in consumer.assignment()), 60, message="positions back at 0")
        # The new broker may create the topic with other partitions; these stay assigned.
        produce(broker.bootstrap, 20, b"after", partitions=len(assigned))
        assert consume(consumer, resume, 20, 120) == 20  # a loaded machine rejoins slowly
    finally:
        consumer.close(autocommit=False)
