"""Network health: the guide's "final checklist" and "common pitfalls" for one person.

Pure: it reads a snapshot of facts and says, item by item, pass, fail or unknown, with a
reason a peer worker can act on. "Unknown" is never counted as a pass.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from services.people.domain.network import CIRCLES, CONTACT_ROLES, LABELS, PRACTICAL_SUPPORT_TYPES, SUPPORT_TYPES

INTAKE_ASSESSMENT_DAYS = 30  # the baseline assessment is due within 30 days of intake


@dataclasses.dataclass(frozen=True)
class ContactFacts:
    name_ref: str
    role: str
    circle: str
    label: str
    is_backup: bool = False
    support_types: frozenset[str] = frozenset()

    def __post_init__(self):
        for value, allowed, what in ((self.role, CONTACT_ROLES, "role"), (self.circle, CIRCLES, "circle"),
                                     (self.label, LABELS, "label")):
            if value not in allowed:
                raise ValueError(f"unknown {what} {value!r}")
        if not self.support_types <= set(SUPPORT_TYPES):
            raise ValueError(f"unknown support types {sorted(self.support_types - set(SUPPORT_TYPES))}")

    @property
    def trusted(self) -> bool:
        return self.label != "risky"


@dataclasses.dataclass(frozen=True)
class RhythmFacts:
    weekly_checkin_scheduled: bool
    monthly_review_scheduled: bool


@dataclasses.dataclass(frozen=True)
class NetworkSnapshot:
    has_peer_worker: bool
    has_clinical_lead: bool
    crisis_plan_signed: bool
    crisis_plan_emergency_contacts: int
    rhythm: RhythmFacts | None
    contacts: tuple[ContactFacts, ...]
    practical_support_planned: bool
    last_assessment_at: dt.datetime | None
    registered_at: dt.datetime
    assessment_interval_days: int
    now: dt.datetime


@dataclasses.dataclass(frozen=True)
class CheckItem:
    key: str
    status: str  # pass | fail | unknown
    reason: str


def _item(key: str, ok: bool, passed: str, failed: str) -> CheckItem:
    return CheckItem(key, "pass" if ok else "fail", passed if ok else failed)


def _missing(parts: list[str]) -> str:
    return " and ".join(parts)


def clinical_lead_and_peer_worker(s: NetworkSnapshot) -> CheckItem:
    missing = [name for name, present in (("a named clinical lead", s.has_clinical_lead),
                                          ("a peer worker", s.has_peer_worker)) if not present]
    return _item("clinical_lead_and_peer_worker", not missing, "Clinical lead and peer worker are named.",
                 f"No {_missing(missing).replace('a ', '', 1)} yet." if len(missing) == 1
                 else "Neither a clinical lead nor a peer worker is named yet.")


def signed_crisis_plan(s: NetworkSnapshot) -> CheckItem:
    if not s.crisis_plan_signed:
        return CheckItem("signed_crisis_plan", "fail", "There is no signed crisis plan yet.")
    return _item("signed_crisis_plan", s.crisis_plan_emergency_contacts > 0,
                 f"Signed crisis plan with {s.crisis_plan_emergency_contacts} contact(s) to call first.",
                 "The signed crisis plan names nobody to call first.")


def checkin_rhythm(s: NetworkSnapshot) -> CheckItem:
    if s.rhythm is None:
        return CheckItem("checkin_rhythm", "unknown", "No check-in schedule data yet, so this cannot be confirmed.")
    missing = [name for name, ok in (("a weekly check-in", s.rhythm.weekly_checkin_scheduled),
                                     ("a monthly review", s.rhythm.monthly_review_scheduled)) if not ok]
    return _item("checkin_rhythm", not missing, "Weekly check-ins and a monthly review are scheduled.",
                 f"Not scheduled: {_missing(missing)}.")


def mutual_help_and_sober_social(s: NetworkSnapshot) -> CheckItem:
    trusted = [c for c in s.contacts if c.trusted]
    mutual_help = any("mutual_help" in c.support_types or c.role == "mutual_help_group" for c in trusted)
    social = any("sober_social" in c.support_types for c in trusted)
    missing = [name for name, ok in (("a mutual-help option", mutual_help), ("a sober social activity", social))
               if not ok]
    return _item("mutual_help_and_sober_social", not missing,
                 "At least one mutual-help option and one sober social activity.", f"Missing {_missing(missing)}.")


def practical_supports(s: NetworkSnapshot) -> CheckItem:
    in_place = any(c.trusted and (c.role == "practical_support" or c.support_types & set(PRACTICAL_SUPPORT_TYPES))
                   for c in s.contacts)
    if in_place or s.practical_support_planned:
        reason = "Practical support is in place." if in_place else "An active plan for practical support is recorded."
        return CheckItem("practical_supports", "pass", reason)
    return CheckItem("practical_supports", "fail",
                     "No practical support (housing, transport, benefits, work) in place or planned.")


def two_backup_supports(s: NetworkSnapshot) -> CheckItem:
    backups = sum(1 for c in s.contacts if c.is_backup and c.trusted)
    return _item("two_backup_supports", backups >= 2, f"{backups} backup supports: no single point of dependence.",
                 f"Only {backups} backup support(s); at least two avoid depending on one person.")


def no_risky_inner_circle(s: NetworkSnapshot) -> CheckItem:
    risky = sorted(c.name_ref for c in s.contacts if c.circle == "inner" and c.label == "risky")
    return _item("no_risky_inner_circle", not risky, "Nobody in the inner circle is labelled risky.",
                 f"{', '.join(risky)} (inner circle) {'is' if len(risky) == 1 else 'are'} labelled risky.")


def assessment_not_overdue(s: NetworkSnapshot) -> CheckItem:
    if s.last_assessment_at is None:
        due = s.registered_at + dt.timedelta(days=INTAKE_ASSESSMENT_DAYS)
        what = "The intake assessment"
    else:
        due = s.last_assessment_at + dt.timedelta(days=s.assessment_interval_days)
        what = "The assessment review"
    return _item("assessment_not_overdue", s.now <= due, f"{what} is due by {due.date().isoformat()}.",
                 f"{what} has been overdue since {due.date().isoformat()}.")


CHECKS = (clinical_lead_and_peer_worker, signed_crisis_plan, checkin_rhythm, mutual_help_and_sober_social,
          practical_supports, two_backup_supports, no_risky_inner_circle, assessment_not_overdue)


def evaluate(snapshot: NetworkSnapshot) -> tuple[CheckItem, ...]:
    return tuple(check(snapshot) for check in CHECKS)


def summary(items) -> dict:
    counts = {status: sum(1 for i in items if i.status == status) for status in ("pass", "fail", "unknown")}
    return {"passed": counts["pass"], "failed": counts["fail"], "unknown": counts["unknown"],
            "complete": counts["pass"] == len(items)}
