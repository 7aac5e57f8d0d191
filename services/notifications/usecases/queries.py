"""What staff and persons read: the inbox, a person's delivery log, rules and preferences."""
from __future__ import annotations

from sqlalchemy import select

from services.notifications.domain.rules import DEFAULT_RULES, RuleError, check_rules
from services.notifications.models import (
    Contact, Delivery, DeliveryAttempt, InboxItem, OrganisationRules, Person, RecipientPreferences, Staff,
)
from shared.auth import Principal, caseload
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound


def owner_of(principal: Principal) -> tuple[str, str]:
    if principal.role == "participant" and principal.person_id:
        return "person", principal.person_id
    if principal.role in caseload.STAFF_WITH_CASELOAD or principal.role == "operator":
        return "staff", principal.subject
    raise Forbidden("Only staff and persons have an inbox.")


def inbox(uow: UnitOfWork, principal: Principal, unread_only: bool, limit: int, offset: int) -> list[InboxItem]:
    kind, owner = owner_of(principal)
    query = select(InboxItem).where(InboxItem.owner_kind == kind, InboxItem.owner_id == owner,
                                    InboxItem.organisation_id == principal.organisation_id)
    if unread_only:
        query = query.where(InboxItem.read_at.is_(None))
    return list(uow.session.scalars(query.order_by(InboxItem.urgent.desc(), InboxItem.created_at.desc())
                                    .limit(limit).offset(offset)))


def mark_read(uow: UnitOfWork, principal: Principal, item_id: str) -> InboxItem:
    kind, owner = owner_of(principal)
    item = uow.session.get(InboxItem, str(item_id))
    if item is None or (item.owner_kind, item.owner_id) != (kind, owner):
        raise NotFound("No such message.")
    item.read_at = item.read_at or uow.clock.now()
    uow.commit()
    return item


def delivery_log(uow: UnitOfWork, principal: Principal, person_id: str, limit: int, offset: int) -> list[dict]:
    person = uow.session.scalars(select(Person).where(
        caseload.visibility(principal, Person), Person.person_id == str(person_id))).first()
    if person is None:
        raise NotFound("No such person.")
    rows = uow.session.scalars(select(Delivery).where(Delivery.person_id == person.person_id)
                               .order_by(Delivery.created_at.desc(), Delivery.position).limit(limit).offset(offset))
    return [{**{c.key: getattr(d, c.key) for c in Delivery.__table__.columns if c.key not in ("body", "subject", "address", "provider_id")},
             "attempt_log": list(uow.session.scalars(select(DeliveryAttempt).where(
                 DeliveryAttempt.delivery_id == d.id).order_by(DeliveryAttempt.number)))} for d in rows]


def rules(uow: UnitOfWork, principal: Principal) -> dict:
    row = uow.session.get(OrganisationRules, principal.organisation_id)
    overrides = row.rules if row else {}
    return {"rules": {kind: overrides.get(kind, entries) for kind, entries in DEFAULT_RULES.items()},
            "overridden": sorted(overrides), "quiet_start": row.quiet_start if row else "21:00",
            "quiet_end": row.quiet_end if row else "08:00", "rate_limit_per_hour": row.rate_limit_per_hour if row else 6,
            "locale": row.locale if row else "en", "webhook_url": row.webhook_url if row else None}


def change_rules(uow: UnitOfWork, principal: Principal, changes: dict) -> dict:
    row = uow.session.get(OrganisationRules, principal.organisation_id) or OrganisationRules(
        organisation_id=principal.organisation_id, rules={}, quiet_start="21:00", quiet_end="08:00",
        rate_limit_per_hour=6, locale="en")
    if "rules" in changes:
        try:
            check_rules(changes["rules"])
        except RuleError as exc:
            raise Invalid(str(exc), "rules") from exc
        row.rules = {**row.rules, **changes["rules"]}
    for field in ("quiet_start", "quiet_end", "rate_limit_per_hour", "locale", "webhook_url"):
        if field in changes:
            setattr(row, field, changes[field])
    row.updated_at = uow.clock.now()
    uow.session.merge(row)
    uow.commit()
    return rules(uow, principal)


def _at_coordinators_sites(uow: UnitOfWork, principal: Principal, kind: str, recipient) -> bool:
    """A coordinator with a site list reaches persons (and their contacts) at those sites or
    at none, and staff who share one of them; admins and unrestricted coordinators, anyone."""
    if principal.role == "admin" or not principal.site_ids:
        return True
    if kind == "staff":
        return bool(set(recipient.site_ids or ()) & set(principal.site_ids))
    person = recipient if kind == "person" else uow.session.get(Person, recipient.person_id)
    return person is not None and (person.site_id is None or person.site_id in principal.site_ids)


def set_preferences(uow: UnitOfWork, principal: Principal, kind: str, recipient_id: str, values: dict):
    """A recipient's own quiet hours, time zone and language: set by them, or by an admin
    or coordinator of the recipient's organisation."""
    model = {"person": Person, "contact": Contact, "staff": Staff}[kind]
    recipient = uow.session.get(model, recipient_id)
    if recipient is None or recipient.organisation_id != principal.organisation_id:
        raise NotFound("No such recipient.")
    if principal.role == "supporter":  # a network contact with a login
        mine = kind == "contact" and principal.contact_id == recipient_id
    else:
        mine = owner_of(principal) == (kind, recipient_id)
    if not mine and principal.role not in ("admin", "coordinator"):
        raise Forbidden("Only the recipient or a coordinator can change these preferences.")
    if not mine and not _at_coordinators_sites(uow, principal, kind, recipient):
        raise NotFound("No such recipient.")  # as everywhere: outside your sites does not exist
    row = uow.session.merge(RecipientPreferences(recipient_kind=kind, recipient_id=recipient_id,
                                                 updated_at=uow.clock.now(), **values))
    uow.commit()
    return row
