"""/persons/{id}/self-checkin-links: staff mint a one-time link a person answers from a phone."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.checkins.usecases import self_checkin
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work

blp = Blueprint("self_checkin_links", __name__, description="One-time self check-in links")


class SelfCheckinLinkIn(Schema):
    ttl_hours = fields.Integer(load_default=48, validate=validate.Range(self_checkin.MIN_TTL_HOURS,
                                                                         self_checkin.MAX_TTL_HOURS),
                               metadata={"description": "How long the link works, in hours (default 48)"})


class SelfCheckinLinkOut(Schema):
    url = fields.String(metadata={"description": "The page the person opens; works once, until expires_at"})
    expires_at = fields.AwareDateTime()


@blp.route("/persons/<uuid:person_id>/self-checkin-links")
class SelfCheckinLinks(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(SelfCheckinLinkIn, required=False)
    @blp.response(201, SelfCheckinLinkOut)
    def post(self, body, person_id):
        """Mint a signed link for a person the caller may see.

        The person answers wellbeing, what they need help with, and may ask to talk to
        someone now (which raises risk.flagged). The URL is a secret: send it only to them."""
        settings = current_app.extensions["circles"].settings
        with unit_of_work() as uow:
            token, link = self_checkin.create_link(uow, current_principal(), str(person_id), body["ttl_hours"],
                                                   settings=settings)
        return {"url": f"{request.host_url}self-checkin/{token}", "expires_at": link.expires_at}
