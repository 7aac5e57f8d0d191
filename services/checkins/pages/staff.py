"""Staff pages of the check-ins service, server-rendered: a person's sessions and rhythms,
action items, starter plan, one check-in record, and a site's "today" view.

Every page reads through the use cases (and their visibility rules): a person the caller
may not see is a 404 page, exactly as in the API.
"""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from flask import Blueprint, request
from sqlalchemy import select

from shared.web.audited import audited
from services.checkins.models import KnownContact, KnownPerson, KnownStaff
from services.checkins.pages import wording
from services.checkins.usecases import action_items, checkins, plans, rhythms, sessions, today
from services.checkins.usecases.access import STAFF_WITH_CASELOAD, require_person
from shared.errors import Forbidden, NotFound
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import environment, render

blp = Blueprint("checkins_staff", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
ENV.filters.update(ref=wording.ref, local=wording.local, local_input=wording.local_input, day=wording.day)
ENV.globals.update(PHASES=wording.PHASES, RISKS=wording.RISKS, ADHERENCE=wording.ADHERENCE, KINDS=wording.KINDS)
# Completed and missed sessions shown on the sessions page: the last twelve weeks.
HISTORY = dt.timedelta(weeks=12)


def install_error_pages(blueprint: Blueprint) -> None:
    """Pages answer errors with a page, not a problem document."""
    blueprint.register_error_handler(NotFound, lambda error: _error_page(404, "Not found", str(error)))
    blueprint.register_error_handler(Forbidden, lambda error: _error_page(403, "Not allowed", str(error)))


def _error_page(status: int, title: str, detail: str):
    return render(ENV, "staff_error.html", status=status, title=title, detail=detail)


install_error_pages(blp)



def owner_choices(uow, person: KnownPerson) -> list[tuple[str, str]]:
    """Who can own an action item: the person's staff and their network contacts, as
    ("kind:id", label) pairs for a select."""
    staff_ids = [sid for sid in (person.peer_worker_id, person.clinical_lead_id) if sid]
    staff = uow.session.scalars(select(KnownStaff).where(KnownStaff.staff_id.in_(staff_ids))).all()
    contacts = uow.session.scalars(select(KnownContact).where(
        KnownContact.person_id == person.person_id, KnownContact.removed.is_(False))
        .order_by(KnownContact.circle, KnownContact.role, KnownContact.contact_id)).all()
    return ([(f"staff:{s.staff_id}", f"{s.display_name} ({wording.humanise(s.role)})") for s in staff]
            + [(f"contact:{c.contact_id}", _contact_label(c)) for c in contacts])


def _contact_label(contact: KnownContact) -> str:
    # A contact's name is only known when they agreed to be contacted.
    who = contact.name or wording.humanise(contact.role).capitalize()
    return f"{who} ({wording.humanise(contact.role)}, {contact.circle} circle)"


def owner_label(uow, kind: str, owner_id: str) -> str:
    if kind == "staff":
        staff = uow.session.get(KnownStaff, owner_id)
        return f"{staff.display_name} ({wording.humanise(staff.role)})" if staff else "A staff member"
    contact = uow.session.get(KnownContact, owner_id)
    return _contact_label(contact) if contact else "A network contact"


def sessions_page(person_id: str, status: int = 200, errors: dict | None = None, form: dict | None = None):
    """The sessions page; the session and rhythm forms re-render it with their errors."""
    principal = current_principal()
    with unit_of_work() as uow:
        person = require_person(uow, principal, person_id)
        now = uow.clock.now()
        upcoming = sessions.list_sessions(uow, principal, sessions.SessionQuery(
            person_id=person_id, status="scheduled", starts_from=now))
        recent = sessions.list_sessions(uow, principal, sessions.SessionQuery(
            person_id=person_id, starts_from=now - HISTORY, limit=200))
        person_rhythms = rhythms.rhythms_of(uow, principal, person_id)
        audited(uow, [person.person_id], "sessions_page")
    rules = {r.id: wording.describe_rule(r.rrule, r.first_start_local, r.timezone) for r in person_rhythms}
    return render(ENV, "staff_sessions.html", status=status, person=person, now=now, upcoming=upcoming,
                  completed=[s for s in reversed(recent) if s.status == "completed"],
                  missed=[s for s in reversed(recent) if s.status == "missed"],
                  rhythms=person_rhythms, rules=rules, titles={r.id: r.title for r in person_rhythms},
                  recorded=_as_uuid(request.args.get("recorded", "")), errors=errors or {}, form=form or {},
                  weekdays=wording.WEEKDAYS, checkin_kinds=checkins.CHECKIN_KINDS)


@blp.route("/staff/persons/<uuid:person_id>/sessions")
@require_roles(*STAFF_WITH_CASELOAD)
def person_sessions(person_id):
    return sessions_page(str(person_id))


@blp.route("/staff/checkins/<uuid:checkin_id>")
@require_roles(*STAFF_WITH_CASELOAD)
def checkin_record(checkin_id):
    with unit_of_work() as uow:
        record = checkins.get_checkin(uow, current_principal(), str(checkin_id))
        person = require_person(uow, current_principal(), record.person_id)
        items = checkins.items_of(uow, record.id)
        owners = {item.id: owner_label(uow, item.owner_kind, item.owner_id) for item in items}
        flags = checkins.flags_of(uow, record.id)
        audited(uow, [person.person_id], "checkin_page")
    return render(ENV, "staff_checkin.html", person=person, record=record, flags=flags, items=items, owners=owners)


@blp.route("/staff/persons/<uuid:person_id>/action-items")
@require_roles(*STAFF_WITH_CASELOAD)
def person_action_items(person_id):
    principal, pid = current_principal(), str(person_id)
    with unit_of_work() as uow:
        person = require_person(uow, principal, pid)
        open_items = action_items.list_items(uow, principal, pid, "open", limit=200)
        done_items = action_items.list_items(uow, principal, pid, "done", limit=200)
        owners = {i.id: owner_label(uow, i.owner_kind, i.owner_id) for i in open_items + done_items}
        local_today = today.local_today(person, uow.clock.now())
        audited(uow, [pid], "action_items_page")
    return render(ENV, "staff_action_items.html", person=person, open_items=open_items,
                  done_items=list(reversed(done_items)), owners=owners, today=local_today)


@blp.route("/staff/persons/<uuid:person_id>/starter-plan")
@require_roles(*STAFF_WITH_CASELOAD)
def person_starter_plan(person_id):
    principal, pid = current_principal(), str(person_id)
    with unit_of_work() as uow:
        person = require_person(uow, principal, pid)
        plan = plans.plan_of(uow, pid)
        tasks = plans.tasks_of(uow, plan.id) if plan else []
        local_today = today.local_today(person, uow.clock.now())
        audited(uow, [pid], "starter_plan_page")
    phases = {phase: [t for t in tasks if t.phase == phase] for phase in wording.PHASES}
    return render(ENV, "staff_starter_plan.html", person=person, plan=plan, phases=phases, today=local_today)


@blp.route("/staff/today")
@require_roles(*STAFF_WITH_CASELOAD)
def today_page():
    site_id, error = _site_filter(request.args.get("site_id", "").strip())
    if error:
        return render(ENV, "staff_today.html", status=422, view=None, site_id=request.args.get("site_id"),
                      error=error)
    with unit_of_work() as uow:
        view = today.today_view(uow, current_principal(), site_id)
        now = uow.clock.now()
        shown = view.due + view.missed + view.overdue_items + view.overdue_tasks
        audited(uow, [person.person_id for _, person in shown], "today_page", "list")
    return render(ENV, "staff_today.html", view=view, site_id=site_id, error=None, now=now)


def _site_filter(value: str) -> tuple[str | None, str | None]:
    if value and _as_uuid(value) is None:
        return None, "The site id is not valid: choose a site from the list or leave it empty."
    return _as_uuid(value), None


def _as_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None
