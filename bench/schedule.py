"""B7 data: a check-ins database with exactly N sessions due for the missed-session detector,
among many that are not, spread over N/4 people and their rhythms.

For N due sessions the database holds, besides them:
  - 3N scheduled sessions that are not due: future ones (missed_after > now), and for about
    1 rhythm in 10 a session that has ended but is still in its grace period;
  - N/2 completed, N/10 cancelled and N/10 already-missed past sessions (missed_after <= now:
    only their status keeps them out of the detector's hands);
  - N/10 sessions of rhythms that expect no record (missed_after NULL), half of them past;
  - a miss streak row for about half of the people (0 to 3 misses so far).
Everything is drawn from one seeded random generator, so a seed gives the same database.
Rows are written with Core executemany in chunks, not one ORM object at a time.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import random
import uuid

import sqlalchemy as sa

from services.checkins.models import MissStreak, Rhythm, Session

UTC = dt.timezone.utc
# The detector's clock in B7: a fixed moment, so every run sees the same due set.
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
GRACE = dt.timedelta(minutes=120)
DAY, HOUR, MINUTE = dt.timedelta(days=1), dt.timedelta(hours=1), dt.timedelta(minutes=1)
PEOPLE_PER_ORGANISATION = 500
SITES_PER_ORGANISATION = 3
CHUNK = 5000
KINDS = {"weekly_checkin": (dt.timedelta(days=7), "FREQ=WEEKLY", "Weekly check-in"),
         "monthly_review": (dt.timedelta(days=28), "FREQ=WEEKLY;INTERVAL=4", "Monthly review")}


@dataclasses.dataclass
class Expected:
    """What the detector must do with a seeded database, to check a run against."""
    due: int
    due_ids: set[str]
    due_per_person: collections.Counter
    streaks: dict[str, int]  # the miss_streaks table as seeded
    sessions: int  # all session rows
    counts: collections.Counter  # session rows per seeded category


@dataclasses.dataclass
class _Plan:
    id: str
    person_id: str
    organisation_id: str
    site_id: str | None
    kind: str
    expects_record: bool
    past: list[str] = dataclasses.field(default_factory=list)  # categories, see _session
    future: int = 0
    in_grace: bool = False


class Seeder:
    def __init__(self, due: int, seed: int):
        self.n, self.rng = due, random.Random(seed)
        rng = self.rng
        people = max(1, due // 4)
        orgs = [self._id() for _ in range(max(1, people // PEOPLE_PER_ORGANISATION))]
        sites = {org: [self._id() for _ in range(SITES_PER_ORGANISATION)] for org in orgs}
        self.plans: list[_Plan] = []
        for index in range(people):
            person, org = self._id(), orgs[index % len(orgs)]
            site = rng.choice(sites[org]) if rng.random() < 0.8 else None
            for kind in ("weekly_checkin",) + (("monthly_review",) if rng.random() < 0.5 else ()):
                self.plans.append(_Plan(self._id(), person, org, site, kind, expects_record=rng.random() >= 0.05))
        self.streaks = {p.person_id: rng.randint(0, 3) for p in self.plans if rng.random() < 0.5}
        self._distribute()

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _distribute(self) -> None:
        rng, n = self.rng, self.n
        recording = [p for p in self.plans if p.expects_record] or self.plans[:1]
        recording[0].expects_record = True
        silent = [p for p in self.plans if not p.expects_record]
        for category, count in (("due", n), ("completed", n // 2), ("cancelled", n // 10), ("missed", n // 10)):
            for _ in range(count):
                rng.choice(recording).past.append(category)
        in_grace = 0
        for plan in recording:
            plan.in_grace = rng.random() < 0.1
            in_grace += plan.in_grace
        for _ in range(max(0, 3 * n - in_grace)):
            rng.choice(recording).future += 1
        for index in range(n // 10 if silent else 0):
            plan = rng.choice(silent)
            if index % 2:
                plan.future += 1
            else:
                plan.past.append("no_record")

    def write(self, engine: sa.Engine) -> Expected:
        counts: collections.Counter = collections.Counter()
        due_ids, due_per_person = set(), collections.Counter()
        with engine.begin() as conn:
            _insert(conn, Rhythm.__table__, (self._rhythm(p) for p in self.plans))
            _insert(conn, MissStreak.__table__,
                    ({"person_id": person, "consecutive": c} for person, c in self.streaks.items()))

            def sessions():
                for plan in self.plans:
                    for category, row in self._sessions(plan):
                        counts[category] += 1
                        if category == "due":
                            due_ids.add(row["id"])
                            due_per_person[row["person_id"]] += 1
                        yield row
            _insert(conn, Session.__table__, sessions())
        return Expected(len(due_ids), due_ids, due_per_person, dict(self.streaks), sum(counts.values()), counts)

    def _rhythm(self, plan: _Plan) -> dict:
        period, rrule, title = KINDS[plan.kind]
        return {"id": plan.id, "organisation_id": plan.organisation_id, "site_id": plan.site_id,
                "person_id": plan.person_id, "kind": plan.kind, "title": title, "rrule": rrule,
                "first_start_local": (NOW - 52 * period).strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC",
                "duration_minutes": 60, "participants": [{"kind": "staff", "id": "bench-keyworker"}],
                "expects_record": plan.expects_record, "active": True, "planned_until": NOW + 12 * period,
                "created_by": "bench", "created_at": NOW - 400 * DAY, "updated_at": NOW - 400 * DAY, "version": 1}

    def _sessions(self, plan: _Plan):
        """(category, row) for every session of one rhythm: past ones at least a day ago,
        the in-grace one 90 minutes ago, future ones from an hour ahead; one per period."""
        rng = self.rng
        period = KINDS[plan.kind][0]
        past = list(plan.past)
        rng.shuffle(past)
        offset = rng.randrange(int((period - DAY) / MINUTE)) * MINUTE
        for index, category in enumerate(past):
            yield category, self._session(plan, category, NOW - (index + 1) * period + offset)
        if plan.in_grace:
            yield "in_grace", self._session(plan, "in_grace", NOW - 90 * MINUTE)
        offset = HOUR + rng.randrange(int((period - HOUR) / MINUTE)) * MINUTE
        category = "future" if plan.expects_record else "no_record"
        for index in range(plan.future):
            yield category, self._session(plan, category, NOW + index * period + offset)

    def _session(self, plan: _Plan, category: str, starts_at: dt.datetime) -> dict:
        rng = self.rng
        ends_at = starts_at + (30 if rng.random() < 0.5 else 60) * MINUTE
        missed_after = ends_at + GRACE if plan.expects_record else None
        past = starts_at < NOW
        row = {"id": self._id(), "rhythm_id": plan.id, "organisation_id": plan.organisation_id,
               "site_id": plan.site_id, "person_id": plan.person_id, "kind": plan.kind,
               "occurrence_key": starts_at.strftime("%Y-%m-%dT%H:%M:%S"), "starts_at": starts_at,
               "ends_at": ends_at, "missed_after": missed_after, "status": "scheduled",
               "rescheduled": rng.random() < 0.03, "cancel_reason": None, "record_id": None,
               "reminded_24h": past or starts_at - NOW <= DAY, "reminded_1h": past or starts_at - NOW <= HOUR,
               "missed_at": None, "consecutive_misses": None}
        if category == "completed":
            row.update(status="completed", record_id=self._id())
        elif category == "cancelled":
            row.update(status="cancelled", cancel_reason="The person asked to move it.")
        elif category == "missed":
            row.update(status="missed", missed_at=missed_after + 30 * dt.timedelta(seconds=1), consecutive_misses=1)
        return row


def _insert(conn: sa.Connection, table: sa.Table, rows) -> None:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            conn.execute(table.insert(), chunk)
            chunk = []
    if chunk:
        conn.execute(table.insert(), chunk)
