"""The directory as Open Referral HSDS 3.0 (read-only): each listing is a service of its
organisation, delivered at a physical location (its address) and/or a virtual one
(online meetings, helplines), with phones, weekly schedules and languages.

Schedules keep opens_at/closes_at as local wall time and name the listing's IANA zone in
`timezone`: a fixed UTC offset, as HSDS suggests, would be wrong for half of a BST year.
Child records have no rows of their own, so their ids are derived from the listing's id:
stable across requests, distinct per record.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid

from sqlalchemy import func, or_, select

from services.resources.domain import geo
from services.resources.domain.opening import WHOLE_DAY_END, meeting_day
from services.resources.models import Listing
from services.resources.usecases import listings
from shared.db.uow import UnitOfWork

VERSION = "3.0"
PROFILE = "https://openreferral.org"
BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # index = the listing's day, Sunday = 0
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONDAY_FIRST = (1, 2, 3, 4, 5, 6, 0)  # RFC 5545 weeks, and so HSDS byday, start on Monday
TEXT_COLUMNS = (Listing.name, Listing.notes, Listing.fellowship, Listing.location, Listing.city, Listing.group,
                Listing.formatted_address, Listing.address, Listing.postal_code, Listing.area_served)


@dataclasses.dataclass(frozen=True)
class Query:
    search: str | None = None
    organization_id: str | None = None
    modified_after: dt.datetime | None = None  # aware
    postcode: str | None = None
    near: tuple[float, float] | None = None
    proximity_m: float | None = None
    page: int = 1
    per_page: int = 25


def find(uow: UnitOfWork, query: Query) -> tuple[list[Listing], int]:
    """Active listings matching the query: nearest first within a proximity, else by name."""
    found = [(listing, _metres(listing, query)) for listing in uow.session.scalars(_sql(query))]
    if query.proximity_m is not None:
        found = sorted(((l, d) for l, d in found if d is not None and d <= query.proximity_m), key=lambda f: f[1])
    start = (query.page - 1) * query.per_page
    return [listing for listing, _ in found[start:start + query.per_page]], len(found)


def _sql(query: Query):
    statement = select(Listing).where(Listing.status == "active").order_by(func.lower(Listing.name), Listing.slug)
    if query.organization_id:
        statement = statement.where(Listing.organisation_id == query.organization_id)
    if query.modified_after:
        statement = statement.where(Listing.updated_at >= query.modified_after)  # "on or after"
    if query.postcode:
        # No geocoder: a postcode matches as written, ignoring case and spaces ("m1 2ab").
        wanted = query.postcode.replace(" ", "").upper()
        statement = statement.where(func.replace(func.upper(Listing.postal_code), " ", "") == wanted)
    if query.search:
        pattern = f"%{query.search.strip()}%"
        statement = statement.where(or_(*(column.ilike(pattern) for column in TEXT_COLUMNS)))
    if query.near and query.proximity_m is not None:
        lat_min, lat_max, lon_min, lon_max = geo.bounding_box(*query.near, query.proximity_m / 1000)
        statement = statement.where(Listing.latitude.between(lat_min, lat_max),
                                    Listing.longitude.between(lon_min, lon_max))
    return statement


def _metres(listing: Listing, query: Query) -> float | None:
    if not query.near or listing.latitude is None or listing.longitude is None:
        return None
    return geo.distance_km(*query.near, listing.latitude, listing.longitude) * 1000


def page(contents: list[dict], total: int, number: int, per_page: int) -> dict:
    """HSDS's paged result."""
    total_pages = math.ceil(total / per_page)
    return {"total_items": total, "total_pages": total_pages, "page_number": number, "size": len(contents),
            "first_page": number == 1, "last_page": number >= total_pages, "empty": not contents,
            "contents": contents}


def get(uow: UnitOfWork, service_id: str) -> Listing:
    """Active or retired (published as inactive); NotFound otherwise."""
    return listings.get_public(uow, service_id)


def summary(listing: Listing) -> dict:
    """The service's one-to-one fields, as HSDS lists them."""
    return {"id": listing.id, "organization_id": listing.organisation_id, "name": listing.name,
            "description": listing.notes, "url": listing.url, "email": None,
            "status": "active" if listing.status == "active" else "inactive",
            "last_modified": listing.updated_at.isoformat()}


def service(listing: Listing) -> dict:
    """The fully nested service."""
    return {**summary(listing),
            "organization": {"id": listing.organisation_id, "name": listing.organisation_id},
            "service_at_locations": _service_at_locations(listing), "phones": _phones(listing),
            "schedules": _schedules(listing), "languages": _languages(listing),
            "service_areas": [{"id": _child_id(listing, "area"), "service_id": listing.id,
                               "name": listing.area_served}] if listing.area_served else []}


def _child_id(listing: Listing, part: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"circles:listing:{listing.id}:{part}"))


def _service_at_locations(listing: Listing) -> list[dict]:
    located = [_physical(listing)] if _has_place(listing) else []
    if listing.kind == "helpline" or listing.conference_url or listing.conference_phone:
        located.append(_virtual(listing))
    return [{"id": _child_id(listing, f"at-{location['location_type']}"), "service_id": listing.id,
             "location_id": location["id"], "location": location} for location in located]


def _has_place(listing: Listing) -> bool:
    """Helplines and online-only meetings (city-level approximate places) have no venue."""
    if listing.kind == "helpline" or listing.attendance == "online":
        return False
    return any((listing.address, listing.formatted_address, listing.postal_code, listing.latitude is not None))


def _physical(listing: Listing) -> dict:
    location_id = _child_id(listing, "location")
    address = {"id": _child_id(listing, "address"), "location_id": location_id,
               "address_1": listing.address or listing.formatted_address, "city": listing.city,
               "region": listing.region, "state_province": listing.state, "postal_code": listing.postal_code,
               "country": listing.country, "address_type": "physical"}
    return {"id": location_id, "location_type": "physical", "name": listing.location or listing.name,
            "description": listing.location_notes, "latitude": listing.latitude, "longitude": listing.longitude,
            "addresses": [address] if address["address_1"] or address["postal_code"] else []}


def _virtual(listing: Listing) -> dict:
    by_phone = listing.kind == "helpline" or not listing.conference_url
    return {"id": _child_id(listing, "virtual"), "location_type": "virtual",
            "name": "By phone" if by_phone else "Online",
            "description": listing.conference_url_notes, "url": listing.conference_url,
            "latitude": None, "longitude": None, "addresses": []}


def _phones(listing: Listing) -> list[dict]:
    phones = [{"id": _child_id(listing, f"phone-{index}"), "service_id": listing.id, "number": phone["number"],
               "type": phone.get("type", "voice"), "description": None}
              for index, phone in enumerate(listing.phones or [])]
    if listing.conference_phone:
        phones.append({"id": _child_id(listing, "dial-in"), "service_id": listing.id,
                       "number": listing.conference_phone, "type": "voice",
                       "description": listing.conference_phone_notes or "Dial in to join"})
    return phones


def _schedules(listing: Listing) -> list[dict]:
    """One WEEKLY schedule per distinct opening hours, its days in byday."""
    hours: dict[tuple[str, str], set[int]] = {}
    for slot in listing.slots or []:
        hours.setdefault((slot["opens"], slot["closes"]), set()).add(slot["day"])
    return [_schedule(listing, opens, closes, sorted(days, key=MONDAY_FIRST.index))
            for (opens, closes), days in hours.items()]


def _schedule(listing: Listing, opens: str, closes: str, days: list[int]) -> dict:
    return {"id": _child_id(listing, f"schedule-{opens}-{closes}"), "service_id": listing.id, "freq": "WEEKLY",
            "interval": 1, "byday": ",".join(BYDAY[d] for d in days), "opens_at": opens, "closes_at": closes,
            "timezone": listing.timezone, "description": _describe(listing, opens, closes, days)}


def _describe(listing: Listing, opens: str, closes: str, days: list[int]) -> str:
    if (opens, closes) == ("00:00", WHOLE_DAY_END):
        hours = "open 24 hours"
    else:
        hours = f"{opens}-{closes}" + (" (closes the next day)" if closes <= opens else "")
    text = f"{', '.join(DAY_NAMES[d] for d in days)}: {hours}, {listing.timezone} time."
    closed = [d for d in listing.closed_dates or [] if meeting_day(dt.date.fromisoformat(d)) in days]
    return f"{text} Closed on {', '.join(closed)}." if closed else text


def _languages(listing: Listing) -> list[dict]:
    return [{"id": _child_id(listing, f"language-{code}"), "service_id": listing.id, "name": None, "code": code}
            for code in listing.languages or []]
