"""The Meeting Guide feed: export an organisation's meetings, and import a feed (a file's
contents or a URL) by upserting on slug, with a change report.

An import is one transaction. A row that fails the rules is reported with its reasons
and changes nothing: an existing listing with that slug is kept as it was, never retired.
Only meetings whose slug is absent from the feed are retired (removed).
"""
from __future__ import annotations

import dataclasses
import json

import requests
from sqlalchemy import select

from services.resources.domain.meeting_guide import RowError, parse_row, to_row
from services.resources.models import Listing
from services.resources.usecases import listings
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid

MAX_FEED_BYTES = 10 * 1024 * 1024


@dataclasses.dataclass
class Report:
    added: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    rejected: list[dict] = dataclasses.field(default_factory=list)


def export(uow: UnitOfWork, organisation_id: str | None = None) -> list[dict]:
    query = select(Listing).where(Listing.kind == "meeting", Listing.status == "active")
    if organisation_id:
        query = query.where(Listing.organisation_id == organisation_id)
    rows = uow.session.scalars(query.order_by(Listing.slug))
    return [{**to_row(listings.columns(listing)), "attendance_option": listing.attendance} for listing in rows]


def fetch(url: str) -> object:
    try:
        response = requests.get(url, timeout=15, stream=True)
        response.raise_for_status()
        body = response.raw.read(MAX_FEED_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise Invalid(f"The feed could not be fetched: {exc}", "url") from exc
    if len(body) > MAX_FEED_BYTES:
        raise Invalid("The feed is larger than 10 MB.", "url")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise Invalid("The feed is not JSON.", "url") from exc


def import_feed(uow: UnitOfWork, principal: Principal, rows: object, default_timezone: str,
                site_id: str | None = None) -> Report:
    if not isinstance(rows, list):
        raise Invalid("A Meeting Guide feed is a JSON array of meetings.", "feed")
    if site_id and not principal.can_see_site(site_id):
        raise Forbidden("That site is not one of yours.")
    if principal.site_ids and not site_id:
        raise Invalid("Say which of your sites this feed is for (site_id).", "site_id")
    report, seen = Report(), set()
    existing, elsewhere = _meetings_in_scope(uow, principal, site_id)
    for index, row in enumerate(rows):
        slug = str(row.get("slug", "")) if isinstance(row, dict) else ""
        seen.add(slug)
        try:
            if slug in elsewhere:
                raise RowError(["that slug is a listing of another site"])
            fields = parse_row(row, default_timezone)
            too_long = _too_long(fields)
            if too_long:
                raise RowError(too_long)
        except RowError as exc:
            report.rejected.append({"index": index, "slug": slug or None, "reasons": exc.reasons})
            continue
        _upsert(uow, principal, existing.get(fields["slug"]), fields, site_id, report)
    for slug, listing in existing.items():
        if slug not in seen and listing.status == "active":
            listing.status, listing.version = "retired", listing.version + 1
            listings.publish(uow, listing, "retired")
            report.removed.append(slug)
    uow.commit()
    return report


def _meetings_in_scope(uow: UnitOfWork, principal: Principal, site_id: str | None) -> tuple[dict, set[str]]:
    """A feed for one site syncs that site's meetings only (its missing meetings retire);
    a feed without a site, the organisation's. Slugs of listings outside the scope are
    off limits: updating one would move it, re-creating it would clash."""
    listings_of_org = list(uow.session.scalars(
        select(Listing).where(Listing.organisation_id == principal.organisation_id)))
    in_scope = {listing.slug: listing for listing in listings_of_org
                if listing.kind == "meeting" and (site_id is None or listing.site_id == site_id)}
    return in_scope, {listing.slug for listing in listings_of_org} - set(in_scope)


def _too_long(fields: dict) -> list[str]:
    """Values longer than their VARCHAR(n) column: PostgreSQL refuses them (it was a 500)."""
    columns = Listing.__table__.columns
    reasons = []
    for name, value in fields.items():
        length = getattr(columns[name].type, "length", None) if name in columns else None
        if isinstance(value, str) and length and len(value) > length:
            reasons.append(f"{name} is longer than {length} characters")
    return reasons


def _upsert(uow, principal, listing: Listing | None, fields: dict, site_id, report: Report) -> None:
    fields = {k: v for k, v in fields.items() if k != "updated"}
    if listing is None:
        listing = Listing(organisation_id=principal.organisation_id, site_id=site_id, kind="meeting",
                          status="active", version=1)
        listings.apply(listing, fields, principal.subject, uow.clock.now())
        uow.session.add(listing)
        uow.session.flush()
        listings.publish(uow, listing, "published")
        report.added.append(listing.slug)
        return
    before = {k: getattr(listing, k) for k in fields}
    if before == fields and listing.status == "active":
        report.unchanged.append(listing.slug)
        return
    listings.apply(listing, {**fields, "status": "active"}, principal.subject, uow.clock.now())
    listing.version += 1
    listings.publish(uow, listing, "updated")
    report.updated.append(listing.slug)
