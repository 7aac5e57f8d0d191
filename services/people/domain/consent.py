"""Consent rules, independent of storage (reference/consent.md, 42 CFR 2.31).

A consent says who may disclose what (data classes) to whom (contacts or classes of
recipient), for which purposes, until a date or an event. It is in force only once signed;
revocation applies from that moment on and history is kept; expiry comes by the clock.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

from shared.auth.purposes import PURPOSES  # one list for consents and audit

DATA_CLASSES = ("checkin_summary", "attendance", "crisis_plan", "assessments", "substance_use", "network_map",
                "contact_details", "missed_session_alerts")
RECIPIENT_CLASSES = ("care_team", "crisis_contacts", "all_network")
EXPIRY_EVENTS = ("end_of_treatment",)


class ConsentError(ValueError):
    def __init__(self, errors: dict[str, str] | str):
        errors = errors if isinstance(errors, dict) else {"consent": errors}
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class ConsentTerms:
    person_id: str
    recipients: frozenset[str]
    data_classes: frozenset[str]
    purposes: frozenset[str]
    expires_at: dt.datetime | None
    expiry_event: str | None
    discloser: str

    def __post_init__(self):
        errors = {}
        if not self.recipients:
            errors["recipients"] = "Name at least one recipient."
        if not self.data_classes or not self.data_classes <= set(DATA_CLASSES):
            errors["data_classes"] = f"Choose data classes from: {', '.join(DATA_CLASSES)}."
        if not self.purposes or not self.purposes <= set(PURPOSES):
            errors["purposes"] = f"Choose purposes from: {', '.join(PURPOSES)}."
        if self.expiry_event is not None and self.expiry_event not in EXPIRY_EVENTS:
            errors["expiry_event"] = f"The expiry event can be: {', '.join(EXPIRY_EVENTS)}."
        if self.expires_at is None and self.expiry_event is None:
            errors["expires_at"] = "A consent needs an expiry date or an expiry event."
        if not self.discloser.strip():
            errors["discloser"] = "Say who may disclose."
        if errors:
            raise ConsentError(errors)


@dataclasses.dataclass(frozen=True)
class ConsentState:
    consent_id: str
    version: int
    terms: ConsentTerms
    signed_by: str | None = None
    signed_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revoked_reason: str | None = None
    ended_event_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Who asks: a contact (or staff) id, and the recipient classes they belong to."""
    contact_id: str | None
    classes: frozenset[str] = frozenset()
    # A member of staff is no one's network: "all_network" must not cover them.
    is_staff: bool = False


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    consent_id: str | None = None
    version: int | None = None


def status(state: ConsentState, now: dt.datetime) -> str:
    if state.signed_at is None or state.signed_at > now:
        return "draft"
    if state.revoked_at is not None and state.revoked_at <= now:
        return "revoked"
    expires = state.terms.expires_at
    if (expires is not None and expires <= now) or (state.ended_event_at is not None and state.ended_event_at <= now):
        return "expired"
    return "active"


def sign(state: ConsentState, typed_name: str, at: dt.datetime) -> ConsentState:
    if not typed_name or not typed_name.strip():
        raise ConsentError({"typed_name": "Type the signer's name to sign."})
    if state.signed_at is not None:
        raise ConsentError({"typed_name": "This version is already signed."})
    if state.revoked_at is not None:
        raise ConsentError({"typed_name": "A revoked consent cannot be signed."})
    return dataclasses.replace(state, signed_by=typed_name.strip(), signed_at=at)


def revoke(state: ConsentState, at: dt.datetime, reason: str) -> ConsentState:
    if status(state, at) != "active":
        raise ConsentError({"consent_id": f"Only an active consent can be revoked; this one is {status(state, at)}."})
    return dataclasses.replace(state, revoked_at=at, revoked_reason=reason)


def end_by_event(state: ConsentState, event: str, at: dt.datetime) -> ConsentState:
    if state.terms.expiry_event != event or status(state, at) != "active":
        return state
    return dataclasses.replace(state, ended_event_at=at)


def _covers_recipient(terms: ConsentTerms, recipient: Recipient) -> bool:
    if recipient.contact_id is not None and recipient.contact_id in terms.recipients:
        return True
    if recipient.classes & terms.recipients:
        return True
    return recipient.contact_id is not None and not recipient.is_staff and "all_network" in terms.recipients


def decide(states: Iterable[ConsentState], recipient: Recipient, data_class: str, purpose: str,
           now: dt.datetime) -> Decision:
    if data_class not in DATA_CLASSES:
        raise ConsentError({"data_class": f"Unknown data class {data_class!r}."})
    if purpose not in PURPOSES:
        raise ConsentError({"purpose": f"Unknown purpose {purpose!r}."})
    active = [s for s in states if status(s, now) == "active"]
    if not active:
        return Decision(False, "There is no active consent.")
    steps = (("The recipient is not covered by any active consent.", lambda s: _covers_recipient(s.terms, recipient)),
             ("This data class is not covered for this recipient.", lambda s: data_class in s.terms.data_classes),
             ("This purpose is not covered for this recipient and data.", lambda s: purpose in s.terms.purposes))
    for reason, test in steps:
        active = [s for s in active if test(s)]
        if not active:
            return Decision(False, reason)
    chosen = max(active, key=lambda s: (s.signed_at, s.version))
    return Decision(True, "Allowed by an active consent.", chosen.consent_id, chosen.version)


def expiring_within(states: Iterable[ConsentState], now: dt.datetime, days: int = 14) -> list[ConsentState]:
    horizon = now + dt.timedelta(days=days)
    return [s for s in states if status(s, now) == "active" and s.terms.expires_at is not None
            and now < s.terms.expires_at <= horizon]


def redisclosure_notice(terms: ConsentTerms) -> str:
    until = terms.expires_at.date().isoformat() if terms.expires_at else terms.expiry_event.replace("_", " ")
    return ("This information has been disclosed to you under the person's written consent. You may not "
            "re-disclose it without their permission, unless the law allows it. "
            f"Scope: {', '.join(sorted(terms.data_classes))}; for {', '.join(sorted(terms.purposes))}; until {until}.")
