"""Staff pages of the directory, for the organisation's admins and coordinators: its
listings (active and retired), retiring one, and logging out. The listing form is in
`listing_form`, the feed import in `staff_import`; all of them change listings through
the same use cases as the API."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, redirect, request
from sqlalchemy import select

from services.resources.models import Listing
from services.resources.pages import wording
from services.resources.usecases import listings
from shared.errors import Forbidden, NotFound
from shared.web.auth import current_principal, require_roles
from shared.web.common import unit_of_work
from shared.web.pages import environment, render, require_same_origin

blp = Blueprint("resources_staff", __name__)
ENV = environment(Path(__file__).resolve().parents[1] / "templates")
wording.install(ENV)
EDITORS = listings.EDITORS


def install_error_pages(blueprint: Blueprint) -> None:
    """Pages answer errors with a page, not a problem document."""
    blueprint.register_error_handler(NotFound, lambda error: error_page(404, "Not found", str(error)))
    blueprint.register_error_handler(Forbidden, lambda error: error_page(403, "Not allowed", str(error)))
    # require_roles refuses with an HTTP 403; a status-code handler wins over the app's generic one.
    blueprint.register_error_handler(403, lambda error: error_page(
        403, "Not allowed", "Only the organisation's admins and coordinators edit the directory."))


def error_page(status: int, title: str, detail: str):
    return render(ENV, "staff_error.html", status=status, title=title, detail=detail)


install_error_pages(blp)



@blp.route("/staff/listings")
@require_roles(*EDITORS)
def index():
    principal = current_principal()
    with unit_of_work() as uow:
        # No use case lists an organisation's own listings with the retired ones; reading is harmless.
        rows = uow.session.scalars(select(Listing).where(Listing.organisation_id == principal.organisation_id)
                                   .order_by(Listing.status, Listing.kind, Listing.name)).all()
    visible = [row for row in rows if principal.can_see_site(row.site_id)]
    return render(ENV, "staff_listings.html", active=[r for r in visible if r.status == "active"],
                  retired=[r for r in visible if r.status == "retired"],
                  saved=request.args.get("saved"), retired_slug=request.args.get("retired"),
                  organisation_id=principal.organisation_id)


@blp.route("/staff/listings/<uuid:listing_id>/retire", methods=["POST"])
@require_roles(*EDITORS)
def retire(listing_id):
    require_same_origin()
    with unit_of_work() as uow:
        # Pressed twice (or in two tabs): the use case leaves a retired listing as it is.
        listing = listings.retire(uow, current_principal(), str(listing_id))
        slug = listing.slug
    return redirect(f"/staff/listings?retired={slug}", code=303)
