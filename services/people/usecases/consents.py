"""Consent: the person decides who sees what, for which purpose, until when.

Each change of terms is a new version; signing a version supersedes the one before it;
revocation and expiry keep history. Decisions and the disclosure log read these rows.
"""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from services.people import access
from services.people.domain import consent as rules
from services.people.models import ConsentVersion, Person
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound

EVENT = "circles.people.consent.{}.v1"


def to_state(row: ConsentVersion) -> rules.ConsentState:
    terms = rules.ConsentTerms(
        person_id=row.person_id, recipients=frozenset(row.recipients), data_classes=frozenset(row.data_classes),
        purposes=frozenset(row.purposes), expires_at=row.expires_at, expiry_event=row.expiry_event,
        discloser=row.discloser)
    return rules.ConsentState(
        consent_id=row.consent_id, version=row.version, terms=terms, signed_by=row.signed_by,
        signed_at=row.signed_at, revoked_at=row.revoked_at, revoked_reason=row.revoked_reason,
        ended_event_at=row.ended_event_at)


def propose(uow: UnitOfWork, principal: Principal, person_id: str, terms: dict,
            consent_id: str | None = None) -> ConsentVersion:
    """A new consent (draft version 1), or a new draft version of an existing one."""
    person = access.require_visible(uow, principal, person_id)
    _validate(person, terms)
    version = 1
    if consent_id is not None:
        version = _latest_version(uow, person, consent_id) + 1
    row = ConsentVersion(consent_id=consent_id or str(uuid.uuid4()), version=version, person_id=person.id,
                         organisation_id=person.organisation_id, created_by=principal.subject,
                         created_at=uow.clock.now(), **terms)
    uow.session.add(row)
    uow.commit()
    return row


def sign(uow: UnitOfWork, principal: Principal, person_id: str, consent_id: str, typed_name: str) -> ConsentVersion:
    person = access.require_visible(uow, principal, person_id)
    row = _version(uow, person, consent_id)  # the latest version is the one signed
    now = uow.clock.now()
    try:
        signed = rules.sign(to_state(row), typed_name, now)
    except rules.ConsentError as exc:
        raise Invalid(str(exc), "typed_name") from exc
    for earlier in versions_of(uow, person, consent_id):
        if earlier.version < row.version and rules.status(to_state(earlier), now) == "active":
            _revoke_row(uow, person, earlier, now, f"Superseded by version {row.version}")
    row.signed_by, row.signed_at, row.signed_via = signed.signed_by, signed.signed_at, principal.subject
    uow.publish(EVENT.format("granted"), _payload(person, row), subject=person.id)
    uow.commit()
    return row


def revoke(uow: UnitOfWork, principal: Principal, person_id: str, consent_id: str, reason: str) -> ConsentVersion:
    person = access.require_visible(uow, principal, person_id)
    now = uow.clock.now()
    active = [r for r in versions_of(uow, person, consent_id) if rules.status(to_state(r), now) == "active"]
    if not active:
        raise Invalid("This consent is not active, so there is nothing to revoke.", "consent_id")
    for row in active:
        _revoke_row(uow, person, row, now, reason)
    uow.commit()
    return active[-1]


def list_for(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> list[tuple[ConsentVersion, str]]:
    person = access.require_visible(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "consents", purpose)
    uow.commit()
    now = uow.clock.now()
    rows = uow.session.scalars(select(ConsentVersion).where(ConsentVersion.person_id == person.id)
                               .order_by(ConsentVersion.created_at, ConsentVersion.version)).all()
    return [(row, rules.status(to_state(row), now)) for row in rows]


def decide(uow: UnitOfWork, person: Person, recipient: rules.Recipient, data_class: str, purpose: str):
    rows = uow.session.scalars(select(ConsentVersion).where(ConsentVersion.person_id == person.id)).all()
    try:
        return rules.decide([to_state(r) for r in rows], recipient, data_class, purpose, uow.clock.now())
    except rules.ConsentError as exc:
        raise Invalid(str(exc)) from exc


def end_of_treatment(uow: UnitOfWork, person: Person) -> None:
    """Discharge ends every active consent that was given "until the end of treatment"."""
    now = uow.clock.now()
    rows = uow.session.scalars(select(ConsentVersion).where(
        ConsentVersion.person_id == person.id, ConsentVersion.expiry_event == "end_of_treatment")).all()
    for row in rows:
        if rules.status(to_state(row), now) == "active":
            row.ended_event_at = now
            _announce_expiry(uow, person, row, now)


def announce_expired(uow: UnitOfWork) -> int:
    """The scheduled job: emit consent.expired once for each version whose date passed."""
    now = uow.clock.now()
    rows = uow.session.execute(
        select(ConsentVersion, Person).join(Person, Person.id == ConsentVersion.person_id)
        .where(ConsentVersion.expires_at <= now, ConsentVersion.signed_at.is_not(None),
               ConsentVersion.revoked_at.is_(None), ConsentVersion.expiry_announced_at.is_(None))
        .with_for_update(skip_locked=True, of=ConsentVersion)).all()
    for row, person in rows:
        _announce_expiry(uow, person, row, now)
    uow.commit()
    return len(rows)


def _announce_expiry(uow: UnitOfWork, person: Person, row: ConsentVersion, now) -> None:
    row.expiry_announced_at = now
    uow.publish(EVENT.format("expired"), {**_payload(person, row), "expired_at": now}, subject=person.id)


def _revoke_row(uow: UnitOfWork, person: Person, row: ConsentVersion, now, reason: str) -> None:
    try:
        revoked = rules.revoke(to_state(row), now, reason)
    except rules.ConsentError as exc:
        raise Invalid(str(exc), "consent_id") from exc
    row.revoked_at, row.revoked_reason = revoked.revoked_at, revoked.revoked_reason
    uow.publish(EVENT.format("revoked"), {**_payload(person, row), "revoked_at": now}, subject=person.id)


def _payload(person: Person, row: ConsentVersion) -> dict:
    return {"person_id": person.id, "organisation_id": person.organisation_id, "consent_id": row.consent_id,
            "version": row.version, "recipients": sorted(row.recipients), "data_classes": sorted(row.data_classes),
            "purposes": sorted(row.purposes), "expires_at": row.expires_at, "expiry_event": row.expiry_event}


def _validate(person: Person, terms: dict) -> None:
    try:
        rules.ConsentTerms(person_id=person.id, recipients=frozenset(terms["recipients"]),
                           data_classes=frozenset(terms["data_classes"]), purposes=frozenset(terms["purposes"]),
                           expires_at=terms.get("expires_at"), expiry_event=terms.get("expiry_event"),
                           discloser=terms["discloser"])
    except rules.ConsentError as exc:
        field = next(iter(getattr(exc, "errors", {}) or {}), None)
        raise Invalid(str(exc), field) from exc



def versions_of(uow: UnitOfWork, person: Person, consent_id: str) -> list[ConsentVersion]:
    rows = uow.session.scalars(select(ConsentVersion).where(
        ConsentVersion.person_id == person.id, ConsentVersion.consent_id == consent_id)
        .order_by(ConsentVersion.version)).all()
    if not rows:
        raise NotFound("No such consent.")
    return list(rows)


def _version(uow: UnitOfWork, person: Person, consent_id: str) -> ConsentVersion:
    return versions_of(uow, person, consent_id)[-1]


def _latest_version(uow: UnitOfWork, person: Person, consent_id: str) -> int:
    latest = uow.session.scalar(select(func.max(ConsentVersion.version)).where(
        ConsentVersion.person_id == person.id, ConsentVersion.consent_id == consent_id))
    if latest is None:
        raise NotFound("No such consent.")
    return latest
