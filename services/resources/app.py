"""Resources service web application; gunicorn runs `create_app()`."""
from services.resources.api import directory, formats, hsds
from services.resources.pages import listing_form, public as public_pages, staff as staff_pages, staff_import
from services.resources.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles resources",
        "Public directory of meetings, drop-ins, helplines and practical services.",
        [directory.blp, hsds.blp, formats.blp], settings=settings, clock=clock,
        page_blueprints=(public_pages.blp, staff_pages.blp, listing_form.blp, staff_import.blp),
        # Every public endpoint (the directory pages and the JSON, CSV and iCalendar feeds)
        # is rate limited per client address (shared.web.ratelimit).
        public_rate_limit="directory",
    )
