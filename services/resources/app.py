"""Resources service web application; gunicorn runs `create_app()`."""
from services.resources.api import directory
from services.resources.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles resources",
        "Public directory of meetings, drop-ins, helplines and practical services.",
        [directory.blp], settings=settings, clock=clock,
    )
