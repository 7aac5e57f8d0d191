"""Housekeeping: every worker prunes published outbox rows and old processed-event ids, in
chunks, on the injectable clock, and never an unpublished row."""
import datetime as dt
import functools
import uuid

import pytest
from sqlalchemy import select

from shared.db.housekeeping import CHUNK, EVERY_SECONDS, housekeeping_job, prune
from shared.jobs import Job, run_forever
from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay
from shared.worker import Worker

SERVICES = ["people", "checkins", "notifications", "resources", "reporting"]
CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
DAY = dt.timedelta(days=1)


def add_outbox(runtime, *, created: dt.datetime, published: dt.datetime | None, count: int = 1) -> list[str]:
    rows = [{"event_id": str(uuid.uuid4()), "topic": "checkins.events", "partition_key": "key",
             "event_type": CHECKIN_COMPLETED, "headers": "[]", "payload": "{}",
             "created_at": created, "published_at": published} for _ in range(count)]
    with runtime.engine.begin() as conn:
        conn.execute(runtime.spec.outbox.insert(), rows)
    return [row["event_id"] for row in rows]


def add_processed(runtime, *, at: dt.datetime, consumer: str = "checkins.people-read-model",
                  event_ids: list[str] | None = None, count: int = 1) -> list[tuple[str, str]]:
    ids = event_ids or [str(uuid.uuid4()) for _ in range(count)]
    with runtime.engine.begin() as conn:
        conn.execute(runtime.spec.processed.insert(), [
            {"consumer": consumer, "event_id": i, "event_type": CHECKIN_COMPLETED, "processed_at": at} for i in ids])
    return [(consumer, i) for i in ids]


def outbox_ids(runtime) -> set[str]:
    with runtime.engine.connect() as conn:
        return set(conn.scalars(select(runtime.spec.outbox.c.event_id)))


def processed_keys(runtime) -> set[tuple[str, str]]:
    c = runtime.spec.processed.c
    with runtime.engine.connect() as conn:
        return {tuple(row) for row in conn.execute(select(c.consumer, c.event_id))}


def prune_once(runtime, outbox_keep=7, processed_keep=400, **kwargs) -> int:
    with runtime.uow() as uow:
        return prune(uow, runtime.spec.outbox, runtime.spec.processed, outbox_keep, processed_keep, **kwargs)


class StopWhenIdle:
    """A stop flag for run_forever that ends the loop the first time it would wait (the
    backlog is drained) instead of sleeping."""

    def __init__(self):
        self.stopped = False

    def is_set(self) -> bool:
        return self.stopped

    def wait(self, seconds) -> bool:
        self.stopped = True
        return True


def test_published_rows_older_than_the_limit_go_unpublished_and_recent_ones_stay(runtime_for, clock):
    runtime = runtime_for("checkins")
    now = clock.now()
    old = add_outbox(runtime, created=now - 9 * DAY, published=now - 8 * DAY, count=2)
    recent = add_outbox(runtime, created=now - 7 * DAY, published=now - 6 * DAY)
    on_the_limit = add_outbox(runtime, created=now - 7 * DAY, published=now - 7 * DAY)
    unpublished = add_outbox(runtime, created=now - 365 * DAY, published=None) + \
        add_outbox(runtime, created=now, published=None)

    assert prune_once(runtime) == 2
    assert outbox_ids(runtime) == set(recent + on_the_limit + unpublished)
    assert not set(old) & outbox_ids(runtime)
    assert prune_once(runtime) == 0

    clock.advance(days=2)  # the recent and the borderline rows age past the week
    assert prune_once(runtime) == 2
    assert outbox_ids(runtime) == set(unpublished)


def test_rows_the_relay_published_go_a_week_later_and_the_waiting_ones_never(runtime_for, clock):
    runtime = runtime_for("checkins")
    person = str(uuid.uuid4())
    data = {"checkin_id": uuid.uuid4(), "person_id": person, "organisation_id": str(uuid.uuid4()),
            "site_id": None, "session_id": None, "completed_at": clock.now(), "wellbeing": 6}
    with runtime.uow() as uow:
        shipped = uow.publish(CHECKIN_COMPLETED, data, subject=person).id
        uow.commit()
    relay = OutboxRelay(runtime.engine, runtime.spec.outbox, make_producer(runtime.settings), runtime.clock,
                        "checkins")
    try:
        assert relay.publish_batch() == 1
    finally:
        relay.producer.close()
    with runtime.uow() as uow:
        waiting = uow.publish(CHECKIN_COMPLETED, {**data, "checkin_id": uuid.uuid4()}, subject=person).id
        uow.commit()

    clock.advance(days=7)
    assert prune_once(runtime) == 0
    clock.advance(seconds=1)
    assert prune_once(runtime) == 1
    assert outbox_ids(runtime) == {waiting}
    assert shipped not in outbox_ids(runtime)


def test_processed_events_older_than_the_limit_go_and_newer_ones_stay(runtime_for, clock):
    runtime = runtime_for("reporting")
    now = clock.now()
    old = add_processed(runtime, at=now - 401 * DAY, count=3)
    newer = add_processed(runtime, at=now - 399 * DAY, count=2)
    # The key is (consumer, event_id): the same event seen by another consumer later stays.
    same_event_later = add_processed(runtime, at=now - 10 * DAY, consumer="reporting.kpi-projection",
                                     event_ids=[old[0][1]])

    assert prune_once(runtime) == 3
    assert processed_keys(runtime) == set(newer + same_event_later)

    clock.advance(days=2)
    assert prune_once(runtime) == 2
    assert processed_keys(runtime) == set(same_event_later)


def test_each_table_has_its_own_limit(runtime_for, clock):
    runtime = runtime_for("notifications")
    now = clock.now()
    published = add_outbox(runtime, created=now - 31 * DAY, published=now - 30 * DAY)
    processed = add_processed(runtime, at=now - 30 * DAY)

    assert prune_once(runtime, outbox_keep=60, processed_keep=20) == 1
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(published), set())

    assert prune_once(runtime, outbox_keep=20, processed_keep=20) == 1
    assert outbox_ids(runtime) == set()


def test_zero_keeps_forever(runtime_for, clock):
    runtime = runtime_for("resources")
    now = clock.now()
    published = add_outbox(runtime, created=now - 4000 * DAY, published=now - 4000 * DAY)
    processed = add_processed(runtime, at=now - 4000 * DAY)

    assert prune_once(runtime, outbox_keep=0, processed_keep=0) == 0
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(published), set(processed))

    assert prune_once(runtime, outbox_keep=0, processed_keep=400) == 1
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(published), set())


def test_a_backlog_drains_in_chunks_through_run_forever(runtime_for, clock):
    runtime = runtime_for("checkins")
    now = clock.now()
    add_outbox(runtime, created=now - 30 * DAY, published=now - 30 * DAY, count=7)
    kept = add_outbox(runtime, created=now - 30 * DAY, published=None, count=2)
    add_processed(runtime, at=now - 500 * DAY, count=5)
    fresh = add_processed(runtime, at=now - DAY)

    calls = []

    def run_once(uow):
        calls.append(prune(uow, runtime.spec.outbox, runtime.spec.processed, 7, 400, chunk=3))
        return calls[-1]

    run_forever(Job("checkins.housekeeping", every_seconds=EVERY_SECONDS, run_once=run_once),
                runtime.uow, StopWhenIdle())
    # 7 outbox rows in 3 + 3 + 1, 5 processed in 3 + 2: one transaction per call, then idle.
    assert calls == [6, 5, 1, 0]
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(kept), set(fresh))


def test_the_job_deletes_at_most_a_chunk_per_table_per_call(runtime_for, clock):
    runtime = runtime_for("reporting")
    now = clock.now()
    add_outbox(runtime, created=now - 30 * DAY, published=now - 30 * DAY, count=CHUNK + 10)
    add_processed(runtime, at=now - 500 * DAY, count=CHUNK + 20)
    job = housekeeping_job("reporting", runtime.spec.outbox, runtime.spec.processed, runtime.settings)

    done = []
    for _ in range(3):
        with runtime.uow() as uow:
            done.append(job.run_once(uow))
    assert done == [2 * CHUNK, 30, 0]
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(), set())


def test_the_job_reads_its_limits_from_the_settings(runtime_for, clock):
    runtime = runtime_for("checkins", outbox_keep_days=0, processed_events_keep_days=30)
    now = clock.now()
    published = add_outbox(runtime, created=now - 40 * DAY, published=now - 40 * DAY)
    add_processed(runtime, at=now - 40 * DAY)
    job = housekeeping_job("checkins", runtime.spec.outbox, runtime.spec.processed, runtime.settings)
    assert (job.name, job.every_seconds) == ("checkins.housekeeping", 3600)
    with runtime.uow() as uow:
        assert job.run_once(uow) == 1
    assert (outbox_ids(runtime), processed_keys(runtime)) == (set(published), set())


@pytest.mark.parametrize("service", SERVICES)
def test_every_worker_runs_the_job(service, runtime_for):
    worker = Worker(runtime_for(service))
    try:
        jobs = {job.name: job for job in worker.jobs}
        assert f"{service}.housekeeping" in jobs
        assert jobs[f"{service}.housekeeping"].every_seconds == EVERY_SECONDS
        assert f"{service}.privacy-outbox-sweep" in jobs
    finally:
        worker.producer.close(timeout=1)
