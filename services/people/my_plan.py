"""The person's own page: their network, crisis plan and consents, where they decide who
sees what (grant and revoke) themselves."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, request
from markupsafe import Markup

from services.people.api.common import unit_of_work
from services.people.domain import consent as rules
from services.people.pages import ENV
from services.people.usecases import consents, contacts, crisis_plans, persons, subject_access
from shared.errors import Forbidden, Invalid
from shared.web.auth import current_principal
from shared.web.pages import render, require_same_origin

blp = Blueprint("my_plan", __name__)
OWN = "treatment"


def _own_person_id() -> str:
    principal = current_principal()
    if principal.role != "participant" or not principal.person_id:
        raise Forbidden("This page is for the person whose plan it is.")
    return principal.person_id


def _page(status: int = 200, error: str | None = None):
    principal, pid = current_principal(), _own_person_id()
    with unit_of_work() as uow:
        person = persons.get(uow, principal, pid, OWN)
        svg, lines = contacts.network_map(uow, principal, pid, OWN)
        network = contacts.active_contacts(uow, pid)
        plan = crisis_plans.latest_signed(uow, pid)
        consent_rows = consents.list_for(uow, principal, pid, OWN)
        data_requests = subject_access.requests_of(uow, principal, pid)
    return render(ENV, "my_plan.html", status=status, person=person, map_svg=Markup(svg), map_lines=lines,
                  network=network, plan=plan, consents=consent_rows, error=error,
                  data_classes=rules.DATA_CLASSES, purposes=rules.PURPOSES, data_requests=data_requests)


@blp.route("/my-plan")
def my_plan():
    return _page()


@blp.route("/my-plan/consents", methods=["POST"])
def grant():
    """The person grants a consent: proposes and signs it in one step, with their typed name."""
    require_same_origin()
    form = request.form
    terms = {"recipients": form.getlist("recipients"), "data_classes": form.getlist("data_classes"),
             "purposes": form.getlist("purposes"), "discloser": "My care team", "expiry_event": None,
             "expires_at": _end_of_day(form.get("expires_on", ""))}
    try:
        with unit_of_work() as uow:
            row = consents.propose(uow, current_principal(), _own_person_id(), terms)
            consents.sign(uow, current_principal(), _own_person_id(), row.consent_id, form.get("typed_name", ""))
    except Invalid as invalid:
        return _page(422, str(invalid))
    return redirect("/my-plan", code=303)


@blp.route("/my-plan/data-requests", methods=["POST"])
def ask_for_my_data():
    """The person asks for a copy of everything Circles holds on them (subject access)."""
    require_same_origin()
    with unit_of_work() as uow:
        subject_access.request(uow, current_principal(), _own_person_id(), "subject_access")
    return redirect("/my-plan#your-data", code=303)


@blp.route("/my-plan/consents/<uuid:consent_id>/revoke", methods=["POST"])
def revoke(consent_id):
    require_same_origin()
    try:
        with unit_of_work() as uow:
            consents.revoke(uow, current_principal(), _own_person_id(), str(consent_id),
                            request.form.get("reason") or "Revoked by the person")
    except Invalid as invalid:
        return _page(422, str(invalid))
    return redirect("/my-plan", code=303)


def _end_of_day(value: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None  # the consent rules then ask for an expiry
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
