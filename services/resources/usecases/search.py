"""Directory search: cheap filters in SQL (status, kind, fellowship, attendance, region,
a bounding box around the point, free text), then the exact ones in Python on the few
rows left (types, language, day and time window, open now, distance), sorted by the next
occurrence, the distance or the name, then paged."""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from services.resources.domain import geo
from services.resources.domain.opening import Opening, Slot
from services.resources.models import Listing
from shared.db.uow import UnitOfWork


@dataclasses.dataclass(frozen=True)
class Query:
    kind: str | None = None
    fellowship: str | None = None
    attendance: str | None = None
    region: str | None = None
    types: tuple[str, ...] = ()
    language: str | None = None
    day: int | None = None  # 0 = Sunday, in each listing's own zone
    time_from: str | None = None
    time_to: str | None = None
    open_now: bool = False
    sort: str = "name"  # name | next | distance
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    text: str | None = None
    organisation_id: str | None = None
    page: int = 1
    per_page: int = 25


@dataclasses.dataclass(frozen=True)
class Hit:
    listing: Listing
    distance_km: float | None
    next_opens: dt.datetime | None
    next_closes: dt.datetime | None
    open_now: bool


def search(uow: UnitOfWork, query: Query) -> tuple[list[Hit], int]:
    now = uow.clock.now()
    hits = [hit for listing in uow.session.scalars(_sql(query)) if (hit := _hit(listing, query, now))]
    keys = {"next": lambda h: (h.next_opens or dt.datetime.max.replace(tzinfo=dt.timezone.utc), h.listing.name),
            "distance": lambda h: (h.distance_km if h.distance_km is not None else math.inf, h.listing.name),
            "name": lambda h: (h.listing.name.lower(), h.listing.slug)}
    hits.sort(key=keys[query.sort])
    start = (query.page - 1) * query.per_page
    return hits[start:start + query.per_page], len(hits)


def _sql(query: Query):
    statement = select(Listing).where(Listing.status == "active")
    for column, value in ((Listing.kind, query.kind), (Listing.fellowship, query.fellowship),
                          (Listing.attendance, query.attendance), (Listing.region, query.region),
                          (Listing.organisation_id, query.organisation_id)):
        if value:
            statement = statement.where(column == value)
    if query.near and query.radius_km:
        lat_min, lat_max, lon_min, lon_max = geo.bounding_box(*query.near, query.radius_km)
        statement = statement.where(Listing.latitude.between(lat_min, lat_max),
                                    Listing.longitude.between(lon_min, lon_max))
    if query.text:
        pattern = f"%{query.text.strip()}%"
        statement = statement.where(or_(*(column.ilike(pattern) for column in (
            Listing.name, Listing.notes, Listing.location, Listing.city, Listing.group, Listing.formatted_address,
            Listing.address, Listing.postal_code))))
    return statement


def _hit(listing: Listing, query: Query, now: dt.datetime) -> Hit | None:
    if not set(query.types) <= set(listing.types or []):
        return None
    if query.language and query.language not in (listing.languages or []) + (listing.types or []):
        return None
    distance = geo.distance_km(*query.near, listing.latitude, listing.longitude) \
        if query.near and listing.latitude is not None else None
    if query.radius_km is not None and (distance is None or distance > query.radius_km):
        return None
    opening = Opening(tuple(Slot(s["day"], s["opens"], s["closes"]) for s in listing.slots or []), listing.timezone,
                      frozenset(dt.date.fromisoformat(d) for d in listing.closed_dates or []))
    if not _in_window(listing, query):
        return None
    is_open = opening.is_open(now)
    if query.open_now and not is_open:
        return None
    upcoming = opening.next_window(now)
    return Hit(listing, distance, *(upcoming or (None, None)), is_open)


def _in_window(listing: Listing, query: Query) -> bool:
    """A slot on the asked day (in the listing's zone) overlapping the asked hours."""
    if query.day is None and not (query.time_from or query.time_to):
        return True
    low, high = query.time_from or "00:00", query.time_to or "23:59"
    return any((query.day is None or slot["day"] == query.day) and slot["opens"] < high and
               (slot["closes"] > low or slot["closes"] <= slot["opens"]) for slot in listing.slots or [])



def local_label(moment: dt.datetime | None, timezone: str) -> str | None:
    """The next occurrence as the viewer reads it, in their own zone."""
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"
