"""B4's broker side: producing events at a steady pace as the relay would, and the
baseline, the raw produce-to-consume round trip on the same broker with the services'
own producer and consumer settings."""
from __future__ import annotations

import threading
import time
import uuid

from kafka import TopicPartition

from bench.crisis_world import risk_flagged, stats
from shared.messaging.kafka import ensure_topics, make_consumer, make_producer
from shared.settings import load_settings


def relay_producer(bootstrap: str):
    """The producer the check-ins relay would use (its settings, its client id)."""
    return make_producer(load_settings("checkins").with_overrides(kafka_bootstrap_servers=bootstrap))


def produce_paced(producer, topic: str, build, count: int, interval: float) -> list[tuple[str, float, float]]:
    """Send `count` events one at a time, one every `interval` seconds, each built just before
    it is sent; send + flush + ack as OutboxRelay.publish_batch does for a batch of one.
    Returns (event id, produce time, ack time) per event."""
    sent = []
    next_at = time.perf_counter()
    for i in range(count):
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        next_at += interval
        event = build(i)
        produced = time.time()
        future = producer.send(topic, key=event.key.encode(), value=event.body(), headers=event.headers())
        producer.flush(timeout=30)
        future.get(timeout=0)
        sent.append((event.id, produced, time.time()))
    return sent


class Receiver(threading.Thread):
    """Polls an assigned consumer the way ConsumerLoop does and stamps each record's arrival."""

    def __init__(self, consumer):
        super().__init__(name="b4-baseline-consumer", daemon=True)
        self.consumer = consumer
        self.seen: dict[str, float] = {}
        self.polled = threading.Event()
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                batch = self.consumer.poll(timeout_ms=500)
                now = time.time()
                self.polled.set()
                for records in batch.values():
                    for record in records:
                        self.seen[_ce_id(record.headers)] = now
        except BaseException as exc:  # noqa: BLE001 - reported by the waiting thread
            self.error = exc

    def wait_for(self, ids: list[str], deadline: float) -> None:
        while not all(i in self.seen for i in ids):
            if self.error:
                raise RuntimeError("baseline consumer failed") from self.error
            if time.time() > deadline:
                raise TimeoutError(f"baseline: {sum(i in self.seen for i in ids)} of {len(ids)} records consumed")
            time.sleep(0.01)


def _ce_id(headers) -> str:
    return next(value.decode() for name, value in headers if name == "ce_id")


def baseline(bootstrap: str, events: int, interval_s: float, timeout: float, warmup: int) -> dict:
    topic = f"bench.b4.baseline.{uuid.uuid4().hex[:12]}"
    ensure_topics(bootstrap, [topic])
    settings = load_settings("checkins").with_overrides(kafka_bootstrap_servers=bootstrap)
    consumer = make_consumer(settings, None, client_id="bench-b4-baseline")
    producer = relay_producer(bootstrap)
    receiver = Receiver(consumer)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        receiver.start()
        receiver.polled.wait(30)
        org = str(uuid.uuid4())
        people = [str(uuid.uuid4()) for _ in range(64)]
        build = lambda i: risk_flagged(people[i % len(people)], org)  # noqa: E731
        warm = produce_paced(producer, topic, build, warmup, interval_s)
        receiver.wait_for([w[0] for w in warm], time.time() + 60)
        sent = produce_paced(producer, topic, build, events, interval_s)
        receiver.wait_for([s[0] for s in sent], time.time() + timeout)
    finally:
        receiver.stopping.set()
        receiver.join(10)
        producer.close(timeout=5)
        consumer.close()
    latencies = [receiver.seen[event_id] - produced for event_id, produced, _ in sent]
    return {**stats(latencies), "ack": stats([acked - produced for _, produced, acked in sent])}


# --- the crisis path -----------------------------------------------------------------
