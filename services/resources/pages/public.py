"""The public directory page (no login) and its embeddable twin for a café's website.

Helplines come first, as click-to-call links; then a filter form that submits GET to the
same page; then meetings and drop-ins by their next occurrence. All filtering is the
search use case's; this module only turns the form into `Query`s.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import uuid
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, request

from services.resources.pages import jsonld, wording
from services.resources.usecases import search
from shared.web.auth import public
from shared.web.common import unit_of_work
from shared.web.pages import environment, render
from shared.web.security import frameable

blp = Blueprint("directory_pages", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
wording.install(ENV)
RESULTS_MAX = 100  # per kind and attendance option; the page says when there are more
HELPLINES_MAX = 50
LATEST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
EMBED = ('<iframe src="{src}" title="Recovery meetings, drop-ins and helplines" '
         'width="100%" height="640" style="border: 0" loading="lazy"></iframe>')


@dataclasses.dataclass(frozen=True)
class Filters:
    organisation_id: str | None = None
    region: str | None = None
    day: int | None = None
    type: str | None = None
    online: bool = False
    open_now: bool = False

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Lenient: a value the form cannot send (a hand-edited URL) is simply ignored."""
        day = args.get("day", "")
        return cls(organisation_id=_uuid(args.get("organisation_id", "")),
                   region=args.get("region", "").strip()[:120] or None,
                   day=int(day) if day in {str(d) for d in range(7)} else None,
                   type=args.get("type") if args.get("type") in wording.TYPES else None,
                   online=args.get("online") == "1", open_now=args.get("open_now") == "1")

    def scope(self) -> dict:
        """The filters a visitor does not choose (whose directory, which region)."""
        return {k: v for k, v in (("organisation_id", self.organisation_id), ("region", self.region)) if v}

    def query_string(self) -> str:
        chosen = {"day": self.day, "type": self.type, "online": "1" if self.online else None,
                  "open_now": "1" if self.open_now else None}
        values = {**self.scope(), **{k: v for k, v in chosen.items() if v is not None}}
        return f"?{urlencode(values)}" if values else ""


@blp.route("/directory")
@public
def directory():
    return _page("directory.html")


@blp.route("/directory/embed")
@public
@frameable  # any café's website may frame this page: nothing private, no form that changes anything
def embed():
    return _page("directory_embed.html")


def _page(template: str):
    filters = Filters.from_args(request.args)
    with unit_of_work() as uow:
        helplines, _ = search.search(uow, search.Query(kind="helpline", organisation_id=filters.organisation_id,
                                                       per_page=HELPLINES_MAX))
        hits, total = _results(uow, filters)
    scope, host = urlencode(filters.scope()), request.host_url.rstrip("/")
    return render(ENV, template, filters=filters, helplines=helplines, hits=hits, total=total,
                  jsonld=jsonld.script(helplines, hits),
                  feed_url="/meeting-guide.json" + (f"?organisation_id={filters.organisation_id}"
                                                    if filters.organisation_id else ""),
                  scope_query=f"?{scope}" if scope else "", query_string=filters.query_string(), host=host,
                  embed_snippet=EMBED.format(src=html.escape(f"{host}/directory/embed{filters.query_string()}")))


def _results(uow, filters: Filters) -> tuple[list, int]:
    """Meetings and drop-ins, soonest first. "Online only" means any meeting joinable
    online, so hybrid ones count too: one search per kind and attendance option."""
    base = search.Query(region=filters.region, organisation_id=filters.organisation_id, day=filters.day,
                        types=(filters.type,) if filters.type else (), open_now=filters.open_now,
                        sort="next", per_page=RESULTS_MAX)
    hits, total = [], 0
    for kind in ("meeting", "dropin"):
        for attendance in (("online", "hybrid") if filters.online else (None,)):
            found, count = search.search(uow, dataclasses.replace(base, kind=kind, attendance=attendance))
            hits, total = hits + found, total + count
    # Each search is already in "next" order; this only interleaves them.
    hits.sort(key=lambda hit: (hit.next_opens or LATEST, hit.listing.name))
    return hits, total


def _uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None
