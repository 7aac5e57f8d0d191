"""The small forms of the staff pages: move or cancel a session, add a weekly rhythm, mark
an action item or a starter-plan task done. Each posts, then redirects (303) to its page."""
from __future__ import annotations

from flask import Blueprint, redirect, request

from services.checkins.domain.recurrence import RecurrenceError, parse_local, to_utc, zone
from services.checkins.pages.staff import install_error_pages, sessions_page
from services.checkins.pages.wording import WEEKDAYS
from services.checkins.usecases import action_items, plans, rhythms, sessions
from services.checkins.usecases.access import STAFF_WITH_CASELOAD, require_person
from shared.errors import Conflict, Invalid
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import require_same_origin

blp = Blueprint("checkins_staff_actions", __name__)
install_error_pages(blp)
REASON_MAX = 500


def _person_of_session(session_id: str) -> str:
    with unit_of_work() as uow:
        return sessions.require_session(uow, current_principal(), session_id).person_id


@blp.route("/staff/sessions/<uuid:session_id>/reschedule", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def reschedule(session_id):
    require_same_origin()
    sid = str(session_id)
    pid = _person_of_session(sid)
    try:
        with unit_of_work() as uow:
            person = require_person(uow, current_principal(), pid)
            # The form asks for wall-clock time where the person lives.
            starts_at = to_utc(parse_local(request.form.get("starts_local", "")), zone(person.timezone))
            sessions.reschedule(uow, current_principal(), sid, starts_at)
    except (RecurrenceError, Invalid, Conflict) as refused:
        return sessions_page(pid, 422, errors={sid: str(refused)}, form=request.form)
    return redirect(f"/staff/persons/{pid}/sessions#session-{sid}", code=303)


@blp.route("/staff/sessions/<uuid:session_id>/cancel", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def cancel(session_id):
    require_same_origin()
    sid = str(session_id)
    pid = _person_of_session(sid)
    reason = request.form.get("reason", "").strip()
    try:
        if len(reason) > REASON_MAX:
            raise Invalid(f"Keep the reason under {REASON_MAX} characters.", "reason")
        with unit_of_work() as uow:
            sessions.cancel(uow, current_principal(), sid, reason)
    except (Invalid, Conflict) as refused:
        return sessions_page(pid, 422, errors={sid: str(refused)}, form=request.form)
    return redirect(f"/staff/persons/{pid}/sessions", code=303)


@blp.route("/staff/persons/<uuid:person_id>/rhythms", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def add_weekly_rhythm(person_id):
    require_same_origin()
    pid, weekday = str(person_id), request.form.get("weekday", "")
    # No weekday chosen: the rule falls on the first start's own weekday (RFC 5545).
    rule = f"FREQ=WEEKLY;BYDAY={weekday}" if weekday else "FREQ=WEEKLY"
    try:
        if weekday and weekday not in WEEKDAYS:
            raise Invalid("Choose a day of the week from the list.", "weekday")
        with unit_of_work() as uow:
            rhythms.create_rhythm(uow, current_principal(), rhythms.RhythmSpec(
                person_id=pid, kind="weekly_checkin", first_start_local=request.form.get("first_start", ""),
                rrule=rule))
    except Invalid as refused:
        return sessions_page(pid, 422, errors={"rhythm": str(refused)}, form=request.form)
    return redirect(f"/staff/persons/{pid}/sessions#rhythms", code=303)


@blp.route("/staff/action-items/<uuid:item_id>/done", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def mark_item_done(item_id):
    require_same_origin()
    with unit_of_work() as uow:
        item = action_items.require_item(uow, current_principal(), str(item_id))
        pid = item.person_id
        # Pressed twice (or in two tabs): the item is done either way.
        if item.status == "open":
            action_items.complete(uow, current_principal(), str(item_id))
    return redirect(f"/staff/persons/{pid}/action-items", code=303)


@blp.route("/staff/plan-tasks/<uuid:task_id>", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def change_plan_task(task_id):
    require_same_origin()
    with unit_of_work() as uow:
        task = plans.mark_done(uow, current_principal(), str(task_id), request.form.get("done") == "yes")
        pid = task.person_id
    return redirect(f"/staff/persons/{pid}/starter-plan#task-{task_id}", code=303)


@blp.route("/staff/persons/<uuid:person_id>/starter-plan", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def start_plan(person_id):
    require_same_origin()
    pid = str(person_id)
    try:
        with unit_of_work() as uow:
            plans.create_on_demand(uow, current_principal(), pid)
    except Conflict:
        pass  # started meanwhile (at registration or in another tab): show it
    return redirect(f"/staff/persons/{pid}/starter-plan", code=303)
