"""Calendar feeds: mint a secret feed URL (calling again rotates it) and serve the
iCalendar document behind it to calendar apps, which can send no bearer token."""
from __future__ import annotations

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields

from services.checkins.usecases import calendars
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, public, require_roles
from shared.web.common import unit_of_work

blp = Blueprint("calendars", __name__, description="Subscribable iCalendar feeds behind secret URLs")


class CalendarTokenOut(ma.Schema):
    url = fields.String(metadata={"description": "Subscribe to this in a calendar app; keep it secret"})
    token = fields.String()
    created_at = fields.AwareDateTime()


def _issued(issued: calendars.IssuedToken) -> dict:
    return {"url": f"{request.host_url}calendars/{issued.token}.ics", "token": issued.token,
            "created_at": issued.created_at}


@blp.route("/persons/<uuid:person_id>/calendar-token", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD, "participant")
@blp.response(201, CalendarTokenOut)
def person_token(person_id):
    """A new feed URL for the person's sessions; any earlier one stops working. For staff
    who can see the person, and for the person themselves."""
    with unit_of_work() as uow:
        return _issued(calendars.rotate_token(uow, current_principal(), "person", str(person_id)))


@blp.route("/staff/me/calendar-token", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.response(201, CalendarTokenOut)
def staff_token():
    """A new feed URL for the caller's caseload sessions (persons shown by reference only);
    any earlier one stops working."""
    principal = current_principal()
    with unit_of_work() as uow:
        return _issued(calendars.rotate_token(uow, principal, "staff", principal.subject))


@blp.route("/calendars/<string:token>.ics", methods=["GET"])
@public
@blp.doc(security=[], responses={"200": {"description": "An RFC 5545 calendar",
                                          "content": {"text/calendar": {}}}})
def feed(token: str):
    """The feed the secret URL opens; 404 once it was rotated."""
    with unit_of_work() as uow:
        body = calendars.feed(uow, token)
    # Personal data behind a bearer-like URL: no shared cache may keep a copy.
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})
