"""Who an event's rule reaches: staff, the person, contacts (under consent), with their
addresses, time zone and channel order."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from services.notifications.domain import consent as consent_rules
from services.notifications.domain import timing
from services.notifications.models import Consent, Contact, CrisisPlan, OrganisationRules, Person, Staff
from shared.db.uow import UnitOfWork


@dataclasses.dataclass(frozen=True)
class Recipient:
    kind: str  # person | contact | staff
    id: str
    name: str
    timezone: str
    channels: tuple[tuple[str, str], ...]  # (channel, address) in order of preference
    for_staff: bool = False
    # Set when the recipient may not be told: the reason goes to the suppression log.
    refused: str | None = None
    # For a contact told under consent: which consent, and the data class and purpose it
    # was checked for (carried on notification.sent into the person's accounting).
    consent: consent_rules.ConsentTerms | None = None
    data_class: str | None = None
    purpose: str | None = None


def staff(uow: UnitOfWork, staff_id: str | None, person: Person | None) -> list[Recipient]:
    member = uow.session.get(Staff, staff_id) if staff_id else None
    if member is None:
        return []
    timezone = person.timezone if person else "UTC"  # staff work where their persons live
    return [Recipient("staff", member.staff_id, member.display_name, timezone,
                      (("email", member.email), ("inbox", f"staff:{member.staff_id}")), for_staff=True)]


def coordinators(uow: UnitOfWork, organisation_id: str, site_id: str | None, person: Person | None) -> list[Recipient]:
    members = uow.session.scalars(select(Staff).where(
        Staff.organisation_id == organisation_id, Staff.role == "coordinator").order_by(Staff.staff_id))
    chosen = [m for m in members if site_id is None or not m.site_ids or site_id in m.site_ids]
    return [r for m in chosen for r in staff(uow, m.staff_id, person)]


def organisation_webhook(uow: UnitOfWork, organisation_id: str, person: Person | None) -> list[Recipient]:
    rules = uow.session.get(OrganisationRules, organisation_id)
    if rules is None or not rules.webhook_url:
        return []
    return [Recipient("organisation", organisation_id, "", person.timezone if person else "UTC",
                      (("webhook", rules.webhook_url),), for_staff=True)]


def the_person(person: Person) -> list[Recipient]:
    channels = [("sms", person.phone)] if person.phone and person.preferred_method in ("text", "phone") else []
    channels += [("email", person.email)] if person.email else []
    channels += [("sms", person.phone)] if person.phone and ("sms", person.phone) not in channels else []
    channels.append(("inbox", f"person:{person.person_id}"))
    return [Recipient("person", person.person_id, person.display_name or "there", person.timezone, tuple(channels))]


def contacts(uow: UnitOfWork, person: Person, contact_ids: list[str], data_class: str, purpose: str,
             now: dt.datetime, crisis_ids: set[str]) -> list[Recipient]:
    consents = _consent_terms(uow, person.person_id)
    found = []
    for contact_id in contact_ids:
        contact = uow.session.get(Contact, contact_id)
        if contact is None or contact.removed or contact.person_id != person.person_id:
            continue
        standing = consent_rules.ContactStanding(contact.contact_id, contact.role, contact.contact_id in crisis_ids)
        allowed, reason = consent_rules.decide(consents, standing, data_class, purpose, now)
        if allowed and not contact.agreed_to_contact:
            allowed, reason = False, "contact_not_agreed"
        found.append(Recipient("contact", contact.contact_id, contact.name or "", person.timezone,
                               _contact_channels(contact), refused=None if allowed else reason,
                               consent=consent_rules.covering(consents, standing, data_class, purpose, now),
                               data_class=data_class, purpose=purpose))
    return found


def refusal_now(uow: UnitOfWork, person_id: str | None, contact_id: str, data_class: str | None,
                purpose: str | None, now: dt.datetime) -> str | None:
    """Why a contact may no longer be told what was planned for them, or None. A message
    waits (quiet hours, texting hours, retries, the digest): a consent revoked or expired
    meanwhile must stop it, since revocation applies from that moment on."""
    if data_class is None or purpose is None:
        return None  # planned before deliveries recorded their consent: decided then
    person = uow.session.get(Person, person_id) if person_id else None
    if person is None:
        return "no_active_consent"
    found = contacts(uow, person, [contact_id], data_class, purpose, now, crisis_order(uow, person, now)[1])
    return found[0].refused if found else "recipient_not_covered"


def network(uow: UnitOfWork, person: Person) -> list[str]:
    return list(uow.session.scalars(select(Contact.contact_id).where(
        Contact.person_id == person.person_id, Contact.removed.is_(False)).order_by(Contact.contact_id)))


def crisis_order(uow: UnitOfWork, person: Person, now: dt.datetime) -> tuple[list[str], set[str]]:
    """The plan's call-first contacts for this moment, in order: daytime ones by day,
    out-of-hours ones otherwise (in the person's local time), "any" always."""
    plan = uow.session.get(CrisisPlan, person.person_id)
    if plan is None:
        return [], set()
    when = "daytime" if timing.is_daytime(now, person.timezone) else "out_of_hours"
    everyone = {entry["contact_id"] for entry in plan.call_first}
    return [e["contact_id"] for e in plan.call_first if e["when"] in (when, "any")], everyone


def _contact_channels(contact: Contact) -> tuple[tuple[str, str], ...]:
    sms = [("sms", contact.phone)] if contact.phone and contact.texts_ok else []
    email = [("email", contact.email)] if contact.email else []
    return tuple(sms + email if contact.preferred_method in ("text", "phone") else email + sms)


def _consent_terms(uow: UnitOfWork, person_id: str) -> list[consent_rules.ConsentTerms]:
    rows = uow.session.scalars(select(Consent).where(Consent.person_id == person_id))
    return [consent_rules.ConsentTerms(tuple(r.recipients), tuple(r.data_classes), tuple(r.purposes), r.state,
                                       r.expires_at, r.consent_id, r.version) for r in rows]
