"""The self check-in page a person opens from a signed link on their phone; no account,
no JavaScript. The link is the only credential, so these views are public."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, current_app, request
from werkzeug.datastructures import MultiDict

from services.checkins.usecases import self_checkin
from shared.emergency_numbers import UnknownRegion, numbers_for
from shared.errors import Invalid
from shared.web.auth import public
from shared.web.common import unit_of_work
from shared.web.pages import environment, render, require_same_origin
from shared.web.ratelimit import rate_limited
from shared.web.security import secret_url

blp = Blueprint("self_checkin", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
log = logging.getLogger(__name__)

KEYPAD = {letter: digit for digit, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
                                               "7": "PQRS", "8": "TUV", "9": "WXYZ"}.items() for letter in letters}


def dial(number: str) -> str:
    """What the phone dials: "1-800-662-HELP (4357)" -> "18006624357", "116 123" -> "116123"."""
    spelled = number.split("(", 1)[0]
    return "".join(KEYPAD.get(c, c) for c in spelled.upper() if c.isalnum() or c == "+")


ENV.filters["dial"] = dial


# The token is in the URL: @secret_url keeps it out of caches, search engines and every
# Referer (Referrer-Policy: no-referrer), and @rate_limited slows anyone trying links.
@blp.route("/self-checkin/<token>", methods=["GET"])
@public
@secret_url
@rate_limited("self_checkin")
def form(token: str):
    try:
        with unit_of_work() as uow:
            _, person = self_checkin.open_link(uow, token, settings=_settings())
    except (self_checkin.LinkInvalid, self_checkin.LinkGone) as refused:
        return _refused(refused)
    return _form(token, person.region)


@blp.route("/self-checkin/<token>", methods=["POST"])
@public
@secret_url
@rate_limited("self_checkin")
def submit(token: str):
    # Under no-referrer the browser posts this form with `Origin: null`; that is accepted
    # here only because the URL itself holds the secret another site cannot know.
    require_same_origin(opaque_origin_ok=True)
    wellbeing, help_text = _wellbeing(request.form.get("wellbeing")), request.form.get("help", "")
    talk_now = request.form.get("talk_now") == "yes"
    try:
        with unit_of_work() as uow:
            _, person = self_checkin.open_link(uow, token, settings=_settings())  # for a form shown again
            try:
                self_checkin.answer(uow, token, wellbeing, help_text, talk_now, settings=_settings())
            except Invalid as invalid:  # the link is untouched: let them fix it and send again
                return _form(token, person.region, status=422, error=invalid, values=request.form)
    except (self_checkin.LinkInvalid, self_checkin.LinkGone) as refused:
        return _refused(refused)
    return _page("self_checkin_thanks.html", talk_now=talk_now, numbers=_numbers(person.region))


def _form(token: str, region: str, status: int = 200, error: Invalid | None = None, values=None):
    return _page("self_checkin_form.html", status=status, token=token, error=error,
                 values=values or MultiDict(), emergency=next(iter(_numbers(region)), None))


def _refused(refused: Exception):
    # Who the link was for stays unsaid: the page reads the same for every person.
    reason = ("used" if isinstance(refused, self_checkin.LinkUsed) else
              "expired" if isinstance(refused, self_checkin.LinkExpired) else "invalid")
    return _page("self_checkin_gone.html", status=404 if reason == "invalid" else 410, reason=reason)


def _page(template: str, status: int = 200, **context):
    return render(ENV, template, status=status, **context)


def _numbers(region: str):
    try:
        return numbers_for(region)
    except UnknownRegion:
        log.warning("no crisis numbers for region %s; the page falls back to general advice", region)
        return ()


def _wellbeing(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _settings():
    return current_app.extensions["circles"].settings
