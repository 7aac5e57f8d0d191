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


class Page(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, 200))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0))


def access_purpose(default: str = DEFAULT_PURPOSE) -> str:
    """Why the caller reads a person's record (the X-Access-Purpose header); audited with every read."""
    purpose = request.headers.get(PURPOSE_HEADER, default)
    if purpose not in PURPOSES:
        raise Invalid(f"{PURPOSE_HEADER} must be one of: {', '.join(PURPOSES)}.", PURPOSE_HEADER)
    return purpose
