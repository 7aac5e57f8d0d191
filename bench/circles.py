"""B1 part (b): the Circles pipeline, as the services run it.

checkins outbox (UnitOfWork.publish) -> OutboxRelay.publish_batch -> checkins.events ->
ConsumerLoop (reporting.kpi-projection, a consumer group) -> the rp_checkins projection.

The outbox is filled first and timed on its own. Then the relay and the consumer loop
start together, each in its own thread, and the clock runs until the projection has
counted every event. The consumer's group join is inside that time.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid

from kafka.structs import OffsetAndMetadata, TopicPartition
from sqlalchemy import func, select

from bench.events import CHECKIN_COMPLETED, Population
from services.checkins.spec import SPEC as CHECKINS
from services.reporting.db import LIVE
from services.reporting.projection.live import subscriptions
from services.reporting.spec import SPEC as REPORTING
from shared import correlation
from shared.db.migrations import upgrade
from shared.messaging.consumer import ConsumerLoop, Subscription
from shared.messaging.kafka import make_consumer, make_producer
from shared.messaging.relay import OutboxRelay
from shared.runtime import Runtime
from shared.settings import load_settings

OUTBOX_BATCH = 1000


def runtime(spec, database_url: str, bootstrap: str) -> Runtime:
    upgrade(spec.migrations_dir, database_url)
    settings = load_settings(spec.name).with_overrides(database_url=database_url, kafka_bootstrap_servers=bootstrap)
    return Runtime(spec, settings)


def write_outbox(checkins: Runtime, data: list[dict]) -> float:
    """Publish every event through UnitOfWork.publish, OUTBOX_BATCH per transaction."""
    started = time.perf_counter()
    for start in range(0, len(data), OUTBOX_BATCH):
        with checkins.uow() as uow:
            for item in data[start:start + OUTBOX_BATCH]:
                with correlation.bound(correlation.new_id()):
                    uow.publish(CHECKIN_COMPLETED, item, subject=item["person_id"])
            uow.commit()
    return time.perf_counter() - started


def run(bootstrap: str, checkins_url: str, reporting_url: str, n: int, seed: int,
        external_broker: bool, timeout: float) -> dict[str, float]:
    checkins = runtime(CHECKINS, checkins_url, bootstrap)
    reporting = runtime(REPORTING, reporting_url, bootstrap)
    try:
        population = Population(seed)
        result = {"outbox_s": write_outbox(checkins, population.checkins(n))}
        result.update(Flow(checkins, reporting, population.org_ids, external_broker).measure(n, timeout))
        return result
    finally:
        checkins.dispose()
        reporting.dispose()


class Flow:
    """Relay and consumer loop running together until the projection reaches n."""

    def __init__(self, checkins: Runtime, reporting: Runtime, org_ids: list[str], external_broker: bool):
        self.reporting, self.org_ids = reporting, org_ids
        settings = reporting.settings
        self.relay_producer = make_producer(checkins.settings)
        self.loop_producer = make_producer(settings)
        self.relay = OutboxRelay(checkins.engine, CHECKINS.outbox, self.relay_producer, checkins.clock,
                                 CHECKINS.name, batch_size=checkins.settings.relay_batch_size)
        self.loop = ConsumerLoop(
            _subscription(reporting, external_broker), REPORTING.name,
            consumer_factory=lambda group: make_consumer(settings, group),
            producer=self.loop_producer, uow_factory=reporting.uow, processed=REPORTING.processed,
            max_retries=settings.consumer_max_retries, backoff_seconds=settings.consumer_backoff_seconds,
        )
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.relay_end: float | None = None

    def measure(self, n: int, timeout: float) -> dict[str, float]:
        threads = [self._thread(self.loop.run, self.stop), self._thread(self._drain)]
        started = time.perf_counter()
        try:
            for thread in threads:
                thread.start()
            first, done = self._wait_for_projection(n, started + timeout)
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(30)
            self.relay_producer.close(timeout=5)
            self.loop_producer.close(timeout=5)
        return {"pipeline_s": done - started, "relay_s": self.relay_end - started,
                "first_projected_s": first - started}

    def _thread(self, target, *args) -> threading.Thread:
        def guarded():
            try:
                target(*args)
            except BaseException as exc:  # noqa: BLE001 - reported by the waiting thread
                self.errors.append(exc)
        return threading.Thread(target=guarded, name=target.__name__, daemon=True)

    def _drain(self) -> None:
        while not self.stop.is_set() and self.relay.publish_batch():
            pass
        self.relay_end = time.perf_counter()

    def _wait_for_projection(self, n: int, deadline: float) -> tuple[float, float]:
        first = None
        while True:
            count, now = self._projected(), time.perf_counter()
            if count and first is None:
                first = now
            if count > n:
                raise RuntimeError(f"pipeline: projection counted {count} events, more than the {n} written")
            if count == n and self.relay_end is not None:
                return first, now
            if self.errors:
                raise RuntimeError(f"pipeline thread failed at {count}/{n}") from self.errors[0]
            if now > deadline:
                raise TimeoutError(f"pipeline: projection at {count}/{n} when the time ran out")
            time.sleep(0.05)

    def _projected(self) -> int:
        t = LIVE.checkins.c
        query = select(func.count()).where(t.organisation_id.in_(self.org_ids))
        with self.reporting.engine.connect() as conn:
            return conn.execute(query).scalar_one()


def _subscription(reporting: Runtime, external_broker: bool) -> Subscription:
    """The real projection subscription. On a shared broker, a fresh group that starts at
    the current end of the topics, so earlier runs' events are not replayed."""
    real = subscriptions(reporting)[0]
    if not external_broker:
        return real
    fresh = dataclasses.replace(real, name=f"{real.name}.bench-{uuid.uuid4().hex[:8]}")
    consumer = make_consumer(reporting.settings, fresh.name)
    try:
        partitions = [TopicPartition(topic, p) for topic in fresh.topics
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        ends = consumer.end_offsets(partitions)
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in ends.items()})
    finally:
        consumer.close(autocommit=False)
    return fresh
