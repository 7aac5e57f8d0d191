"""The outbox: events commit with the state change, and the relay ships them in order."""
import json
import threading
import uuid

import pytest
from kafka.errors import KafkaError
from sqlalchemy import func, select

from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay
from tests.support.infra import EmbeddedBroker
from tests.support.kafka_read import header, read_topic

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"


def checkin_data(clock, person_id, org="11111111-1111-4111-8111-111111111111"):
    return {"checkin_id": uuid.uuid4(), "person_id": person_id, "organisation_id": org, "site_id": None,
            "session_id": None, "completed_at": clock.now(), "wellbeing": 6}


def write_events(runtime, clock, persons, per_person):
    ids = []
    with runtime.uow() as uow:
        for _ in range(per_person):
            for person in persons:
                ids.append(uow.publish(CHECKIN_COMPLETED, checkin_data(clock, person), subject=person).id)
        uow.commit()
    return ids


def unpublished(runtime):
    outbox = runtime.spec.outbox
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one()


def relay_for(runtime, producer_config=None, **kwargs):
    producer = make_producer(runtime.settings, **(producer_config or {}))
    return OutboxRelay(runtime.engine, runtime.spec.outbox, producer, runtime.clock, "checkins", **kwargs)


def test_event_rows_roll_back_with_the_transaction(runtime_for, clock):
    runtime = runtime_for("checkins")
    with runtime.uow() as uow:
        uow.publish(CHECKIN_COMPLETED, checkin_data(clock, str(uuid.uuid4())), subject="p")
        # no commit: leaving the unit of work rolls back
    assert unpublished(runtime) == 0


def test_relay_publishes_cloudevents_in_order_per_key(runtime_for, clock, broker):
    runtime = runtime_for("checkins")
    persons = [str(uuid.uuid4()) for _ in range(3)]
    ids = write_events(runtime, clock, persons, per_person=5)
    relay = relay_for(runtime, batch_size=4)
    while relay.publish_batch():
        pass
    relay.producer.close()
    assert unpublished(runtime) == 0

    mine = [r for r in read_topic(broker.bootstrap, "checkins.events") if header(r, "ce_id") in set(ids)]
    assert sorted(header(r, "ce_id") for r in mine) == sorted(ids)
    for person in persons:
        theirs = [r for r in mine if r.key == person.encode()]
        assert len({r.partition for r in theirs}) == 1
        expected_order = [i for n, i in enumerate(ids) if persons[n % 3] == person]
        assert [header(r, "ce_id") for r in sorted(theirs, key=lambda r: r.offset)] == expected_order
    record = mine[0]
    assert header(record, "ce_specversion") == "1.0"
    assert header(record, "ce_type") == CHECKIN_COMPLETED
    assert header(record, "ce_source") == "/circles/checkins"
    assert header(record, "content-type") == "application/json"
    assert header(record, "ce_subject") == record.key.decode()
    assert json.loads(record.value)["wellbeing"] == 6


def test_broker_outage_keeps_rows_in_the_outbox(runtime_for, clock, tmp_path):
    outage = EmbeddedBroker(tmp_path / "outage-broker.log")
    try:
        runtime = runtime_for("checkins", kafka_bootstrap_servers=outage.bootstrap)
        relay = relay_for(runtime, producer_config=dict(
            max_block_ms=1000, request_timeout_ms=1000, delivery_timeout_ms=2000, retries=0))
        write_events(runtime, clock, [str(uuid.uuid4())], per_person=3)
        outage.stop()
        with pytest.raises(KafkaError):
            relay.publish_batch()
        assert unpublished(runtime) == 3
        relay.producer.close(timeout=1)
    finally:
        outage.close()


def test_concurrent_relays_never_double_publish_or_reorder(runtime_for, clock, broker, databases):
    if databases.dialect != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; CI runs this on PostgreSQL")
    runtime = runtime_for("checkins")
    persons = [str(uuid.uuid4()) for _ in range(10)]
    ids = write_events(runtime, clock, persons, per_person=40)
    relays = [relay_for(runtime, batch_size=10) for _ in range(3)]

    def drain(relay):
        while unpublished(runtime):
            relay.publish_batch()

    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for relay in relays:
        relay.producer.close()

    mine = [r for r in read_topic(broker.bootstrap, "checkins.events") if header(r, "ce_id") in set(ids)]
    published = [header(r, "ce_id") for r in mine]
    assert len(published) == len(ids) == len(set(published))
    for n, person in enumerate(persons):
        theirs = sorted((r for r in mine if r.key == person.encode()), key=lambda r: r.offset)
        assert [header(r, "ce_id") for r in theirs] == ids[n::len(persons)]


def test_a_key_waits_behind_its_row_held_by_another_relay(runtime_for, clock, databases):
    if databases.dialect != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; CI runs this on PostgreSQL")
    runtime = runtime_for("checkins")
    k, other_key = str(uuid.uuid4()), str(uuid.uuid4())
    k1, l1, k2, k3 = write_events_in_order(runtime, clock, [k, other_key, k, k])
    outbox = runtime.spec.outbox
    relay = relay_for(runtime)
    with runtime.engine.connect() as other_relay, other_relay.begin():
        other_relay.execute(select(outbox.c.id).where(outbox.c.event_id == k2).with_for_update())
        with runtime.engine.begin() as conn:
            claimed = [row.event_id for row in relay._claim(conn)]
    relay.producer.close()
    # k3 must not overtake k2, which the other relay holds; the other key is free to go.
    assert claimed == [k1, l1]


def write_events_in_order(runtime, clock, keys):
    with runtime.uow() as uow:
        ids = [uow.publish(CHECKIN_COMPLETED, checkin_data(clock, key), subject=key).id for key in keys]
        uow.commit()
    return ids
