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


class CountingResume(ResumeFromCommitted):
    """Counts the assignments the group hands this member, to tell a member that rejoined
    from one whose rejoin never completed."""

    def __init__(self):
        super().__init__()
        self.assignments = 0

    def on_partitions_assigned(self, assigned) -> None:
        super().on_partitions_assigned(assigned)
        self.assignments += 1


# After a restart of the embedded broker, kafka-python sometimes never completes its rejoin:
# no assignment comes for minutes (3 of 8 isolated runs once; a CI run of this test waited its
# whole two minutes). Scenario 8 of the fault suite restarts its workers for the same reason.
# That says nothing about ResumeFromCommitted, so such an attempt is run again on a fresh
# broker, up to twice; a member that did rejoin must read the whole new log, first time.
REJOIN_ATTEMPTS = 3


def test_a_group_rejoining_a_restarted_broker_reads_the_new_log_from_the_start(tmp_path):
    stalled = []
    for attempt in range(REJOIN_ATTEMPTS):
        outcome = _rejoin_after_restart(tmp_path / f"broker-{attempt}.log")
        if outcome is not None:
            rejoined, got = outcome
            # The member rejoined: from here on it must read all of the new log.
            assert got == 20, f"rejoined ({rejoined} new assignment(s)) but read {got} of the 20 new records"
            return
        stalled.append(attempt + 1)
    pytest.fail(f"the group never completed its rejoin after the restart, in attempts {stalled}")


def _rejoin_after_restart(log_path) -> tuple[int, int] | None:
    """(new assignments, records read) after a restart; None when no new assignment came."""
    broker = RestartableBroker(log_path)
    resume = CountingResume()
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id="resume-test", enable_auto_commit=False,
                             auto_offset_reset="earliest", session_timeout_ms=6000, heartbeat_interval_ms=1000)
    consumer.subscribe([TOPIC], listener=resume)
    try:
        produce(broker.bootstrap, 60, b"before")
        assert consume(consumer, resume, 60, 30) == 60
        before = resume.assignments
        broker.restart()  # every partition starts again at offset 0, below the old positions
        produce(broker.bootstrap, 20, b"after")
        got = consume(consumer, resume, 20, 60)  # a loaded machine rejoins slowly
        rejoined = resume.assignments - before
        return (rejoined, got) if rejoined or got else None
    finally:
        consumer.close(autocommit=False)
        broker.close()


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
