"""Check-ins service web application; gunicorn runs `create_app()`."""
from services.checkins.api.checkins import blp as checkins_blp
from services.checkins.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles check-ins", "Rhythms, sessions and check-in records.",
        [checkins_blp], settings=settings, clock=clock,
    )
