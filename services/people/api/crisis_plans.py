"""/persons/<id>/crisis-plan: the one-page crisis plan, its versions and a printable view."""
from __future__ import annotations

from pathlib import Path

import jinja2
import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.people.api.common import access_purpose, unit_of_work
from services.people.models.crisis_plan import CALL_TIMES
from services.people.usecases import crisis_plans
from shared.web.auth import current_principal

blp = Blueprint("crisis_plans", __name__, url_prefix="/persons/<uuid:person_id>/crisis-plan",
                description="Crisis plans (the guide's one-page template)")
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates"),
                               autoescape=True)


class CallFirstIn(ma.Schema):
    contact_id = fields.String(required=True, validate=validate.Length(36, 36))
    when = fields.String(load_default="any", validate=validate.OneOf(CALL_TIMES))


class NaloxoneIn(ma.Schema):
    needed = fields.Boolean(load_default=False)
    holder = fields.String(load_default="", validate=validate.Length(max=200))
    stored_at = fields.String(load_default="", validate=validate.Length(max=200))
    training = fields.String(load_default="", validate=validate.Length(max=500))


class CrisisPlanIn(ma.Schema):
    warning_signs = fields.List(fields.String(validate=validate.Length(1, 500)), load_default=list,
                                validate=validate.Length(max=30))
    call_first = fields.List(fields.Nested(CallFirstIn), load_default=list, validate=validate.Length(max=10))
    naloxone = fields.Nested(NaloxoneIn, load_default=dict)


class CrisisPlanOut(CrisisPlanIn):
    version = fields.Integer()
    call_first = fields.List(fields.Dict())
    naloxone = fields.Dict()
    signed_by = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class NumberOut(ma.Schema):
    label = fields.String()
    number = fields.String()
    note = fields.String()
    text_only = fields.Boolean()


class CrisisPlanView(ma.Schema):
    signed = fields.Nested(CrisisPlanOut, allow_none=True, metadata={"description": "The plan in force"})
    draft = fields.Nested(CrisisPlanOut, allow_none=True, metadata={"description": "A newer unsigned version"})
    emergency_numbers = fields.List(fields.Nested(NumberOut))


class CrisisPlanSignIn(ma.Schema):
    typed_name = fields.String(required=True, validate=validate.Length(1, 200))


@blp.route("")
class CrisisPlanResource(MethodView):
    @blp.response(200, CrisisPlanView)
    def get(self, person_id):
        """The signed plan in force, any newer draft, and the emergency numbers for the person's region."""
        with unit_of_work() as uow:
            return crisis_plans.view(uow, current_principal(), str(person_id), access_purpose())

    @blp.arguments(CrisisPlanIn)
    @blp.response(201, CrisisPlanOut)
    def post(self, body, person_id):
        """Write a new version (a draft until signed); call-first contacts come from the network."""
        with unit_of_work() as uow:
            return crisis_plans.draft(uow, current_principal(), str(person_id), body)


@blp.route("/sign")
class CrisisPlanSign(MethodView):
    @blp.arguments(CrisisPlanSignIn)
    @blp.response(200, CrisisPlanOut)
    def post(self, body, person_id):
        """Sign the latest version with a typed name; emits circles.people.crisis_plan.signed.v1."""
        with unit_of_work() as uow:
            return crisis_plans.sign(uow, current_principal(), str(person_id), body["typed_name"])


@blp.route("/versions")
class CrisisPlanVersions(MethodView):
    @blp.response(200, CrisisPlanOut(many=True))
    def get(self, person_id):
        """Every version, newest first."""
        with unit_of_work() as uow:
            return crisis_plans.versions(uow, current_principal(), str(person_id))


@blp.route("/print")
class CrisisPlanPrint(MethodView):
    @blp.doc(responses={"200": {"description": "A printable one-page HTML view",
                                "content": {"text/html": {}}}})
    def get(self, person_id):
        """The plan as one printable page (print CSS), the signed version if there is one."""
        with unit_of_work() as uow:
            view = crisis_plans.view(uow, current_principal(), str(person_id), access_purpose())
        html = TEMPLATES.get_template("crisis_plan_print.html").render(
            person=view["person"], plan=view["signed"] or view["draft"], contacts=view["contacts"],
            numbers=view["emergency_numbers"])
        return Response(html, mimetype="text/html")
