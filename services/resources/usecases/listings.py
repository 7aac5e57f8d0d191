"""Listings: each organisation (and site) owns and edits its own; reading is public."""
from __future__ import annotations

from sqlalchemy import select

from services.resources.domain.attendance import attendance_option
from services.resources.domain.meeting_guide import RowError, parse_row
from services.resources.models import Listing
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Forbidden, Invalid, NotFound

EDITORS = ("admin", "coordinator")


def create(uow: UnitOfWork, principal: Principal, fields: dict) -> Listing:
    _may_edit(principal, fields.get("site_id"))
    if _by_slug(uow, principal.organisation_id, fields["slug"]) is not None:
        raise Conflict(f"A listing with slug {fields['slug']!r} already exists.")
    listing = Listing(organisation_id=principal.organisation_id, status="active", version=1)
    apply(listing, fields, principal.subject, uow.clock.now())
    uow.session.add(listing)
    uow.session.flush()
    publish(uow, listing, "published")
    uow.commit()
    return listing


def update(uow: UnitOfWork, principal: Principal, listing_id: str, changes: dict) -> Listing:
    listing = require_own(uow, principal, listing_id)
    apply(listing, {**columns(listing), **changes}, principal.subject, uow.clock.now())
    listing.version += 1
    publish(uow, listing, "updated")
    uow.commit()
    return listing


def retire(uow: UnitOfWork, principal: Principal, listing_id: str) -> Listing:
    listing = require_own(uow, principal, listing_id)
    if listing.status != "retired":
        listing.status, listing.version, listing.updated_at = "retired", listing.version + 1, uow.clock.now()
        publish(uow, listing, "retired")
        uow.commit()
    return listing


def apply(listing: Listing, fields: dict, by: str, now) -> None:
    """Set a listing's fields, deriving the attendance option and, for meetings, the
    opening slots from Meeting Guide's day/time/end_time."""
    for name, value in fields.items():
        setattr(listing, name, value)
    if listing.kind == "meeting":
        listing.slots = [{"day": d, "opens": listing.time, "closes": listing.end_time}
                         for d in (listing.days or []) if listing.time]
    listing.attendance = attendance_option(listing.types or [], listing.approximate, listing.conference_url,
                                           listing.conference_phone)
    listing.updated_at, listing.updated_by = now, by


def check_meeting(fields: dict, default_timezone: str) -> dict:
    """A meeting's fields pass the Meeting Guide rules, or Invalid names them all."""
    try:
        return parse_row({**fields, "day": fields.get("days")}, default_timezone)
    except RowError as exc:
        raise Invalid("; ".join(exc.reasons), "meeting") from exc


def require_own(uow: UnitOfWork, principal: Principal, listing_id: str) -> Listing:
    listing = uow.session.get(Listing, str(listing_id))
    if listing is None or listing.organisation_id != principal.organisation_id:
        raise NotFound("No such listing.")
    _may_edit(principal, listing.site_id)
    return listing


def get_public(uow: UnitOfWork, listing_id: str) -> Listing:
    listing = uow.session.get(Listing, str(listing_id))
    if listing is None:
        raise NotFound("No such listing.")
    return listing


def columns(listing: Listing) -> dict:
    return {c.key: getattr(listing, c.key) for c in Listing.__table__.columns}


def _by_slug(uow: UnitOfWork, organisation_id: str, slug: str) -> Listing | None:
    return uow.session.scalars(select(Listing).where(Listing.organisation_id == organisation_id,
                                                     Listing.slug == slug)).first()


def _may_edit(principal: Principal, site_id: str | None) -> None:
    if principal.role not in EDITORS:
        raise Forbidden("Only admins and coordinators edit the directory.")
    if site_id and not principal.can_see_site(site_id):
        raise Forbidden("That listing belongs to another site.")


def publish(uow: UnitOfWork, listing: Listing, change: str) -> None:
    uow.publish(f"circles.resources.resource.{change}.v1", {
        "listing_id": listing.id, "organisation_id": listing.organisation_id, "site_id": listing.site_id,
        "kind": listing.kind, "slug": listing.slug, "name": listing.name, "status": listing.status,
        "fellowship": listing.fellowship, "attendance": listing.attendance, "timezone": listing.timezone,
        "version": listing.version}, subject=listing.id)
