"""The dead-letter topics, for operators: see what is there and why, and send records
back to their topic once the cause is fixed.

Redriving is safe because every consumer is idempotent: a record that some group had
already processed is a no-op for it, and the group that dead-lettered it gets another go.
The dead-letter topic itself is never changed: it stays the record of what happened.
"""
from __future__ import annotations

import dataclasses
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from shared.events import dlq_topic_for
from shared.messaging.dead_letter import DLQ_HEADER_PREFIX

# Worth a second go once a fix is deployed; poison (bad envelope, unknown type) is not.
REDRIVABLE = ("handler_failed",)


@dataclasses.dataclass(frozen=True)
class DeadLetter:
    topic: str  # the original topic
    offset: int  # on the dead-letter topic
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k == name]
        return found[-1].decode(errors="replace") if found and found[-1] is not None else None

    @property
    def reason(self) -> str | None:
        return self.header("dlq_reason")

    def summary(self) -> dict:
        return {"topic": self.topic, "dlq_offset": self.offset, "reason": self.reason,
                "consumer": self.header("dlq_consumer"), "event_type": self.header("ce_type"),
                "event_id": self.header("ce_id"), "error": (self.header("dlq_error") or "")[:300],
                "original": f"{self.header('dlq_topic')}/{self.header('dlq_partition')}@{self.header('dlq_offset')}"}

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]


def read_dead_letters(bootstrap: list[str], topic: str, idle_seconds: float = 1.0,
                      timeout: float = 60) -> list[DeadLetter]:
    """Every record on `<topic>.dlq`, read without a consumer group (nothing committed)
    until the topic has been quiet for `idle_seconds`."""
    dlq = dlq_topic_for(topic)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100)
    try:
        partitions = [TopicPartition(dlq, p) for p in sorted(consumer.partitions_for_topic(dlq) or ())]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        found, quiet_since, deadline = [], time.monotonic(), time.monotonic() + timeout
        while time.monotonic() - quiet_since < idle_seconds and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=100)
            for records in batch.values():
                found += [DeadLetter(topic, r.offset, r.key, r.value, list(r.headers or [])) for r in records]
            if batch:
                quiet_since = time.monotonic()
        return sorted(found, key=lambda d: (d.header("dlq_partition") or "", d.offset))
    finally:
        consumer.close()


def redrive(producer: KafkaProducer, letters: list[DeadLetter]) -> int:
    """Publish each record back to its original topic, same key, value and headers."""
    futures = [producer.send(letter.topic, key=letter.key, value=letter.value, headers=letter.original_headers())
               for letter in letters]
    producer.flush(timeout=30)
    for future in futures:
        future.get(timeout=0)
    return len(futures)
