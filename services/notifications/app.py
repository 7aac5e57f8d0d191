"""Notifications service web application; gunicorn runs `create_app()`."""
from services.notifications.api import notifications, templates
from services.notifications.pages import staff as staff_pages, staff_settings
from services.notifications.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles notifications",
        "Routing rules, templates, channels, delivery log and inbox.",
        [notifications.blp, templates.blp], settings=settings, clock=clock,
        page_blueprints=(staff_pages.blp, staff_settings.blp),
    )
