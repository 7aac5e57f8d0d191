"""Replay: every projection rebuilt from the start of the topics into fresh tables and
swapped in equals what the live consumer built, event by event, from the same history."""
import dataclasses
import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from services.reporting.db import LIVE, generation
from services.reporting.projection.live import subscriptions
from services.reporting.projection.replay import TOPICS, Replay
from shared.events import catalogue
from shared.messaging.consumer import ConsumerLoop
from shared.messaging.kafka import make_consumer, make_producer
from tests.support.kafka_read import produce, read_topic
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, utc


def rich_history() -> History:
    h = History(org=str(uuid.uuid4()))
    for site in (SITE_NORTH, SITE_SOUTH):
        for n in range(3):
            person = h.person(utc(2026, 1, 2 + n), site, peer_worker=f"pw-{site[-1]}", clinical_lead="cl-1",
                              practical_support_planned=n == 0)
            h.crisis_plan(person, utc(2026, 1, 6))
            h.contact(person, utc(2026, 1, 6), role="mutual_help_group", support_types=("mutual_help", "sober_social"))
            h.rhythm(person, utc(2026, 1, 6))
            h.rhythm(person, utc(2026, 1, 6), kind="monthly_review")
            h.assessment(person, utc(2026, 1, 7), barc10=40 + n, mspss=4.0, housing="temporary", kind="intake")
            for week in range(6):
                h.checkin(person, utc(2026, 1, 8) + dt.timedelta(weeks=week), days_abstinent=10 + week * 3)
            h.miss(person, utc(2026, 2, 27))
            h.review(person, utc(2026, 2, 5))
            h.attendance(person, utc(2026, 2, 10))
            h.assessment(person, utc(2026, 2, 25), barc10=45 + n, mspss=5.0, housing="stable")
        h.assign(person, "peer_worker", "pw-new", utc(2026, 2, 1))
        h.discharge(person, utc(2026, 2, 20))
    h.risk_flag(person, utc(2026, 2, 11))
    h.notification(utc(2026, 2, 11))
    h.listing(utc(2026, 1, 1))
    return h


def publish(bootstrap: str, events, duplicate_first: bool = True) -> None:
    by_topic: dict[str, list] = {}
    for event in events:
        by_topic.setdefault(catalogue.get(event.type).topic, []).append((event.key.encode(), event.body(), event.headers()))
    for topic, records in by_topic.items():
        produce(bootstrap, topic, records + (records[:1] if duplicate_first else []))
    produce(bootstrap, "checkins.events", [(b"poison", b"{not json", [("ce_type", b"nonsense")])])


def apply_live(runtime) -> None:
    """The live consumer's own loop (a poll per transaction, record by record around the
    poison record), over everything on the topics."""
    loop = ConsumerLoop(dataclasses.replace(subscriptions(runtime)[0], name=f"reporting.test-{uuid.uuid4().hex[:8]}"),
                        "reporting", lambda group: make_consumer(runtime.settings, group),
                        make_producer(runtime.settings), runtime.uow, runtime.spec.processed)
    for topic in TOPICS:
        for record in read_topic(runtime.settings.kafka_bootstrap_servers, topic):
            assert loop.process(record)


def snapshot(runtime) -> dict[str, list[tuple]]:
    with runtime.engine.connect() as conn:
        return {t.name: sorted(tuple(map(str, row)) for row in conn.execute(select(t))) for t in LIVE.all()}


def replay(runtime):
    consumer = make_consumer(runtime.settings, f"reporting.replay.test-{uuid.uuid4().hex[:8]}")
    return Replay(runtime.engine, consumer, runtime.clock, batch_records=50).run()


@pytest.fixture
def runtime(runtime_for):
    return runtime_for("reporting")


def test_a_replay_rebuilds_exactly_what_the_live_consumer_built(runtime, broker):
    history = rich_history()
    publish(broker.bootstrap, history.events)
    apply_live(runtime)
    live = snapshot(runtime)
    with runtime.engine.connect() as conn:
        ours = conn.execute(select(func.count()).select_from(LIVE.checkins).where(
            LIVE.checkins.c.organisation_id == history.org)).scalar_one()
    assert ours == 36  # 6 persons x 6 weeks, the duplicate counted once

    report = replay(runtime)
    assert snapshot(runtime) == live
    assert report.generation == 2 and report.duplicates >= 1 and report.poison >= 1
    assert report.applied + report.duplicates + report.ignored + report.poison == report.records

    # Twice: the swapped-in tables carry the live names of their indexes and keys.
    assert replay(runtime).generation == 3
    assert snapshot(runtime) == live
    with runtime.engine.connect() as conn:
        assert conn.execute(select(generation.c.generation)).scalar_one() == 3


def test_after_a_swap_the_live_consumer_adds_only_what_is_new(runtime, broker):
    first = rich_history()
    publish(broker.bootstrap, first.events, duplicate_first=False)
    apply_live(runtime)
    replay(runtime)
    later = History(org=first.org)
    person = later.person(utc(2026, 3, 1), SITE_NORTH)
    later.checkin(person, utc(2026, 3, 2))
    publish(broker.bootstrap, later.events, duplicate_first=False)
    apply_live(runtime)  # a fresh group: every event again, the replayed ones are no-ops
    with runtime.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(LIVE.checkins).where(
            LIVE.checkins.c.organisation_id == first.org)).scalar_one()
    assert count == 37


def test_a_replay_swaps_in_while_the_live_consumer_keeps_going(runtime, broker):
    """Check-ins keep arriving while the live group consumes and a replay rebuilds and
    swaps: afterwards every check-in is counted exactly once."""
    import threading

    from tests.support.processes import wait_until

    org = str(uuid.uuid4())
    before = History(org=org)
    persons = [before.person(utc(2026, 1, 5), SITE_NORTH) for _ in range(5)]
    for person in persons:
        before.checkin(person, utc(2026, 1, 6))
    publish(broker.bootstrap, before.events, duplicate_first=False)
    loop = ConsumerLoop(dataclasses.replace(subscriptions(runtime)[0], name=f"reporting.live-{uuid.uuid4().hex[:8]}"),
                        "reporting", lambda group: make_consumer(runtime.settings, group),
                        make_producer(runtime.settings), runtime.uow, runtime.spec.processed)
    stop = threading.Event()
    live = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    live.start()

    def counted() -> int:
        with runtime.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(LIVE.checkins).where(
                LIVE.checkins.c.organisation_id == org)).scalar_one()

    def trickle():
        for wave in range(20):
            during = History(org=org)
            during.sites = before.sites
            for person in persons:
                during.checkin(person, utc(2026, 2, 1) + dt.timedelta(hours=wave))
            publish(broker.bootstrap, during.events, duplicate_first=False)
            stop.wait(0.15)
    try:
        wait_until(lambda: counted() == 5, 60, message="the live consumer to catch up")
        producer = threading.Thread(target=trickle, daemon=True)
        producer.start()
        report = replay(runtime)
        producer.join(60)
        wait_until(lambda: counted() == 5 + 20 * 5, 60, message="every check-in counted")
        stop.wait(2)
        assert counted() == 105
        assert report.generation == 2
    finally:
        stop.set()
        live.join(30)
