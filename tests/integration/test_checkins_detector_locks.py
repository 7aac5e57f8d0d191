"""The missed-session detector next to another detector's claim, on PostgreSQL: sessions
held elsewhere are skipped, a person's later sessions wait for their older held one (the
run of misses counts in session order), and nothing held is ever counted twice."""
import datetime as dt

import pytest
from sqlalchemy import select

from services.checkins.models import Session
from services.checkins.usecases import detector
from tests.support.sql_log import statements_sent

UTC = dt.timezone.utc


@pytest.fixture
def world(checkins_world_on_postgres):
    return checkins_world_on_postgres


def weekly(world, person, first_start_local: str) -> None:
    response = world.client.post("/rhythms", json={
        "person_id": person.id, "kind": "weekly_checkin", "first_start_local": first_start_local,
        "rrule": "FREQ=WEEKLY;BYDAY=TU"}, headers=world.headers())
    assert response.status_code == 201, response.json


def due_sessions(world, person) -> list[Session]:
    with world.runtime.uow() as uow:
        return uow.session.scalars(select(Session).where(Session.person_id == person.id, Session.status == "scheduled",
                                                         Session.missed_after <= world.clock.now())
                                   .order_by(Session.missed_after, Session.id)).all()


class OtherDetector:
    """Another detector's transaction, holding some sessions (FOR UPDATE) until released."""

    def __init__(self, world, sessions):
        self.conn = world.runtime.engine.connect()
        self.conn.execute(select(Session.id).where(Session.id.in_([s.id for s in sessions])).with_for_update())

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def missed_runs(world) -> dict[str, list[int]]:
    runs: dict[str, list[int]] = {}
    for missed in world.events("checkin.missed"):
        runs.setdefault(missed["person_id"], []).append(missed["consecutive_misses"])
    return runs


def test_a_person_waits_while_another_detector_holds_their_older_session(world):
    held, free = world.person(), world.person()
    weekly(world, held, "2026-03-03T18:00")
    weekly(world, free, "2026-03-03T19:00")
    world.clock.set(dt.datetime(2026, 3, 17, 12, 0, tzinfo=UTC))  # two Tuesdays each
    older, newer = due_sessions(world, held)
    other = OtherDetector(world, [older])
    try:
        assert world.run(detector.detect_missed) == 2  # the free person's two; `newer` waits for `older`
        assert [s.id for s in due_sessions(world, held)] == [older.id, newer.id]
    finally:
        other.release()
    assert world.run(detector.detect_missed) == 2
    assert world.run(detector.detect_missed) == 0
    assert missed_runs(world) == {free.id: [1, 2], held.id: [1, 2]}
    held_events = [e["session_id"] for e in world.events("checkin.missed") if e["person_id"] == held.id]
    assert held_events == [older.id, newer.id]


def test_when_others_hold_more_than_a_few_batches_the_persons_sessions_are_read_instead(world):
    held, later = world.person(), world.person()
    weekly(world, held, "2026-03-03T18:00")
    weekly(world, later, "2026-03-31T19:00")
    world.clock.set(dt.datetime(2026, 4, 8, 0, 0, tzinfo=UTC))  # five Tuesdays for one, one for the other
    sessions = due_sessions(world, held)
    assert len(sessions) == 5 and len(due_sessions(world, later)) == 1
    other = OtherDetector(world, sessions[:4])
    try:
        # Batch 1 claims the fifth; the due range up to it (held ones included) fills the
        # cap of 4 batches, so the claimed persons' own sessions are read: still held first.
        with statements_sent(world.runtime.engine) as statements:
            assert world.run(lambda uow: detector.detect_missed(uow, batch=1)) == 0
        assert any("sessions.person_id = ANY" in statement for statement in statements)
    finally:
        other.release()
    assert world.run(lambda uow: detector.detect_missed(uow, batch=10)) == 6
    assert missed_runs(world) == {held.id: [1, 2, 3, 4, 5], later.id: [1]}
