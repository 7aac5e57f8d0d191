"""The consumer loop against a real broker and database: idempotence, dead letters,
retries, infrastructure failures and a clean stop."""
import threading
import time
import uuid

import pytest
from kafka import KafkaConsumer
from kafka.structs import TopicPartition
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from services.reporting.db import LIVE
from services.reporting.projection.live import subscriptions
from shared.events import build_event
from shared.messaging.consumer import ConsumerLoop, Subscription
from shared.messaging.kafka import make_consumer, make_producer
from tests.support.kafka_read import header, produce, read_topic

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
TOPIC = "checkins.events"


def checkin_event(clock, org):
    person = str(uuid.uuid4())
    return build_event(CHECKIN_COMPLETED, {
        "checkin_id": uuid.uuid4(), "person_id": person, "organisation_id": org, "site_id": None,
        "session_id": None, "completed_at": clock.now(), "wellbeing": 5,
    }, source="/circles/checkins", subject=person, time=clock.now())


def as_record(event):
    return (event.key.encode(), event.body(), event.headers())


def on_checkin_completed(uow, event, data):
    """The reporting projection's real handler, as its consumer loop runs it."""
    subscriptions(None)[0].handlers[CHECKIN_COMPLETED](uow, event, data)


def completed(runtime, org) -> int:
    t = LIVE.checkins.c
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).where(t.organisation_id == org)).scalar_one()


def records_for(broker, key: bytes):
    return [r for r in read_topic(broker.bootstrap, TOPIC) if r.key == key]


def dead_letters(broker, key: bytes, loop):
    # Other consumer groups on the shared broker may dead-letter the same record.
    return [r for r in read_topic(broker.bootstrap, TOPIC + ".dlq")
            if r.key == key and header(r, "dlq_consumer") == loop.name]


@pytest.fixture
def loop_for(runtime_for):
    made = []

    def build(handler=on_checkin_completed, max_retries=2, name=None):
        runtime = runtime_for("reporting")
        producer = make_producer(runtime.settings)
        loop = ConsumerLoop(
            Subscription(name or f"test-{uuid.uuid4().hex[:8]}", {CHECKIN_COMPLETED: handler}), "reporting",
            consumer_factory=lambda group: make_consumer(runtime.settings, group),
            producer=producer, uow_factory=runtime.uow, processed=runtime.spec.processed,
            max_retries=max_retries, backoff_seconds=0.01,
        )
        made.append(producer)
        return loop, runtime

    yield build
    for producer in made:
        producer.close()


def test_redelivered_event_is_counted_once(loop_for, broker, clock):
    loop, runtime = loop_for()
    org = str(uuid.uuid4())
    event = checkin_event(clock, org)
    produce(broker.bootstrap, TOPIC, [as_record(event)] * 2)
    records = records_for(broker, event.key.encode())
    assert len(records) == 2
    for record in records:
        assert loop.process(record)
    assert completed(runtime, org) == 1


@pytest.mark.parametrize("reason, value, headers", [
    ("bad_envelope", b"{not json", "valid"),
    ("bad_envelope", b'{"a": 1}', []),
    ("unknown_type", b"{}", "circles.checkins.checkin.exploded.v1"),
    ("unknown_type", b"{}", "circles.checkins.checkin.completed.v9"),
    ("invalid_data", b'{"wellbeing": 99}', "valid"),
])
def test_poison_goes_to_the_dead_letter_topic_and_the_stream_moves_on(loop_for, broker, clock, reason, value, headers):
    loop, runtime = loop_for()
    org = str(uuid.uuid4())
    good = checkin_event(clock, org)
    if headers == "valid":
        headers = good.headers()
    elif isinstance(headers, str):
        headers = [(k, headers.encode() if k == "ce_type" else v) for k, v in good.headers()]
    key = good.key.encode()
    produce(broker.bootstrap, TOPIC, [(key, value, headers), as_record(good)])
    for record in records_for(broker, key):
        assert loop.process(record)
    assert completed(runtime, org) == 1
    dead = dead_letters(broker, key, loop)
    assert len(dead) == 1
    assert dead[0].value == value
    assert header(dead[0], "dlq_reason") == reason
    assert header(dead[0], "dlq_consumer") == loop.name
    assert header(dead[0], "dlq_topic") == TOPIC
    assert header(dead[0], "dlq_error")


def test_a_failing_handler_is_retried_then_dead_lettered_without_effects(loop_for, broker, clock):
    attempts = []

    def broken(uow, event, data):
        on_checkin_completed(uow, event, data)  # its write must roll back
        attempts.append(1)
        raise RuntimeError("projection bug")

    loop, runtime = loop_for(handler=broken, max_retries=2)
    org = str(uuid.uuid4())
    event = checkin_event(clock, org)
    produce(broker.bootstrap, TOPIC, [as_record(event)])
    assert loop.process(records_for(broker, event.key.encode())[0])
    assert len(attempts) == 3
    assert completed(runtime, org) == 0
    dead = dead_letters(broker, event.key.encode(), loop)
    assert [header(r, "dlq_reason") for r in dead] == ["handler_failed"]
    assert "projection bug" in header(dead[0], "dlq_error")


def test_infrastructure_errors_are_retried_not_dead_lettered(loop_for, broker, clock):
    failures = iter([True, True, True, True, False])

    def flaky(uow, event, data):
        if next(failures):
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        on_checkin_completed(uow, event, data)

    loop, runtime = loop_for(handler=flaky, max_retries=1)
    org = str(uuid.uuid4())
    event = checkin_event(clock, org)
    produce(broker.bootstrap, TOPIC, [as_record(event)])
    assert loop.process(records_for(broker, event.key.encode())[0])
    assert completed(runtime, org) == 1
    assert not dead_letters(broker, event.key.encode(), loop)


def test_group_loop_commits_after_processing_and_stops_cleanly(loop_for, broker, clock):
    loop, runtime = loop_for()
    org = str(uuid.uuid4())
    produce(broker.bootstrap, TOPIC, [as_record(checkin_event(clock, org)) for _ in range(20)])
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 60
    while completed(runtime, org) < 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert completed(runtime, org) == 20

    last = {}
    for record in read_topic(broker.bootstrap, TOPIC):
        last[TopicPartition(TOPIC, record.partition)] = record.offset + 1
    probe = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=loop.name, enable_auto_commit=False)
    committed = {tp: probe.committed(tp) for tp in last}
    probe.close()
    assert committed == last
