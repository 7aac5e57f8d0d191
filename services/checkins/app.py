"""Check-ins service web application; gunicorn runs `create_app()`."""
from services.checkins.api import calendars, checkins, plans, records, rhythms, self_checkin
from services.checkins.pages import self_checkin as self_checkin_pages
from services.checkins.pages import staff as staff_pages, staff_actions, staff_forms
from services.checkins.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles check-ins",
        "Rhythms and sessions, check-in records, reviews, attendance, action items, starter plans.",
        [checkins.blp, rhythms.blp, records.blp, plans.blp, self_checkin.blp, calendars.blp],
        settings=settings, clock=clock,
        page_blueprints=(self_checkin_pages.blp, staff_pages.blp, staff_forms.blp, staff_actions.blp),
    )
