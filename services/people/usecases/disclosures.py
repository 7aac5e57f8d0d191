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
NOTIFIER = "Circles notifications"
# What each kind of message to a contact tells them, in the accounting's words.
MESSAGE_WORDS = {"checkin.missed.supporter": "missed check-in alert", "risk.flagged.crisis": "crisis alert",
                 "session.upcoming": "session reminder", "action_item.overdue": "overdue action item reminder",
                 "digest": "digest of held messages"}


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
        return rules.Recipient(contact_id=account.id, classes=frozenset({"care_team"} if on_team else ()),
                               is_staff=True)
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


def record_notification(uow: UnitOfWork, message: dict) -> Disclosure | None:
    """A message the notifications service delivered to one of the person's contacts
    (notification.sent): a disclosure in the person's accounting, under the consent the
    sender checked. Staff of the care team and the person themselves are not disclosures."""
    if message["recipient_kind"] != "contact" or not message.get("person_id"):
        return None
    person = uow.session.get(Person, str(message["person_id"]))
    contact = uow.session.get(Contact, str(message["recipient_id"]))
    if person is None or person.organisation_id != str(message["organisation_id"]) \
            or contact is None or contact.person_id != person.id:
        return None  # not a person and contact of ours: nothing to account for
    what = MESSAGE_WORDS.get(message["kind"], message["kind"].replace(".", " ").replace("_", " "))
    data_class = message.get("data_class")
    row = Disclosure(
        person_id=person.id, organisation_id=person.organisation_id,
        # An event from before deliveries named their consent carries none: "" / 0 say so.
        consent_id=str(message.get("consent_id") or ""), consent_version=message.get("consent_version") or 0,
        discloser=NOTIFIER, recipient=contact.id, purpose=message.get("purpose") or "",
        data_description=f"{what} ({data_class.replace('_', ' ')})" if data_class else what,
        channel=message["channel"], at=message["at"])
    uow.session.add(row)
    return row


def accounting(uow: UnitOfWork, principal: Principal, person_id: str,
               purpose: str = access.DEFAULT_PURPOSE) -> list[Disclosure]:
    person = access.require_visible(uow, principal, person_id)
    # Who disclosed what to whom is itself the person's data: staff reading it are audited.
    access.audit_reads(uow, principal, [person.id], "read", "disclosures", purpose)
    uow.commit()
    since = uow.clock.now() - dt.timedelta(days=365 * ACCOUNTING_YEARS + 1)
    query = (select(Disclosure).where(Disclosure.person_id == person.id, Disclosure.at >= since)
             .order_by(Disclosure.at.desc()))
    return list(uow.session.scalars(query))


def notice_for(uow: UnitOfWork, person: Person, verdict: rules.Decision) -> str:
    """The re-disclosure notice, with the scope of the consent that allowed a disclosure."""
    rows = consents.versions_of(uow, person, verdict.consent_id)
    row = next(r for r in rows if r.version == verdict.version)
    return rules.redisclosure_notice(consents.to_state(row).terms)

