"""Small helpers every service's API layer uses."""
from __future__ import annotations

import contextlib

import marshmallow as ma
from flask import current_app, request

from shared.auth.purposes import DEFAULT_PURPOSE, PURPOSE_HEADER, PURPOSES
from shared.errors import Invalid


@contextlib.contextmanager
def unit_of_work():
    """The request's unit of work, from the service runtime the app was built with."""
    with current_app.extensions["circles"].uow() as uow:
        yield uow


def strings(values: dict) -> dict:
    """UUID fields as strings, as the models store them."""
    return {k: (str(v) if k.endswith("_id") and v is not None else v) for k, v in values.items()}


# An offset past any real list, small enough for every database's OFFSET (an unbounded
# integer made SQLite and PostgreSQL fail with a 500).
MAX_OFFSET = 2**31 - 1


class Page(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, 200))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, MAX_OFFSET))


class Pattern(ma.validate.Regexp):
    """Regexp that the whole value must match. marshmallow's Regexp uses re.match, where a
    closing `$` still lets a trailing newline through ("09:00\\n" passed HH:MM and then did
    not fit VARCHAR(5)); fullmatch does not. Write digits as [0-9]: `\\d` is any script's."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


class Instant(ma.fields.AwareDateTime):
    """An aware date-time (see `default_timezone` for naive input) from 1900 to 2999. At the
    ends of Python's calendar a time moved to UTC overflows ("0001-01-01T00:00+00:02",
    "9999-12-31T23:59-00:02"): a 500 wherever it was compared or stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ma.ValidationError(f"Use a time from the year {EARLIEST_YEAR} to {LATEST_YEAR}.")
        return moment


def access_purpose(default: str = DEFAULT_PURPOSE) -> str:
    """Why the caller reads a person's record (the X-Access-Purpose header); audited with every read."""
    purpose = request.headers.get(PURPOSE_HEADER, default)
    if purpose not in PURPOSES:
        raise Invalid(f"{PURPOSE_HEADER} must be one of: {', '.join(PURPOSES)}.", PURPOSE_HEADER)
    return purpose
