"""Two missed-session detector processes against one PostgreSQL database, one of them
SIGKILLed mid-run and started again: every due session is flagged exactly once, none is
skipped, and each person's run of misses counts up in session order."""
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from services.checkins.models import Session
from tests.support.processes import ServiceProcess, wait_until

PERSONS = 40
UTC = dt.timezone.utc


@pytest.fixture
def world(checkins_world_on_postgres):
    return checkins_world_on_postgres


def detector(world, name: str, clock_file, tmp_path) -> ServiceProcess:
    """A detector process, started and connected, that claims nothing until go(process)."""
    env = {**os.environ, "CHECKINS_DATABASE_URL": world.settings.database_url, "CLOCK_FILE": str(clock_file),
           "DETECTOR_BATCH": "7", "DETECTOR_PAUSE": "0.05", "LOG_LEVEL": "WARNING",
           "GO_FILE": str(tmp_path / f"{name}.go")}
    process = ServiceProcess(name, [sys.executable, "-m", "tests.support.detector_loop"], env, tmp_path).start()
    wait_until(lambda: "ready" in process.log().split() or process.process.poll() is not None, 60,
               message=f"{name} to connect")
    return process


def go(process: ServiceProcess) -> None:
    Path(process.env["GO_FILE"]).touch()


def has_marked(process: ServiceProcess) -> bool:
    return any(line.isdigit() and int(line) > 0 for line in process.log().split())


def test_two_detectors_and_a_crash_flag_every_due_session_exactly_once(world, tmp_path):
    persons = [world.person() for _ in range(PERSONS)]
    for person in persons:
        world.client.post("/rhythms", json={"person_id": person.id, "kind": "weekly_checkin",
                                            "first_start_local": "2026-03-03T18:00", "rrule": "FREQ=WEEKLY;BYDAY=TU"},
                          headers=world.headers())
    clock_file = tmp_path / "clock"
    clock_file.write_text("2026-04-08T00:00:00+00:00")  # five Tuesdays have passed for everyone
    first, second = detector(world, "detector-a", clock_file, tmp_path), detector(world, "detector-b", clock_file, tmp_path)
    # In turn, so a slow start cannot leave one of them nothing to claim: a starts, b joins it.
    go(first)
    wait_until(lambda: has_marked(first), 60, message="detector-a to mark a batch")
    go(second)
    wait_until(lambda: has_marked(second) or second.process.poll() is not None, 60,
               message="detector-b to mark a batch beside detector-a")
    first.kill()  # mid-run: whatever it had claimed but not committed goes back
    restarted = detector(world, "detector-a2", clock_file, tmp_path)
    go(restarted)
    for process in (second, restarted):
        assert process.process.wait(120) == 0, process.log()

    missed = world.events("checkin.missed")
    by_session = defaultdict(list)
    for event in missed:
        by_session[event["session_id"]].append(event)
    with world.runtime.uow() as uow:
        due = uow.session.scalars(select(Session).where(
            Session.starts_at < dt.datetime(2026, 4, 8, tzinfo=UTC))).all()
        statuses = {session.status for session in due}
    assert len(due) == PERSONS * 5 and statuses == {"missed"}
    assert set(by_session) == {session.id for session in due}  # none skipped
    assert all(len(events) == 1 for events in by_session.values())  # none twice
    runs = defaultdict(list)
    for event in sorted(missed, key=lambda e: e["starts_at"]):
        runs[event["person_id"]].append(event["consecutive_misses"])
    assert set(json.dumps(run) for run in runs.values()) == {json.dumps([1, 2, 3, 4, 5])}
