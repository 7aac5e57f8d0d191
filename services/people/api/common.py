"""What every people endpoint needs: the unit of work, the caller, the access purpose."""
from __future__ import annotations

import zoneinfo

import marshmallow as ma

from shared.auth.purposes import PURPOSE_HEADER  # noqa: F401
from shared.web.common import Page, access_purpose, strings, unit_of_work  # noqa: F401 - the API modules import them from here


def valid_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    # OSError: a folder of the zone database ("US", "Europe") is no zone but IsADirectoryError
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ma.ValidationError("Not a known IANA time zone.") from exc

