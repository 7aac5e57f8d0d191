"""The directory in open file formats: /calendar.ics (iCalendar), /listings.csv and
/imports/csv. Reading is public; importing is for admins and coordinators."""
from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.resources.api.schemas import ListingIn, ReportOut
from services.resources.models.listing import KINDS
from services.resources.usecases import calendar, csv_io
from shared.web.auth import current_principal, public, require_roles
from shared.web.common import unit_of_work

blp = Blueprint("formats", __name__, description="The directory as iCalendar and CSV")
EDITORS = ("admin", "coordinator")
# Public data that changes rarely: shared caches may keep it briefly.
CACHE = {"Cache-Control": "public, max-age=300"}


class CalendarQuery(ma.Schema):
    organisation_id = fields.UUID(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(calendar.KINDS))


class CsvQuery(ma.Schema):
    organisation_id = fields.UUID(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))


class CsvImportIn(ma.Schema):
    csv = fields.String(required=True, metadata={"description": "The sheet's text, header row first"})
    site_id = fields.UUID(load_default=None, allow_none=True)


def _org(args: dict) -> str | None:
    return str(args["organisation_id"]) if args["organisation_id"] else None


@blp.route("/calendar.ics", methods=["GET"])
@public
@blp.arguments(CalendarQuery, location="query")
@blp.doc(security=[], responses={"200": {"description": "An RFC 5545 calendar", "content": {"text/calendar": {}}}})
def calendar_feed(args):
    """Meetings and drop-ins as a subscribable calendar: one weekly event per opening slot."""
    with unit_of_work() as uow:
        body = calendar.feed(uow, _org(args), args["kind"])
    return Response(body, content_type="text/calendar; charset=utf-8", headers=CACHE)


@blp.route("/listings.csv", methods=["GET"])
@public
@blp.arguments(CsvQuery, location="query")
@blp.doc(security=[], responses={"200": {"description": "RFC 4180 CSV, one row per listing",
                                          "content": {"text/csv": {}}}})
def listings_csv(args):
    """Every active listing as CSV, the columns /imports/csv reads."""
    with unit_of_work() as uow:
        body = csv_io.export(uow, _org(args), args["kind"])
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={**CACHE, "Content-Disposition": 'attachment; filename="listings.csv"'})


@blp.route("/imports/csv", methods=["POST"])
@require_roles(*EDITORS)
@blp.arguments(CsvImportIn)
@blp.response(200, ReportOut)
def import_csv(body):
    """Import a CSV sheet: upsert by slug in the caller's organisation; returns what was
    added, updated and unchanged, and each rejected row with its number and reasons.
    Nothing is retired."""
    site_id = str(body["site_id"]) if body["site_id"] else None
    with unit_of_work() as uow:
        return csv_io.import_csv(uow, current_principal(), body["csv"], ListingIn().load, site_id)
