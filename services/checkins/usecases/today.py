"""Read-only queries behind a site's "today" view: what is due, missed or overdue for the
persons the caller may see, each judged by the calendar day where that person lives."""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, not_, or_, select

from services.checkins.models import ActionItem, CheckinRecord, KnownPerson, PlanTask, Review, Session
from services.checkins.usecases.access import visibility
from services.checkins.usecases.checkins import CHECKIN_KINDS
from shared.auth import Principal
from shared.db.uow import UnitOfWork

LIMIT = 200
MISSED_WINDOW = dt.timedelta(days=7)
# Local days run from UTC-12 to UTC+14: a two-day band around now holds every zone's today.
ZONE_SPAN = dt.timedelta(days=2)


@dataclasses.dataclass(frozen=True)
class Today:
    due: list[tuple[Session, KnownPerson]]
    missed: list[tuple[Session, KnownPerson]]
    overdue_items: list[tuple[ActionItem, KnownPerson]]
    overdue_tasks: list[tuple[PlanTask, KnownPerson]]


def local_today(person: KnownPerson, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(person.timezone)).date()


def today_view(uow: UnitOfWork, principal: Principal, site_id: str | None = None) -> Today:
    return Today(due_today(uow, principal, site_id), missed_recently(uow, principal, site_id),
                 overdue_items(uow, principal, site_id), overdue_tasks(uow, principal, site_id))


def _rows(uow: UnitOfWork, entity, principal: Principal, site_id: str | None, *where, order=()):
    query = select(entity, KnownPerson).join(KnownPerson, KnownPerson.person_id == entity.person_id).where(
        visibility(principal), *where)
    if site_id:
        query = query.where(KnownPerson.site_id == str(site_id))
    return uow.session.execute(query.order_by(*order).limit(LIMIT)).all()


def due_today(uow: UnitOfWork, principal: Principal, site_id: str | None = None) -> list[tuple[Session, KnownPerson]]:
    """Scheduled sessions that start on the person's local today."""
    now = uow.clock.now()
    rows = _rows(uow, Session, principal, site_id, Session.status == "scheduled",
                 Session.starts_at >= now - ZONE_SPAN, Session.starts_at < now + ZONE_SPAN,
                 order=(Session.starts_at, Session.id))
    return [(session, person) for session, person in rows
            if session.starts_at.astimezone(ZoneInfo(person.timezone)).date() == local_today(person, now)]


def missed_recently(uow: UnitOfWork, principal: Principal,
                    site_id: str | None = None) -> list[tuple[Session, KnownPerson]]:
    """Sessions missed in the last week that no later check-in (or review) has followed up."""
    now = uow.clock.now()
    followed_by_checkin = exists().where(
        CheckinRecord.person_id == Session.person_id, CheckinRecord.completed_at >= Session.starts_at)
    followed_by_review = exists().where(Review.person_id == Session.person_id,
                                        Review.completed_at >= Session.starts_at)
    followed = or_(and_(Session.kind.in_(CHECKIN_KINDS), followed_by_checkin),
                   and_(Session.kind == "monthly_review", followed_by_review))
    return list(_rows(uow, Session, principal, site_id, Session.status == "missed",
                      Session.starts_at >= now - MISSED_WINDOW, not_(followed),
                      order=(Session.starts_at.desc(), Session.id)))


def overdue_items(uow: UnitOfWork, principal: Principal,
                  site_id: str | None = None) -> list[tuple[ActionItem, KnownPerson]]:
    """Open action items whose due day has passed where the person lives."""
    now = uow.clock.now()
    rows = _rows(uow, ActionItem, principal, site_id, ActionItem.status == "open",
                 ActionItem.due_on < (now + dt.timedelta(days=1)).date(), order=(ActionItem.due_on, ActionItem.id))
    return [(item, person) for item, person in rows if item.due_on < local_today(person, now)]


def overdue_tasks(uow: UnitOfWork, principal: Principal,
                  site_id: str | None = None) -> list[tuple[PlanTask, KnownPerson]]:
    """Starter-plan tasks not done after their due day, for persons still in the programme."""
    now = uow.clock.now()
    rows = _rows(uow, PlanTask, principal, site_id, PlanTask.done_at.is_(None), KnownPerson.status != "discharged",
                 PlanTask.due_on < (now + dt.timedelta(days=1)).date(),
                 order=(PlanTask.due_on, PlanTask.position, PlanTask.id))
    return [(task, person) for task, person in rows if task.due_on < local_today(person, now)]
