"""From a source event to planned deliveries: the organisation's rules pick the audiences,
consent and boundaries pick who may hear and on which channel, templates write the text.

Runs in the consumer's unit of work, so the deliveries commit together with the
processed-event mark: a redelivered event plans nothing new, and the unique key (source
event, recipient, channel) backs that up.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from services.notifications import messages
from services.notifications.domain.rules import rules_for
from services.notifications.links import Links
from services.notifications.models import Delivery, OrganisationRules, Person, RecipientPreferences
from services.notifications.usecases import contexts, recipients
from services.notifications.usecases.events import publish_outcome
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent

log = logging.getLogger(__name__)
SUPPRESSED = "-"  # the channel of a message that never had one
# Audiences that only exist around a person; an organisation-level event (a KPI breach) has none.
ABOUT_A_PERSON = ("person", "peer_worker", "clinical_lead", "consenting_contacts", "crisis_contacts",
                  "participants", "owner")


def route(uow: UnitOfWork, event_kind: str, event: CloudEvent, data: dict, links: Links) -> int:
    person = uow.session.get(Person, str(data["person_id"])) if data.get("person_id") else None
    if data.get("person_id") and person is None:
        log.warning("routing %s: person not in the read model yet; nothing sent", event_kind)
        return 0
    organisation_id = str(data["organisation_id"])
    rules = uow.session.get(OrganisationRules, organisation_id)
    planned, position = 0, 0
    for rule in rules_for(event_kind, rules.rules if rules else None):
        if data.get("consecutive_misses", 0) < rule.get("min_consecutive", 0):
            continue
        for recipient in _audience(uow, rule, person, data, organisation_id):
            position += 1
            planned += _plan(uow, event, rule, recipient, person, data, position, links, rules)
    return planned


def _audience(uow: UnitOfWork, rule: dict, person: Person | None, data: dict, organisation_id: str):
    to, now = rule["to"], uow.clock.now()
    if person is None and to in ABOUT_A_PERSON:
        return []
    if to in ("peer_worker", "clinical_lead"):
        return recipients.staff(uow, getattr(person, f"{to}_id"), person)
    if to == "person":
        return recipients.the_person(person) if person.status != "discharged" else []
    if to == "consenting_contacts":
        return recipients.contacts(uow, person, recipients.network(uow, person), rule["data_class"],
                                   rule["purpose"], now, recipients.crisis_order(uow, person, now)[1])
    if to == "crisis_contacts":
        ordered, everyone = recipients.crisis_order(uow, person, now)
        return recipients.contacts(uow, person, ordered, rule["data_class"], rule["purpose"], now, everyone)
    if to == "participants":
        return [r for p in data.get("participants", []) for r in _participant(uow, p, person, rule, now)]
    if to == "owner":
        return _participant(uow, {"kind": data["owner_kind"], "id": data["owner_id"]}, person, rule, now)
    if to in ("coordinators", "site_coordinators"):
        return recipients.coordinators(uow, organisation_id, data.get("site_id") and str(data["site_id"]), person)
    if to == "webhook":
        return recipients.organisation_webhook(uow, organisation_id, person)
    if to == "invitee":
        return [recipients.Recipient("invitee", str(data["invitation_id"]), "", person.timezone if person else "UTC",
                                     (("email", data["email"]),))]
    return []


def _participant(uow, participant: dict, person, rule: dict, now):
    if participant["kind"] == "staff":
        return recipients.staff(uow, participant["id"], person)
    # A contact hears only under consent, as everywhere else.
    return recipients.contacts(uow, person, [participant["id"]], rule.get("data_class", "attendance"),
                               rule.get("purpose", "care_coordination"), now, set())


def _plan(uow, event, rule, recipient, person, data, position, links, rules) -> int:
    if recipient.refused:
        return _suppress(uow, event, rule, recipient, person, data, position, recipient.refused)
    allowed = rule.get("channels")
    channels = [(c, a) for c, a in recipient.channels if allowed is None or c in allowed]
    if not channels:
        return _suppress(uow, event, rule, recipient, person, data, position, "no_channel")
    locale = _locale(uow, recipient, rules)
    context = contexts.build(uow, rule["template"], data, person, recipient, links)
    planned, external = 0, 0
    for channel, address in channels:
        try:
            rendered = messages.render(rule["template"], channel, locale, context)
        except messages.MessageTooLong:
            continue  # e.g. a crisis SMS with many numbers: the next channel carries it
        # The preferred external channel goes now; the next one waits as its fallback.
        status = "pending" if channel == "inbox" or external == 0 else "standby"
        external += channel != "inbox"
        if status == "standby" and external > 2:
            continue
        planned += _insert(uow, event, rule, recipient, person, data, position, channel, address, rendered, status)
    return planned


def _insert(uow, event, rule, recipient, person, data, position, channel, address, rendered, status) -> int:
    if _exists(uow, event.id, recipient, channel):
        return 0
    now = uow.clock.now()
    uow.session.add(Delivery(
        organisation_id=str(data["organisation_id"]), person_id=person.person_id if person else None,
        source_event_id=event.id, source_type=event.type, source_time=event.time or now, kind=rule["template"],
        recipient_kind=recipient.kind, recipient_id=recipient.id, channel=channel, address=address,
        urgent=bool(rule.get("urgent")), position=position, locale=rendered.locale, subject=rendered.subject,
        body=rendered.body, status=status, attempts=0, next_attempt_at=now, created_at=now,
        **_provenance(recipient)))
    return int(status == "pending")


def _provenance(recipient) -> dict:
    """Under which consent a contact is told (nothing for staff and the person)."""
    consent = recipient.consent
    return {"consent_id": consent.consent_id if consent else None,
            "consent_version": consent.version if consent else None,
            "data_class": recipient.data_class, "purpose": recipient.purpose}


def _suppress(uow, event, rule, recipient, person, data, position, reason: str) -> int:
    if _exists(uow, event.id, recipient, SUPPRESSED):
        return 0
    now = uow.clock.now()
    delivery = Delivery(
        organisation_id=str(data["organisation_id"]), person_id=person.person_id if person else None,
        source_event_id=event.id, source_type=event.type, source_time=event.time or now, kind=rule["template"],
        recipient_kind=recipient.kind, recipient_id=recipient.id, channel=SUPPRESSED, address=None,
        urgent=bool(rule.get("urgent")), position=position, status="suppressed", reason=reason, attempts=0,
        created_at=now)
    uow.session.add(delivery)
    uow.session.flush()
    publish_outcome(uow, delivery)
    return 0


def _exists(uow, event_id: str, recipient, channel: str) -> bool:
    return uow.session.scalar(select(Delivery.id).where(
        Delivery.source_event_id == event_id, Delivery.recipient_kind == recipient.kind,
        Delivery.recipient_id == recipient.id, Delivery.channel == channel)) is not None


def _locale(uow, recipient, rules) -> str:
    prefs = uow.session.get(RecipientPreferences, (recipient.kind, recipient.id))
    return (prefs.locale if prefs and prefs.locale else None) or (rules.locale if rules else "en")
