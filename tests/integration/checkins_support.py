"""A small check-ins world for tests: people events applied through the service's own
read-model handlers (as the consumer would), plus tokens for its staff."""
from __future__ import annotations

import dataclasses
import json
import uuid

from sqlalchemy import select

from services.checkins.people_feed import HANDLERS
from shared.events import build_event
from shared.events.catalogue import load_data
from tests.support.tokens import ORG_A, bearer


@dataclasses.dataclass
class Staff:
    id: str
    role: str


@dataclasses.dataclass
class PersonFixture:
    id: str
    peer_worker: Staff
    clinician: Staff
    contact_id: str


class CheckinsWorld:
    def __init__(self, runtime, clock, org: str = ORG_A, client=None):
        self.runtime, self.clock, self.org, self.client = runtime, clock, org, client
        self.settings = runtime.settings

    def run(self, job) -> int:
        """Run one scheduled job once, as the worker would."""
        with self.runtime.uow() as uow:
            return job(uow)

    def apply(self, kind: str, subject: str, **data) -> None:
        event = build_event(f"circles.people.{kind}.v1", {"organisation_id": self.org, **data},
                            source="/circles/people", subject=subject, time=self.clock.now())
        with self.runtime.uow() as uow:
            HANDLERS[event.type](uow, event, load_data(event))
            uow.commit()

    def staff(self, role: str, sites=()) -> Staff:
        staff = Staff(str(uuid.uuid4()), role)
        self.apply("staff.registered", staff.id, staff_id=staff.id, role=role, site_ids=list(sites),
                   display_name=f"{role.replace('_', ' ').title()} {staff.id[:4]}", email=f"{staff.id[:8]}@example.org",
                   registered_at=self.clock.now())
        return staff

    def person(self, timezone: str = "Europe/London", region: str = "GB", site: str | None = None,
               status: str = "active") -> PersonFixture:
        person = str(uuid.uuid4())
        self.apply("person.registered", person, person_id=person, site_id=site, status=status, timezone=timezone,
                   region=region, registered_at=self.clock.now())
        peer, clinician = self.staff("peer_worker"), self.staff("clinician")
        self.apply("person.peer_worker_assigned", person, person_id=person, staff_id=peer.id,
                   assigned_at=self.clock.now())
        self.apply("person.clinical_lead_assigned", person, person_id=person, staff_id=clinician.id,
                   assigned_at=self.clock.now())
        contact = str(uuid.uuid4())
        self.apply("contact.added", person, person_id=person, contact_id=contact, role="family", circle="inner",
                   label="helpful", is_backup=False, support_types=["emotional"], agreed_to_contact=True,
                   name="Sam", preferred_method="text", phone="07700 900123", email=None, texts_ok=True,
                   calls_ok=True, hours_start="09:00", hours_end="20:00", changed_at=self.clock.now())
        return PersonFixture(person, peer, clinician, contact)

    def discharge(self, person: PersonFixture) -> None:
        self.apply("person.status_changed", person.id, person_id=person.id, from_status="active",
                   to_status="discharged", changed_at=self.clock.now())

    def headers(self, role: str = "coordinator", subject: str | None = None, **kwargs) -> dict:
        return bearer(self.settings, role=role, org=self.org, subject=subject or str(uuid.uuid4()), **kwargs)

    def as_staff(self, staff: Staff) -> dict:
        return self.headers(role=staff.role, subject=staff.id)

    def events(self, type_suffix: str) -> list[dict]:
        """Data of the outbox events of one type, oldest first."""
        outbox = self.runtime.spec.outbox
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.payload).where(
                outbox.c.event_type == f"circles.checkins.{type_suffix}.v1").order_by(outbox.c.id)).all()
        return [json.loads(row.payload) for row in rows]
