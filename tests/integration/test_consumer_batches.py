"""A poll batch in one transaction (shared/messaging/batch.py), against a real broker and
database: duplicates inside and across batches, and the fall back to one record at a time
for poison, a failing handler and a concurrent member."""
import dataclasses
import uuid

import pytest
from kafka.structs import TopicPartition
from sqlalchemy import event as sa_event, func, select

from services.reporting.db import metadata as reporting_metadata
from services.reporting.projection.live import subscriptions
from shared.messaging.consumer import ConsumerLoop
from shared.messaging.kafka import make_consumer, make_producer
from shared.privacy import subjects
from shared.privacy.contributor import guard
from tests.integration.test_consumer_loop import (TOPIC, as_record, checkin_event, completed, dead_letters,
                                                   records_for)
from tests.support.kafka_read import header, produce, read_topic


@pytest.fixture
def batch_loop(runtime_for):
    made = []

    def build(subscription=None, max_retries=1):
        runtime = runtime_for("reporting")
        subscription = subscription or subscriptions(runtime)[0]
        producer = make_producer(runtime.settings)
        made.append(producer)
        loop = ConsumerLoop(dataclasses.replace(subscription, name=f"batch-{uuid.uuid4().hex[:8]}"), "reporting",
                            consumer_factory=lambda group: make_consumer(runtime.settings, group),
                            producer=producer, uow_factory=runtime.uow, processed=runtime.spec.processed,
                            max_retries=max_retries, backoff_seconds=0.01)
        return loop, runtime

    yield build
    for producer in made:
        producer.close()


def as_batch(records) -> dict:
    """Records as KafkaConsumer.poll() returns them: per partition, in offset order."""
    batch: dict[TopicPartition, list] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        batch.setdefault(TopicPartition(record.topic, record.partition), []).append(record)
    return batch


def read_back(broker, events) -> dict:
    keys = {event.key.encode() for event in events}
    return as_batch([r for r in read_topic(broker.bootstrap, TOPIC) if r.key in keys])


def last_offsets(batch: dict) -> dict:
    return {tp: records[-1].offset + 1 for tp, records in batch.items()}


def commits_during(runtime, action) -> int:
    count = []
    listener = lambda conn: count.append(1)  # noqa: E731
    sa_event.listen(runtime.engine, "commit", listener)
    try:
        action()
    finally:
        sa_event.remove(runtime.engine, "commit", listener)
    return len(count)


def test_a_poll_is_applied_in_one_transaction_and_each_event_counted_once(batch_loop, broker, clock):
    loop, runtime = batch_loop()
    org = str(uuid.uuid4())
    events = [checkin_event(clock, org) for _ in range(30)]
    produce(broker.bootstrap, TOPIC, [as_record(e) for e in events] + [as_record(events[0]), as_record(events[7])])
    batch = read_back(broker, events)
    assert sum(map(len, batch.values())) == 32

    offsets = {}
    assert commits_during(runtime, lambda: offsets.update(loop._process_batch(batch))) == 1
    assert {tp: o.offset for tp, o in offsets.items()} == last_offsets(batch)
    assert completed(runtime, org) == 30

    # The same poll again (a redelivery after a rebalance): nothing changes.
    loop._process_batch(batch)
    assert completed(runtime, org) == 30
    t = runtime.spec.processed.c
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(t.consumer == loop.name)).scalar_one() == 30


def test_poison_in_a_poll_is_dead_lettered_in_its_place_and_the_rest_applied(batch_loop, broker, clock):
    loop, runtime = batch_loop()
    org = str(uuid.uuid4())
    events = [checkin_event(clock, org) for _ in range(5)]
    poison_key = events[2].key.encode()
    produce(broker.bootstrap, TOPIC, [as_record(e) for e in events] + [(poison_key, b"{not json", events[2].headers())])
    batch = read_back(broker, events)

    offsets = loop._process_batch(batch)
    assert {tp: o.offset for tp, o in offsets.items()} == last_offsets(batch)
    assert completed(runtime, org) == 5
    dead = dead_letters(broker, poison_key, loop)
    assert [header(r, "dlq_reason") for r in dead] == ["bad_envelope"]


def test_a_failing_event_falls_back_to_one_at_a_time_and_only_it_is_dead_lettered(batch_loop, broker, clock):
    real = subscriptions(None)[0]
    org = str(uuid.uuid4())
    events = [checkin_event(clock, org) for _ in range(6)]
    bad_id = events[3].id

    def failing_batch(uow, items):
        if any(e.id == bad_id for e, _ in items):
            raise RuntimeError("projection bug")
        real.batch(uow, items)

    def failing_one(uow, event, data):
        if event.id == bad_id:
            raise RuntimeError("projection bug")
        real.handlers[event.type](uow, event, data)

    loop, runtime = batch_loop(dataclasses.replace(real, handlers={t: failing_one for t in real.handlers},
                                                   batch=failing_batch))
    produce(broker.bootstrap, TOPIC, [as_record(e) for e in events])
    batch = read_back(broker, events)

    offsets = loop._process_batch(batch)
    assert {tp: o.offset for tp, o in offsets.items()} == last_offsets(batch)
    assert completed(runtime, org) == 5
    dead = dead_letters(broker, events[3].key.encode(), loop)
    assert [header(r, "dlq_reason") for r in dead] == ["handler_failed"]


def test_an_event_processed_before_the_poll_is_a_duplicate(batch_loop, broker, clock):
    loop, runtime = batch_loop()
    org = str(uuid.uuid4())
    events = [checkin_event(clock, org) for _ in range(4)]
    produce(broker.bootstrap, TOPIC, [as_record(e) for e in events])
    batch = read_back(broker, events)
    first = next(r for records in batch.values() for r in records)
    assert loop.process(first)  # as a member before a rebalance did

    loop._process_batch(batch)
    assert completed(runtime, org) == 4


def test_a_guarded_batch_skips_events_about_an_erased_person(batch_loop, broker, clock):
    seen = []
    real = subscriptions(None)[0]
    guarded = guard(dataclasses.replace(real, batch=lambda uow, items: seen.extend(e.id for e, _ in items)),
                    reporting_metadata)
    loop, runtime = batch_loop(guarded)
    events = [checkin_event(clock, str(uuid.uuid4())) for _ in range(3)]
    erased_person = events[1].subject
    with runtime.uow() as uow:
        subjects.mark_erased(uow.session, reporting_metadata, erased_person, clock)
        uow.commit()
    produce(broker.bootstrap, TOPIC, [as_record(e) for e in events])

    loop._process_batch(read_back(broker, events))
    assert sorted(seen) == sorted(e.id for e in events if e.subject != erased_person)

