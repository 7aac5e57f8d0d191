"""Importing a Meeting Guide feed from a page: paste the JSON or give its URL, then read
the change report (added, updated, unchanged, removed, and each rejected row with its
reasons). The feed use case does the work, in one transaction, exactly as for the API."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import Blueprint, request
from werkzeug.datastructures import MultiDict

from services.resources.api.schemas import ImportIn
from services.resources.pages.staff import EDITORS, ENV, install_error_pages
from services.resources.usecases import feed
from shared.errors import Invalid
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import render, require_same_origin

blp = Blueprint("resources_staff_import", __name__)
install_error_pages(blp)
DEFAULT_TIMEZONE = "Europe/London"


@blp.route("/staff/import", methods=["GET"])
@require_roles(*EDITORS)
def form():
    return _page(MultiDict({"timezone": DEFAULT_TIMEZONE}))


@blp.route("/staff/import", methods=["POST"])
@require_roles(*EDITORS)
def run():
    require_same_origin()
    posted = request.form
    try:
        options = ImportIn().load({"url": posted.get("url", "").strip() or None,
                                   "timezone": posted.get("timezone", "").strip() or DEFAULT_TIMEZONE})
    except ma.ValidationError as invalid:
        return _page(posted, 422, {name: " ".join(texts) for name, texts in invalid.messages.items()})
    try:
        rows = _rows(posted.get("feed", "").strip(), options["url"])
        with unit_of_work() as uow:
            report = feed.import_feed(uow, current_principal(), rows, options["timezone"])
    except Invalid as invalid:
        return _page(posted, 422, {invalid.field if invalid.field == "url" else "feed": str(invalid)})
    return _page(posted, 200, report=report)


def _rows(text: str, url: str | None) -> object:
    """The pasted feed wins over a URL, as in the API."""
    if text:
        try:
            return json.loads(text)
        except ValueError as exc:
            raise Invalid(f"The pasted text is not JSON ({exc}).", "feed") from exc
    if url:
        return feed.fetch(url)
    raise Invalid("Paste the feed's JSON or give the URL it is published at.", "feed")


def _page(values, status: int = 200, errors: dict | None = None, report=None):
    return render(ENV, "staff_import.html", status=status, form=values, errors=errors or {}, report=report)
