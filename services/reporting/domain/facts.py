"""What the KPIs are computed from: plain facts about one organisation, taken from the
projection rows (by SQL in the service, from a MemoryStore in unit tests)."""
from __future__ import annotations

import dataclasses
import datetime as dt

SUPPORTS_FOR_PRACTICAL = {"housing", "transport", "benefits", "employment"}


@dataclasses.dataclass(frozen=True)
class Person:
    person_id: str
    site_id: str  # '' for no site
    status: str | None
    registered_at: dt.datetime | None
    discharged_at: dt.datetime | None
    peer_worker_id: str | None
    has_clinical_lead: bool
    crisis_plan_signed: bool
    crisis_call_first: int
    practical_support_planned: bool

    def active_at(self, moment: dt.datetime) -> bool:
        """Registered by `moment` and not discharged by then."""
        if self.registered_at is None or self.registered_at > moment:
            return False
        return self.discharged_at is None or self.discharged_at > moment


@dataclasses.dataclass(frozen=True)
class Network:
    """What the person's map and schedule say, for the guide's checklist."""
    weekly_checkin: bool = False
    monthly_review: bool = False
    mutual_help: bool = False
    sober_social: bool = False
    practical_in_place: bool = False


@dataclasses.dataclass(frozen=True)
class Dated:
    """One dated record of a person: a check-in, a miss, a review or an attendance."""
    person_id: str
    site_id: str
    at: dt.datetime
    days_abstinent: int | None = None
    kind: str | None = None


@dataclasses.dataclass(frozen=True)
class Assessment:
    person_id: str
    site_id: str
    completed_at: dt.datetime
    barc10: int | None
    mspss: float | None
    housing: str | None
    employment: str | None


@dataclasses.dataclass
class Facts:
    persons: dict[str, Person]
    networks: dict[str, Network]
    checkins: list[Dated]
    misses: list[Dated]
    reviews: list[Dated]
    attendances: list[Dated]
    assessments: list[Assessment]
    peer_history: dict[str, list[tuple[dt.datetime, str | None]]]  # person -> [(from, staff)] by time
    daily: list[tuple[str, dt.date, str, int]]  # (site, day, metric, value)

    def for_site(self, site_id: str | None) -> "Facts":
        """The facts of one site ('' for persons without one); None: all of them."""
        return self if site_id is None else self.for_sites({site_id})

    def for_sites(self, site_ids: set[str]) -> "Facts":
        keep = lambda items: [i for i in items if i.site_id in site_ids]  # noqa: E731
        persons = {k: p for k, p in self.persons.items() if p.site_id in site_ids}
        return Facts(persons, self.networks, keep(self.checkins), keep(self.misses), keep(self.reviews),
                     keep(self.attendances), keep(self.assessments), self.peer_history,
                     [d for d in self.daily if d[0] in site_ids])

    def sites(self) -> list[str]:
        found = {p.site_id for p in self.persons.values()} | {c.site_id for c in self.checkins}
        return sorted(found)

    def peer_worker_at(self, person_id: str, moment: dt.datetime) -> str | None:
        holder = None
        for since, staff in self.peer_history.get(person_id, ()):
            if since > moment:
                break
            holder = staff
        if holder is None and not self.peer_history.get(person_id):
            person = self.persons.get(person_id)
            holder = person.peer_worker_id if person else None
        return holder


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)


def from_rows(rows: dict[str, list[dict]]) -> Facts:
    """Facts from projection rows, keyed by table name ('persons', 'checkins', ...)."""
    persons = {r["person_id"]: _person(r) for r in rows.get("persons", [])}
    history: dict[str, list] = {}
    for r in sorted(rows.get("peer_assignments", []), key=lambda r: r["assigned_at"]):
        history.setdefault(r["person_id"], []).append((r["assigned_at"], r["staff_id"]))
    return Facts(
        persons=persons,
        networks=_networks(rows.get("rhythms", []), rows.get("contacts", [])),
        checkins=[Dated(r["person_id"], r["site_id"], r["completed_at"], r.get("days_abstinent"))
                  for r in rows.get("checkins", [])],
        misses=[Dated(r["person_id"], r["site_id"], r["starts_at"], kind=r.get("kind")) for r in rows.get("misses", [])],
        reviews=[Dated(r["person_id"], r["site_id"], r["completed_at"]) for r in rows.get("reviews", [])],
        attendances=[Dated(r["person_id"], r["site_id"], _at(r["attended_on"]), kind=r.get("mode"))
                     for r in rows.get("attendances", [])],
        assessments=[Assessment(r["person_id"], r["site_id"], r["completed_at"], r.get("barc10_total"),
                                r.get("mspss_mean"), r.get("housing_status"), r.get("employment_status"))
                     for r in rows.get("assessments", [])],
        peer_history=history,
        daily=[(r["site_id"], r["day"], r["metric"], r["value"]) for r in rows.get("daily_counts", [])],
    )


def _person(r: dict) -> Person:
    return Person(
        person_id=r["person_id"], site_id=r.get("site_id") or "", status=r.get("status"),
        registered_at=r.get("registered_at"), discharged_at=r.get("discharged_at"),
        peer_worker_id=r.get("peer_worker_id"),
        has_clinical_lead=bool(r.get("clinical_lead_id") or r.get("clinical_lead_named")),
        crisis_plan_signed=r.get("crisis_plan_signed_at") is not None,
        crisis_call_first=r.get("crisis_call_first") or 0,
        practical_support_planned=bool(r.get("practical_support_planned")))


def _networks(rhythms: list[dict], contacts: list[dict]) -> dict[str, Network]:
    facts: dict[str, dict] = {}
    for r in rhythms:
        if r.get("active"):
            entry = facts.setdefault(r["person_id"], {})
            if r.get("kind") == "weekly_checkin":
                entry["weekly_checkin"] = True
            elif r.get("kind") == "monthly_review":
                entry["monthly_review"] = True
    for c in contacts:
        if c.get("removed") or c.get("label") == "risky":
            continue  # the guide's checklist counts trusted supports only
        entry = facts.setdefault(c["person_id"], {})
        supports = set(c.get("support_types") or ())
        entry["mutual_help"] = entry.get("mutual_help") or "mutual_help" in supports or c.get("role") == "mutual_help_group"
        entry["sober_social"] = entry.get("sober_social") or "sober_social" in supports
        entry["practical_in_place"] = (entry.get("practical_in_place") or c.get("role") == "practical_support"
                                       or bool(supports & SUPPORTS_FOR_PRACTICAL))
    return {person: Network(**values) for person, values in facts.items()}
