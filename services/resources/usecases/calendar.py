"""The directory's meetings and drop-ins as an iCalendar (RFC 5545) feed: one weekly
VEVENT per opening slot, in the listing's own zone with its VTIMEZONE, and holiday
closures as EXDATEs, so a calendar app shows the right local time across BST changes."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select

from services.resources.domain.opening import WHOLE_DAY_END, meeting_day
from services.resources.models import Listing
from shared.db.uow import UnitOfWork
from shared.ical_zones import vtimezone

PRODID = "-//Circles//Directory//EN"
KINDS = ("meeting", "dropin")
BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # index = the slot's day, Sunday = 0
# VTIMEZONEs run this many years past today; subscribers refresh long before.
ZONE_YEARS_AHEAD = 3
REFRESH = dt.timedelta(hours=6)


def feed(uow: UnitOfWork, organisation_id: str | None = None, kind: str | None = None) -> bytes:
    query = select(Listing).where(Listing.status == "active", Listing.kind.in_([kind] if kind else KINDS))
    if organisation_id:
        query = query.where(Listing.organisation_id == organisation_id)
    return build(uow.session.scalars(query.order_by(Listing.slug)).all(), uow.clock.now())


def build(rows: list[Listing], stamp: dt.datetime) -> bytes:
    calendar = Calendar()
    for key, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
                       ("x-wr-calname", "Circles directory: meetings and drop-ins")):
        calendar.add(key, value)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    events = [event for listing in rows for event in _events(listing, stamp)]
    for zone, first_year in sorted(_zones(events).items()):
        calendar.add_component(vtimezone(zone, first_year, stamp.year + ZONE_YEARS_AHEAD))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def _events(listing: Listing, stamp: dt.datetime) -> list[Event]:
    tz = ZoneInfo(listing.timezone)
    # Monday of the week it was last updated (RFC 5545's default week start): a stable DTSTART.
    updated = listing.updated_at.astimezone(tz).date()
    week = updated - dt.timedelta(days=updated.weekday())
    return [_event(listing, slot, week, tz, stamp) for slot in sorted(listing.slots or [], key=lambda s: s["day"])]


def _event(listing: Listing, slot: dict, week: dt.date, tz: ZoneInfo, stamp: dt.datetime) -> Event:
    first = next(day for day in (week + dt.timedelta(days=n) for n in range(7)) if meeting_day(day) == slot["day"])
    event = Event()
    event.add("uid", f"{listing.id}-{slot['day']}@circles")
    event.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    event.add("summary", listing.name)
    event.add("dtstart", _at(first, slot["opens"], tz))
    event.add("dtend", _end(first, slot, tz))
    event.add("rrule", {"freq": "WEEKLY", "byday": BYDAY[slot["day"]]})
    closed = sorted(_at(day, slot["opens"], tz) for day in map(dt.date.fromisoformat, listing.closed_dates or [])
                    if meeting_day(day) == slot["day"] and day >= first)
    if closed:
        event.add("exdate", closed)
    if place := _place(listing):
        event.add("location", place)
    if about := _description(listing):
        event.add("description", about)
    if listing.url:
        event.add("url", listing.url)
    return event


def _at(day: dt.date, hhmm: str, tz: ZoneInfo) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=tz)


def _end(day: dt.date, slot: dict, tz: ZoneInfo) -> dt.datetime:
    """Past midnight ends the next day; 00:00-23:59 (all day) ends at the next midnight."""
    if slot["closes"] == WHOLE_DAY_END:
        return _at(day + dt.timedelta(days=1), "00:00", tz)
    return _at(day + dt.timedelta(days=1) if slot["closes"] <= slot["opens"] else day, slot["closes"], tz)


def _place(listing: Listing) -> str | None:
    if listing.formatted_address:
        return ", ".join(p for p in (listing.location, listing.formatted_address) if p)
    parts = (listing.location, listing.address, listing.city, listing.state, listing.postal_code, listing.country)
    return ", ".join(p for p in parts if p) or None


def _description(listing: Listing) -> str | None:
    lines = [listing.notes,
             f"Join online: {listing.conference_url}" if listing.conference_url else None,
             listing.conference_url_notes,
             f"Dial in: {listing.conference_phone}" if listing.conference_phone else None,
             f"More: {listing.url}" if listing.url else None]
    return "\n".join(line for line in lines if line) or None


def _zones(events: list[Event]) -> dict[str, int]:
    """Per zone, the first year its VTIMEZONE must describe."""
    years: dict[str, int] = {}
    for event in events:
        start = event.decoded("dtstart")
        zone = start.tzinfo.key
        years[zone] = min(start.year, years.get(zone, start.year))
    return years
