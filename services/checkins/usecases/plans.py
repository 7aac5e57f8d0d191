"""The 30-day starter plan: created at registration or on demand, tasks tracked to done."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.checkins.domain import starter_plan
from services.checkins.models import KnownPerson, PlanTask, StarterPlan
from services.checkins.usecases.access import require_person, visible_person_ids
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, NotFound

BATCH = 500


def create_on_demand(uow: UnitOfWork, principal: Principal, person_id: str) -> StarterPlan:
    person = require_person(uow, principal, person_id)
    if plan_of(uow, person.person_id) is not None:
        raise Conflict("This person already has a starter plan.")
    plan = start_plan(uow, person)
    uow.commit()
    return plan


def start_plan(uow: UnitOfWork, person: KnownPerson) -> StarterPlan:
    """Day 1 is today where the person lives; every task of the guide gets its due day."""
    now = uow.clock.now()
    starts_on = now.astimezone(ZoneInfo(person.timezone)).date()
    plan = StarterPlan(organisation_id=person.organisation_id, site_id=person.site_id,
                       person_id=person.person_id, starts_on=starts_on, created_at=now)
    uow.session.add(plan)
    uow.session.flush()
    uow.session.add_all(
        PlanTask(plan_id=plan.id, organisation_id=plan.organisation_id, person_id=plan.person_id,
                 code=template.code, phase=template.phase, title=template.title, position=position,
                 due_on=starter_plan.due_on(starts_on, template), overdue_announced=False)
        for position, template in enumerate(starter_plan.TASKS))
    uow.publish("circles.checkins.plan.created.v1", {
        "plan_id": plan.id, "person_id": plan.person_id, "organisation_id": plan.organisation_id,
        "site_id": plan.site_id, "starts_on": starts_on}, subject=plan.person_id)
    return plan


def plan_of(uow: UnitOfWork, person_id: str) -> StarterPlan | None:
    return uow.session.scalars(select(StarterPlan).where(StarterPlan.person_id == str(person_id))).first()


def visible_plan(uow: UnitOfWork, principal: Principal, person_id: str) -> tuple[StarterPlan, list[PlanTask]]:
    require_person(uow, principal, person_id)
    plan = plan_of(uow, person_id)
    if plan is None:
        raise NotFound("This person has no starter plan.")
    return plan, tasks_of(uow, plan.id)


def tasks_of(uow: UnitOfWork, plan_id: str) -> list[PlanTask]:
    return list(uow.session.scalars(select(PlanTask).where(PlanTask.plan_id == plan_id).order_by(PlanTask.position)))


def mark_done(uow: UnitOfWork, principal: Principal, task_id: str, done: bool = True) -> PlanTask:
    task = uow.session.scalars(select(PlanTask).where(
        PlanTask.id == str(task_id), PlanTask.person_id.in_(visible_person_ids(principal)))).first()
    if task is None:
        raise NotFound("No such plan task.")
    task.done_at, task.done_by = (uow.clock.now(), principal.subject) if done else (None, None)
    uow.commit()
    return task


def announce_overdue(uow: UnitOfWork, batch: int = BATCH) -> int:
    """The job: plan.task.overdue once a task is not done after its due day, where the person lives."""
    now = uow.clock.now()
    candidates = uow.session.execute(select(PlanTask, KnownPerson).join(
        KnownPerson, KnownPerson.person_id == PlanTask.person_id).where(
        PlanTask.done_at.is_(None), PlanTask.overdue_announced.is_(False), KnownPerson.status != "discharged",
        # No zone is more than a day ahead of UTC, so this bounds the scan in SQL.
        PlanTask.due_on < (now + dt.timedelta(days=1)).date(),
    ).order_by(PlanTask.due_on).limit(batch).with_for_update(skip_locked=True, of=PlanTask)).all()
    announced = 0
    for task, person in candidates:
        if starter_plan.is_overdue(task.due_on, now.astimezone(ZoneInfo(person.timezone)).date()):
            task.overdue_announced = True
            uow.publish("circles.checkins.plan_task.overdue.v1", {
                "task_id": task.id, "plan_id": task.plan_id, "code": task.code, "phase": task.phase,
                "person_id": task.person_id, "organisation_id": task.organisation_id, "site_id": person.site_id,
                "peer_worker_id": person.peer_worker_id, "due_on": task.due_on}, subject=task.person_id)
            announced += 1
    uow.commit()
    return announced
