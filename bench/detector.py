"""Benchmark B7, the missed-session detector: how many due sessions per second
`services.checkins.usecases.detector.detect_missed` turns into missed sessions (status,
miss streak, one checkin.missed outbox row each), against a naive baseline doing the same
work per session.

Each repetition seeds one fresh, migrated check-ins database (bench/schedule.py: N due
sessions among about 4.8N rows), runs VACUUM ANALYZE / ANALYZE on it, and copies it twice
(CREATE DATABASE ... TEMPLATE on PostgreSQL, the backup API on SQLite), so both paths start
from identical databases:
  real:  detect_missed(uow), each call in a fresh runtime.uow(), until it returns 0;
  naive: one ORM select of every session, a Python filter for scheduled & missed_after <= now
         (sorted by missed_after, id), then per due session: status and missed_at, the
         streak bumped with the atomic upsert (shared.db.upsert.increment) and re-read into
         consecutive_misses, uow.publish of the same checkin.missed event; a commit every
         detector.BATCH sessions, like the detector's transactions; no indexed claim, no batching
         of the streak.
The order of the two alternates between repetitions. After each path the bench checks the
database: exactly the N due sessions are newly missed, each person's consecutive_misses
counting on from their streak in session order (missed_after, id) and miss_streaks adding
up, exactly N checkin.missed outbox rows naming them once each, and no other column of any
session row changed.
"""
from __future__ import annotations

import collections
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from bench.infra import Databases
from bench.schedule import NOW, Expected, Seeder
from services.checkins.models import MissStreak, Session
from services.checkins.spec import SPEC
from services.checkins.usecases import detector
from shared.clock import FixedClock
from shared.db.engine import make_engine
from shared.db import uow as uow_module
from shared.events import catalogue as catalogue_module, envelope as envelope_module
from shared.db import upsert
from shared.db.migrations import upgrade
from shared.db.upsert import increment
from shared.runtime import Runtime
from shared.settings import load_settings

# The code both paths run, as imported (the files may be edited while the bench runs).
SOURCES = {Path(module.__file__): Path(module.__file__).read_bytes()
           for module in (detector, uow_module, upsert, catalogue_module, envelope_module)}
MISSED = "circles.checkins.checkin.missed.v1"
TOPIC = "checkins.events"
TARGET = 10.0


class VerificationError(AssertionError):
    """A path left the database in a state the detector must not."""


@dataclasses.dataclass(frozen=True)
class Options:
    sessions: int
    repeat: int
    database_url: str | None
    seed: int = 7


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(options: Options) -> tuple[list[dict[str, float]], str, str]:
    """Every repetition's raw figures, the database dialect and the server version."""
    with tempfile.TemporaryDirectory(prefix="circles-bench-b7-") as tmp:
        databases = Databases(options.database_url, Path(tmp))
        version = databases.server_version()
        say(f"B7: {options.sessions} due sessions x {options.repeat} repetitions; "
            f"databases: {databases.dialect} ({version})")
        runs = [repetition(options, index, databases) for index in range(options.repeat)]
        return runs, databases.dialect, version


def repetition(options: Options, index: int, databases: Databases) -> dict[str, float]:
    label = f"[{index + 1}/{options.repeat}]"
    template = databases.fresh(f"b7_seed_{index}")
    try:
        started = time.perf_counter()
        expected, snapshot = seed(template, options.sessions, options.seed + index)
        result: dict[str, float] = {"seed_s": time.perf_counter() - started, "rows": expected.sessions,
                                    "load_before": os.getloadavg()[0]}
        say(f"{label} seeded {expected.sessions} sessions ({expected.due} due) in {result['seed_s']:.1f}s")
        order = ("real", "naive") if index % 2 == 0 else ("naive", "real")
        for path in order:
            url = databases.clone(template, f"b7_{path}_{index}")
            try:
                result.update(PATHS[path](url))
                if result[f"{path}_claimed"] != expected.due:
                    raise VerificationError(f"B7 {path} path reported {result[f'{path}_claimed']} sessions, "
                                            f"not {expected.due}")
                verify(url, expected, snapshot, path)
            finally:
                databases.drop(url)
            seconds = result[f"{path}_s"]
            say(f"{label} {path}: {expected.due} sessions in {seconds:.2f}s "
                f"({expected.due / seconds:,.0f} sessions/s); verified")
        result["load_after"] = os.getloadavg()[0]
        return result
    finally:
        databases.drop(template)


def seed(url: str, due: int, seed_value: int) -> tuple[Expected, dict[str, int]]:
    upgrade(SPEC.migrations_dir, url)
    engine = make_engine(url)
    try:
        expected = Seeder(due, seed_value).write(engine)
        if expected.due != due:
            raise VerificationError(f"seeded {expected.due} due sessions, not {due}")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
        with engine.connect() as conn:
            snapshot = {row.id: hash(tuple(row)) for row in _sessions(conn)}
        if len(snapshot) != expected.sessions:
            raise VerificationError(f"seeded {expected.sessions} sessions, found {len(snapshot)}")
        return expected, snapshot
    finally:
        engine.dispose()


def _runtime(url: str) -> Runtime:
    """The check-ins runtime on the bench's fixed clock, its pool already connected."""
    settings = load_settings(SPEC.name).with_overrides(database_url=url)
    runtime = Runtime(SPEC, settings, clock=FixedClock(NOW))
    with runtime.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return runtime


def real(url: str) -> dict[str, float]:
    runtime = _runtime(url)
    try:
        calls = claimed = 0
        started, cpu = time.perf_counter(), time.process_time()
        while True:
            with runtime.uow() as uow:
                done = detector.detect_missed(uow)
            calls, claimed = calls + 1, claimed + done
            if not done:
                break
        return {"real_s": time.perf_counter() - started, "real_cpu_s": time.process_time() - cpu,
                "real_calls": calls, "real_claimed": claimed}
    finally:
        runtime.dispose()


def naive(url: str) -> dict[str, float]:
    runtime = _runtime(url)
    commit_every = getattr(detector, "BATCH", 500)
    try:
        now = runtime.clock.now()
        started, cpu = time.perf_counter(), time.process_time()
        with runtime.uow() as uow:
            everything = uow.session.scalars(select(Session)).all()
            loaded = time.perf_counter()
            due = sorted((s for s in everything if s.status == "scheduled"
                          and s.missed_after is not None and s.missed_after <= now),
                         key=lambda s: (s.missed_after, s.id))  # each person's misses in session order
            for done, session in enumerate(due, 1):
                session.status, session.missed_at = "missed", now
                increment(uow.session, MissStreak.__table__, {"person_id": session.person_id}, {"consecutive": 1})
                session.consecutive_misses = uow.session.scalar(
                    select(MissStreak.consecutive).where(MissStreak.person_id == session.person_id))
                uow.publish(MISSED, {
                    "session_id": session.id, "rhythm_id": session.rhythm_id, "person_id": session.person_id,
                    "organisation_id": session.organisation_id, "site_id": session.site_id, "kind": session.kind,
                    "starts_at": session.starts_at, "consecutive_misses": session.consecutive_misses,
                }, subject=session.person_id)
                if done % commit_every == 0:
                    uow.commit()
            uow.commit()
        return {"naive_s": time.perf_counter() - started, "naive_cpu_s": time.process_time() - cpu,
                "naive_load_s": loaded - started,
                "naive_loaded": len(everything), "naive_claimed": len(due)}
    finally:
        runtime.dispose()


PATHS = {"real": real, "naive": naive}


def _sessions(conn: sa.Connection):
    return conn.execute(select(*Session.__table__.c), execution_options={"yield_per": 20000})


def verify(url: str, expected: Expected, snapshot: dict[str, int], path: str) -> None:
    """Raise VerificationError unless the database shows exactly the detector's work."""
    problems: list[str] = []
    columns = [c.name for c in Session.__table__.c]
    touched = [columns.index(name) for name in ("status", "missed_at", "consecutive_misses")]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = missed_total = 0
            newly_missed: dict[str, tuple[str, int | None]] = {}
            for row in _sessions(conn):
                rows += 1
                values = list(row)
                if row.status == "missed":
                    missed_total += 1
                if row.id in expected.due_ids:
                    if row.status != "missed" or row.missed_at != NOW:
                        problems.append(f"due session {row.id} is {row.status}, missed_at {row.missed_at}")
                    newly_missed[row.id] = (row.person_id, row.consecutive_misses, row.missed_after)
                    for position, original in zip(touched, ("scheduled", None, None)):
                        values[position] = original
                if snapshot.get(row.id) != hash(tuple(values)):
                    problems.append(f"session {row.id} ({'due' if row.id in expected.due_ids else 'not due'}) "
                                    f"changed beyond status/missed_at/consecutive_misses: {tuple(row)}")
            if rows != expected.sessions:
                problems.append(f"{rows} session rows, seeded {expected.sessions}")
            if missed_total != expected.due + expected.counts["missed"]:
                problems.append(f"{missed_total} missed sessions, expected {expected.due} newly missed "
                                f"+ {expected.counts['missed']} seeded as missed")
            streaks = dict(conn.execute(select(MissStreak.person_id, MissStreak.consecutive)).all())
            outbox = conn.execute(select(SPEC.outbox.c.event_type, SPEC.outbox.c.topic,
                                         SPEC.outbox.c.partition_key, SPEC.outbox.c.payload)).all()
    finally:
        engine.dispose()
    problems += _check_streaks(expected, streaks, newly_missed)
    problems += _check_outbox(expected, outbox, newly_missed)
    if problems:
        raise VerificationError(f"B7 {path} path: {len(problems)} problem(s), first ones:\n  "
                                + "\n  ".join(problems[:8]))


def _check_streaks(expected: Expected, streaks: dict[str, int], newly_missed) -> list[str]:
    problems = []
    want = dict(expected.streaks)
    for person, count in expected.due_per_person.items():
        want[person] = want.get(person, 0) + count
    if streaks != want:
        wrong = [p for p in set(want) | set(streaks) if want.get(p) != streaks.get(p)]
        problems.append(f"miss_streaks differ for {len(wrong)} people, e.g. {wrong[0]}: "
                        f"{streaks.get(wrong[0])} instead of {want.get(wrong[0])}")
    per_person = collections.defaultdict(list)
    for session_id, (person, consecutive, missed_after) in newly_missed.items():
        per_person[person].append((missed_after, session_id, consecutive))
    for person, sessions in per_person.items():
        start = expected.streaks.get(person, 0)
        values = [consecutive for _, _, consecutive in sorted(sessions)]
        if values != list(range(start + 1, start + len(values) + 1)):
            problems.append(f"person {person}: consecutive_misses {values} in session order, "
                            f"expected {start + 1}..{start + len(values)}")
    return problems


def _check_outbox(expected: Expected, outbox, newly_missed) -> list[str]:
    problems = []
    if len(outbox) != expected.due:
        problems.append(f"{len(outbox)} outbox rows, expected {expected.due}")
    seen = collections.Counter()
    for event_type, topic, key, payload in outbox:
        data = json.loads(payload)
        session_id = data.get("session_id")
        seen[session_id] += 1
        person, consecutive, _ = newly_missed.get(session_id, (None, None, None))
        if event_type != MISSED or topic != TOPIC or person is None or data.get("person_id") != person \
                or key != person or data.get("consecutive_misses") != consecutive:
            problems.append(f"outbox row {event_type} {topic} key {key}: {payload[:200]}")
    if set(seen) != expected.due_ids or max(seen.values(), default=1) != 1:
        problems.append(f"outbox names {len(seen)} sessions ({sum(v > 1 for v in seen.values())} more than once), "
                        f"expected the {expected.due} due ones once each")
    return problems
