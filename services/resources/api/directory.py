"""/listings (public search and reading; admins and coordinators edit their own),
/meeting-guide.json (the open feed) and /imports/meeting-guide."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.resources.api.schemas import ImportIn, ListingIn, ListingOut, ReportOut, SearchOut, SearchQuery
from services.resources.domain.geo import KM_PER_MILE, to_km
from services.resources.usecases import feed, listings, search
from shared.errors import Invalid
from shared.web.auth import current_principal, public, require_roles
from shared.web.common import unit_of_work

blp = Blueprint("directory", __name__, description="Meetings, drop-ins, helplines and practical services")
EDITORS = ("admin", "coordinator")


def listing_fields(body: dict) -> dict:
    """The use cases' listing fields from a loaded ListingIn body (meetings checked as Meeting Guide rows)."""
    fields = {**body, "site_id": str(body["site_id"]) if body.get("site_id") else None,
              "closed_dates": [d.isoformat() for d in body.get("closed_dates", [])]}
    if fields.get("kind") == "meeting":
        checked = listings.check_meeting(fields, fields["timezone"])
        fields.update(days=checked["days"], time=checked["time"], end_time=checked["end_time"])
    return fields


@blp.route("/listings")
class Listings(MethodView):
    @public
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, SearchOut)
    def get(self, args):
        """Search the directory (public). Filters combine; `sort=next` orders by the next
        occurrence, `sort=distance` by distance from lat/lng."""
        query = search.Query(
            kind=args["kind"], fellowship=args["fellowship"], attendance=args["attendance"], region=args["region"],
            types=tuple(args["types"]), language=args["language"], day=args["day"], time_from=args["time_from"],
            time_to=args["time_to"], open_now=args["open_now"], sort=args["sort"],
            near=(args["lat"], args["lng"]) if args["lat"] is not None else None,
            radius_km=to_km(args["radius"], args["unit"]) if args["radius"] else None, text=args["q"],
            organisation_id=str(args["organisation_id"]) if args["organisation_id"] else None,
            page=args["page"], per_page=args["per_page"])
        if query.sort == "distance" and query.near is None:
            raise Invalid("Sorting by distance needs lat and lng.", "sort")
        with unit_of_work() as uow:
            hits, total = search.search(uow, query)
        return {"items": [_hit(h, args["viewer_timezone"]) for h in hits], "total": total,
                "page": args["page"], "per_page": args["per_page"]}

    @require_roles(*EDITORS)
    @blp.arguments(ListingIn)
    @blp.response(201, ListingOut)
    def post(self, body):
        """Publish a listing of the caller's organisation; emits resource.published."""
        with unit_of_work() as uow:
            return listings.create(uow, current_principal(), listing_fields(body))


@blp.route("/listings/<uuid:listing_id>")
class ListingResource(MethodView):
    @public
    @blp.response(200, ListingOut)
    def get(self, listing_id):
        """One listing (public)."""
        with unit_of_work() as uow:
            return listings.get_public(uow, str(listing_id))

    @require_roles(*EDITORS)
    @blp.arguments(ListingIn)
    @blp.response(200, ListingOut)
    def put(self, body, listing_id):
        """Replace a listing of the caller's organisation; emits resource.updated."""
        with unit_of_work() as uow:
            return listings.update(uow, current_principal(), str(listing_id), listing_fields(body))


@blp.route("/listings/<uuid:listing_id>/retire", methods=["POST"])
@require_roles(*EDITORS)
@blp.response(200, ListingOut)
def retire(listing_id):
    """Retire a listing (kept, no longer shown); emits resource.retired."""
    with unit_of_work() as uow:
        return listings.retire(uow, current_principal(), str(listing_id))


@blp.route("/meeting-guide.json")
@public
@blp.response(200)
def meeting_guide_feed():
    """The Meeting Guide JSON feed of every active meeting (`?organisation_id=` for one)."""
    with unit_of_work() as uow:
        return feed.export(uow, request.args.get("organisation_id"))


@blp.route("/imports/meeting-guide", methods=["POST"])
@require_roles(*EDITORS)
@blp.arguments(ImportIn)
@blp.response(200, ReportOut)
def import_meeting_guide(body):
    """Import a Meeting Guide feed (the JSON, or a URL): upsert by slug; returns what was
    added, updated, unchanged, removed, and each rejected row with its reasons."""
    rows = body["feed"] if body["feed"] is not None else (feed.fetch(body["url"]) if body["url"] else None)
    if rows is None:
        raise Invalid("Send the feed itself or its URL.", "feed")
    site_id = str(body["site_id"]) if body["site_id"] else None
    with unit_of_work() as uow:
        return feed.import_feed(uow, current_principal(), rows, body["timezone"], site_id)


def _hit(hit, viewer_timezone: str) -> dict:
    return {"listing": hit.listing, "distance_km": _round(hit.distance_km),
            "distance_miles": _round(hit.distance_km / KM_PER_MILE if hit.distance_km is not None else None),
            "open_now": hit.open_now, "next_opens": hit.next_opens, "next_closes": hit.next_closes,
            "next_opens_local": search.local_label(hit.next_opens, viewer_timezone)}


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
