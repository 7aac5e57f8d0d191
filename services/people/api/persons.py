"""/persons: intake and lookup of persons in recovery."""
from __future__ import annotations

import zoneinfo

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from services.people import usecases
from shared.auth.tokens import STAFF_ROLES
from shared.web.auth import current_principal, require_roles

blp = Blueprint("persons", __name__, url_prefix="/persons", description="Persons in recovery")


def _valid_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ma.ValidationError("Not a known IANA time zone.") from exc


class PersonIn(ma.Schema):
    display_name = fields.String(required=True, validate=validate.Length(1, 200),
                                 metadata={"description": "Name or alias the person chose"})
    timezone = fields.String(required=True, validate=_valid_timezone)
    region = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"),
                           metadata={"description": "ISO 3166 country or subdivision, e.g. GB or US-NY"})
    site_id = fields.UUID(load_default=None, allow_none=True)


class PersonOut(ma.Schema):
    id = fields.String()
    organisation_id = fields.String()
    site_id = fields.String(allow_none=True)
    display_name = fields.String()
    status = fields.String()
    timezone = fields.String()
    region = fields.String()
    created_at = fields.DateTime()


class Page(ma.Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


@blp.route("")
class Persons(MethodView):
    @require_roles(*STAFF_ROLES)
    @blp.arguments(PersonIn)
    @blp.response(201, PersonOut)
    def post(self, body):
        """Register a person at intake; emits circles.people.person.registered.v1."""
        if body["site_id"] is not None:
            body["site_id"] = str(body["site_id"])
        with current_app.extensions["circles"].uow() as uow:
            return usecases.register_person(uow, current_principal(), usecases.RegisterPerson(**body))

    @require_roles(*STAFF_ROLES)
    @blp.arguments(Page, location="query")
    @blp.response(200, PersonOut(many=True))
    def get(self, page):
        """Persons in the caller's organisation and sites."""
        with current_app.extensions["circles"].uow() as uow:
            return usecases.list_persons(uow, current_principal(), page["limit"], page["offset"])


@blp.route("/<uuid:person_id>")
class PersonById(MethodView):
    @require_roles(*STAFF_ROLES)
    @blp.response(200, PersonOut)
    def get(self, person_id):
        """One person."""
        with current_app.extensions["circles"].uow() as uow:
            person = usecases.get_person(uow, current_principal(), str(person_id))
            if person is None:
                abort(404, message="No such person.")
            return person
