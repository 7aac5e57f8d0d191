"""B4's fixtures: the people the crisis path reaches (applied through the notifications
read model's own handlers), the risk.flagged events it is fed, an SMTP server that stamps
each arrival, and the percentile helpers the report uses."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import math
import time
import uuid

from services.notifications.spec import SPEC
from services.notifications.usecases import read_model
from shared import correlation
from shared.events import build_event, load_data
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.support.smtp_server import SmtpTestServer

RISK_FLAGGED = "circles.checkins.risk.flagged.v1"
CHECKINS_SOURCE = "/circles/checkins"
PEOPLE_SOURCE = "/circles/people"
PERSONS_PER_PEER_WORKER = 10
PERSONS_PER_CLINICAL_LEAD = 25
SEED_COMMIT_EVERY = 100


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def stats(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p99": percentile(values, 99), "max": max(values),
            "mean": sum(values) / len(values), "n": len(values)}


def risk_flagged(person_id: str, organisation_id: str, region: str = "GB"):
    now = dt.datetime.now(dt.timezone.utc)
    return build_event(RISK_FLAGGED, {
        "person_id": person_id, "organisation_id": organisation_id, "site_id": None,
        "flag_ids": [str(uuid.uuid4())], "region": region, "severity": "high", "kinds": ["overdose_risk"],
        "source": "staff", "checkin_id": str(uuid.uuid4()), "raised_at": now,
    }, source=CHECKINS_SOURCE, subject=person_id, time=now, correlation_id=correlation.new_id())


@dataclasses.dataclass
class World:
    organisation_id: str
    persons: list[str]
    contact_email: dict[str, str]  # person id -> the crisis contact's address


class Seeder:
    """People events applied through the service's own read-model handlers (as the
    notifications.people consumer would), SEED_COMMIT_EVERY people per transaction."""

    def __init__(self, runtime: Runtime, organisation_id: str):
        self.runtime, self.org = runtime, organisation_id
        self.now = dt.datetime.now(dt.timezone.utc)
        self.staff: dict[tuple[str, int], str] = {}
        self.uow = None

    def apply(self, kind: str, subject: str, **data) -> None:
        event = build_event(f"circles.people.{kind}.v1", {"organisation_id": self.org, **data},
                            source=PEOPLE_SOURCE, subject=subject, time=self.now)
        read_model.HANDLERS[event.type](self.uow, event, load_data(event))
        self.uow.session.flush()  # the next handler may read what this one merged

    def staff_member(self, role: str, number: int) -> str:
        if (role, number) not in self.staff:
            staff_id = self.staff[(role, number)] = str(uuid.uuid4())
            self.apply("staff.registered", staff_id, staff_id=staff_id, role=role, site_ids=[],
                       display_name=f"{role.replace('_', ' ').title()} {number}",
                       email=f"{role}-{number}@org.example", registered_at=self.now)
        return self.staff[(role, number)]

    def person(self, i: int, world: "World") -> None:
        now, person, contact = self.now, str(uuid.uuid4()), str(uuid.uuid4())
        email = f"crisis-contact-{i}@example.net"
        self.apply("person.registered", person, person_id=person, site_id=None, status="active",
                   timezone="Europe/London", region="GB", registered_at=now, display_name=f"Person {i}",
                   preferred_method="text", phone="+447700900001", email=None)
        self.apply("person.peer_worker_assigned", person, person_id=person, assigned_at=now,
                   staff_id=self.staff_member("peer_worker", i // PERSONS_PER_PEER_WORKER))
        self.apply("person.clinical_lead_assigned", person, person_id=person, assigned_at=now,
                   staff_id=self.staff_member("clinician", i // PERSONS_PER_CLINICAL_LEAD))
        self.apply("contact.added", person, person_id=person, contact_id=contact, role="sponsor", circle="inner",
                   label="helpful", is_backup=False, support_types=["emotional"], agreed_to_contact=True,
                   name=f"Contact {i}", changed_at=now, preferred_method="email", phone=None, email=email,
                   texts_ok=False, calls_ok=False, hours_start=None, hours_end=None)
        self.apply("consent.granted", person, person_id=person, consent_id=str(uuid.uuid4()), version=1,
                   recipients=["crisis_contacts"], data_classes=["crisis_plan"], purposes=["crisis_response"],
                   expires_at=None, expiry_event="end_of_treatment")
        self.apply("crisis_plan.signed", person, person_id=person, version=1, region="GB",
                   call_first=[{"order": 1, "contact_id": contact, "when": "any"}], signed_at=now)
        world.persons.append(person)
        world.contact_email[person] = email

    def write(self, count: int) -> "World":
        world = World(self.org, [], {})
        for start in range(0, count, SEED_COMMIT_EVERY):
            with self.runtime.uow() as self.uow:
                for i in range(start, min(count, start + SEED_COMMIT_EVERY)):
                    self.person(i, world)
                self.uow.commit()
        return world


def seed(url: str, count: int) -> World:
    """`count` people in one fresh organisation: each with a peer worker (one per
    PERSONS_PER_PEER_WORKER people) and a clinical lead (one per PERSONS_PER_CLINICAL_LEAD),
    both staff with an email address, one crisis contact with an email address, a consent
    for crisis_contacts / crisis_plan / crisis_response and a crisis plan calling the
    contact first at any time of day."""
    runtime = Runtime(SPEC, load_settings(SPEC.name).with_overrides(database_url=url))
    try:
        return Seeder(runtime, str(uuid.uuid4())).write(count)
    finally:
        runtime.dispose()


class ArrivalSmtpServer(SmtpTestServer):
    """The tests' aiosmtpd server; each message is stamped when its DATA is complete (just
    before the 250 reply) and kept raw, parsed only after the run."""

    def __init__(self):
        super().__init__()
        self.arrivals: list[tuple[float, bytes, tuple[str, ...]]] = []
        self._recipients: collections.Counter = collections.Counter()

    def record(self, envelope) -> None:
        at = time.time()
        self.arrivals.append((at, envelope.original_content or envelope.content, tuple(envelope.rcpt_tos)))
        self._recipients.update(envelope.rcpt_tos)

    def received(self, address: str) -> bool:
        return self._recipients[address] > 0
