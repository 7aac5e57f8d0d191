"""Action items: who does what by when, each tracked to done; overdue ones announced once."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.checkins.models import ActionItem, KnownContact, KnownPerson, KnownStaff
from services.checkins.models.base import new_id
from services.checkins.usecases.access import require_person, visible_person_ids
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound

BATCH = 500


def create(uow: UnitOfWork, principal: Principal, person_id: str, item: dict) -> ActionItem:
    person = require_person(uow, principal, person_id)
    created = add(uow, person, item, created_by=principal.subject)
    uow.commit()
    return created


def add(uow: UnitOfWork, person: KnownPerson, item: dict, *, created_by: str,
        checkin_id: str | None = None) -> ActionItem:
    _check_owner(uow, person, item["owner_kind"], str(item["owner_id"]))
    action = ActionItem(
        id=new_id(), organisation_id=person.organisation_id, site_id=person.site_id, person_id=person.person_id,
        checkin_id=checkin_id, what=item["what"], owner_kind=item["owner_kind"], owner_id=str(item["owner_id"]),
        due_on=item["due_on"], status="open", overdue_announced=False, created_by=created_by,
        created_at=uow.clock.now())
    uow.session.add(action)  # inserted at the commit's flush: its id is already known
    _publish(uow, action, "created")
    return action


def complete(uow: UnitOfWork, principal: Principal, item_id: str) -> ActionItem:
    action = require_item(uow, principal, item_id)
    if action.status == "done":
        raise Conflict("The action item is already done.")
    action.status, action.done_at, action.done_by = "done", uow.clock.now(), principal.subject
    _publish(uow, action, "completed")
    uow.commit()
    return action


def require_item(uow: UnitOfWork, principal: Principal, item_id: str) -> ActionItem:
    action = uow.session.scalars(select(ActionItem).where(
        ActionItem.id == str(item_id), ActionItem.person_id.in_(visible_person_ids(principal)))).first()
    if action is None:
        raise NotFound("No such action item.")
    return action


def list_items(uow: UnitOfWork, principal: Principal, person_id: str | None, status: str | None,
               owner_id: str | None = None, limit: int = 100, offset: int = 0) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.person_id.in_(visible_person_ids(principal)))
    if person_id:
        require_person(uow, principal, person_id)
        query = query.where(ActionItem.person_id == str(person_id))
    if status:
        query = query.where(ActionItem.status == status)
    if owner_id:
        query = query.where(ActionItem.owner_id == str(owner_id))
    return list(uow.session.scalars(query.order_by(ActionItem.due_on, ActionItem.id).limit(limit).offset(offset)))


def announce_overdue(uow: UnitOfWork, batch: int = BATCH) -> int:
    """The job: action_item.overdue once an open item's due day has passed where the person lives."""
    now = uow.clock.now()
    candidates = uow.session.execute(select(ActionItem, KnownPerson.timezone).join(
        KnownPerson, KnownPerson.person_id == ActionItem.person_id).where(
        ActionItem.status == "open", ActionItem.overdue_announced.is_(False),
        # No zone is more than a day ahead of UTC, so this bounds the scan in SQL.
        ActionItem.due_on < (now + dt.timedelta(days=1)).date(),
    ).order_by(ActionItem.due_on).limit(batch).with_for_update(skip_locked=True, of=ActionItem)).all()
    announced = 0
    for action, timezone in candidates:
        if now.astimezone(ZoneInfo(timezone)).date() > action.due_on:
            action.overdue_announced = True
            _publish(uow, action, "overdue")
            announced += 1
    uow.commit()
    return announced


def _check_owner(uow: UnitOfWork, person: KnownPerson, kind: str, owner_id: str) -> None:
    if kind == "staff":
        staff = uow.session.get(KnownStaff, owner_id)
        if staff is None or staff.organisation_id != person.organisation_id:
            raise Invalid("The owner is not a staff member of this organisation.", "owner_id")
    else:
        contact = uow.session.get(KnownContact, owner_id)
        if contact is None or contact.person_id != person.person_id or contact.removed:
            raise Invalid("The owner is not in this person's network.", "owner_id")


def _publish(uow: UnitOfWork, action: ActionItem, change: str) -> None:
    # "what" is free text and stays here; the owner is told to look at the item.
    uow.publish(f"circles.checkins.action_item.{change}.v1", {
        "action_item_id": action.id, "person_id": action.person_id, "organisation_id": action.organisation_id,
        "site_id": action.site_id, "checkin_id": action.checkin_id, "owner_kind": action.owner_kind,
        "owner_id": action.owner_id, "due_on": action.due_on, "status": action.status,
    }, subject=action.person_id)
