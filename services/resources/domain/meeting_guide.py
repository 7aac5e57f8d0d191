"""The Meeting Guide JSON feed format (Code for Recovery's spec): read one row into
listing fields, with every reason a row is refused, and write a listing back as a row.

Addresses are kept as given: UK postcodes and no state are valid; nothing assumes a
US shape.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
CONFERENCE_PHONE = re.compile(r"^\+?[0-9,*#]+$")
# Patterns are matched whole (fullmatch): a closing `$` alone let "09:00\n" through.
TEXT_FIELDS = ("notes", "location", "location_notes", "group", "group_notes", "formatted_address", "address",
               "city", "state", "postal_code", "country", "region", "sub_region", "conference_url",
               "conference_url_notes", "conference_phone_notes", "url", "feedback_url")


class RowError(ValueError):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def parse_row(row: dict, default_timezone: str) -> dict:
    """Listing fields from one feed row, or RowError naming every problem."""
    reasons: list[str] = []
    if not isinstance(row, dict):
        raise RowError(["a meeting must be a JSON object"])
    name = row.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        reasons.append("name is required (at most 255 characters)")
    slug = str(row.get("slug", ""))
    if not SLUG.fullmatch(slug):
        reasons.append("slug is required: lower-case letters, digits, - and _, at most 64")
    days = _days(row.get("day"), reasons)
    start, end = _times(row, reasons)
    timezone = row.get("timezone") or default_timezone
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "US"
        reasons.append(f"timezone {timezone!r} is not an IANA time zone")
    latitude, longitude = _coordinates(row, reasons)
    phone = row.get("conference_phone")
    if phone and not CONFERENCE_PHONE.fullmatch(str(phone)):
        reasons.append("conference_phone takes digits, an optional leading +, and , * #")
    types = row.get("types") or []
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        reasons.append("types must be a list of codes")
    if reasons:
        raise RowError(reasons)
    return {
        "slug": slug, "name": name.strip(), "days": days, "time": start, "end_time": end, "timezone": timezone,
        "latitude": latitude, "longitude": longitude, "approximate": str(row.get("approximate", "no")) == "yes",
        "types": sorted(set(types)), "conference_phone": phone or None, "updated": row.get("updated"),
        **{field: (str(row[field]) if row.get(field) not in (None, "") else None) for field in TEXT_FIELDS},
    }


def _days(value, reasons: list[str]) -> list[int]:
    if value in (None, ""):
        return []  # "by appointment"
    days = value if isinstance(value, list) else [value]
    try:
        days = [int(d) for d in days]
    except (TypeError, ValueError):
        reasons.append("day must be 0-6 (Sunday = 0) or a list of them")
        return []
    if not all(0 <= d <= 6 for d in days):
        reasons.append("day must be 0-6 (Sunday = 0)")
    return sorted(set(days))


def _times(row: dict, reasons: list[str]) -> tuple[str | None, str | None]:
    start, end = row.get("time"), row.get("end_time")
    if start in (None, ""):
        return None, None
    if not HHMM.fullmatch(str(start)) or (end not in (None, "") and not HHMM.fullmatch(str(end))):
        reasons.append("time and end_time are HH:MM, 24-hour")
        return None, None
    start = _pad(str(start))
    if end in (None, ""):
        begins = dt.datetime.strptime(start, "%H:%M")
        return start, (begins + dt.timedelta(hours=1)).strftime("%H:%M")  # the spec's default
    return start, _pad(str(end))


def _pad(hhmm: str) -> str:
    hours, minutes = hhmm.split(":")
    return f"{int(hours):02d}:{minutes}"


def _coordinates(row: dict, reasons: list[str]) -> tuple[float | None, float | None]:
    lat, lon = row.get("latitude"), row.get("longitude")
    if lat in (None, "") and lon in (None, ""):
        return None, None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        reasons.append("latitude and longitude must be numbers")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        reasons.append("latitude and longitude are out of range")
    return lat, lon


def to_row(listing: dict) -> dict:
    """A listing as a Meeting Guide row; empty fields are left out."""
    row = {"name": listing["name"], "slug": listing["slug"], "types": list(listing.get("types") or []),
           "timezone": listing["timezone"]}
    days = listing.get("days") or []
    if days:
        row["day"] = days[0] if len(days) == 1 else days
    for field in ("time", "end_time", "latitude", "longitude", "conference_phone", "updated", *TEXT_FIELDS):
        if listing.get(field) not in (None, ""):
            row[field] = listing[field]
    if listing.get("approximate"):
        row["approximate"] = "yes"
    return row
