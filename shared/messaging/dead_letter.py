"""Dead-letter publishing: a record that cannot be processed goes to `<topic>.dlq`
unchanged, with why in its headers, so nothing is lost and the stream moves on."""
from __future__ import annotations

from kafka import KafkaProducer

from shared.events import dlq_topic_for

DLQ_HEADER_PREFIX = "dlq_"


def dead_letter_headers(record, consumer: str, reason: str, error: str) -> list[tuple[str, bytes]]:
    extra = {
        "reason": reason,
        "error": error[:2000],
        "consumer": consumer,
        "topic": record.topic,
        "partition": str(record.partition),
        "offset": str(record.offset),
    }
    original = [(k, v) for k, v in (record.headers or []) if not k.startswith(DLQ_HEADER_PREFIX)]
    return original + [(DLQ_HEADER_PREFIX + k, v.encode()) for k, v in extra.items()]


def send_to_dead_letter(producer: KafkaProducer, record, consumer: str, reason: str, error: str,
                        timeout: float = 30) -> None:
    """Publish and wait for the broker's ack; raises if it is not taken."""
    future = producer.send(
        dlq_topic_for(record.topic),
        key=record.key,
        value=record.value,
        headers=dead_letter_headers(record, consumer, reason, error),
    )
    producer.flush(timeout=timeout)
    future.get(timeout=0)
