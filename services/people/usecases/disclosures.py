"""Consent decisions, disclosures made under consent, and their accounting for the person."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.people import access
from services.people.domain import consent as rules
from services.people.models import Account, Contact, Disclosure, Person
from services.people.usecases import consents
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, NotFound

CARE_TEAM_ROLES = ("peer_worker", "clinician")
ACCOUNTING_YEARS = 3  # 42 CFR 2.24: an accounting of disclosures over the last 3 years


def recipient_for(uow: UnitOfWork, person: Person, recipient_id: str) -> rules.Recipient:
    """Who is asking, and which recipient classes they belong to for this person."""
    contact = uow.session.get(Contact, recipient_id)
    if contact is not None and contact.person_id == person.id and contact.removed_at is None:
        classes = {"care_team"} if contact.role in CARE_TEAM_ROLES else set()
        if contact.agreement.get("emergency_contact"):
            classes.add("crisis_contacts")
        return rules.Recipient(contact_id=contact.id, classes=frozenset(classes))
    account = uow.session.get(Account, recipient_id)
    if account is not None and account.organisation_id == person.organisation_id:
        # Staff belong to "my care team" only when they are this person's named workers.
        on_team = account.id in (person.peer_worker_id, person.clinical_lead_id)
        return rules.Recipient(contact_id=account.id, classes=frozenset({"care_team"} if on_team else ()))
    raise NotFound("No such recipient for this person.")


def decision(uow: UnitOfWork, principal: Principal, person_id: str, recipient_id: str, data_class: str,
             purpose: str) -> rules.Decision:
    person = access.require_visible(uow, principal, person_id)
    return consents.decide(uow, person, recipient_for(uow, person, recipient_id), data_class, purpose)


def disclose(uow: UnitOfWork, principal: Principal, person_id: str, recipient_id: str, data_class: str,
             purpose: str, data_description: str, channel: str) -> tuple[Disclosure, str]:
    """Record a disclosure, only if an active consent allows it; returns the notice that
    must travel with the disclosed information."""
    person = access.require_visible(uow, principal, person_id)
    verdict = consents.decide(uow, person, recipient_for(uow, person, recipient_id), data_class, purpose)
    if not verdict.allowed:
        raise Forbidden(f"Not disclosed: {verdict.reason}")
    row = Disclosure(person_id=person.id, organisation_id=person.organisation_id, consent_id=verdict.consent_id,
                     consent_version=verdict.version, discloser=principal.subject, recipient=recipient_id,
                     purpose=purpose, data_description=data_description, channel=channel, at=uow.clock.now())
    uow.session.add(row)
    notice = notice_for(uow, person, verdict)
    uow.commit()
    return row, notice


def accounting(uow: UnitOfWork, principal: Principal, person_id: str) -> list[Disclosure]:
    person = access.require_visible(uow, principal, person_id)
    since = uow.clock.now() - dt.timedelta(days=365 * ACCOUNTING_YEARS + 1)
    query = (select(Disclosure).where(Disclosure.person_id == person.id, Disclosure.at >= since)
             .order_by(Disclosure.at.desc()))
    return list(uow.session.scalars(query))


def notice_for(uow: UnitOfWork, person: Person, verdict: rules.Decision) -> str:
    """The re-disclosure notice, with the scope of the consent that allowed a disclosure."""
    rows = consents.versions_of(uow, person, verdict.consent_id)
    row = next(r for r in rows if r.version == verdict.version)
    return rules.redisclosure_notice(consents.to_state(row).terms)

