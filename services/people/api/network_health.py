"""/persons/<id>/network-health: the guide's final checklist and pitfalls, item by item."""
from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from services.people.api.common import access_purpose, unit_of_work
from services.people.usecases import contacts, network_health
from shared.web.auth import current_principal

blp = Blueprint("network_health", __name__, url_prefix="/persons/<uuid:person_id>",
                description="Network health checklist")


class CheckItemOut(ma.Schema):
    key = fields.String()
    status = fields.String(metadata={"description": "pass, fail, or unknown (no data yet)"})
    reason = fields.String(metadata={"description": "Plain-language reason"})


class NetworkHealthOut(ma.Schema):
    person_id = fields.String()
    items = fields.List(fields.Nested(CheckItemOut))
    passed = fields.Integer()
    failed = fields.Integer()
    unknown = fields.Integer()
    complete = fields.Boolean()


@blp.route("/network-health")
class NetworkHealth(MethodView):
    @blp.response(200, NetworkHealthOut)
    def get(self, person_id):
        """Evaluate the final checklist: clinical lead and peer worker, signed crisis plan, check-in
        rhythm, mutual help and sober social activity, practical supports, two backups, no risky
        contact in the inner circle, assessment not overdue."""
        with unit_of_work() as uow:
            return network_health.evaluate(uow, current_principal(), str(person_id), access_purpose())


@blp.route("/network-map.svg")
class NetworkMapPicture(MethodView):
    @blp.doc(responses={"200": {"description": "An accessible SVG of the three circles",
                                "content": {"image/svg+xml": {}}}})
    def get(self, person_id):
        """The network map: inner, middle and outer circles, contacts coloured by label and
        lettered by role, with <title>, <desc> and a legend."""
        with unit_of_work() as uow:
            svg, _ = contacts.network_map(uow, current_principal(), str(person_id), access_purpose())
        return Response(svg, mimetype="image/svg+xml")
