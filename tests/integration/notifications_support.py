"""A notifications world for tests: people events applied through the service's own
read-model handlers, source events routed as the consumer would, and the dispatcher
sending to a real SMTP server and a real HTTP SMS sink."""
from __future__ import annotations

import dataclasses
import json
import uuid

from sqlalchemy import select

from services.notifications.channels.config import (
    ChannelConfig, SmsConfig, SmtpConfig, WebhookConfig, build_channels,
)
from services.notifications.links import Links
from services.notifications.usecases.dispatch import Dispatcher
from services.notifications.usecases.read_model import HANDLERS
from services.notifications.usecases.routing import route
from services.notifications.usecases.subscriptions import ROUTED
from shared.events import build_event
from shared.events.catalogue import load_data
from tests.support.tokens import ORG_A, bearer

WEBHOOK_SECRET = "a webhook secret shared with the care team's chat"


@dataclasses.dataclass
class PersonFixture:
    id: str
    peer_worker: str
    clinician: str
    sister: str  # a family contact who agreed, texts OK
    sponsor: str  # a contact who agreed, email only


class NotificationsWorld:
    def __init__(self, runtime, clock, smtp, sms, org: str = ORG_A, client=None):
        self.runtime, self.clock, self.org, self.client = runtime, clock, org, client
        self.settings = runtime.settings
        self.smtp, self.sms = smtp, sms
        self.dispatcher = Dispatcher(build_channels(ChannelConfig(
            smtp=SmtpConfig(port=smtp.port, timeout=5), sms=SmsConfig(url=f"{sms.url}/sms", token="t", timeout=5),
            webhook=WebhookConfig(secret=WEBHOOK_SECRET, timeout=5))))

    # --- people.events -------------------------------------------------------------
    def apply(self, kind: str, subject: str, **data) -> None:
        event = build_event(f"circles.people.{kind}.v1", {"organisation_id": self.org, **data},
                            source="/circles/people", subject=subject, time=self.clock.now())
        with self.runtime.uow() as uow:
            HANDLERS[event.type](uow, event, load_data(event))
            uow.commit()

    def staff(self, role: str, site_ids: tuple[str, ...] = ()) -> str:
        staff_id = str(uuid.uuid4())
        self.apply("staff.registered", staff_id, staff_id=staff_id, role=role, site_ids=list(site_ids),
                   display_name=f"{role.title()} {staff_id[:4]}", email=f"{role}-{staff_id[:8]}@org.example",
                   registered_at=self.clock.now())
        return staff_id

    def contact(self, person: str, name: str, role: str, **reach) -> str:
        contact_id = str(uuid.uuid4())
        self.apply("contact.added", person, person_id=person, contact_id=contact_id, role=role, circle="inner",
                   label="helpful", is_backup=False, support_types=["emotional"], agreed_to_contact=True, name=name,
                   changed_at=self.clock.now(), **{"preferred_method": "text", "phone": None, "email": None,
                                                   "texts_ok": False, "calls_ok": False, "hours_start": None,
                                                   "hours_end": None, **reach})
        return contact_id

    def person(self, timezone: str = "Europe/London", region: str = "GB") -> PersonFixture:
        person = str(uuid.uuid4())
        self.apply("person.registered", person, person_id=person, site_id=None, status="active", timezone=timezone,
                   region=region, registered_at=self.clock.now(), display_name="Sam", preferred_method="text",
                   phone="+447700900001", email=None)
        peer, clinician = self.staff("peer_worker"), self.staff("clinician")
        self.apply("person.peer_worker_assigned", person, person_id=person, staff_id=peer, assigned_at=self.clock.now())
        self.apply("person.clinical_lead_assigned", person, person_id=person, staff_id=clinician,
                   assigned_at=self.clock.now())
        sister = self.contact(person, "Kim", "family", phone="+447700900002", texts_ok=True,
                              hours_start="08:00", hours_end="22:00")
        sponsor = self.contact(person, "Jo", "sponsor", preferred_method="email", email="jo@example.net")
        return PersonFixture(person, peer, clinician, sister, sponsor)

    def consent(self, person: PersonFixture, recipients: list[str], data_classes: list[str], purposes: list[str],
                state: str = "granted", version: int = 1, consent_id: str | None = None, expires_at=None) -> str:
        consent_id = consent_id or str(uuid.uuid4())
        extra = {"revoked_at": self.clock.now()} if state == "revoked" else {}
        self.apply(f"consent.{state}", person.id, person_id=person.id, consent_id=consent_id, version=version,
                   recipients=recipients, data_classes=data_classes, purposes=purposes, expires_at=expires_at,
                   expiry_event=None if expires_at else "end_of_treatment", **extra)
        return consent_id

    def crisis_plan(self, person: PersonFixture, call_first: list[tuple[str, str]]) -> None:
        self.apply("crisis_plan.signed", person.id, person_id=person.id, version=1, region="GB",
                   call_first=[{"order": i + 1, "contact_id": c, "when": w} for i, (c, w) in enumerate(call_first)],
                   signed_at=self.clock.now())

    # --- routing and dispatch ------------------------------------------------------------
    def source(self, type_name: str, subject: str, **data):
        publisher = type_name.split(".")[1]  # circles.<service>.…
        event = build_event(type_name, {"organisation_id": self.org, **data}, source=f"/circles/{publisher}",
                            subject=subject, time=self.clock.now())
        with self.runtime.uow() as uow:
            route(uow, ROUTED[type_name], event, load_data(event), Links())
            uow.commit()
        return event

    def missed(self, person: PersonFixture, consecutive: int = 1):
        return self.source("circles.checkins.checkin.missed.v1", person.id, person_id=person.id, site_id=None,
                           session_id=str(uuid.uuid4()), rhythm_id=str(uuid.uuid4()), kind="weekly_checkin",
                           starts_at=self.clock.now(), consecutive_misses=consecutive)

    def dispatch(self) -> int:
        total = 0
        while True:
            with self.runtime.uow() as uow:
                done = self.dispatcher.run_once(uow)
            total += done
            if not done:
                return total

    def deliveries(self, **where) -> list:
        from services.notifications.models import Delivery
        with self.runtime.uow() as uow:
            query = select(Delivery).order_by(Delivery.created_at, Delivery.position)
            for name, value in where.items():
                query = query.where(getattr(Delivery, name) == value)
            return list(uow.session.scalars(query))

    def events(self, suffix: str) -> list[dict]:
        outbox = self.runtime.spec.outbox
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.payload).where(
                outbox.c.event_type == f"circles.notifications.notification.{suffix}.v1").order_by(outbox.c.id))
            return [json.loads(row.payload) for row in rows]

    def headers(self, role: str = "coordinator", subject: str | None = None, **kwargs) -> dict:
        return bearer(self.settings, role=role, org=self.org, subject=subject or str(uuid.uuid4()), **kwargs)
