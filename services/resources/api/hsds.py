"""/hsds: the directory as an Open Referral HSDS 3.0 API (the required read-only subset),
public so any referral tool can read it."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.resources.usecases import hsds
from shared.web.auth import public
from shared.web.common import Instant, unit_of_work

blp = Blueprint("hsds", __name__, url_prefix="/hsds",
                description="Open Referral HSDS 3.0: services, their locations, phones and schedules (read-only)")


class HsdsQuery(ma.Schema):
    search = fields.String(load_default=None, validate=validate.Length(1, 100), metadata={"description": "Free text"})
    organization_id = fields.UUID(load_default=None)
    modified_after = Instant(default_timezone=dt.timezone.utc, load_default=None,
                             metadata={"description": "On or after; UTC if no offset"})
    postcode = fields.String(load_default=None, validate=validate.Length(1, 20),
                             metadata={"description": "The listing's own postcode, ignoring case and spaces"})
    proximity = fields.Float(load_default=None, validate=validate.Range(min=0, min_inclusive=False, max=20_000_000),
                             metadata={"description": "Metres from lat/lng"})
    lat = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    lng = fields.Float(load_default=None, validate=validate.Range(-180, 180))
    full = fields.Boolean(load_default=False, metadata={"description": "Fully nested services"})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, 100))

    @ma.validates_schema
    def proximity_needs_a_point(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ma.ValidationError("Give both lat and lng, or neither.", "lng")
        if (data.get("proximity") is None) != (data.get("lat") is None):
            raise ma.ValidationError("proximity and lat/lng go together (there is no postcode geocoder).",
                                     "proximity")


class HsdsRootOut(ma.Schema):
    version = fields.String()
    profile = fields.String()
    openapi_url = fields.String()


class HsdsPageOut(ma.Schema):
    total_items = fields.Integer()
    total_pages = fields.Integer()
    page_number = fields.Integer()
    size = fields.Integer(metadata={"description": "Services on this page"})
    first_page = fields.Boolean()
    last_page = fields.Boolean()
    empty = fields.Boolean()
    contents = fields.List(fields.Dict())


@blp.route("/", methods=["GET"])
@public
@blp.response(200, HsdsRootOut)
def root():
    """This API's HSDS version, profile and OpenAPI description."""
    return {"version": hsds.VERSION, "profile": hsds.PROFILE,
            "openapi_url": url_for("api-docs.openapi_json", _external=True)}


@blp.route("/services", methods=["GET"])
@public
@blp.arguments(HsdsQuery, location="query")
@blp.response(200, HsdsPageOut)
def services(args):
    """Active services, a page at a time; nearest first with `proximity`, else by name."""
    after = args["modified_after"]
    query = hsds.Query(
        search=args["search"], organization_id=str(args["organization_id"]) if args["organization_id"] else None,
        modified_after=after.replace(tzinfo=dt.timezone.utc) if after and after.tzinfo is None else after,
        postcode=args["postcode"], near=(args["lat"], args["lng"]) if args["lat"] is not None else None,
        proximity_m=args["proximity"], page=args["page"], per_page=args["per_page"])
    shape = hsds.service if args["full"] else hsds.summary
    with unit_of_work() as uow:
        found, total = hsds.find(uow, query)
        return hsds.page([shape(listing) for listing in found], total, args["page"], args["per_page"])


@blp.route("/services/<string:service_id>", methods=["GET"])
@public
@blp.response(200)
def service(service_id: str):
    """One fully nested service; a retired listing is shown with status inactive."""
    with unit_of_work() as uow:
        return hsds.service(hsds.get(uow, service_id))
