"""The 30-day starter plan of a person, and the organisation's check-in settings."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from shared.web.audited import audited
from services.checkins.usecases import plans, settings
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work

blp = Blueprint("plans", __name__, description="The 30-day starter plan; organisation settings")


class TaskOut(ma.Schema):
    id = fields.String()
    code = fields.String()
    phase = fields.String()
    title = fields.String()
    due_on = fields.Date()
    done_at = fields.AwareDateTime(allow_none=True)
    done_by = fields.String(allow_none=True)


class PlanOut(ma.Schema):
    id = fields.String()
    person_id = fields.String()
    starts_on = fields.Date()
    tasks = fields.List(fields.Nested(TaskOut))


class TaskChange(ma.Schema):
    done = fields.Boolean(required=True)


class SettingsSchema(ma.Schema):
    missed_grace_minutes = fields.Integer(required=True, validate=validate.Range(0, 7 * 24 * 60), metadata={
        "description": "How long after a session's end it is marked missed without a record (default 120)"})


def _plan_view(plan, tasks) -> dict:
    return {"id": plan.id, "person_id": plan.person_id, "starts_on": plan.starts_on, "tasks": tasks}


@blp.route("/persons/<uuid:person_id>/starter-plan")
class StarterPlan(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(200, PlanOut)
    def get(self, person_id):
        """The person's starter plan with every task and whether it is done."""
        with unit_of_work() as uow:
            plan, tasks = plans.visible_plan(uow, current_principal(), str(person_id))
            audited(uow, [plan.person_id], "starter_plan")
            return _plan_view(plan, tasks)

    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(201, PlanOut)
    def post(self, person_id):
        """Start a plan on demand (one is created at registration); day 1 is today locally."""
        with unit_of_work() as uow:
            plan = plans.create_on_demand(uow, current_principal(), str(person_id))
            return _plan_view(plan, plans.tasks_of(uow, plan.id))


@blp.route("/plan-tasks/<uuid:task_id>", methods=["PATCH"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.arguments(TaskChange)
@blp.response(200, TaskOut)
def change_task(body, task_id):
    """Mark a starter-plan task done (or not done)."""
    with unit_of_work() as uow:
        return plans.mark_done(uow, current_principal(), str(task_id), body["done"])


@blp.route("/settings")
class Settings(MethodView):
    @require_roles("admin", "coordinator")
    @blp.response(200, SettingsSchema)
    def get(self):
        """The organisation's check-in settings."""
        with unit_of_work() as uow:
            return settings.current(uow, current_principal())

    @require_roles("admin")
    @blp.arguments(SettingsSchema)
    @blp.response(200, SettingsSchema)
    def put(self, body):
        """Change the missed-session grace period; applies to every session not yet missed."""
        with unit_of_work() as uow:
            return settings.change(uow, current_principal(), body["missed_grace_minutes"])
