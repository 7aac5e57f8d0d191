"""After a restart of the memory-only broker: wait until every consumer group reads each
partition of the new log, before any real event is published to it.

Why: kafka-python 3 keeps a partition's position when its group rejoins, and the new
broker's partitions start again at offset 0. Until a group has rejoined and sought back
to its committed offsets (shared/messaging/resume.py), it fetches at its old position P,
and if the new log has grown past P by then it reads from P and commits there, skipping
offsets 0..P-1 for good. With Apache Kafka the log survives a restart, so this window is
the embedded broker's; the barrier keeps only probes in it.

The probes are poison (no CloudEvent headers), so each group dead-letters them: a probe
of a group on a partition in that dead-letter topic means the group reads that partition
from its start again.
"""
from __future__ import annotations

import time
import uuid

from kafka import KafkaConsumer, KafkaProducer

from shared.events import TOPICS, dlq_topic_for
from tests.faults.platform import WORKERS
from tests.faults.poison import consumer_groups
from tests.support.kafka_read import header, read_topic

PROBE = "barrier-probe"


def partitions(bootstrap: str, topic: str) -> list[int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        return sorted(consumer.partitions_for_topic(topic) or [])
    finally:
        consumer.close()


def send_probes(bootstrap: str, mark: str) -> int:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    sent = 0
    try:
        for topic in TOPICS:
            for partition in partitions(bootstrap, topic):
                producer.send(topic, partition=partition, value=b"probe", headers=[(PROBE, mark.encode())])
                sent += 1
        producer.flush(30)
    finally:
        producer.close()
    return sent


def seen(bootstrap: str, mark: str) -> list[tuple[str, str, str]]:
    """(group, topic, partition) of each dead-lettered probe of this barrier."""
    return [(header(record, "dlq_consumer"), topic, header(record, "dlq_partition"))
            for topic in TOPICS for record in read_topic(bootstrap, dlq_topic_for(topic), idle=0.3)
            if header(record, PROBE) == mark]


def wait_for_consumers(bootstrap: str, timeout: float = 120) -> tuple[int, int]:
    """Block until every group reads every partition again; (probes sent, dead-lettered)."""
    mark, groups = uuid.uuid4().hex, consumer_groups(WORKERS)
    wanted = {(group, topic, str(p)) for topic in TOPICS for p in partitions(bootstrap, topic)
              for group in groups[topic]}
    sent, deadline = send_probes(bootstrap, mark), time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = seen(bootstrap, mark)
        if wanted <= set(found):
            return sent, len(found)
        time.sleep(1)
    raise AssertionError(f"consumer groups not back {timeout}s after the restart: "
                         f"{sorted(wanted - set(seen(bootstrap, mark)))}")
