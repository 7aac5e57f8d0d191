"""Staff pages and the login page, server-rendered; forms go through the API's use cases."""
from __future__ import annotations

from pathlib import Path

import marshmallow as ma
from flask import Blueprint, current_app, redirect, request
from markupsafe import Markup

from services.people.api.common import unit_of_work
from services.people.api.person_schemas import PersonIn
from services.people.usecases import assessments, consents, contacts, crisis_plans, network_health, organisations, persons
from shared.errors import Forbidden, Invalid
from shared.web import ratelimit
from shared.web.auth import SESSION_COOKIE, current_principal, public
from shared.web.pages import END_SESSION, environment, render, require_same_origin
from shared.web.security import allow_inline_style

blp = Blueprint("pages", __name__)
ENV = environment(Path(__file__).parent / "templates")
# The printable crisis plan keeps its print styles in the page, so a saved copy prints the
# same; the Content-Security-Policy allows exactly that text.
allow_inline_style(ENV, "crisis_plan_print.html")
PURPOSE = "care_coordination"


def _safe_next(target: str | None, role: str) -> str:
    # Only paths on this site: never an open redirect to somewhere else.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/my-plan" if role == "participant" else "/staff/persons"


@blp.route("/")
@public
def home():
    return redirect("/staff/persons")


@blp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        return render(ENV, "login.html", next=request.args.get("next", ""), error=None)
    require_same_origin()
    settings = current_app.extensions["circles"].settings
    email = request.form.get("email", "")
    ratelimit.guard_login(email)  # too many failures from here or for this account: 429
    try:
        with unit_of_work() as uow:
            token, account = organisations.issue_token(uow, settings, email, request.form.get("password", ""),
                                                       session=True)
    except Forbidden as refused:
        ratelimit.login_failed(email)
        return render(ENV, "login.html", status=401, next=request.form.get("next", ""), error=str(refused))
    response = redirect(_safe_next(request.form.get("next"), account.role), code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.jwt_ttl_seconds, httponly=True,
                        samesite="Lax", secure=settings.cookie_secure)
    return response


@blp.record_once
def _own_the_sessions(state) -> None:
    """The people service owns login sessions: the shared /logout ends them through here."""
    state.app.config[END_SESSION] = _end_session


def _end_session(token_id: str, expires_at) -> None:
    with unit_of_work() as uow:
        organisations.end_session(uow, token_id, expires_at)


@blp.route("/staff/persons")
def person_list():
    with unit_of_work() as uow:
        found = persons.search(uow, current_principal(), request.args.get("q") or None, None, None, 200, 0, PURPOSE)
    return render(ENV, "person_list.html", persons=found, q=request.args.get("q", ""))


@blp.route("/staff/persons/new", methods=["GET", "POST"])
def intake():
    if request.method == "GET":
        return render(ENV, "person_new.html", form={}, errors={})
    require_same_origin()
    form = {k: v for k, v in request.form.items() if v.strip()}
    form["goals"] = [g.strip() for g in request.form.get("goals", "").splitlines() if g.strip()]
    try:
        details = PersonIn().load(form)
        details["site_id"] = str(details["site_id"]) if details.get("site_id") else None
        with unit_of_work() as uow:
            person = persons.register(uow, current_principal(), details)
    except ma.ValidationError as invalid:
        return render(ENV, "person_new.html", status=422, form=request.form, errors=invalid.messages)
    except Invalid as invalid:
        return render(ENV, "person_new.html", status=422, form=request.form, errors={invalid.field: [str(invalid)]})
    return redirect(f"/staff/persons/{person.id}", code=303)


@blp.route("/staff/persons/<uuid:person_id>")
def person_page(person_id):
    principal, pid = current_principal(), str(person_id)
    with unit_of_work() as uow:
        person = persons.get(uow, principal, pid, PURPOSE)
        svg, lines = contacts.network_map(uow, principal, pid, PURPOSE)
        health = network_health.evaluate(uow, principal, pid, PURPOSE)
        plan = crisis_plans.latest_signed(uow, pid)
        consent_rows = consents.list_for(uow, principal, pid, PURPOSE)
        latest = assessments.latest(uow, pid)
    return render(ENV, "person_page.html", person=person, map_svg=Markup(svg), map_lines=lines, health=health,
                  plan=plan, consents=consent_rows, latest=latest)
