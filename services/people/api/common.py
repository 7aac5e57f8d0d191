"""What every people endpoint needs: the unit of work, the caller, the access purpose."""
from __future__ import annotations

import zoneinfo

import marshmallow as ma
from flask import request

from services.people.access import DEFAULT_PURPOSE, PURPOSES
from shared.errors import Invalid
from shared.web.common import Page, strings, unit_of_work  # noqa: F401 - the API modules import them from here

PURPOSE_HEADER = "X-Access-Purpose"


def access_purpose(default: str = DEFAULT_PURPOSE) -> str:
    """Why the caller reads a record; audited with every read."""
    purpose = request.headers.get(PURPOSE_HEADER, default)
    if purpose not in PURPOSES:
        raise Invalid(f"{PURPOSE_HEADER} must be one of: {', '.join(PURPOSES)}.", PURPOSE_HEADER)
    return purpose


def valid_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ma.ValidationError("Not a known IANA time zone.") from exc

