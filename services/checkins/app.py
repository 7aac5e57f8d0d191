"""Check-ins service web application; gunicorn runs `create_app()`."""
from services.checkins.api import checkins, plans, records, rhythms
from services.checkins.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles check-ins",
        "Rhythms and sessions, check-in records, reviews, attendance, action items, starter plans.",
        [checkins.blp, rhythms.blp, records.blp, plans.blp], settings=settings, clock=clock,
    )
