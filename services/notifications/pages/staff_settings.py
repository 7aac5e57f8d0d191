"""The organisation's notification settings page: every event type's rules as a table
(overrides marked), and the quiet hours, rate limit and language. Admins change the last
four; coordinators read them. Changes go through `queries.change_rules`, as `PUT /rules` does."""
from __future__ import annotations

from flask import Blueprint, redirect, request

from services.notifications import messages
from services.notifications.api.notifications import RulesSchema
from services.notifications.pages.staff import ENV, install_error_pages
from services.notifications.pages.wording import language
from services.notifications.usecases import queries
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import render, require_same_origin

blp = Blueprint("notifications_staff_settings", __name__)
install_error_pages(blp)
FIELDS = ("quiet_start", "quiet_end", "rate_limit_per_hour", "locale")
# The API's schema decides what is valid; the page says what to do about it.
MESSAGES = {
    "quiet_start": "Enter when quiet hours start, like 21:00 (9 pm).",
    "quiet_end": "Enter when quiet hours end, like 08:00 (8 am).",
    "rate_limit_per_hour": "Enter a whole number of messages from 1 to 100.",
    "locale": "Choose a language from the list.",
}
LABELS = {"quiet_start": "Quiet hours start", "quiet_end": "Quiet hours end",
          "rate_limit_per_hour": "Messages per recipient per hour", "locale": "Language of messages"}


@blp.route("/staff/settings")
@require_roles("admin", "coordinator")
def settings_page():
    with unit_of_work() as uow:
        current = queries.rules(uow, current_principal())
    return _render(current, saved=request.args.get("saved") == "1")


@blp.route("/staff/settings", methods=["POST"])
@require_roles("admin")
def change_settings():
    require_same_origin()
    form = {field: request.form.get(field, "").strip() for field in FIELDS}
    with unit_of_work() as uow:
        current = queries.rules(uow, current_principal())
        errors = _errors(form, _languages(current["locale"]))
        if not errors:
            queries.change_rules(uow, current_principal(), RulesSchema(only=FIELDS).load(form))
    if errors:
        return _render(current, status=422, errors=errors, form=form)
    return redirect("/staff/settings?saved=1", code=303)


def _errors(form: dict, languages: dict) -> dict[str, str]:
    found = {field: MESSAGES[field] for field in RulesSchema(only=FIELDS).validate(form)}
    if "locale" not in found and form["locale"] not in languages:
        found["locale"] = MESSAGES["locale"]
    return {field: found[field] for field in FIELDS if field in found}  # in the form's order


def _languages(current: str) -> dict[str, str]:
    """The languages with templates, plus whatever the API set (kept selectable)."""
    return {code: language(code) for code in dict.fromkeys([*messages.locales(), current])}


def _render(current: dict, status: int = 200, errors: dict | None = None, form: dict | None = None,
            saved: bool = False):
    values = form or {field: str(current[field]) for field in FIELDS}
    return render(ENV, "staff_settings.html", status=status, current=current, form=values, errors=errors or {},
                  labels=LABELS, languages=_languages(current["locale"]), saved=saved,
                  editable=current_principal().role == "admin")
