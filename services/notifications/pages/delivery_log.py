"""The delivery log as the page shows it: messages grouped by the event that caused them,
each in plain words. Built from `queries.delivery_log` (its access rule, its columns) and
only the fields named here reach the template, so no subject, body or address can leak."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from services.notifications.models import Contact, Staff
from services.notifications.pages import wording


@dataclasses.dataclass(frozen=True)
class Attempt:
    number: int
    at: dt.datetime
    outcome: str


@dataclasses.dataclass(frozen=True)
class Message:
    id: str
    what: str
    recipient: str
    recipient_kind: str  # empty when the label already says it
    channel: str
    status: str  # the code, for styling
    status_words: str
    when_note: str  # sent at, or when the next try is due
    reason: str
    urgent: bool
    attempts: tuple[Attempt, ...]


@dataclasses.dataclass
class EventGroup:
    id: str
    what: str
    at: dt.datetime
    messages: list[Message]


def grouped(uow, rows: list[dict], timezone: str) -> list[EventGroup]:
    """Newest event first (the query's order), each event's messages in routing order."""
    names = _recipient_names(uow, rows)
    groups: dict[str, EventGroup] = {}
    for row in rows:
        group = groups.setdefault(row["source_event_id"], EventGroup(
            row["source_event_id"], wording.event_of(row["source_type"]), row["source_time"], []))
        group.messages.append(_message(row, names, timezone))
    return list(groups.values())


def _message(row: dict, names: dict, timezone: str) -> Message:
    kind, label = _recipient(row, names)
    return Message(
        id=row["id"], what=wording.words(wording.KINDS, row["kind"]), recipient=label, recipient_kind=kind,
        channel=wording.words(wording.CHANNELS, row["channel"]), status=row["status"],
        status_words=wording.words(wording.STATUSES, row["status"]), when_note=_when_note(row, timezone),
        reason=wording.words(wording.REASONS, row["reason"]) if row["reason"] else "", urgent=bool(row["urgent"]),
        attempts=tuple(Attempt(a.number, a.at, wording.words(wording.OUTCOMES, a.outcome))
                       for a in row["attempt_log"]))


def _when_note(row: dict, timezone: str) -> str:
    status = row["status"]
    if status == "sent" and row["sent_at"]:
        return f"at {wording.local(row['sent_at'], timezone)}"
    if status == "pending" and row["next_attempt_at"]:
        # Waiting out quiet hours or a retry's backoff.
        return f"next try {wording.local(row['next_attempt_at'], timezone)}"
    if status in ("suppressed", "standby"):
        return f"{'decided' if status == 'suppressed' else 'planned'} {wording.local(row['created_at'], timezone)}"
    return ""  # failed: the attempts say when


def _recipient(row: dict, names: dict) -> tuple[str, str]:
    """(kind in words, short label): never an address. The label says the kind where it can."""
    kind, rid = row["recipient_kind"], row["recipient_id"]
    if kind == "staff":
        return "staff member", names.get(("staff", rid), "A staff member")
    if kind == "contact":
        return "network contact", names.get(("contact", rid), "A network contact")
    if kind == "organisation":
        return "", "Your organisation's webhook"
    return "", f"The {wording.humanise(kind)}"  # the person, an invitee


def _recipient_names(uow, rows: list[dict]) -> dict[tuple[str, str], str]:
    ids = {kind: {r["recipient_id"] for r in rows if r["recipient_kind"] == kind} for kind in ("staff", "contact")}
    names = {("staff", s.staff_id): f"{s.display_name} ({wording.humanise(s.role)})"
             for s in uow.session.scalars(select(Staff).where(Staff.staff_id.in_(ids["staff"])))}
    for contact in uow.session.scalars(select(Contact).where(Contact.contact_id.in_(ids["contact"]))):
        # A contact's name is only in the read model when they agreed to be contacted.
        who = contact.name or f"Their {wording.humanise(contact.role)}"
        names[("contact", contact.contact_id)] = f"{who} ({wording.humanise(contact.role)}, {contact.circle} circle)"
    return names
