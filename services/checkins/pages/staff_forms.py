"""The check-in form, laid out as the guide's 15-minute agenda.

The post is loaded with the API's own `CheckinIn` schema and stored by the same use case,
so the page and the API accept exactly the same check-ins.
"""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, redirect, request

from shared.web.audited import audited
from services.checkins.api.schemas import CheckinIn
from services.checkins.domain import agenda
from services.checkins.pages.staff import ENV, install_error_pages, owner_choices
from services.checkins.usecases import checkins, sessions
from services.checkins.usecases.access import STAFF_WITH_CASELOAD, require_person
from shared.errors import Conflict, Invalid, NotFound
from shared.web.auth import current_principal, require_roles
from shared.web.common import strings, unit_of_work
from shared.web.pages import render, require_same_origin

blp = Blueprint("checkins_staff_forms", __name__)
install_error_pages(blp)
ITEM_ROWS = 3
TOP_FIELDS = ("wellbeing", "wins", "risks_and_needs", "practical_tasks", "days_abstinent_last_30",
              "medication_adherence")
ITEM_FIELDS = {"what": "what", "owner_kind": "owner", "owner_id": "owner", "due_on": "due"}
# Messages written for people, in place of the schema's; keyed by the form field's id.
MESSAGES = {
    "wellbeing": "Choose how the person feels today, from 1 (worst) to 10 (best).",
    "days_abstinent_last_30": "Enter a whole number of days from 0 to 30, or leave it empty.",
    "medication_adherence": "Choose one of the listed answers.",
    "what": "Say what needs doing (up to 1000 characters).",
    "owner": "Choose who does it.",
    "due": "Give the date it is due by.",
}


@blp.route("/staff/persons/<uuid:person_id>/checkins/new", methods=["GET"])
@require_roles(*STAFF_WITH_CASELOAD)
def new_checkin(person_id):
    return _form_page(str(person_id), request.args.get("session_id", ""), request.args)


@blp.route("/staff/persons/<uuid:person_id>/checkins/new", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
def record_checkin(person_id):
    require_same_origin()
    pid, form = str(person_id), request.form
    with unit_of_work() as uow:
        require_person(uow, current_principal(), pid)  # a person out of sight is a 404, not a form error
    body, rows = form_to_body(form, pid)
    try:
        loaded = CheckinIn().load(body)
    except ma.ValidationError as invalid:
        return _form_page(pid, form.get("session_id", ""), form, 422, field_errors(invalid.messages, rows))
    try:
        with unit_of_work() as uow:
            saved = checkins.record_checkin(uow, current_principal(), checkins.RecordCheckin(**strings(loaded)))
    except Invalid as invalid:
        # The use case names the rule broken (an owner, a session), not the form row: shown at the top.
        return _form_page(pid, form.get("session_id", ""), form, 422, {"form": str(invalid)})
    except Conflict as conflict:
        return _form_page(pid, form.get("session_id", ""), form, 409, {"form": str(conflict)})
    return redirect(f"/staff/persons/{pid}/sessions?recorded={saved.record.id}", code=303)


def form_to_body(form, person_id: str) -> tuple[dict, list[int]]:
    """The form as a CheckinIn body; empty answers are left out, as an API client would.
    Also returns, for each action item sent, the form row it came from."""
    body = {"person_id": person_id}
    for name in ("session_id", "wellbeing", "days_abstinent_last_30", "medication_adherence"):
        if form.get(name, "").strip():
            body[name] = form[name].strip()
    for name in ("wins", "risks_and_needs", "practical_tasks"):
        body[name] = form.get(name, "")
    body["risk_flags"] = [{"kind": kind, "severity": form[f"flag-{kind}"]} for kind in agenda.RISK_KINDS
                          if form.get(f"flag-{kind}", "none") != "none"]
    rows = [row for row in range(ITEM_ROWS)
            if any(form.get(f"item-{row}-{f}", "").strip() for f in ("what", "owner", "due"))]
    body["action_items"] = [_item(form, row) for row in rows]
    return body, rows


def _item(form, row: int) -> dict:
    kind, _, owner_id = form.get(f"item-{row}-owner", "").partition(":")
    item = {"what": form.get(f"item-{row}-what", "").strip(), "owner_kind": kind, "owner_id": owner_id}
    return {**item, "due_on": form.get(f"item-{row}-due", "")}


def field_errors(messages: dict, rows: list[int]) -> dict[str, str]:
    """Schema errors keyed by the id of the form field at fault."""
    errors = {}
    for name, problem in messages.items():
        if name == "action_items" and isinstance(problem, dict):
            for index, fields in problem.items():
                for field in fields if isinstance(fields, dict) else ("what",):
                    key = ITEM_FIELDS.get(field, "what")
                    errors[f"item-{rows[int(index)]}-{key}"] = MESSAGES[key]
        elif name == "risk_flags" and isinstance(problem, dict):
            errors["flags"] = "Choose a severity from the list for each risk."
        else:
            key = name if name in TOP_FIELDS else "form"
            text = MESSAGES.get(name) or " ".join(_flatten(problem))
            errors[key] = f"{errors[key]} {text}" if key in errors else text
    return errors


def _flatten(problem) -> list[str]:
    if isinstance(problem, dict):
        return [text for value in problem.values() for text in _flatten(value)]
    return [str(text) for text in problem] if isinstance(problem, list) else [str(problem)]


def _form_page(pid: str, session_id: str, form, status: int = 200, errors: dict | None = None):
    principal = current_principal()
    with unit_of_work() as uow:
        person = require_person(uow, principal, pid)
        session = _session_of(uow, principal, pid, session_id)
        owners = owner_choices(uow, person)  # names from the person's network map
        audited(uow, [person.person_id], "checkin_form")
    return render(ENV, "staff_checkin_form.html", status=status, person=person, session=session, owners=owners,
                  form=form, errors=errors or {}, rows=range(ITEM_ROWS), risk_kinds=agenda.RISK_KINDS,
                  severities=("none",) + agenda.SEVERITIES, adherence=agenda.MEDICATION_ADHERENCE)


def _session_of(uow, principal, pid: str, session_id: str):
    """The session the check-in is for, when the form was opened from one of the person's
    that still awaits a record."""
    if not session_id:
        return None
    try:
        session = sessions.require_session(uow, principal, session_id)
    except NotFound:  # a stale or foreign id: the form is simply not tied to a session
        return None
    return session if session.person_id == pid and session.status in ("scheduled", "missed") else None
