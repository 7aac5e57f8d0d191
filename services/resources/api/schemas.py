"""Request and response schemas of the directory."""
import zoneinfo

import marshmallow as ma
from marshmallow import fields, validate
from webargs.fields import DelimitedList

from services.resources.domain.attendance import OPTIONS
from services.resources.models.listing import KINDS, SERVICE_CATEGORIES
from shared.web.common import Pattern

HHMM = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM, 24-hour.")


def _zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    # OSError: a folder of the zone database ("US", "Europe") is no zone but IsADirectoryError
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ma.ValidationError("Not an IANA time zone.") from exc


class SlotSchema(ma.Schema):
    day = fields.Integer(required=True, validate=validate.Range(0, 6), metadata={"description": "0 = Sunday"})
    opens = fields.String(required=True, validate=HHMM)
    closes = fields.String(required=True, validate=HHMM, metadata={"description": "23:59 with 00:00: all day"})


class PhoneSchema(ma.Schema):
    number = fields.String(required=True, validate=validate.Length(1, 40))
    type = fields.String(load_default="voice", validate=validate.OneOf(("voice", "text")))


# Optional text; the columns that are VARCHAR(n) get Length(max=n) below (PostgreSQL
# refuses longer values, which was a 500), the TEXT ones stay unbounded.
TEXT = {"load_default": None, "allow_none": True}


class ListingIn(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    slug = fields.String(required=True, validate=Pattern(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    name = fields.String(required=True, validate=validate.Length(1, 255))
    site_id = fields.UUID(**TEXT)
    timezone = fields.String(required=True, validate=_zone)
    fellowship = fields.String(validate=validate.Length(1, 60), **TEXT)
    category = fields.String(validate=validate.OneOf(SERVICE_CATEGORIES), **TEXT)
    types = fields.List(fields.String(validate=validate.Length(1, 10)), load_default=list)
    days = fields.List(fields.Integer(validate=validate.Range(0, 6)), load_default=list,
                       metadata={"description": "Meetings: Meeting Guide days, 0 = Sunday"})
    time = fields.String(validate=HHMM, **TEXT)
    end_time = fields.String(validate=HHMM, **TEXT)
    slots = fields.List(fields.Nested(SlotSchema), load_default=list,
                        metadata={"description": "Drop-ins, helplines and services: weekly opening slots"})
    closed_dates = fields.List(fields.Date(), load_default=list, metadata={"description": "Holiday closures"})
    formatted_address = fields.String(**TEXT)
    address = fields.String(**TEXT)
    city = fields.String(validate=validate.Length(max=120), **TEXT)
    state = fields.String(validate=validate.Length(max=120), **TEXT)
    postal_code = fields.String(validate=validate.Length(max=20), **TEXT)
    country = fields.String(validate=validate.Length(max=60), **TEXT)
    region = fields.String(validate=validate.Length(max=120), **TEXT)
    sub_region = fields.String(validate=validate.Length(max=120), **TEXT)
    latitude = fields.Float(validate=validate.Range(-90, 90), **TEXT)
    longitude = fields.Float(validate=validate.Range(-180, 180), **TEXT)
    approximate = fields.Boolean(load_default=False)
    location = fields.String(validate=validate.Length(max=255), **TEXT)
    location_notes = fields.String(**TEXT)
    group = fields.String(validate=validate.Length(max=255), **TEXT)
    group_notes = fields.String(**TEXT)
    notes = fields.String(**TEXT)
    conference_url = fields.Url(validate=validate.Length(max=500), **TEXT)
    conference_url_notes = fields.String(**TEXT)
    conference_phone = fields.String(validate=[Pattern(r"^\+?[0-9,*#]+$"), validate.Length(max=60)], **TEXT)
    conference_phone_notes = fields.String(**TEXT)
    url = fields.Url(validate=validate.Length(max=500), **TEXT)
    feedback_url = fields.Url(validate=validate.Length(max=500), **TEXT)
    phones = fields.List(fields.Nested(PhoneSchema), load_default=list)
    area_served = fields.String(validate=validate.Length(1, 20), **TEXT)
    topics = fields.List(fields.String(), load_default=list)
    languages = fields.List(fields.String(validate=validate.Length(2, 10)), load_default=list)


class ListingOut(ListingIn):
    id = fields.String()
    organisation_id = fields.String()
    site_id = fields.String(allow_none=True)
    status = fields.String()
    attendance = fields.String(metadata={"description": f"One of {', '.join(OPTIONS)}"})
    closed_dates = fields.List(fields.String())
    version = fields.Integer()
    updated_at = fields.AwareDateTime()


class HitOut(ma.Schema):
    listing = fields.Nested(ListingOut)
    distance_km = fields.Float(allow_none=True)
    distance_miles = fields.Float(allow_none=True)
    open_now = fields.Boolean()
    next_opens = fields.AwareDateTime(allow_none=True)
    next_closes = fields.AwareDateTime(allow_none=True)
    next_opens_local = fields.String(allow_none=True, metadata={"description": "In the viewer's time zone"})


class SearchOut(ma.Schema):
    items = fields.List(fields.Nested(HitOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class SearchQuery(ma.Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    fellowship = fields.String(load_default=None)
    attendance = fields.String(load_default=None, validate=validate.OneOf(OPTIONS))
    region = fields.String(load_default=None)
    types = DelimitedList(fields.String(), load_default=list, metadata={"description": "Codes, comma-separated"})
    language = fields.String(load_default=None)
    day = fields.Integer(load_default=None, validate=validate.Range(0, 6))
    time_from = fields.String(load_default=None, validate=HHMM)
    time_to = fields.String(load_default=None, validate=HHMM)
    open_now = fields.Boolean(load_default=False)
    sort = fields.String(load_default="name", validate=validate.OneOf(("name", "next", "distance")))
    lat = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    lng = fields.Float(load_default=None, validate=validate.Range(-180, 180))
    radius = fields.Float(load_default=None, validate=validate.Range(min=0, min_inclusive=False, max=20000))
    unit = fields.String(load_default="km", validate=validate.OneOf(("km", "mi")))
    q = fields.String(load_default=None, validate=validate.Length(1, 100))
    organisation_id = fields.UUID(load_default=None)
    viewer_timezone = fields.String(load_default="UTC", validate=_zone)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, 100))

    @ma.validates_schema
    def point_comes_whole(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ma.ValidationError("Give both lat and lng, or neither.", "lng")
        if data.get("radius") is not None and data.get("lat") is None:
            raise ma.ValidationError("A radius needs lat and lng.", "radius")


class ImportIn(ma.Schema):
    feed = fields.Raw(load_default=None, metadata={"description": "The feed's JSON array, e.g. a file's contents"})
    url = fields.Url(load_default=None, metadata={"description": "Or where to fetch it"})
    timezone = fields.String(load_default="Europe/London", validate=_zone,
                             metadata={"description": "For rows that name no time zone"})
    site_id = fields.UUID(load_default=None, allow_none=True)


class ReportOut(ma.Schema):
    added = fields.List(fields.String())
    updated = fields.List(fields.String())
    unchanged = fields.List(fields.String())
    removed = fields.List(fields.String())
    rejected = fields.List(fields.Dict())
