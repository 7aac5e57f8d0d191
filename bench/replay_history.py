"""B5's history: N realistic CloudEvents on the four topics the reporting projections read
(people.events, checkins.events, notifications.events, resources.events), and a bare
producer that puts them on a broker as fast as it can (setup, not timed against anything).

The organisation network: up to 5,000 people (one per 200 events, so a small N keeps the
same events per person) in 10 organisations with 3 sites each, one peer worker per 25
people and one clinical lead per 100, one directory listing per 20 people. Over the first
four weeks (onboarding) each person is registered, gets a peer worker and a clinical lead,
2 to 6 contacts, a signed crisis plan (80%), a weekly check-in rhythm (and a monthly review
rhythm for 60%) and an intake assessment. The rest of the N events, spread evenly over the
following two years, are the everyday traffic, each about a person drawn at random: weekly
check-ins (63%, days abstinent given 85% of the time), missed check-ins (12%), mutual-help
attendances (10%), notifications sent (8%) and failed (1%), monthly reviews (3%), review
assessments (1.5%), high risk flags (1%) and contact changes (0.5%).

Every event is a real Circles CloudEvent in binary mode: the payload shapes are what the
services publish (tests/support/reporting_history.py shows the minimal ones), the envelope
is shared.events.CloudEvent's own headers() and body(), the key is the person id (the
listing id for resources). Validating a million payloads with marshmallow would take
longer than the benchmark, so each type's payload is built once with build_event (the
producers' validation) as a template, and the events vary ids and times in a copy of it;
the first events of every type and then one in 1,000 are validated again both ways
(the schema's own validate(), as build_event does, and load_data, as the consumers do).
Deterministic: the same N and seed give the same events, ids included.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import random
import time
import uuid
from typing import Iterator

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from shared.events import CloudEvent, build_event, catalogue, load_data
from shared.messaging.kafka import bootstrap_list, ensure_topics

UTC = dt.timezone.utc
END = dt.datetime(2026, 11, 1, tzinfo=UTC)  # the history's last event is just before this
START = END - dt.timedelta(weeks=108)
ONBOARDING = dt.timedelta(weeks=4)  # setup events in the first four weeks, everyday traffic after

MAX_PERSONS = 5000
EVENTS_PER_PERSON = 200
ORGANISATIONS = 10
SITES_PER_ORGANISATION = 3
PERSONS_PER_PEER_WORKER = 25
PERSONS_PER_CLINICAL_LEAD = 100
PERSONS_PER_LISTING = 20
VALIDATE_EVERY = 1000  # after the first VALIDATE_FIRST of a type
VALIDATE_FIRST = 3

_P, _C = "circles.people.{}.v1", "circles.checkins.{}.v1"
REGISTERED = _P.format("person.registered")
PEER_WORKER = _P.format("person.peer_worker_assigned")
CLINICAL_LEAD = _P.format("person.clinical_lead_assigned")
CONTACT_ADDED = _P.format("contact.added")
CONTACT_UPDATED = _P.format("contact.updated")
CRISIS_PLAN = _P.format("crisis_plan.signed")
ASSESSMENT = _P.format("assessment.completed")
RHYTHM = _C.format("rhythm.created")
CHECKIN = _C.format("checkin.completed")
MISSED = _C.format("checkin.missed")
REVIEW = _C.format("review.completed")
ATTENDANCE = _C.format("attendance.recorded")
RISK = _C.format("risk.flagged")
SENT = "circles.notifications.notification.sent.v1"
FAILED = "circles.notifications.notification.failed.v1"
LISTING = "circles.resources.resource.published.v1"

# The everyday traffic after onboarding: (type, share).
BULK_MIX = ((CHECKIN, 0.63), (MISSED, 0.12), (ATTENDANCE, 0.10), (SENT, 0.08), (REVIEW, 0.03),
            (ASSESSMENT, 0.015), (FAILED, 0.01), (RISK, 0.01), (CONTACT_UPDATED, 0.005))

# Which projection table each type adds rows to (one row per event: its own id is the key).
ROWS_PER_TYPE = {REGISTERED: "persons", PEER_WORKER: "peer_assignments", CONTACT_ADDED: "contacts",
                 RHYTHM: "rhythms", CHECKIN: "checkins", MISSED: "misses", REVIEW: "reviews",
                 ATTENDANCE: "attendances", ASSESSMENT: "assessments", LISTING: "listings"}

CONTACT_ROLES = ("family", "partner", "friend", "peer", "sponsor", "practical_support", "mutual_help_group")
CIRCLES = ("inner", "middle", "outer")
LABELS = ("helpful", "helpful", "helpful", "mixed", "risky", "unknown")
SUPPORT_TYPES = ("mutual_help", "sober_social", "housing", "transport", "benefits", "employment", "emotional", "crisis")
HOUSING = ("stable", "temporary", "homeless", "institution", "unknown")
EMPLOYMENT = ("employed_full_time", "employed_part_time", "unemployed_seeking", "unemployed_not_seeking",
              "unable_to_work", "unknown")
RISK_KINDS = ("relapse", "suicidal_thoughts", "overdose_risk", "unsafe_housing", "violence")
CHANNELS = (("email", 0.6), ("sms", 0.25), ("inbox", 0.15))
NOTIFICATION_KINDS = (("checkin.missed.staff", "circles.checkins.checkin.missed.v1", "staff"),
                      ("session.upcoming.person", "circles.checkins.session.upcoming.v1", "person"),
                      ("risk.flagged.contact", "circles.checkins.risk.flagged.v1", "contact"),
                      ("assessment.due.staff", "circles.people.assessment.due.v1", "staff"))


@dataclasses.dataclass
class Expected:
    """What the projections must hold after replaying the history."""
    events: int = 0
    by_type: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    rows: dict[str, int] = dataclasses.field(default_factory=dict)  # projection table -> rows
    daily_keys: set = dataclasses.field(default_factory=set)  # (organisation, site, day, metric)
    daily_sums: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # metric -> sum
    persons: int = 0
    organisations: int = ORGANISATIONS
    sites: int = ORGANISATIONS * SITES_PER_ORGANISATION
    validated: int = 0  # events validated again with the schemas

    def finish(self) -> None:
        self.rows = {table: 0 for table in ROWS_PER_TYPE.values()}
        for type_name, table in ROWS_PER_TYPE.items():
            self.rows[table] += self.by_type[type_name]
        self.rows["daily_counts"] = len(self.daily_keys)
        self.rows["applied_events"] = self.events


@dataclasses.dataclass
class _Person:
    id: str
    organisation: str
    site: str | None
    rhythm: str = ""
    contacts: list = dataclasses.field(default_factory=list)


def persons_for(events: int) -> int:
    return max(10, min(MAX_PERSONS, events // EVENTS_PER_PERSON))


class History:
    """Iterate for (topic, key, value, headers) records; `expected` is complete afterwards."""

    def __init__(self, events: int, seed: int = 5):
        if events < 1:
            raise ValueError("a history needs at least one event")
        self.events = events
        self.seed = seed
        self.expected = Expected(persons=persons_for(events))
        self._templates: dict[str, dict] = {}
        self._topics: dict[str, str] = {}

    # --- ids and times ---------------------------------------------------------------
    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _at(self, seconds: float) -> dt.datetime:
        return START + dt.timedelta(seconds=int(seconds))

    # --- the records -----------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[str, bytes, bytes, list]]:
        self.rng = random.Random(self.seed)
        self.expected = Expected(persons=self.expected.persons)
        self._made: collections.Counter = collections.Counter()
        self._build_templates()
        self._network()
        produced, counts = 0, self.expected.by_type
        for event in self._events():
            produced += 1
            counts[event.type] += 1
            yield self._topics[event.type], event.key.encode(), event.body(), event.headers()
        self.expected.events = produced
        self.expected.finish()

    def _events(self) -> Iterator[CloudEvent]:
        setup = list(self._onboarding())
        yield from setup[:self.events]
        bulk = self.events - min(len(setup), self.events)
        if bulk <= 0:
            return
        types, weights = zip(*BULK_MIX)
        start = ONBOARDING.total_seconds()
        step = ((END - START).total_seconds() - start - 1) / bulk
        builders = {CHECKIN: self._checkin, MISSED: self._missed, ATTENDANCE: self._attendance, SENT: self._sent,
                    REVIEW: self._review, ASSESSMENT: self._assessment, FAILED: self._failed, RISK: self._risk,
                    CONTACT_UPDATED: self._contact}
        for i, type_name in enumerate(self.rng.choices(types, weights, k=bulk)):
            person = self.persons[self.rng.randrange(len(self.persons))]
            yield builders[type_name](person, self._at(start + i * step))

    def _network(self) -> None:
        rng = self.rng
        self.organisations = [self._uuid() for _ in range(ORGANISATIONS)]
        self.sites = {org: [self._uuid() for _ in range(SITES_PER_ORGANISATION)] for org in self.organisations}
        self.persons = []
        for i in range(self.expected.persons):
            org = self.organisations[i % ORGANISATIONS]
            site = rng.choice(self.sites[org]) if rng.random() < 0.9 else None
            self.persons.append(_Person(self._uuid(), org, site))
        per_org = max(1, self.expected.persons // ORGANISATIONS)
        self.peer_workers = {org: [self._uuid() for _ in range(max(1, per_org // PERSONS_PER_PEER_WORKER))]
                             for org in self.organisations}
        self.clinical_leads = {org: [self._uuid() for _ in range(max(1, per_org // PERSONS_PER_CLINICAL_LEAD))]
                               for org in self.organisations}

    def _onboarding(self) -> Iterator[CloudEvent]:
        rng = self.rng
        window = ONBOARDING.total_seconds() - 3600
        for number, person in enumerate(self.persons):
            at = self._at(number * window / len(self.persons))
            yield self._registered(person, at, number)
            yield self._assigned(PEER_WORKER, person, rng.choice(self.peer_workers[person.organisation]), at)
            yield self._assigned(CLINICAL_LEAD, person, rng.choice(self.clinical_leads[person.organisation]), at)
            for _ in range(rng.randint(2, 6)):
                yield self._contact(person, at, CONTACT_ADDED)
            if rng.random() < 0.8:
                yield self._crisis_plan(person, at + dt.timedelta(minutes=20))
            yield self._rhythm(person, at + dt.timedelta(minutes=25), "weekly_checkin", "FREQ=WEEKLY")
            if rng.random() < 0.6:
                yield self._rhythm(person, at + dt.timedelta(minutes=26), "monthly_review", "FREQ=MONTHLY")
            yield self._assessment(person, at + dt.timedelta(minutes=30), kind="intake")
        for number in range(max(3, len(self.persons) // PERSONS_PER_LISTING)):
            yield self._listing(self._at(window + number))

    # --- one event -------------------------------------------------------------------
    def _event(self, type_name: str, subject: str, at: dt.datetime, changes: dict) -> CloudEvent:
        data = dict(self._templates[type_name])
        data.update(changes)
        counts = self._made
        counts[type_name] += 1
        event = CloudEvent(type=type_name, source=f"/circles/{type_name.split('.')[1]}", data=data,
                           subject=subject, id=self._uuid(), time=at,
                           correlation_id="%032x" % self.rng.getrandbits(128))
        if counts[type_name] <= VALIDATE_FIRST or counts[type_name] % VALIDATE_EVERY == 0:
            self._validate(event)
        return event

    def _validate(self, event: CloudEvent) -> None:
        template = self._templates[event.type]
        errors = catalogue.get(event.type).schema().validate(event.data)  # build_event's check
        if errors or set(event.data) != set(template):
            raise AssertionError(f"B5 history: invalid {event.type} payload {event.data}: {errors}")
        load_data(event)  # the consumers' check; raises InvalidEventData
        self.expected.validated += 1

    def _scoped(self, person: _Person) -> dict:
        return {"person_id": person.id, "organisation_id": person.organisation, "site_id": person.site}

    def _registered(self, person: _Person, at: dt.datetime, number: int) -> CloudEvent:
        return self._event(REGISTERED, person.id, at, {
            **self._scoped(person), "status": "active", "registered_at": at.isoformat(),
            "display_name": f"Person {number:05d}", "phone": f"+4477009{number:05d}",
            "email": f"person{number:05d}@example.org" if self.rng.random() < 0.7 else None,
            "preferred_method": "phone" if self.rng.random() < 0.6 else "email",
            "clinical_lead_named": self.rng.random() < 0.9, "practical_support_planned": self.rng.random() < 0.5})

    def _assigned(self, type_name: str, person: _Person, staff: str, at: dt.datetime) -> CloudEvent:
        return self._event(type_name, person.id, at, {
            "person_id": person.id, "organisation_id": person.organisation, "staff_id": staff,
            "assigned_at": at.isoformat()})

    def _contact(self, person: _Person, at: dt.datetime, type_name: str = CONTACT_UPDATED) -> CloudEvent:
        rng = self.rng
        if type_name == CONTACT_ADDED or not person.contacts:
            type_name = CONTACT_ADDED
            contact = self._uuid()
            person.contacts.append(contact)
        else:
            contact = rng.choice(person.contacts)
        return self._event(type_name, person.id, at, {
            "person_id": person.id, "organisation_id": person.organisation, "contact_id": contact,
            "role": rng.choice(CONTACT_ROLES), "circle": rng.choice(CIRCLES), "label": rng.choice(LABELS),
            "is_backup": rng.random() < 0.2, "support_types": rng.sample(SUPPORT_TYPES, rng.randint(0, 3)),
            "phone": f"+4477008{rng.randrange(100000):05d}", "changed_at": at.isoformat()})

    def _crisis_plan(self, person: _Person, at: dt.datetime) -> CloudEvent:
        call_first = [{"order": n, "contact_id": contact, "when": "any"}
                      for n, contact in enumerate(person.contacts[:self.rng.randint(1, 2)], 1)]
        return self._event(CRISIS_PLAN, person.id, at, {
            "person_id": person.id, "organisation_id": person.organisation, "call_first": call_first,
            "signed_at": at.isoformat()})

    def _rhythm(self, person: _Person, at: dt.datetime, kind: str, rrule: str) -> CloudEvent:
        rhythm = self._uuid()
        if kind == "weekly_checkin":
            person.rhythm = rhythm
        return self._event(RHYTHM, person.id, at, {
            **self._scoped(person), "rhythm_id": rhythm, "kind": kind, "rrule": rrule,
            "first_start_local": f"2024-10-{7 + self.rng.randrange(5):02d}T{9 + self.rng.randrange(8):02d}:00",
            "participants": [{"kind": "staff", "id": self.peer_workers[person.organisation][0]}]})

    def _assessment(self, person: _Person, at: dt.datetime, kind: str = "review") -> CloudEvent:
        rng = self.rng
        barc10 = rng.randint(10, 60)
        return self._event(ASSESSMENT, person.id, at, {
            **self._scoped(person), "assessment_id": self._uuid(), "kind": kind,
            "scores": {"barc10": {"total": barc10, "meets_cutoff": barc10 >= 47},
                       "mspss": {"total_mean": round(rng.uniform(1, 7), 2)}},
            "housing_status": rng.choice(HOUSING), "employment_status": rng.choice(EMPLOYMENT),
            "completed_at": at.isoformat(), "next_due_at": (at + dt.timedelta(days=90)).isoformat()})

    def _checkin(self, person: _Person, at: dt.datetime) -> CloudEvent:
        rng = self.rng
        return self._event(CHECKIN, person.id, at, {
            **self._scoped(person), "checkin_id": self._uuid(),
            "session_id": self._uuid() if rng.random() < 0.7 else None, "completed_at": at.isoformat(),
            "wellbeing": rng.randint(1, 10),
            "days_abstinent_last_30": rng.randint(0, 30) if rng.random() < 0.85 else None,
            "source": "staff" if rng.random() < 0.75 else "self"})

    def _missed(self, person: _Person, at: dt.datetime) -> CloudEvent:
        return self._event(MISSED, person.id, at, {
            **self._scoped(person), "session_id": self._uuid(), "rhythm_id": person.rhythm,
            "starts_at": at.isoformat(),
            "consecutive_misses": 1 if self.rng.random() < 0.7 else self.rng.randint(2, 4)})

    def _review(self, person: _Person, at: dt.datetime) -> CloudEvent:
        return self._event(REVIEW, person.id, at, {
            **self._scoped(person), "review_id": self._uuid(), "session_id": self._uuid(),
            "completed_at": at.isoformat()})

    def _attendance(self, person: _Person, at: dt.datetime) -> CloudEvent:
        return self._event(ATTENDANCE, person.id, at, {
            **self._scoped(person), "attendance_id": self._uuid(),
            "mode": "in_person" if self.rng.random() < 0.7 else "online", "attended_on": at.date().isoformat()})

    def _risk(self, person: _Person, at: dt.datetime) -> CloudEvent:
        rng = self.rng
        self._count_daily(person.organisation, person.site or "", at, "risk_flags_high")
        return self._event(RISK, person.id, at, {
            **self._scoped(person), "flag_ids": [self._uuid()], "kinds": [rng.choice(RISK_KINDS)],
            "source": "staff" if rng.random() < 0.8 else "self", "checkin_id": self._uuid(),
            "raised_at": at.isoformat()})

    def _notification(self, person: _Person, at: dt.datetime, outcome: str) -> CloudEvent:
        rng = self.rng
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        kind, source_type, recipient_kind = rng.choice(NOTIFICATION_KINDS)
        for metric in (f"notifications_{outcome}", f"notifications_{outcome}_{channel}"):
            self._count_daily(person.organisation, "", at, metric)
        return self._event(SENT if outcome == "sent" else FAILED, person.id, at, {
            "delivery_id": self._uuid(), "organisation_id": person.organisation, "person_id": person.id,
            "source_event_id": self._uuid(), "source_type": source_type, "kind": kind,
            "recipient_kind": recipient_kind, "recipient_id": self._uuid(), "channel": channel,
            "attempts": 1 if outcome == "sent" else 5, "reason": None if outcome == "sent" else "smtp 550",
            "urgent": kind.startswith("risk."), "at": at.isoformat()})

    def _sent(self, person: _Person, at: dt.datetime) -> CloudEvent:
        return self._notification(person, at, "sent")

    def _failed(self, person: _Person, at: dt.datetime) -> CloudEvent:
        return self._notification(person, at, "failed")

    def _listing(self, at: dt.datetime) -> CloudEvent:
        rng = self.rng
        listing, org = self._uuid(), rng.choice(self.organisations)
        return self._event(LISTING, listing, at, {
            "listing_id": listing, "organisation_id": org, "site_id": rng.choice(self.sites[org] + [None]),
            "kind": "meeting", "slug": f"meeting-{listing[:8]}", "fellowship": rng.choice(("AA", "NA", "CA", None)),
            "attendance": rng.choice(("in_person", "online", "hybrid"))})

    def _count_daily(self, organisation: str, site: str, at: dt.datetime, metric: str) -> None:
        self.expected.daily_keys.add((organisation, site, at.date(), metric))
        self.expected.daily_sums[metric] += 1

    # --- templates ---------------------------------------------------------------------
    def _build_templates(self) -> None:
        """One payload per type through build_event: validated, JSON-ready, every field the
        services publish; the events vary copies of these."""
        org, site, person, other = (str(uuid.UUID(int=n, version=4)) for n in range(1, 5))
        at = START
        scoped = {"person_id": person, "organisation_id": org, "site_id": site}
        ref = {"person_id": person, "organisation_id": org}
        samples = {
            REGISTERED: {**scoped, "status": "active", "timezone": "Europe/London", "region": "GB",
                         "preferred_method": "phone", "display_name": "Person", "phone": "+447700900000",
                         "email": "person@example.org", "clinical_lead_named": True,
                         "practical_support_planned": False, "registered_at": at},
            PEER_WORKER: {**ref, "staff_id": other, "assigned_at": at},
            CLINICAL_LEAD: {**ref, "staff_id": other, "assigned_at": at},
            CONTACT_ADDED: self._contact_sample(ref, other, at),
            CONTACT_UPDATED: self._contact_sample(ref, other, at),
            CRISIS_PLAN: {**ref, "version": 1, "region": "GB", "signed_at": at,
                          "call_first": [{"order": 1, "contact_id": other, "when": "any"}]},
            ASSESSMENT: {**scoped, "assessment_id": other, "kind": "review", "scores": {},
                         "housing_status": "stable", "employment_status": "unknown", "completed_at": at,
                         "next_due_at": at},
            RHYTHM: {**scoped, "rhythm_id": other, "kind": "weekly_checkin", "rrule": "FREQ=WEEKLY",
                     "first_start_local": "2024-10-07T10:00", "timezone": "Europe/London", "duration_minutes": 30,
                     "participants": [], "expects_record": True, "active": True, "version": 1},
            CHECKIN: {**scoped, "checkin_id": other, "session_id": None, "completed_at": at, "wellbeing": 6,
                      "days_abstinent_last_30": 20, "medication_adherence": None, "risk_flags": [],
                      "source": "staff"},
            MISSED: {**scoped, "session_id": other, "rhythm_id": other, "kind": "weekly_checkin", "starts_at": at,
                     "consecutive_misses": 1},
            REVIEW: {**scoped, "review_id": other, "session_id": None, "completed_at": at},
            ATTENDANCE: {**scoped, "attendance_id": other, "directory_event_id": None, "mode": "in_person",
                         "attended_on": at.date()},
            RISK: {**scoped, "flag_ids": [other], "region": "GB", "severity": "high", "kinds": ["relapse"],
                   "source": "staff", "checkin_id": None, "raised_at": at},
            SENT: self._delivery_sample(ref, other, at),
            FAILED: self._delivery_sample(ref, other, at),
            LISTING: {"listing_id": other, "organisation_id": org, "site_id": site, "kind": "meeting",
                      "slug": "meeting", "name": "Tuesday group", "status": "published", "fellowship": "AA",
                      "attendance": "in_person", "timezone": "Europe/London", "version": 1},
        }
        for type_name, data in samples.items():
            event = build_event(type_name, data, source="/bench", subject=person, time=at)
            self._templates[type_name] = event.data
            self._topics[type_name] = catalogue.get(type_name).topic

    @staticmethod
    def _contact_sample(ref: dict, contact: str, at: dt.datetime) -> dict:
        return {**ref, "contact_id": contact, "role": "friend", "circle": "middle", "label": "helpful",
                "is_backup": False, "support_types": [], "agreed_to_contact": True, "name": "A friend",
                "preferred_method": "phone", "phone": "+447700800000", "email": None, "texts_ok": True,
                "calls_ok": True, "hours_start": "09:00", "hours_end": "21:00", "changed_at": at}

    @staticmethod
    def _delivery_sample(ref: dict, other: str, at: dt.datetime) -> dict:
        return {**ref, "delivery_id": other, "source_event_id": other,
                "source_type": "circles.checkins.checkin.missed.v1", "kind": "checkin.missed.staff",
                "recipient_kind": "staff", "recipient_id": other, "channel": "email", "attempts": 1,
                "reason": None, "urgent": False, "at": at}


TOPICS = sorted({catalogue.get(t).topic for t in (REGISTERED, CHECKIN, SENT, LISTING)})
PRODUCER_CONFIG = dict(acks=1, enable_idempotence=False, linger_ms=20, batch_size=512 * 1024,
                       max_in_flight_requests_per_connection=5, max_request_size=8 * 1024 * 1024,
                       max_block_ms=120000, request_timeout_ms=60000)
CHECK_EVERY = 50000


def topic_sizes(bootstrap: str) -> dict[str, int]:
    """Records per topic now (end - beginning offsets over its partitions)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_list(bootstrap), client_id="bench-b5-sizes",
                             enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for topic in TOPICS
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        ends, begins = consumer.end_offsets(partitions), consumer.beginning_offsets(partitions)
        sizes = dict.fromkeys(TOPICS, 0)
        for tp in partitions:
            sizes[tp.topic] += ends[tp] - begins[tp]
        return sizes
    finally:
        consumer.close()


def produce(bootstrap: str, history: History, timeout: float) -> dict[str, float]:
    """Produce the whole history; the topics must exist and be empty (a replay reads them from
    the start). Returns the seconds taken and the records per topic."""
    ensure_topics(bootstrap, TOPICS)
    before = topic_sizes(bootstrap)
    if any(before.values()):
        raise RuntimeError(f"B5 needs empty topics to replay exactly its history; found {before}")
    producer = KafkaProducer(bootstrap_servers=bootstrap_list(bootstrap), client_id="bench-b5-history",
                             **PRODUCER_CONFIG)
    per_topic: collections.Counter = collections.Counter()
    started = time.perf_counter()
    try:
        pending = []
        for topic, key, value, headers in history:
            pending.append(producer.send(topic, key=key, value=value, headers=headers))
            per_topic[topic] += 1
            if len(pending) >= CHECK_EVERY:
                _settle(producer, pending, timeout)
        _settle(producer, pending, timeout)
        elapsed = time.perf_counter() - started
    finally:
        producer.close(timeout=10)
    return {"produce_s": elapsed, **{f"topic:{t}": n for t, n in per_topic.items()}}


def _settle(producer: KafkaProducer, pending: list, timeout: float) -> None:
    producer.flush(timeout=timeout)
    failed = [future for future in pending if not future.succeeded()]
    if failed:
        raise RuntimeError(f"B5 history: {len(failed)} sends failed, first: {failed[0].exception}")
    pending.clear()
