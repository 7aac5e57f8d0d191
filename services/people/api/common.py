"""What every people endpoint needs: the unit of work, the caller, the access purpose."""
from __future__ import annotations

import contextlib
import zoneinfo

import marshmallow as ma
from flask import current_app, request

from services.people.access import DEFAULT_PURPOSE, PURPOSES
from shared.errors import Invalid

PURPOSE_HEADER = "X-Access-Purpose"


@contextlib.contextmanager
def unit_of_work():
    with current_app.extensions["circles"].uow() as uow:
        yield uow


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


def strings(values: dict) -> dict:
    """UUID fields as strings, as the models store them."""
    return {k: (str(v) if k.endswith("_id") and v is not None else v) for k, v in values.items()}


class Page(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, 200))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0))
