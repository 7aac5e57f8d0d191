"""The consumer loop every service uses.

- Consumer groups with manual commits: an offset is committed only after the record's
  database transaction has committed (or it went to the dead-letter topic).
- Idempotent: the processed-events row is written in the handler's transaction, so a
  redelivered event is a no-op.
- Poison records (bad envelope, unknown type or version, invalid data) go straight to
  `<topic>.dlq`; a handler that keeps failing gets bounded retries with backoff first.
- Infrastructure failures (database or broker unreachable) are not the record's fault:
  they are retried until they heal or the loop is stopped, and nothing is dead-lettered.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Callable

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition
from sqlalchemy import Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared import correlation, metrics
from shared.db.uow import UnitOfWork
from shared.events import (
    CloudEvent,
    EnvelopeError,
    InvalidEventData,
    UnknownEventType,
    catalogue,
    from_kafka,
    load_data,
)
from shared.messaging.batch import BatchApplier, BatchHandler, Fallback, Item
from shared.messaging.dead_letter import send_to_dead_letter
from shared.messaging.resume import ResumeFromCommitted

log = logging.getLogger(__name__)
Handler = Callable[[UnitOfWork, CloudEvent, dict], None]
MAX_INFRA_BACKOFF = 5.0
DEAD_LETTER_REASONS = ("bad_envelope", "unknown_type", "invalid_data", "handler_failed")


@dataclasses.dataclass(frozen=True)
class Subscription:
    """A named consumer (its Kafka group id) and the event types it handles.

    `batch`, when given, applies a poll's new events in one transaction (shared/messaging/
    batch.py); `handlers` still name the types and handle records one at a time whenever a
    batch falls back."""
    name: str
    handlers: dict[str, Handler]
    batch: BatchHandler | None = None

    @property
    def topics(self) -> list[str]:
        return sorted({catalogue.get(t).topic for t in self.handlers})


class Poison(Exception):
    def __init__(self, reason: str, error: str):
        super().__init__(f"{reason}: {error}")
        self.reason = reason
        self.error = error


def _is_infrastructure(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | KafkaError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class ConsumerLoop:
    def __init__(self, subscription: Subscription, service: str, consumer_factory: Callable[[str], KafkaConsumer],
                 producer: KafkaProducer, uow_factory: Callable[[], UnitOfWork], processed: Table,
                 max_retries: int = 5, backoff_seconds: float = 0.2):
        self.subscription = subscription
        self.service = service
        self.consumer_factory = consumer_factory
        self.producer = producer
        self.uow_factory = uow_factory
        self.processed = processed
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self._stop = threading.Event()
        for reason in DEAD_LETTER_REASONS:  # at 0 from the start, so a first dead letter is an increase
            metrics.EVENTS_DEAD_LETTERED.labels(service, subscription.name, reason)

    @property
    def name(self) -> str:
        return self.subscription.name

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        consumer = self.consumer_factory(self.name)
        resume = ResumeFromCommitted()
        consumer.subscribe(self.subscription.topics, listener=resume)
        try:
            while not stop.is_set():
                batch = resume.apply(consumer, consumer.poll(timeout_ms=500))
                offsets = self._process_batch(batch)
                if offsets:
                    self._commit(consumer, offsets)
                self._report_lag(consumer)
        finally:
            consumer.close(autocommit=False)

    def _process_batch(self, batch: dict) -> dict[TopicPartition, OffsetAndMetadata]:
        if self.subscription.batch is not None and sum(map(len, batch.values())) > 1:
            try:
                return self._batch_applier().run(self._decode_all(batch))
            except Fallback:
                pass
        return self._one_at_a_time(batch)

    def _batch_applier(self) -> BatchApplier:
        return BatchApplier(self.name, self.service, self.processed, self.uow_factory, self.subscription.batch)

    def _decode_all(self, batch: dict) -> list[Item]:
        items = []
        for tp, records in batch.items():
            for record in records:
                try:
                    event, data, _handler = self._decode(record)
                except Poison as poison:  # dead-lettered in its place by the careful path
                    raise Fallback() from poison
                items.append(Item(tp, record, event, data))
        return items

    def _one_at_a_time(self, batch: dict) -> dict[TopicPartition, OffsetAndMetadata]:
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp, records in batch.items():
            for record in records:
                if not self.process(record):
                    return offsets  # stopping: leave the rest uncommitted for redelivery
                offsets[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
        return offsets

    def _commit(self, consumer: KafkaConsumer, offsets) -> None:
        try:
            consumer.commit(offsets)
        except KafkaError:
            # A rebalance or a broker restart: the records will be redelivered and the
            # processed-events table turns them into no-ops.
            log.warning("offset commit failed; records will be redelivered", exc_info=True)

    def _report_lag(self, consumer: KafkaConsumer) -> None:
        """Records behind the end of the log, summed over this member's partitions of each topic."""
        try:
            lag: dict[str, int] = {}
            for tp in consumer.assignment():
                end = consumer.highwater(tp)
                position = consumer.position(tp, timeout_ms=0) if end is not None else None
                if end is not None and position is not None:
                    lag[tp.topic] = lag.get(tp.topic, 0) + max(end - position, 0)
            for topic, behind in lag.items():
                metrics.CONSUMER_LAG.labels(self.service, self.name, topic).set(behind)
        except Exception:  # noqa: BLE001 - lag is best effort, never a reason to stop
            pass

    def process(self, record) -> bool:
        """Handle one record to completion. False only if stopped before finishing."""
        try:
            event, data, handler = self._decode(record)
        except Poison as poison:
            return self._dead_letter(record, poison.reason, poison.error, event_type="unknown")
        if handler is None:
            metrics.EVENTS_CONSUMED.labels(self.service, self.name, event.type, "ignored").inc()
            return True
        with correlation.bound(event.correlation_id):
            return self._apply_with_retries(record, event, data, handler)

    def _decode(self, record) -> tuple[CloudEvent, dict | None, Handler | None]:
        try:
            event = from_kafka(record.headers, record.value)
            catalogue.get(event.type)
        except EnvelopeError as exc:
            raise Poison("bad_envelope", str(exc)) from exc
        except UnknownEventType as exc:
            raise Poison("unknown_type", f"unknown event type {exc}") from exc
        handler = self.subscription.handlers.get(event.type)
        if handler is None:
            return event, None, None
        try:
            return event, load_data(event), handler
        except InvalidEventData as exc:
            raise Poison("invalid_data", str(exc.errors)) from exc

    def _apply_with_retries(self, record, event: CloudEvent, data: dict, handler: Handler) -> bool:
        failures = 0
        infra_backoff = self.backoff_seconds
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                outcome = self._apply(event, data, handler)
                metrics.EVENT_HANDLER_LATENCY.labels(self.service, self.name).observe(time.perf_counter() - started)
                metrics.EVENTS_CONSUMED.labels(self.service, self.name, event.type, outcome).inc()
                return True
            except Exception as exc:  # noqa: BLE001 - classified below
                if _is_infrastructure(exc):
                    log.warning("infrastructure error in %s; retrying in %.1fs", self.name, infra_backoff)
                    self._stop.wait(infra_backoff)
                    infra_backoff = min(infra_backoff * 2, MAX_INFRA_BACKOFF)
                    continue
                failures += 1
                if failures > self.max_retries:
                    log.error("handler failed %d times; dead-lettering", failures, exc_info=True)
                    return self._dead_letter(record, "handler_failed", f"{type(exc).__name__}: {exc}", event.type)
                self._stop.wait(self.backoff_seconds * 2 ** (failures - 1))
        return False

    def _apply(self, event: CloudEvent, data: dict, handler: Handler) -> str:
        try:
            with self.uow_factory() as uow:
                if self._already_processed(uow, event.id):
                    return "duplicate"
                uow.session.execute(self.processed.insert().values(
                    consumer=self.name, event_id=event.id, event_type=event.type, processed_at=uow.clock.now(),
                ))
                handler(uow, event, data)
                uow.commit()
        except IntegrityError:
            # Another member of the group got there first (after a rebalance).
            if self._already_processed_fresh(event.id):
                return "duplicate"
            raise
        return "processed"

    def _already_processed(self, uow: UnitOfWork, event_id: str) -> bool:
        c = self.processed.c
        query = select(c.event_id).where(c.consumer == self.name, c.event_id == event_id)
        return uow.session.execute(query).first() is not None

    def _already_processed_fresh(self, event_id: str) -> bool:
        with self.uow_factory() as uow:
            return self._already_processed(uow, event_id)

    def _dead_letter(self, record, reason: str, error: str, event_type: str) -> bool:
        backoff = self.backoff_seconds
        while not self._stop.is_set():
            try:
                send_to_dead_letter(self.producer, record, self.name, reason, error)
                metrics.EVENTS_DEAD_LETTERED.labels(self.service, self.name, reason).inc()
                metrics.EVENTS_CONSUMED.labels(self.service, self.name, event_type, "dead_lettered").inc()
                log.warning("record dead-lettered by %s: %s", self.name, reason)
                return True
            except Exception:  # noqa: BLE001 - the broker may be down; keep the record
                log.warning("dead-letter publish failed; retrying", exc_info=True)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_INFRA_BACKOFF)
        return False
