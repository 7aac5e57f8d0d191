"""Data-protection rights: subject access (the person's whole record from every service)
and erasure (after a recorded legal-basis check)."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.people.api.common import unit_of_work
from services.people.domain import erasure as rules
from services.people.pages import ENV
from services.people.usecases import erasure, subject_access
from shared.web.auth import current_principal
from shared.web.security import allow_inline_style

blp = Blueprint("privacy", __name__, description=(
    "Data-protection rights. Subject access: the person or an admin asks; every service "
    "sends its part; the bundle (JSON, or a readable HTML summary) is ready when all have. "
    "Erasure (admins): the Art. 17 ground and every Art. 17(3) exemption are recorded; "
    "if none applies the person is erased in every service."))
PURPOSE = "subject_access"  # what the audit log records for these reads
TITLES = {"people": "Your record, network, consents and plans (people)", "checkins": "Check-ins, reviews and sessions",
          "notifications": "Messages and notification settings", "resources": "Directory",
          "reporting": "Facts kept for the organisation's statistics"}
# The downloaded page keeps its own styles, so it reads the same when saved to disk.
allow_inline_style(ENV, "subject_access.html")


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _show(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def render_bundle(bundle: dict) -> str:
    return ENV.get_template("subject_access.html").render(bundle=bundle, titles=TITLES, columns_of=_columns,
                                                          show=_show)


class SubjectAccessOut(ma.Schema):
    id = fields.String()
    person_id = fields.String()
    requested_at = fields.DateTime()
    requested_by_role = fields.String()
    completed_at = fields.DateTime(allow_none=True)
    services = fields.Dict(keys=fields.String(), values=fields.DateTime(allow_none=True),
                           metadata={"description": "When each service's part arrived (null: not yet)"})


class BundleOut(ma.Schema):
    request_id = fields.String()
    person_id = fields.String()
    requested_at = fields.DateTime()
    completed_at = fields.DateTime()
    services = fields.Dict(keys=fields.String(), values=fields.Dict(),
                           metadata={"description": "Per service: table name -> the rows about the person"})


class ErasureIn(ma.Schema):
    ground = fields.String(required=True, validate=validate.OneOf(list(rules.GROUNDS)),
                           metadata={"description": "; ".join(f"{k}: {v}" for k, v in rules.GROUNDS.items())})
    exemptions = fields.Dict(keys=fields.String(validate=validate.OneOf(list(rules.EXEMPTIONS))),
                             values=fields.Boolean(), required=True,
                             metadata={"description": "Every Art. 17(3) exemption, true if it applies: "
                                                      + "; ".join(f"{k}: {v}" for k, v in rules.EXEMPTIONS.items())})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ErasureOut(ma.Schema):
    id = fields.String()
    ground = fields.String()
    exemptions = fields.Dict(keys=fields.String(), values=fields.Boolean())
    note = fields.String()
    decision = fields.String(metadata={"description": "erased, or refused when an exemption applies"})
    decided_by = fields.String()
    decided_at = fields.DateTime()
    confirmations = fields.Dict(keys=fields.String(), values=fields.Dict(),
                                metadata={"description": "Rows removed or made anonymous, per service and table"})
    completed_at = fields.DateTime(allow_none=True, metadata={"description": "When every service had confirmed"})


@blp.route("/persons/<uuid:person_id>/subject-access")
class SubjectAccessRequests(MethodView):
    @blp.response(202, SubjectAccessOut)
    def post(self, person_id):
        """Ask for everything Circles holds on the person (the person themself, or an admin)."""
        with unit_of_work() as uow:
            row = subject_access.request(uow, current_principal(), str(person_id), PURPOSE)
            return subject_access.status(uow, current_principal(), row.id)


@blp.route("/subject-access/<uuid:request_id>")
class SubjectAccessStatus(MethodView):
    @blp.response(200, SubjectAccessOut)
    def get(self, request_id):
        """Which services have sent their part."""
        with unit_of_work() as uow:
            return subject_access.status(uow, current_principal(), str(request_id))


@blp.route("/subject-access/<uuid:request_id>/bundle")
class SubjectAccessBundle(MethodView):
    @blp.response(200, BundleOut)
    def get(self, request_id):
        """The bundle as JSON (409 until every service has answered); audited."""
        with unit_of_work() as uow:
            return subject_access.bundle(uow, current_principal(), str(request_id), PURPOSE)


@blp.route("/subject-access/<uuid:request_id>/bundle.html")
class SubjectAccessBundlePage(MethodView):
    @blp.response(200, content_type="text/html")
    def get(self, request_id):
        """The bundle as a readable, printable page (409 until it is complete); audited."""
        with unit_of_work() as uow:
            found = subject_access.bundle(uow, current_principal(), str(request_id), PURPOSE)
        return Response(render_bundle(found), mimetype="text/html")


@blp.route("/persons/<uuid:person_id>/erasure")
class Erasures(MethodView):
    @blp.arguments(ErasureIn)
    @blp.response(201, ErasureOut)
    def post(self, body, person_id):
        """Record an erasure request and its legal-basis check; erase if no exemption applies."""
        with unit_of_work() as uow:
            return erasure.request(uow, current_principal(), str(person_id), body["ground"], body["exemptions"],
                                   body["note"])


@blp.route("/erasures/<uuid:erasure_id>")
class ErasureStatus(MethodView):
    @blp.response(200, ErasureOut)
    def get(self, erasure_id):
        """An erasure request: its check, its decision and each service's confirmation (admins)."""
        with unit_of_work() as uow:
            return erasure.find(uow, current_principal(), str(erasure_id))
